#include "store/paging.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/model.h"
#include "store/store_int.h"

int
store_post_keys(struct store *st, int64_t round, int with_hidden, int kind,
		struct post_key **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT p.id, p.kind, p.status, p.hidden, "
		"ifnull(sum(t.up), 0), ifnull(sum(t.down), 0), ifnull(sum(t.dots), 0) "
		"FROM posts p LEFT JOIN post_tallies t ON t.post_id = p.id "
		"WHERE p.round_id = ?1 AND (?2 <> 0 OR p.hidden = 0) AND (CAST(?3 AS TEXT) IS NULL OR p.kind = ?3) "
		"GROUP BY p.id ORDER BY p.id");
	struct post_key *arr = NULL;
	size_t cnt = 0, cap = 0;
	char buf[16];
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_int(s, 2, with_hidden ? 1 : 0);
	if (kind >= 0)
		sql_bind_text(s, 3, os_kind_name(kind), -1);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct post_key *k;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			rc = SQL_NOMEM;
			break;
		}
		k = &arr[cnt++];
		k->id = sql_col_int64(s, 0);
		store_col_text(s, 1, buf, sizeof buf);
		k->kind = os_kind_parse(buf);
		store_col_text(s, 2, buf, sizeof buf);
		k->status = sql_col_int(s, 3) ? STATUS_HIDDEN : os_status_parse(buf);
		k->up = sql_col_int64(s, 4);
		k->down = sql_col_int64(s, 5);
		k->dots = sql_col_int64(s, 6);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return rc == SQL_NOMEM ? OS_ENOMEM : store_rc(st, rc, "post keys");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}
