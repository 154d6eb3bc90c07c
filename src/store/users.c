#include "store/users.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/lang.h"
#include "base/util.h"
#include "store/store_int.h"

/* The six user columns and then the user's own choices (lang). */
#define USER_COLS "id, username, display_name, role, org, disabled, lang"

/* Usernames compare without regard to case: SQLite's column is COLLATE
 * NOCASE; PostgreSQL's unique index is on lower(username) (its schema
 * says why), and this condition uses it. */
#define USERNAME_IS_PG "lower(username) = lower(?1)"

void
store_read_user(struct sql_stmt *s, int col, struct user *u)
{
	char role[16];

	memset(u, 0, sizeof *u);
	u->id = sql_col_int64(s, col);
	store_col_text(s, col + 1, u->username, sizeof u->username);
	store_col_text(s, col + 2, u->display_name, sizeof u->display_name);
	store_col_text(s, col + 3, role, sizeof role);
	u->role = os_role_parse(role);
	store_col_text(s, col + 4, u->org, sizeof u->org);
	u->disabled = sql_col_int(s, col + 5);
}

/* The columns after the six of store_read_user(), from col on. */
static void
read_own(struct sql_stmt *s, int col, struct user *u)
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
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO users (username, display_name, role, org, pw_hash, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, username, -1);
	sql_bind_text(s, 2, display_name, -1);
	sql_bind_text(s, 3, os_role_name(role), -1);
	sql_bind_text(s, 4, org ? org : "", -1);
	sql_bind_text(s, 5, pw_hash, -1);
	sql_bind_int64(s, 6, os_now_ms());
	return store_user_insert_step(st, s, id, "user insert");
}

int
store_user_insert_step(struct store *st, struct sql_stmt *s, int64_t *id, const char *what)
{
	int rc = sql_step(s);

	store_done(s);
	if (rc == SQL_DONE) {
		if (id)
			*id = store_last_id(st);
		return OS_OK;
	}
	if ((rc & 0xff) == SQL_CONSTRAINT)
		return OS_EUSERTAKEN;
	return store_rc(st, rc, what);
}

int
store_user_by_name(struct store *st, const char *username, struct user *u,
		   char *hash, size_t hashsz)
{
	struct sql_stmt *s = store_stmt(st, store_dialect(st) == SQL_POSTGRESQL
		? "SELECT " USER_COLS ", pw_hash FROM users WHERE " USERNAME_IS_PG
		: "SELECT " USER_COLS ", pw_hash FROM users WHERE username = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, username, -1);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		store_read_user(s, 0, u);
		read_own(s, 6, u);
		if (hash)
			store_col_text(s, 7, hash, hashsz);
		store_done(s);
		return OS_OK;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "user by name");
}

int
store_user_by_id(struct store *st, int64_t id, struct user *u)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT " USER_COLS " FROM users WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		store_read_user(s, 0, u);
		read_own(s, 6, u);
		store_done(s);
		return OS_OK;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "user by id");
}

int
store_user_set_hash(struct store *st, int64_t id, const char *pw_hash)
{
	struct sql_stmt *s = store_stmt(st, "UPDATE users SET pw_hash = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, pw_hash, -1);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "user set hash");
}

int
store_user_set_disabled(struct store *st, int64_t id, int disabled)
{
	struct sql_stmt *s = store_stmt(st, "UPDATE users SET disabled = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int(s, 2, disabled ? 1 : 0);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && store_changes(st) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "user set disabled");
}

int
store_user_set_display_name(struct store *st, int64_t id, const char *display_name)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE users SET display_name = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, display_name, -1);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && store_changes(st) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "user set display name");
}

int
store_user_set_lang(struct store *st, int64_t id, const char *lang)
{
	struct sql_stmt *s = store_stmt(st, "UPDATE users SET lang = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	if (lang)
		sql_bind_text(s, 2, lang, -1);
	else
		sql_bind_null(s, 2);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && store_changes(st) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "user set lang");
}

int64_t
store_user_count(struct store *st)
{
	struct sql_stmt *s = store_stmt(st, "SELECT count(*) FROM users");
	int64_t n = -1;

	if (!s)
		return -1;
	if (sql_step(s) == SQL_ROW)
		n = sql_col_int64(s, 0);
	store_done(s);
	return n;
}

#define ACCOUNT_COLS USER_COLS ", email, source, last_seen_at"

/* Reads the columns of ACCOUNT_COLS starting at col. */
static void
read_account(struct sql_stmt *s, int col, struct account *p)
{
	char source[16];

	memset(p, 0, sizeof *p);
	store_read_user(s, col, &p->user);
	read_own(s, col + 6, &p->user);
	store_col_text(s, col + 7, p->email, sizeof p->email);
	store_col_text(s, col + 8, source, sizeof source);
	p->source = os_source_parse(source);
	if (p->source < 0)
		p->source = SOURCE_LOCAL;
	p->last_seen_at = sql_col_int64(s, col + 9);
}

int
store_account_insert(struct store *st, const struct account *p, const char *pw_hash,
		     int64_t *id)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO users (username, display_name, role, org, pw_hash, "
		"created_at, email, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, p->user.username, -1);
	sql_bind_text(s, 2, p->user.display_name, -1);
	sql_bind_text(s, 3, os_role_name(p->user.role), -1);
	sql_bind_text(s, 4, p->user.org, -1);
	sql_bind_text(s, 5, pw_hash, -1);
	sql_bind_int64(s, 6, os_now_ms());
	sql_bind_text(s, 7, p->email, -1);
	sql_bind_text(s, 8, os_source_name(p->source), -1);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE) {
		if (id)
			*id = store_last_id(st);
		return OS_OK;
	}
	if (rc == SQL_CONSTRAINT_UNIQUE)
		return OS_EUSERTAKEN;
	return store_rc(st, rc, "account insert");
}

/* Steps a statement that selects ACCOUNT_COLS (and perhaps pw_hash after
 * them) and reads its one row. */
static int
one_account(struct store *st, struct sql_stmt *s, struct account *p, char *hash,
	    size_t hashsz, const char *what)
{
	int rc = sql_step(s);

	if (rc == SQL_ROW) {
		read_account(s, 0, p);
		if (hash)
			store_col_text(s, 10, hash, hashsz);
		store_done(s);
		return OS_OK;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, what);
}

int
store_account_by_id(struct store *st, int64_t id, struct account *p)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " ACCOUNT_COLS " FROM users WHERE id = ?1");

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	return one_account(st, s, p, NULL, 0, "account by id");
}

int
store_account_by_name(struct store *st, const char *username, struct account *p,
		      char *hash, size_t hashsz)
{
	struct sql_stmt *s = store_stmt(st, store_dialect(st) == SQL_POSTGRESQL
		? "SELECT " ACCOUNT_COLS ", pw_hash FROM users WHERE " USERNAME_IS_PG
		: "SELECT " ACCOUNT_COLS ", pw_hash FROM users WHERE username = ?1");

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, username, -1);
	return one_account(st, s, p, hash, hashsz, "account by name");
}

int
store_account_update(struct store *st, const struct account *p)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE users SET display_name = ?2, role = ?3, org = ?4, email = ?5 "
		"WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, p->user.id);
	sql_bind_text(s, 2, p->user.display_name, -1);
	sql_bind_text(s, 3, os_role_name(p->user.role), -1);
	sql_bind_text(s, 4, p->user.org, -1);
	sql_bind_text(s, 5, p->email, -1);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && store_changes(st) == 0)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "account update");
}

int
store_user_set_source(struct store *st, int64_t id, int source)
{
	struct sql_stmt *s = store_stmt(st, "UPDATE users SET source = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, os_source_name(source), -1);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "user set source");
}

int
store_user_seen(struct store *st, int64_t id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE users SET last_seen_at = ?2 WHERE id = ?1 "
		"AND (last_seen_at IS NULL OR last_seen_at < ?2)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int64(s, 2, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "user seen");
}

int64_t
store_admins_enabled(struct store *st)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0");
	int64_t n = -1;

	if (!s)
		return -1;
	if (sql_step(s) == SQL_ROW)
		n = sql_col_int64(s, 0);
	store_done(s);
	return n;
}

/* The filter of a listing; ?1 the folded text (or NULL), ?2 the role (or
 * NULL), ?3 disabled (or NULL), ?4 names only, ?5 staff only (or NULL);
 * the page is ?6 and ?7. (A parameter left NULL is cast: PostgreSQL must
 * know its type; and the count, which has no page, uses no number beyond
 * ?5: PostgreSQL cannot type a parameter a statement never uses.)
 * os_match() is registered by store_open(); it skips NULL texts. */
#define ACCOUNT_FILTER \
	" WHERE (CAST(?1 AS TEXT) IS NULL OR os_match(?1, username, display_name, " \
	"CASE WHEN ?4 <> 0 THEN NULL ELSE email END, CASE WHEN ?4 <> 0 THEN NULL ELSE org END)) " \
	"AND (CAST(?2 AS TEXT) IS NULL OR role = ?2) " \
	"AND (CAST(?3 AS BIGINT) IS NULL OR disabled = ?3) " \
	"AND (CAST(?5 AS BIGINT) IS NULL OR role <> 'customer')"

static void
bind_filter(struct sql_stmt *s, const struct account_query *q, const char *folded)
{
	if (folded)
		sql_bind_text(s, 1, folded, -1);
	if (q->role >= 0)
		sql_bind_text(s, 2, os_role_name(q->role), -1);
	if (q->disabled >= 0)
		sql_bind_int(s, 3, q->disabled ? 1 : 0);
	sql_bind_int(s, 4, q->names_only ? 1 : 0);
	if (q->staff_only)
		sql_bind_int(s, 5, 1);
}

int
store_account_list(struct store *st, const struct account_query *q,
		   struct account **out, size_t *n, int64_t *total)
{
	struct sql_stmt *c = store_stmt(st, "SELECT count(*) FROM users" ACCOUNT_FILTER);
	struct sql_stmt *s = store_stmt(st, store_dialect(st) == SQL_POSTGRESQL
		? "SELECT " ACCOUNT_COLS " FROM users" ACCOUNT_FILTER
		  " ORDER BY lower(username) LIMIT ?6 OFFSET ?7"
		: "SELECT " ACCOUNT_COLS " FROM users" ACCOUNT_FILTER
		  " ORDER BY username LIMIT ?6 OFFSET ?7");
	struct account *arr = NULL;
	size_t cap = 0, k = 0;
	char *folded = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (!c || !s)
		return OS_EINTERNAL;
	if (q->text && *q->text && !(folded = os_utf8_fold(q->text)))
		return OS_ENOMEM;
	bind_filter(c, q, folded);
	rc = sql_step(c);
	if (rc == SQL_ROW)
		*total = sql_col_int64(c, 0);
	store_done(c);
	if (rc != SQL_ROW) {
		free(folded);
		return store_rc(st, rc, "account count");
	}
	bind_filter(s, q, folded);
	sql_bind_int(s, 6, q->limit);
	sql_bind_int64(s, 7, q->offset);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, k, sizeof *arr)) {
			rc = SQL_NOMEM;
			break;
		}
		read_account(s, 0, &arr[k++]);
	}
	store_done(s);
	free(folded);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "account list");
	}
	*out = arr;
	*n = k;
	return OS_OK;
}
