#include "store/notifications.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

static void
bind_opt(struct sql_stmt *s, int i, int64_t v)
{
	if (v)
		sql_bind_int64(s, i, v);
	else
		sql_bind_null(s, i);
}

int
store_notif_insert(struct store *st, struct notification *n)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO notifications (recipient_id, kind, round_id, post_id, "
		"comment_id, chat_id, actor_id, created_at, priority_id, update_id) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, n->recipient);
	sql_bind_text(s, 2, os_notify_kind_name(n->kind), -1);
	sql_bind_int64(s, 3, n->round);
	bind_opt(s, 4, n->post);
	bind_opt(s, 5, n->comment);
	bind_opt(s, 6, n->chat);
	sql_bind_int64(s, 7, n->actor.id);
	sql_bind_int64(s, 8, n->created_at);
	bind_opt(s, 9, n->priority);
	bind_opt(s, 10, n->update);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE)
		n->id = store_last_id(st);
	return store_rc(st, rc, "notification insert");
}

int
store_notif_list(struct store *st, int64_t user_id, int64_t before, int limit,
		 struct notification **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT n.id, n.kind, n.round_id, coalesce(n.post_id, 0), "
		"coalesce(n.comment_id, 0), coalesce(n.chat_id, 0), n.created_at, "
		"n.read_at IS NOT NULL, coalesce(n.priority_id, 0), coalesce(n.update_id, 0), "
		STORE_USER_COLS("a") " FROM notifications n"
		STORE_NOTIF_VISIBLE " AND (?2 = 0 OR n.id < ?2) ORDER BY n.id DESC LIMIT ?3");
	struct notification *arr = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_int64(s, 2, before);
	sql_bind_int(s, 3, limit);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct notification *x;
		char kind[32];

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			store_done(s);
			free(arr);
			return OS_ENOMEM;
		}
		x = &arr[cnt++];
		memset(x, 0, sizeof *x);
		x->id = sql_col_int64(s, 0);
		store_col_text(s, 1, kind, sizeof kind);
		x->kind = os_notify_kind_parse(kind);
		x->recipient = user_id;
		x->round = sql_col_int64(s, 2);
		x->post = sql_col_int64(s, 3);
		x->comment = sql_col_int64(s, 4);
		x->chat = sql_col_int64(s, 5);
		x->created_at = sql_col_int64(s, 6);
		x->read = sql_col_int(s, 7);
		x->priority = sql_col_int64(s, 8);
		x->update = sql_col_int64(s, 9);
		store_read_user(s, 10, &x->actor);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "notification list");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_notif_unread(struct store *st, int64_t user_id, int64_t *count)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT count(*) FROM notifications n" STORE_NOTIF_VISIBLE
		" AND n.read_at IS NULL");
	int rc;

	*count = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*count = sql_col_int64(s, 0);
	store_done(s);
	return store_rc(st, rc, "notification count");
}

int
store_notif_mark_read(struct store *st, int64_t user_id, int64_t id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE notifications SET read_at = ?3 WHERE recipient_id = ?1 "
		"AND (?2 = 0 OR id = ?2) AND read_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_int64(s, 2, id);
	sql_bind_int64(s, 3, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "notification read");
}

int
store_user_notify_get(struct store *st, int64_t user_id, int *mode)
{
	struct sql_stmt *s = store_stmt(st, "SELECT notify FROM users WHERE id = ?1");
	char buf[16];
	int rc;

	*mode = NOTIFY_OFF;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		store_col_text(s, 0, buf, sizeof buf);
		*mode = os_notify_mode_parse(buf);
		if (*mode < 0)
			*mode = NOTIFY_OFF;
		store_done(s);
		return OS_OK;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "user notify");
}

int
store_user_notify_set(struct store *st, int64_t user_id, int mode)
{
	struct sql_stmt *s = store_stmt(st, "UPDATE users SET notify = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_text(s, 2, os_notify_mode_name(mode), -1);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && !store_changes(st))
		return OS_ENOTFOUND;
	return store_rc(st, rc, "user notify set");
}

int
store_unsub_token_add(struct store *st, int64_t user_id, const unsigned char hash[32])
{
	/* created_at: now, in whole seconds (as milliseconds). */
	struct sql_stmt *s = store_stmt(st, store_dialect(st) == SQL_POSTGRESQL
		? "INSERT INTO unsubscribe_tokens (user_id, token_hash, created_at) "
		  "VALUES (?1, ?2, floor(extract(epoch FROM now()))::bigint * 1000)"
		: "INSERT INTO unsubscribe_tokens (user_id, token_hash, created_at) "
		  "VALUES (?1, ?2, strftime('%s', 'now') * 1000)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_blob(s, 2, hash, 32);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "unsubscribe token");
}

int
store_unsub_token_user(struct store *st, const unsigned char hash[32], int64_t *user_id)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT user_id FROM unsubscribe_tokens WHERE token_hash = ?1");
	int rc;

	*user_id = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, 32);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*user_id = sql_col_int64(s, 0);
	store_done(s);
	if (rc == SQL_DONE)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "unsubscribe token");
}

int
store_round_audience(struct store *st, int64_t round, struct user **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT " STORE_USER_COLS("u") " FROM users u, rounds r "
		"WHERE r.id = ?1 AND u.disabled = 0 AND (u.role <> 'customer' OR "
		"(r.audience = 'invited' AND EXISTS (SELECT 1 FROM round_members rm "
		"WHERE rm.round_id = r.id AND rm.user_id = u.id AND rm.revoked_at IS NULL))) "
		"ORDER BY u.id");
	struct user *arr = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			store_done(s);
			free(arr);
			return OS_ENOMEM;
		}
		store_read_user(s, 0, &arr[cnt++]);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "round audience");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}
