#include "store/dirusers.h"

#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store_int.h"

int
store_diruser_source(struct store *st, int64_t id, char out[STORE_SOURCE_SZ])
{
	struct sql_stmt *s = store_stmt(st, "SELECT source FROM users WHERE id = ?1");
	int rc;

	out[0] = '\0';
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		store_col_text(s, 0, out, STORE_SOURCE_SZ);
	store_done(s);
	if (rc == SQL_ROW)
		return OS_OK;
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "user source");
}

int
store_diruser_insert(struct store *st, const char *username, const char *display_name,
		     const char *email, int role, const char *org, int64_t *id)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO users (username, display_name, role, org, pw_hash, "
		"created_at, email, source) "
		"VALUES (?1, ?2, ?3, ?4, '', ?5, ?6, 'directory')");

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, username, -1);
	sql_bind_text(s, 2, display_name, -1);
	sql_bind_text(s, 3, os_role_name(role), -1);
	sql_bind_text(s, 4, org ? org : "", -1);
	sql_bind_int64(s, 5, os_now_ms());
	sql_bind_text(s, 6, email ? email : "", -1);
	return store_user_insert_step(st, s, id, "directory user insert");
}

int
store_diruser_update(struct store *st, int64_t id, const char *display_name,
		     const char *email, int role)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE users SET display_name = ?2, email = ?3, role = ?4, "
		"source = 'directory' WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, display_name, -1);
	sql_bind_text(s, 3, email ? email : "", -1);
	sql_bind_text(s, 4, os_role_name(role), -1);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && store_changes(st) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "directory user update");
}
