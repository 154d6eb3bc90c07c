#include "store/users.h"

#include <string.h>

#include "base/err.h"
#include "base/lang.h"
#include "base/util.h"
#include "store/store_int.h"

/* The six user columns and then the user's own choices (lang). */
#define USER_COLS "id, username, display_name, role, org, disabled, lang"

void
store_read_user(sqlite3_stmt *s, int col, struct user *u)
{
	char role[16];

	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, col);
	store_col_text(s, col + 1, u->username, sizeof u->username);
	store_col_text(s, col + 2, u->display_name, sizeof u->display_name);
	store_col_text(s, col + 3, role, sizeof role);
	u->role = os_role_parse(role);
	store_col_text(s, col + 4, u->org, sizeof u->org);
	u->disabled = sqlite3_column_int(s, col + 5);
}

/* The columns after the six of store_read_user(), from col on. */
static void
read_own(sqlite3_stmt *s, int col, struct user *u)
{
	char lang[8];
	enum os_lang l;

	store_col_text(s, col, lang, sizeof lang);
	u->has_lang = !os_lang_parse(lang, &l);
	u->lang = u->has_lang ? (int)l : 0;
}

int
store_user_insert(struct store *st, const char *username,
		  const char *display_name, int role, const char *org,
		  const char *pw_hash, int64_t *id)
{
	sqlite3_stmt *s = store_stmt(st,
		"INSERT INTO users (username, display_name, role, org, pw_hash, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, os_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, org ? org : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, os_now_ms());
	return store_user_insert_step(st, s, id, "user insert");
}

int
store_user_insert_step(struct store *st, sqlite3_stmt *s, int64_t *id, const char *what)
{
	int rc = sqlite3_step(s);

	store_done(s);
	if (rc == SQLITE_DONE) {
		if (id)
			*id = store_last_id(st);
		return OS_OK;
	}
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return OS_EUSERTAKEN;
	return store_rc(st, rc, what);
}

int
store_user_by_name(struct store *st, const char *username, struct user *u,
		   char *hash, size_t hashsz)
{
	sqlite3_stmt *s = store_stmt(st,
		"SELECT " USER_COLS ", pw_hash FROM users WHERE username = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		store_read_user(s, 0, u);
		read_own(s, 6, u);
		if (hash)
			store_col_text(s, 7, hash, hashsz);
		store_done(s);
		return OS_OK;
	}
	store_done(s);
	return rc == SQLITE_DONE ? OS_ENOTFOUND : store_rc(st, rc, "user by name");
}

int
store_user_by_id(struct store *st, int64_t id, struct user *u)
{
	sqlite3_stmt *s = store_stmt(st,
		"SELECT " USER_COLS " FROM users WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		store_read_user(s, 0, u);
		read_own(s, 6, u);
		store_done(s);
		return OS_OK;
	}
	store_done(s);
	return rc == SQLITE_DONE ? OS_ENOTFOUND : store_rc(st, rc, "user by id");
}

int
store_user_set_hash(struct store *st, int64_t id, const char *pw_hash)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE users SET pw_hash = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, pw_hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	return store_rc(st, rc, "user set hash");
}

int
store_user_set_disabled(struct store *st, int64_t id, int disabled)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE users SET disabled = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, disabled ? 1 : 0);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc == SQLITE_DONE && sqlite3_changes(store_handle(st)) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "user set disabled");
}

int
store_user_set_display_name(struct store *st, int64_t id, const char *display_name)
{
	sqlite3_stmt *s = store_stmt(st,
		"UPDATE users SET display_name = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, display_name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc == SQLITE_DONE && sqlite3_changes(store_handle(st)) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "user set display name");
}

int
store_user_set_lang(struct store *st, int64_t id, const char *lang)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE users SET lang = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, id);
	if (lang)
		sqlite3_bind_text(s, 2, lang, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc == SQLITE_DONE && sqlite3_changes(store_handle(st)) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "user set lang");
}

int64_t
store_user_count(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT count(*) FROM users");
	int64_t n = -1;

	if (!s)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	store_done(s);
	return n;
}
