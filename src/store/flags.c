#include "store/flags.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store_int.h"
#include "store/users.h"

int
store_flag_insert(struct store *st, int target, int64_t id, int64_t round, int64_t user,
		  const char *reason)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO flags (target_kind, target_id, round_id, user_id, reason, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, os_target_name(target), -1);
	sql_bind_int64(s, 2, id);
	sql_bind_int64(s, 3, round);
	sql_bind_int64(s, 4, user);
	sql_bind_text(s, 5, reason, -1);
	sql_bind_int64(s, 6, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "flag insert");
}

int
store_flag_open_count(struct store *st, int target, int64_t id, int64_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT count(DISTINCT user_id) FROM flags WHERE target_kind = ?1 AND "
		"target_id = ?2 AND resolved_at IS NULL");
	int rc;

	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, os_target_name(target), -1);
	sql_bind_int64(s, 2, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*n = sql_col_int64(s, 0);
	store_done(s);
	return rc == SQL_ROW ? OS_OK : store_rc(st, rc, "flag count");
}

int
store_flags_resolve(struct store *st, int target, int64_t id)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE flags SET resolved_at = ?3 WHERE target_kind = ?1 AND target_id = ?2 "
		"AND resolved_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, os_target_name(target), -1);
	sql_bind_int64(s, 2, id);
	sql_bind_int64(s, 3, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "flags resolve");
}

void
store_flagged_free(struct flagged *arr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(arr[i].title);
		free(arr[i].body);
		free(arr[i].reasons);
		free(arr[i].edits);
	}
	free(arr);
}

int
store_flag_queue(struct store *st, int64_t round, int limit, struct flagged **out,
		 size_t *n)
{
	/* One row per flagged item, with its text and author from whichever
	 * table it lives in. */
	/* The reasons and a comment's earlier texts come as JSON arrays,
	 * built by each engine's own JSON functions. */
#define FLAG_QUEUE(reasons, edits) \
		"SELECT f.target_kind, f.target_id, f.round_id, count(DISTINCT f.user_id), " \
		"max(f.created_at), " reasons ", " \
		"coalesce(p.hidden, c.hidden, m.hidden), p.title, " \
		"coalesce(p.body, c.body, m.body), " \
		"coalesce(p.author_id, c.author_id, m.author_id) AS author, " \
		"coalesce(p.id, c.post_id), " edits " " \
		"FROM flags f " \
		"LEFT JOIN posts p ON f.target_kind = 'post' AND p.id = f.target_id " \
		"LEFT JOIN comments c ON f.target_kind = 'comment' AND c.id = f.target_id " \
		"LEFT JOIN chat_messages m ON f.target_kind = 'chat' AND m.id = f.target_id " \
		"WHERE f.resolved_at IS NULL AND (?1 = 0 OR f.round_id = ?1) " \
		"GROUP BY f.target_kind, f.target_id, f.round_id, p.id, c.id, m.id " \
		"ORDER BY max(f.id) DESC LIMIT ?2"
	struct sql_stmt *s = store_stmt(st, store_dialect(st) == SQL_POSTGRESQL
		? FLAG_QUEUE("json_agg(f.reason ORDER BY f.id)::text",
			     "coalesce((SELECT json_agg(json_build_object('body', e.body, "
			     "'at', e.edited_at) ORDER BY e.id)::text FROM comment_edits e "
			     "WHERE e.comment_id = c.id), '[]')")
		: FLAG_QUEUE("json_group_array(f.reason)",
			     "(SELECT json_group_array(json_object('body', e.body, 'at', "
			     "e.edited_at)) FROM (SELECT body, edited_at FROM comment_edits "
			     "WHERE comment_id = c.id ORDER BY id) e)"));
#undef FLAG_QUEUE
	struct flagged *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_int(s, 2, limit);
	while ((rc = sql_step(s)) == SQL_ROW) {
		int has_title = sql_col_type(s, 7) != SQL_NULL;
		struct flagged *q;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		q = &arr[cnt++];
		memset(q, 0, sizeof *q);
		q->target = os_target_parse((const char *)sql_col_text(s, 0));
		q->id = sql_col_int64(s, 1);
		q->round = sql_col_int64(s, 2);
		q->count = sql_col_int64(s, 3);
		q->last_at = sql_col_int64(s, 4);
		q->reasons = store_col_dup(s, 5);
		q->hidden = sql_col_int(s, 6);
		if (has_title)
			q->title = store_col_dup(s, 7);
		q->body = store_col_dup(s, 8);
		q->author.id = sql_col_int64(s, 9);
		q->post = sql_col_int64(s, 10);
		/* "[]": never edited, no history. */
		if (sql_col_type(s, 11) != SQL_NULL &&
		    strcmp((const char *)sql_col_text(s, 11) ? (const char *)
			   sql_col_text(s, 11) : "", "[]") != 0 &&
		    !(q->edits = store_col_dup(s, 11))) {
			err = OS_ENOMEM;
			break;
		}
		/* A title that could not be copied is not "no title". */
		if (!q->reasons || !q->body || (has_title && !q->title)) {
			err = OS_ENOMEM;
			break;
		}
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "flag queue");
	for (size_t i = 0; !err && i < cnt; i++)
		err = store_user_by_id(st, arr[i].author.id, &arr[i].author);
	if (err) {
		store_flagged_free(arr, cnt);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}
