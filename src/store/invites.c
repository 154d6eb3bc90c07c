#include "store/invites.h"

#include <string.h>

#include "base/err.h"
#include "base/model.h"
#include "base/util.h"
#include "store/store_int.h"

int
store_invite_insert(struct store *st, const unsigned char hash[32], int role,
		    int64_t round, int64_t created_by, int64_t expires_at, const char *org,
		    int64_t *id)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO invites (token_hash, role, round_id, created_by, created_at, "
		"expires_at, org) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, 32);
	sql_bind_text(s, 2, os_role_name(role), -1);
	if (round)
		sql_bind_int64(s, 3, round);
	if (created_by)
		sql_bind_int64(s, 4, created_by);
	sql_bind_int64(s, 5, os_now_ms());
	sql_bind_int64(s, 6, expires_at);
	if (org)
		sql_bind_text(s, 7, org, -1);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && id)
		*id = store_last_id(st);
	return store_rc(st, rc, "invite insert");
}

int
store_invite_by_hash(struct store *st, const unsigned char hash[32], struct invite *inv)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT id, role, round_id, created_by, expires_at, used_at, org FROM invites "
		"WHERE token_hash = ?1");
	int rc;

	memset(inv, 0, sizeof *inv);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_blob(s, 1, hash, 32);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		inv->id = sql_col_int64(s, 0);
		inv->role = os_role_parse((const char *)sql_col_text(s, 1));
		inv->round = sql_col_int64(s, 2);
		inv->created_by = sql_col_int64(s, 3);
		inv->expires_at = sql_col_int64(s, 4);
		inv->used_at = sql_col_int64(s, 5);
		inv->has_org = sql_col_type(s, 6) != SQL_NULL;
		if (inv->has_org)
			store_col_text(s, 6, inv->org, sizeof inv->org);
		rc = OS_OK;
	} else {
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "invite get");
	}
	store_done(s);
	return rc;
}

int
store_invite_use(struct store *st, int64_t id, int64_t user_id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE invites SET used_at = ?3, used_by = ?2 WHERE id = ?1 AND used_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int64(s, 2, user_id);
	sql_bind_int64(s, 3, now);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && !store_changes(st))
		return OS_EINVUSED;
	return store_rc(st, rc, "invite use");
}
