#include "store/priorities.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/outcomes.h"
#include "store/store_int.h"

static int
load_posts(struct store *st, struct priority *p)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT post_id FROM priority_posts WHERE priority_id = ?1 ORDER BY post_id");
	size_t cap = 0;
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, p->id);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&p->posts, &cap, p->nposts, sizeof *p->posts)) {
			store_done(s);
			return OS_ENOMEM;
		}
		p->posts[p->nposts++] = sql_col_int64(s, 0);
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "priority posts");
}

#define PRIORITY_SELECT "SELECT p.id, p.round_id, p.title, p.description, p.rank, " \
	"p.owner_id, " STORE_USER_COLS("u") " FROM priorities p LEFT JOIN users u ON " \
	"u.id = p.owner_id "

static int
read_priority(struct sql_stmt *s, struct priority *p)
{
	memset(p, 0, sizeof *p);
	p->id = sql_col_int64(s, 0);
	p->round = sql_col_int64(s, 1);
	p->title = store_col_dup(s, 2);
	p->description = store_col_dup(s, 3);
	p->rank = sql_col_int(s, 4);
	p->has_owner = sql_col_type(s, 5) != SQL_NULL;
	if (p->has_owner)
		store_read_user(s, 6, &p->owner);
	return p->title && p->description ? OS_OK : OS_ENOMEM;
}

int
store_priority_get(struct store *st, int64_t id, struct priority *p)
{
	struct sql_stmt *s = store_stmt(st, PRIORITY_SELECT "WHERE p.id = ?1");
	int rc;

	memset(p, 0, sizeof *p);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_priority(s, p);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "priority get");
	store_done(s);
	if (!rc)
		rc = load_posts(st, p);
	if (!rc)
		rc = store_priority_load_outcomes(st, p);
	if (rc)
		priority_clear(p);
	return rc;
}

int
store_priority_insert(struct store *st, int64_t round, const char *title,
		      const char *description, int64_t owner, int64_t created_by, int64_t *id)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO priorities (round_id, title, description, owner_id, rank, "
		"created_by, created_at) VALUES (?1, ?2, ?3, ?4, (SELECT count(*) + 1 "
		"FROM priorities WHERE round_id = ?1), ?5, ?6)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_text(s, 2, title, -1);
	sql_bind_text(s, 3, description, -1);
	if (owner)
		sql_bind_int64(s, 4, owner);
	sql_bind_int64(s, 5, created_by);
	sql_bind_int64(s, 6, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE)
		*id = store_last_id(st);
	return store_rc(st, rc, "priority insert");
}

int
store_priority_update(struct store *st, int64_t id, const char *title,
		      const char *description, int64_t owner)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE priorities SET title = ?2, description = ?3, owner_id = ?4 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, title, -1);
	sql_bind_text(s, 3, description, -1);
	if (owner)
		sql_bind_int64(s, 4, owner);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "priority update");
}

int
store_priority_move(struct store *st, int64_t id, int64_t round, int rank)
{
	/* Renumbers the round's priorities 1..n with this one at rank. */
	struct sql_stmt *s = store_stmt(st,
		"SELECT id FROM priorities WHERE round_id = ?1 AND id != ?2 ORDER BY rank, id");
	struct sql_stmt *u = store_stmt(st, "UPDATE priorities SET rank = ?2 WHERE id = ?1");
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!s || !u)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_int64(s, 2, id);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&ids, &cap, n, sizeof *ids)) {
			store_done(s);
			free(ids);
			return OS_ENOMEM;
		}
		ids[n++] = sql_col_int64(s, 0);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(ids);
		return store_rc(st, rc, "priority order");
	}
	if (rank < 1)
		rank = 1;
	if ((size_t)rank > n + 1)
		rank = (int)n + 1;
	for (size_t i = 0, r = 1; i <= n; i++, r++) {
		int64_t who;

		if ((int)r == rank)
			who = id;
		else
			who = ids[i < (size_t)rank - 1 ? i : i - 1];
		sql_bind_int64(u, 1, who);
		sql_bind_int64(u, 2, (int64_t)r);
		rc = sql_step(u);
		store_done(u);
		if (rc != SQL_DONE) {
			free(ids);
			return store_rc(st, rc, "priority move");
		}
	}
	free(ids);
	return OS_OK;
}

int
store_priority_link(struct store *st, int64_t priority, int64_t post, int64_t user,
		    int64_t *previous)
{
	struct sql_stmt *q = store_stmt(st, "SELECT priority_id FROM priority_posts WHERE post_id = ?1");
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO priority_posts (post_id, priority_id, linked_by, linked_at) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (post_id) DO UPDATE SET "
		"priority_id = ?2, linked_by = ?3, linked_at = ?4");
	int rc;

	*previous = 0;
	if (!q || !s)
		return OS_EINTERNAL;
	sql_bind_int64(q, 1, post);
	rc = sql_step(q);
	if (rc == SQL_ROW)
		*previous = sql_col_int64(q, 0);
	store_done(q);
	if (rc != SQL_ROW && rc != SQL_DONE)
		return store_rc(st, rc, "priority of post");
	sql_bind_int64(s, 1, post);
	sql_bind_int64(s, 2, priority);
	sql_bind_int64(s, 3, user);
	sql_bind_int64(s, 4, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "priority link");
}

int
store_priority_unlink(struct store *st, int64_t priority, int64_t post)
{
	struct sql_stmt *s = store_stmt(st,
		"DELETE FROM priority_posts WHERE post_id = ?1 AND priority_id = ?2");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	sql_bind_int64(s, 2, priority);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && !store_changes(st))
		return OS_ENOTFOUND;
	return store_rc(st, rc, "priority unlink");
}

int
store_priorities_by_round(struct store *st, int64_t round, struct priority **out,
			  size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
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
	sql_bind_int64(s, 1, round);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct priority *p;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		p = &arr[cnt];
		memset(p, 0, sizeof *p);
		p->id = sql_col_int64(s, 0);
		p->round = sql_col_int64(s, 1);
		p->title = store_col_dup(s, 2);
		p->description = store_col_dup(s, 3);
		p->rank = sql_col_int(s, 4);
		p->has_owner = sql_col_type(s, 5) != SQL_NULL;
		if (p->has_owner)
			store_read_user(s, 6, &p->owner);
		cnt++;
		if (!p->title || !p->description) {
			err = OS_ENOMEM;
			break;
		}
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "priorities by round");
	for (size_t i = 0; !err && i < cnt; i++)
		if (!(err = load_posts(st, &arr[i])))
			err = store_priority_load_outcomes(st, &arr[i]);
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
