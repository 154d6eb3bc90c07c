#include "store/sessions.h"

#include "base/err.h"
#include "store/store_int.h"
#include "store/users.h"

int
store_session_insert(struct store *st, const unsigned char hash[OS_TOKEN_HASH_LEN],
		     int64_t user_id, int64_t now, int64_t expires_at,
		     int64_t *session_id)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO sessions (token_hash, user_id, created_at, last_seen, "
		"expires_at) VALUES (?1, ?2, ?3, ?3, ?4)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, OS_TOKEN_HASH_LEN);
	sql_bind_int64(s, 2, user_id);
	sql_bind_int64(s, 3, now);
	sql_bind_int64(s, 4, expires_at);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && session_id)
		*session_id = store_last_id(st);
	return store_rc(st, rc, "session insert");
}

int
store_session_lookup(struct store *st, const unsigned char hash[OS_TOKEN_HASH_LEN],
		     int64_t now, int64_t idle_ms, struct user *u,
		     int64_t *session_id, int64_t *last_seen)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT s.id, s.last_seen, u.id FROM sessions s "
		"JOIN users u ON u.id = s.user_id "
		"WHERE s.token_hash = ?1 AND s.revoked_at IS NULL "
		"AND s.expires_at > ?2 AND s.last_seen > ?3 AND u.disabled = 0");
	int64_t uid;
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, OS_TOKEN_HASH_LEN);
	sql_bind_int64(s, 2, now);
	sql_bind_int64(s, 3, now - idle_ms);
	rc = sql_step(s);
	if (rc != SQL_ROW) {
		store_done(s);
		return rc == SQL_DONE ? OS_EUNAUTH : store_rc(st, rc, "session lookup");
	}
	if (session_id)
		*session_id = sql_col_int64(s, 0);
	if (last_seen)
		*last_seen = sql_col_int64(s, 1);
	uid = sql_col_int64(s, 2);
	store_done(s);
	/* A user the store cannot read now is not a signed-out user. */
	rc = store_user_by_id(st, uid, u);
	return rc == OS_ENOTFOUND ? OS_EUNAUTH : rc;
}

int
store_session_touch(struct store *st, int64_t session_id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st, "UPDATE sessions SET last_seen = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, session_id);
	sql_bind_int64(s, 2, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "session touch");
}

int
store_session_revoke(struct store *st, const unsigned char hash[OS_TOKEN_HASH_LEN],
		     int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE sessions SET revoked_at = ?2 "
		"WHERE token_hash = ?1 AND revoked_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, OS_TOKEN_HASH_LEN);
	sql_bind_int64(s, 2, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "session revoke");
}

int
store_session_revoke_user(struct store *st, int64_t user_id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE sessions SET revoked_at = ?2 "
		"WHERE user_id = ?1 AND revoked_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_int64(s, 2, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "session revoke user");
}

int
store_session_revoke_others(struct store *st, int64_t user_id,
			    const unsigned char keep[OS_TOKEN_HASH_LEN], int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE sessions SET revoked_at = ?2 "
		"WHERE user_id = ?1 AND revoked_at IS NULL AND token_hash <> ?3");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_int64(s, 2, now);
	sql_bind_blob(s, 3, keep, OS_TOKEN_HASH_LEN);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "session revoke others");
}
