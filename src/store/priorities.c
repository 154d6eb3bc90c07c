#include "store/priorities.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

static int
load_posts(struct store *st, struct priority *p)
{
	sqlite3_stmt *s = store_stmt(st,
		"SELECT post_id FROM priority_posts WHERE priority_id = ?1 ORDER BY post_id");
	size_t cap = 0;
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, p->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_grow((void **)&p->posts, &cap, p->nposts, sizeof *p->posts)) {
			store_done(s);
			return OS_ENOMEM;
		}
		p->posts[p->nposts++] = sqlite3_column_int64(s, 0);
	}
	store_done(s);
	return rc == SQLITE_DONE ? OS_OK : store_rc(st, rc, "priority posts");
}

int
store_priorities_by_round(struct store *st, int64_t round, struct priority **out,
			  size_t *n)
{
	sqlite3_stmt *s = store_stmt(st,
		"SELECT p.id, p.round_id, p.title, p.description, p.rank, p.owner_id, "
		STORE_USER_COLS("u") " FROM priorities p LEFT JOIN users u ON "
		"u.id = p.owner_id WHERE p.round_id = ?1 ORDER BY p.rank, p.id");
	struct priority *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, round);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct priority *p;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		p = &arr[cnt];
		memset(p, 0, sizeof *p);
		p->id = sqlite3_column_int64(s, 0);
		p->round = sqlite3_column_int64(s, 1);
		p->title = store_col_dup(s, 2);
		p->description = store_col_dup(s, 3);
		p->rank = sqlite3_column_int(s, 4);
		p->has_owner = sqlite3_column_type(s, 5) != SQLITE_NULL;
		if (p->has_owner)
			store_read_user(s, 6, &p->owner);
		cnt++;
		if (!p->title || !p->description) {
			err = OS_ENOMEM;
			break;
		}
	}
	store_done(s);
	if (!err && rc != SQLITE_DONE)
		err = store_rc(st, rc, "priorities by round");
	for (size_t i = 0; !err && i < cnt; i++)
		err = load_posts(st, &arr[i]);
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			priority_clear(&arr[i]);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}
