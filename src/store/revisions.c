#include "store/revisions.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

int
store_post_revise(struct store *st, struct post *p, int64_t editor, int64_t at)
{
	struct sql_stmt *s;
	int rc;

	/* The index's update trigger takes the old text out: a post new in
	 * this group must be in the index first. */
	if ((rc = store_fts_flush(st)))
		return rc;
	s = store_stmt(st, "UPDATE posts SET title = ?2, body = ?3, body_html = ?4, "
			   "blocks = ?5, revision = revision + 1, edited_at = ?6 "
			   "WHERE id = ?1 RETURNING revision");
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, p->id);
	sql_bind_text(s, 2, p->title, -1);
	sql_bind_text(s, 3, p->body, -1);
	sql_bind_text(s, 4, p->body_html, -1);
	sql_bind_int(s, 5, p->blocks);
	sql_bind_int64(s, 6, at);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		p->revision = sql_col_int(s, 0);
		rc = sql_step(s);
	} else if (rc == SQL_DONE) {
		store_done(s);
		return OS_ENOTFOUND;
	}
	store_done(s);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "post revise");
	if ((rc = store_fts_edited_post(st, p->id)))
		return rc;
	p->edited_at = at;
	s = store_stmt(st, "INSERT INTO post_revisions (post_id, revision, title, body, "
			   "author_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, p->id);
	sql_bind_int(s, 2, p->revision);
	sql_bind_text(s, 3, p->title, -1);
	sql_bind_text(s, 4, p->body, -1);
	sql_bind_int64(s, 5, editor);
	sql_bind_int64(s, 6, at);
	rc = sql_step(s);
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "post revision insert");
}

void
store_post_revisions_free(struct post_revision *arr, size_t n)
{
	for (size_t i = 0; arr && i < n; i++) {
		free(arr[i].title);
		free(arr[i].body);
	}
	free(arr);
}

int
store_post_revisions(struct store *st, int64_t post, struct post_revision **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT v.revision, v.title, v.body, v.created_at, " STORE_USER_COLS("u")
		" FROM post_revisions v JOIN users u ON u.id = v.author_id "
		"WHERE v.post_id = ?1 ORDER BY v.revision");
	struct post_revision *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct post_revision *v;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		v = &arr[cnt++];
		memset(v, 0, sizeof *v);
		v->revision = sql_col_int(s, 0);
		v->title = store_col_dup(s, 1);
		v->body = store_col_dup(s, 2);
		v->created_at = sql_col_int64(s, 3);
		store_read_user(s, 4, &v->author);
		if (!v->title || !v->body) {
			err = OS_ENOMEM;
			break;
		}
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "post revisions");
	if (err) {
		store_post_revisions_free(arr, cnt);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_comment_edit(struct store *st, int64_t id, const char *body, const char *body_html,
		   int64_t editor, int64_t at)
{
	struct sql_stmt *s;
	int rc;

	if ((rc = store_fts_flush(st)))
		return rc;
	s = store_stmt(st, "INSERT INTO comment_edits (comment_id, body, edited_by, edited_at) "
			   "SELECT id, body, ?2, ?3 FROM comments WHERE id = ?1");
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int64(s, 2, editor);
	sql_bind_int64(s, 3, at);
	rc = sql_step(s);
	store_done(s);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "comment edit history");
	if (!store_changes(st))
		return OS_ENOTFOUND;
	s = store_stmt(st, "UPDATE comments SET body = ?2, body_html = ?3, edited_at = ?4 "
			   "WHERE id = ?1");
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, body, -1);
	sql_bind_text(s, 3, body_html, -1);
	sql_bind_int64(s, 4, at);
	rc = sql_step(s);
	store_done(s);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "comment edit");
	return store_fts_edited_comment(st, id);
}

int
store_comment_set_anchor(struct store *st, int64_t id, int block)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE comments SET anchor_block = ?2, anchor_outdated = ?3 "
		"WHERE id = ?1 AND anchor_quote IS NOT NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	if (block >= 0)
		sql_bind_int(s, 2, block);
	sql_bind_int(s, 3, block < 0);
	rc = sql_step(s);
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "comment anchor");
}
