#include "store/votes.h"

#include "base/err.h"
#include "base/model.h"
#include "base/util.h"
#include "store/store_int.h"

int
store_vote_get(struct store *st, int64_t post, int64_t user, int *value, int *dots)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT value, dots FROM votes WHERE post_id = ?1 AND user_id = ?2");
	int rc;

	*value = *dots = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	sql_bind_int64(s, 2, user);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		*value = sql_col_int(s, 0);
		*dots = sql_col_int(s, 1);
	}
	store_done(s);
	return rc == SQL_ROW || rc == SQL_DONE ? OS_OK : store_rc(st, rc, "vote get");
}

int
store_vote_set(struct store *st, int64_t post, int64_t user, int64_t round,
	       int role, int value, int dots)
{
	struct sql_stmt *s;
	int rc;

	if (!value && !dots) {
		s = store_stmt(st, "DELETE FROM votes WHERE post_id = ?1 AND user_id = ?2");
		if (!s)
			return OS_EINTERNAL;
		sql_bind_int64(s, 1, post);
		sql_bind_int64(s, 2, user);
	} else {
		s = store_stmt(st,
			"INSERT INTO votes (post_id, user_id, round_id, voter_role, value, "
			"dots, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
			"ON CONFLICT (post_id, user_id) DO UPDATE SET value = ?5, "
			"dots = ?6, voter_role = ?4, updated_at = ?7");
		if (!s)
			return OS_EINTERNAL;
		sql_bind_int64(s, 1, post);
		sql_bind_int64(s, 2, user);
		sql_bind_int64(s, 3, round);
		sql_bind_text(s, 4, os_role_name(role), -1);
		sql_bind_int(s, 5, value);
		sql_bind_int(s, 6, dots);
		sql_bind_int64(s, 7, os_now_ms());
	}
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "vote set");
}

int
store_dots_spent(struct store *st, int64_t round, int64_t user, int64_t *spent)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT coalesce(sum(dots), 0) FROM votes WHERE user_id = ?2 AND round_id = ?1");
	int rc;

	*spent = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_int64(s, 2, user);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*spent = sql_col_int64(s, 0);
	store_done(s);
	return rc == SQL_ROW ? OS_OK : store_rc(st, rc, "dots spent");
}
