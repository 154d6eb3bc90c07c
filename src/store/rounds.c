#include "store/rounds.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store_int.h"

#define ROUND_COLS "id, title, description, phase, audience, vote_mode, " \
	"dots_per_member, closes_at, created_by, created_at, customers_see_each_other"

static int
read_round(struct sql_stmt *s, struct round *r)
{
	char buf[16];

	memset(r, 0, sizeof *r);
	r->id = sql_col_int64(s, 0);
	r->title = store_col_dup(s, 1);
	r->description = store_col_dup(s, 2);
	store_col_text(s, 3, buf, sizeof buf);
	r->phase = os_phase_parse(buf);
	store_col_text(s, 4, buf, sizeof buf);
	r->audience = os_audience_parse(buf);
	store_col_text(s, 5, buf, sizeof buf);
	r->vote_mode = os_vote_mode_parse(buf);
	r->dots_per_member = sql_col_int(s, 6);
	r->closes_at = sql_col_int64(s, 7);
	r->created_by = sql_col_int64(s, 8);
	r->created_at = sql_col_int64(s, 9);
	r->customers_see_each_other = sql_col_int(s, 10) != 0;
	if (!r->title || !r->description) {
		round_clear(r);
		return OS_ENOMEM;
	}
	return OS_OK;
}

int
store_round_insert(struct store *st, struct round *r)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO rounds (title, description, phase, audience, vote_mode, "
		"dots_per_member, closes_at, created_by, created_at, updated_at, "
		"customers_see_each_other) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, r->title, -1);
	sql_bind_text(s, 2, r->description ? r->description : "", -1);
	sql_bind_text(s, 3, os_phase_name(r->phase), -1);
	sql_bind_text(s, 4, os_audience_name(r->audience), -1);
	sql_bind_text(s, 5, os_vote_mode_name(r->vote_mode), -1);
	sql_bind_int(s, 6, r->dots_per_member);
	if (r->closes_at)
		sql_bind_int64(s, 7, r->closes_at);
	sql_bind_int64(s, 8, r->created_by);
	sql_bind_int64(s, 9, r->created_at);
	sql_bind_int(s, 10, r->customers_see_each_other ? 1 : 0);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE)
		r->id = store_last_id(st);
	return store_rc(st, rc, "round insert");
}

int
store_round_get(struct store *st, int64_t id, struct round *r)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " ROUND_COLS " FROM rounds WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_round(s, r);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "round get");
	store_done(s);
	return rc;
}

int
store_round_update(struct store *st, const struct round *r)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE rounds SET title = ?2, description = ?3, phase = ?4, "
		"closes_at = ?5, updated_at = ?6, customers_see_each_other = ?7 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, r->id);
	sql_bind_text(s, 2, r->title, -1);
	sql_bind_text(s, 3, r->description ? r->description : "", -1);
	sql_bind_text(s, 4, os_phase_name(r->phase), -1);
	if (r->closes_at)
		sql_bind_int64(s, 5, r->closes_at);
	sql_bind_int64(s, 6, os_now_ms());
	sql_bind_int(s, 7, r->customers_see_each_other ? 1 : 0);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "round update");
}

int
store_rounds_all(struct store *st, struct round **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " ROUND_COLS " FROM rounds ORDER BY id DESC");
	struct round *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (cnt == cap) {
			struct round *p = realloc(arr, (cap ? cap * 2 : 16) * sizeof *p);

			if (!p) {
				rc = SQL_NOMEM;
				break;
			}
			arr = p;
			cap = cap ? cap * 2 : 16;
		}
		if (read_round(s, &arr[cnt])) {
			rc = SQL_NOMEM;
			break;
		}
		cnt++;
	}
	store_done(s);
	if (rc != SQL_DONE) {
		for (size_t i = 0; i < cnt; i++)
			round_clear(&arr[i]);
		free(arr);
		return store_rc(st, rc, "rounds list");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_member_active(struct store *st, int64_t round, int64_t user_id)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT 1 FROM round_members WHERE round_id = ?1 AND user_id = ?2 "
		"AND revoked_at IS NULL");
	int rc;

	if (!s)
		return -1;
	sql_bind_int64(s, 1, round);
	sql_bind_int64(s, 2, user_id);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_ROW)
		return 1;
	if (rc == SQL_DONE)
		return 0;
	store_rc(st, rc, "member check");
	return -1;
}

int
store_member_add(struct store *st, int64_t round, int64_t user_id, int64_t added_by)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO round_members (round_id, user_id, added_by, added_at) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (round_id, user_id) DO UPDATE "
		"SET revoked_at = NULL, added_by = ?3, added_at = ?4");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_int64(s, 2, user_id);
	if (added_by)
		sql_bind_int64(s, 3, added_by);
	sql_bind_int64(s, 4, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "member add");
}

int
store_member_revoke(struct store *st, int64_t round, int64_t user_id)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE round_members SET revoked_at = ?3 WHERE round_id = ?1 "
		"AND user_id = ?2 AND revoked_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_int64(s, 2, user_id);
	sql_bind_int64(s, 3, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && !store_changes(st))
		return OS_ENOTFOUND;
	return store_rc(st, rc, "member revoke");
}

int
store_members_list(struct store *st, int64_t round, struct user **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT " STORE_USER_COLS("u") " FROM round_members m JOIN users u ON "
		"u.id = m.user_id WHERE m.round_id = ?1 AND m.revoked_at IS NULL "
		"ORDER BY u.org, u.display_name");
	struct user *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			rc = SQL_NOMEM;
			break;
		}
		store_read_user(s, 0, &arr[cnt++]);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "members list");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}
