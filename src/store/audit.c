#include "store/audit.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store_int.h"

int
store_audit(struct store *st, int64_t actor, const char *action,
	    const char *target_kind, int64_t target_id, int64_t round, const char *detail)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO audit_log (at, actor_id, action, target_kind, target_id, "
		"round_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, os_now_ms());
	if (actor)
		sql_bind_int64(s, 2, actor);
	sql_bind_text(s, 3, action, -1);
	if (target_kind)
		sql_bind_text(s, 4, target_kind, -1);
	if (target_id)
		sql_bind_int64(s, 5, target_id);
	if (round)
		sql_bind_int64(s, 6, round);
	sql_bind_text(s, 7, detail ? detail : "", -1);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "audit");
}

int
store_audit_list(struct store *st, int64_t before, int limit, struct audit_entry **out,
		 size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT a.id, a.at, a.action, a.target_kind, a.target_id, a.round_id, "
		"a.detail, a.actor_id, " STORE_USER_COLS("u") " FROM audit_log a "
		"LEFT JOIN users u ON u.id = a.actor_id WHERE a.id < ?1 "
		"ORDER BY a.id DESC LIMIT ?2");
	struct audit_entry *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, before > 0 ? before : INT64_MAX);
	sql_bind_int(s, 2, limit);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct audit_entry *e;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		e = &arr[cnt];
		memset(e, 0, sizeof *e);
		e->id = sql_col_int64(s, 0);
		e->at = sql_col_int64(s, 1);
		store_col_text(s, 2, e->action, sizeof e->action);
		store_col_text(s, 3, e->target_kind, sizeof e->target_kind);
		e->target_id = sql_col_int64(s, 4);
		e->round = sql_col_int64(s, 5);
		e->detail = store_col_dup(s, 6);
		e->has_actor = sql_col_type(s, 7) != SQL_NULL;
		if (e->has_actor)
			store_read_user(s, 8, &e->actor);
		cnt++;
		if (!e->detail) {
			err = OS_ENOMEM;
			break;
		}
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "audit list");
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			free(arr[i].detail);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}
