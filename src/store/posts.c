#include "store/posts.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/files.h"
#include "store/store_int.h"

/* viewer's vote: value in updown rounds, dots in dots rounds. A post's
 * comment count includes the comments of the posts merged into it, which
 * show on its page. */
#define POST_SELECT                                                           \
	"SELECT p.id, p.round_id, p.kind, p.title, p.body, p.body_html, "     \
	"p.created_at, p.status, p.hidden, p.merged_into, p.comment_count + " \
	"(SELECT ifnull(sum(m.comment_count), 0) FROM posts m "             \
	"WHERE m.merged_into = p.id), "                                       \
	"r.vote_mode, (SELECT priority_id FROM priority_posts pp "            \
	"WHERE pp.post_id = p.id), "                                          \
	"(SELECT CASE r.vote_mode WHEN 'dots' THEN v.dots ELSE v.value END "  \
	"FROM votes v WHERE v.post_id = p.id AND v.user_id = ?1), "           \
	STORE_USER_COLS("u") ", p.revision, p.edited_at, p.blocks, "        \
	"(SELECT count(*) FROM files f WHERE f.post_id = p.id) "               \
	"FROM posts p JOIN rounds r ON r.id = p.round_id "                    \
	"JOIN users u ON u.id = p.author_id "

int
store_post_tally(struct store *st, int64_t post, struct tally *t)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT role, up, down, dots FROM post_tallies WHERE post_id = ?1");
	int rc;

	memset(t, 0, sizeof *t);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	while ((rc = sql_step(s)) == SQL_ROW) {
		int role = os_role_parse((const char *)sql_col_text(s, 0));

		if (role < 0)
			continue;
		/* PostgreSQL keeps a row per role and connection that voted
		 * (schema/postgresql/004): the tally is their sum. */
		t->up[role] += sql_col_int64(s, 1);
		t->down[role] += sql_col_int64(s, 2);
		t->dots[role] += sql_col_int64(s, 3);
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "post tally");
}

static int
read_post(struct store *st, struct sql_stmt *s, struct post *p)
{
	char buf[16];

	memset(p, 0, sizeof *p);
	p->id = sql_col_int64(s, 0);
	p->round = sql_col_int64(s, 1);
	store_col_text(s, 2, buf, sizeof buf);
	p->kind = os_kind_parse(buf);
	p->title = store_col_dup(s, 3);
	p->body = store_col_dup(s, 4);
	p->body_html = store_col_dup(s, 5);
	p->created_at = sql_col_int64(s, 6);
	store_col_text(s, 7, buf, sizeof buf);
	p->status = os_status_parse(buf);
	p->hidden = sql_col_int(s, 8);
	p->merged_into = sql_col_int64(s, 9);
	p->comment_count = sql_col_int64(s, 10) + store_comments_pending(st, p->id);
	store_col_text(s, 11, buf, sizeof buf);
	p->vote_mode = os_vote_mode_parse(buf);
	p->priority = sql_col_int64(s, 12);
	p->my_vote = sql_col_int(s, 13);
	p->has_my_vote = 1;
	store_read_user(s, 14, &p->author);
	p->revision = sql_col_int(s, 20);
	p->edited_at = sql_col_int64(s, 21);
	p->blocks = sql_col_int(s, 22);
	if (!p->title || !p->body || !p->body_html) {
		post_clear(p);
		return OS_ENOMEM;
	}
	/* Every POST carries its files (most have none: no second query). */
	if (sql_col_int64(s, 23) > 0) {
		int rc = store_files_by_post(st, p->id, &p->files, &p->nfiles);

		if (rc)
			post_clear(p);
		return rc;
	}
	return OS_OK;
}

int
store_post_insert(struct store *st, struct post *p)
{
	struct sql_stmt *s;
	char *vec;
	int rc;

	if ((rc = store_fts_new_post(st, p->title, p->body, &vec)))
		return rc;
	s = store_stmt(st, vec ? "INSERT INTO posts (round_id, kind, title, body, body_html, "
				 "author_id, created_at, blocks, search) "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CAST(?9 AS tsvector))"
			       : "INSERT INTO posts (round_id, kind, title, body, body_html, "
				 "author_id, created_at, blocks) "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!s) {
		free(vec);
		return OS_EINTERNAL;
	}
	sql_bind_int64(s, 1, p->round);
	sql_bind_text(s, 2, os_kind_name(p->kind), -1);
	sql_bind_text(s, 3, p->title, -1);
	sql_bind_text(s, 4, p->body, -1);
	sql_bind_text(s, 5, p->body_html, -1);
	sql_bind_int64(s, 6, p->author.id);
	sql_bind_int64(s, 7, p->created_at);
	sql_bind_int(s, 8, p->blocks);
	if (vec)
		sql_bind_text(s, 9, vec, -1);
	rc = sql_step(s);
	store_done(s);
	free(vec);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "post insert");
	p->id = store_last_id(st);
	return store_fts_note_post(st, p->id);
}

int
store_post_get(struct store *st, int64_t id, int64_t viewer_id, struct post *p)
{
	int rc = store_post_get_untallied(st, id, viewer_id, p);

	if (rc == OS_OK && (rc = store_post_tally(st, id, &p->tally)))
		post_clear(p);
	return rc;
}

int
store_post_get_untallied(struct store *st, int64_t id, int64_t viewer_id, struct post *p)
{
	struct sql_stmt *s = store_stmt(st, POST_SELECT "WHERE p.id = ?2");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, viewer_id);
	sql_bind_int64(s, 2, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_post(st, s, p);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "post get");
	store_done(s);
	return rc;
}

int
store_posts_by_round(struct store *st, int64_t round, int64_t viewer_id,
		     int with_hidden, struct post **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		POST_SELECT "WHERE p.round_id = ?2 AND (?3 <> 0 OR p.hidden = 0) ORDER BY p.id");
	struct post *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, viewer_id);
	sql_bind_int64(s, 2, round);
	sql_bind_int(s, 3, with_hidden ? 1 : 0);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr) ||
		    read_post(st, s, &arr[cnt])) {
			err = OS_ENOMEM;
			break;
		}
		cnt++;
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "posts by round");
	for (size_t i = 0; !err && i < cnt; i++)
		err = store_post_tally(st, arr[i].id, &arr[i].tally);
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			post_clear(&arr[i]);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_post_set_hidden(struct store *st, int64_t post, int hidden)
{
	return store_update_int(st, "UPDATE posts SET hidden = ?2 WHERE id = ?1", post,
				hidden ? 1 : 0, "post hide");
}

int
store_post_set_merged(struct store *st, int64_t post, int64_t target)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE posts SET status = 'merged', merged_into = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	sql_bind_int64(s, 2, target);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "post merge");
}

int
store_post_move_votes(struct store *st, int64_t from, int64_t into)
{
	struct sql_stmt *rec = store_stmt(st,
		"INSERT INTO merge_moved_votes (post_id, user_id) "
		"SELECT ?1, user_id FROM votes WHERE post_id = ?1 AND user_id NOT IN "
		"(SELECT user_id FROM votes WHERE post_id = ?2) ON CONFLICT DO NOTHING");
	struct sql_stmt *mv = store_stmt(st,
		"UPDATE votes SET post_id = ?2 WHERE post_id = ?1 AND user_id NOT IN "
		"(SELECT user_id FROM votes WHERE post_id = ?2)");
	struct sql_stmt *rm = store_stmt(st, "DELETE FROM votes WHERE post_id = ?1");
	int rc;

	if (!rec || !mv || !rm)
		return OS_EINTERNAL;
	/* Which votes move, for post.unmerge. */
	sql_bind_int64(rec, 1, from);
	sql_bind_int64(rec, 2, into);
	rc = sql_step(rec);
	store_done(rec);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "record moved votes");
	sql_bind_int64(mv, 1, from);
	sql_bind_int64(mv, 2, into);
	rc = sql_step(mv);
	store_done(mv);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "move votes");
	sql_bind_int64(rm, 1, from);
	rc = sql_step(rm);
	store_done(rm);
	return store_rc(st, rc, "drop votes");
}

int
store_post_unmerge(struct store *st, int64_t post, int64_t target)
{
	struct sql_stmt *mv = store_stmt(st,
		"UPDATE votes SET post_id = ?1 WHERE post_id = ?2 AND user_id IN "
		"(SELECT user_id FROM merge_moved_votes WHERE post_id = ?1)");
	struct sql_stmt *forget = store_stmt(st,
		"DELETE FROM merge_moved_votes WHERE post_id = ?1");
	struct sql_stmt *reopen = store_stmt(st,
		"UPDATE posts SET status = 'open', merged_into = NULL WHERE id = ?1");
	int rc;

	if (!mv || !forget || !reopen)
		return OS_EINTERNAL;
	sql_bind_int64(mv, 1, post);
	sql_bind_int64(mv, 2, target);
	rc = sql_step(mv);
	store_done(mv);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "move votes back");
	sql_bind_int64(forget, 1, post);
	rc = sql_step(forget);
	store_done(forget);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "forget moved votes");
	sql_bind_int64(reopen, 1, post);
	rc = sql_step(reopen);
	store_done(reopen);
	return store_rc(st, rc, "post unmerge");
}
