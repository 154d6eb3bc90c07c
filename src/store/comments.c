#include "store/comments.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

#define COMMENT_SELECT                                                      \
	"SELECT c.id, c.post_id, p.round_id, c.parent_id, c.body, c.body_html, " \
	"c.created_at, c.hidden, " STORE_USER_COLS("u") ", c.anchor_block, "  \
	"c.anchor_quote, c.anchor_outdated, c.edited_at FROM comments c "    \
	"JOIN posts p ON p.id = c.post_id JOIN users u ON u.id = c.author_id "

static int
read_comment(struct sql_stmt *s, struct comment *c)
{
	memset(c, 0, sizeof *c);
	c->id = sql_col_int64(s, 0);
	c->post = sql_col_int64(s, 1);
	c->from_post = c->post;
	c->round = sql_col_int64(s, 2);
	c->parent = sql_col_int64(s, 3);
	c->body = store_col_dup(s, 4);
	c->body_html = store_col_dup(s, 5);
	c->created_at = sql_col_int64(s, 6);
	c->hidden = sql_col_int(s, 7);
	store_read_user(s, 8, &c->author);
	c->anchor_block = sql_col_type(s, 14) == SQL_NULL ? -1
								    : sql_col_int(s, 14);
	if (sql_col_type(s, 15) != SQL_NULL && !(c->anchor_quote = store_col_dup(s, 15))) {
		comment_clear(c);
		return OS_ENOMEM;
	}
	c->anchor_outdated = sql_col_int(s, 16);
	c->edited_at = sql_col_int64(s, 17);
	if (!c->body || !c->body_html) {
		comment_clear(c);
		return OS_ENOMEM;
	}
	return OS_OK;
}

int
store_comment_insert(struct store *st, struct comment *c)
{
	struct sql_stmt *s;
	char *vec;
	int rc;

	if ((rc = store_fts_new_comment(st, c->body, &vec)))
		return rc;
	s = store_stmt(st, vec ? "INSERT INTO comments (post_id, parent_id, body, body_html, "
				 "author_id, created_at, anchor_block, anchor_quote, search) "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CAST(?9 AS tsvector))"
			       : "INSERT INTO comments (post_id, parent_id, body, body_html, "
				 "author_id, created_at, anchor_block, anchor_quote) "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!s) {
		free(vec);
		return OS_EINTERNAL;
	}
	sql_bind_int64(s, 1, c->post);
	if (c->parent)
		sql_bind_int64(s, 2, c->parent);
	sql_bind_text(s, 3, c->body, -1);
	sql_bind_text(s, 4, c->body_html, -1);
	sql_bind_int64(s, 5, c->author.id);
	sql_bind_int64(s, 6, c->created_at);
	if (c->anchor_quote) {
		sql_bind_int(s, 7, c->anchor_block);
		sql_bind_text(s, 8, c->anchor_quote, -1);
	}
	if (vec)
		sql_bind_text(s, 9, vec, -1);
	rc = sql_step(s);
	store_done(s);
	free(vec);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "comment insert");
	c->id = store_last_id(st);
	if ((rc = store_count_comment(st, c->post)))
		return rc;
	return store_fts_note_comment(st, c->id);
}

int
store_comment_get(struct store *st, int64_t id, struct comment *c)
{
	struct sql_stmt *s = store_stmt(st, COMMENT_SELECT "WHERE c.id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_comment(s, c);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "comment get");
	store_done(s);
	return rc;
}

int
store_comments_by_post(struct store *st, int64_t post, int with_hidden,
		       struct comment **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st, COMMENT_SELECT
		"WHERE (c.post_id = ?1 OR p.merged_into = ?1) AND (?2 <> 0 OR c.hidden = 0) "
		"ORDER BY c.id");
	struct comment *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	sql_bind_int(s, 2, with_hidden ? 1 : 0);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr) ||
		    read_comment(s, &arr[cnt])) {
			err = OS_ENOMEM;
			break;
		}
		/* A comment written on a merged post is shown on its target. */
		arr[cnt].post = post;
		cnt++;
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "comments by post");
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			comment_clear(&arr[i]);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_comment_set_hidden(struct store *st, int64_t id, int hidden)
{
	return store_update_int(st, "UPDATE comments SET hidden = ?2 WHERE id = ?1", id,
				hidden ? 1 : 0, "comment hide");
}
