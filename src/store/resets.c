#include "store/resets.h"

#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

int
store_reset_insert(struct store *st, const unsigned char hash[32], int64_t user_id,
		   int64_t created_by, int64_t now, int64_t expires_at, int64_t *id)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO password_resets (token_hash, user_id, created_by, created_at, "
		"expires_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, 32);
	sql_bind_int64(s, 2, user_id);
	if (created_by)
		sql_bind_int64(s, 3, created_by);
	sql_bind_int64(s, 4, now);
	sql_bind_int64(s, 5, expires_at);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && id)
		*id = store_last_id(st);
	return store_rc(st, rc, "reset insert");
}

int
store_reset_by_hash(struct store *st, const unsigned char hash[32], struct password_reset *r)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT id, user_id, created_by, expires_at, used_at FROM password_resets "
		"WHERE token_hash = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, 32);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		memset(r, 0, sizeof *r);
		r->id = sql_col_int64(s, 0);
		r->user_id = sql_col_int64(s, 1);
		r->created_by = sql_col_int64(s, 2);
		r->expires_at = sql_col_int64(s, 3);
		r->used_at = sql_col_int64(s, 4);
		store_done(s);
		return OS_OK;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "reset by hash");
}

int
store_reset_use(struct store *st, int64_t id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE password_resets SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int64(s, 2, now);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && store_changes(st) == 0)
		return OS_ECONFLICT;
	return store_rc(st, rc, "reset use");
}

int
store_reset_expire_user(struct store *st, int64_t user_id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE password_resets SET expires_at = ?2 "
		"WHERE user_id = ?1 AND used_at IS NULL AND expires_at > ?2");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_int64(s, 2, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "reset expire user");
}
