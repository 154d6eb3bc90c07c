#include "store/outcomes.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store_int.h"

static void
read_measure(struct sql_stmt *s, struct measure *m)
{
	memset(m, 0, sizeof *m);
	m->id = sql_col_int64(s, 0);
	m->priority = sql_col_int64(s, 1);
	store_col_text(s, 2, m->name, sizeof m->name);
	store_col_text(s, 3, m->unit, sizeof m->unit);
	m->baseline = sql_col_double(s, 4);
	m->target = sql_col_double(s, 5);
	m->current = sql_col_double(s, 6);
	m->updated_at = sql_col_int64(s, 7);
}

#define MEASURE_COLS "id, priority_id, name, unit, baseline, target, current, updated_at"

static void
read_milestone(struct sql_stmt *s, struct milestone *m)
{
	memset(m, 0, sizeof *m);
	m->id = sql_col_int64(s, 0);
	m->priority = sql_col_int64(s, 1);
	store_col_text(s, 2, m->title, sizeof m->title);
	store_col_text(s, 3, m->due, sizeof m->due);
	m->done_at = sql_col_int64(s, 4);
}

#define MILESTONE_COLS "id, priority_id, title, due, coalesce(done_at, 0)"

int
store_priority_load_outcomes(struct store *st, struct priority *p)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT goal, goal_html, status, (SELECT count(*) FROM priority_updates "
		"WHERE priority_id = ?1) FROM priorities WHERE id = ?1");
	struct sql_stmt *ms = store_stmt(st, "SELECT " MEASURE_COLS
		" FROM priority_measures WHERE priority_id = ?1 ORDER BY id");
	struct sql_stmt *ml = store_stmt(st, "SELECT " MILESTONE_COLS
		" FROM priority_milestones WHERE priority_id = ?1 ORDER BY due, id");
	size_t cap = 0;
	char status[16];
	int rc;

	if (!s || !ms || !ml)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, p->id);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		p->goal = store_col_dup(s, 0);
		p->goal_html = store_col_dup(s, 1);
		store_col_text(s, 2, status, sizeof status);
		p->status = os_prio_status_parse(status);
		if (p->status < 0)
			p->status = PST_PLANNED;
		p->nupdates = sql_col_int64(s, 3);
		rc = p->goal && p->goal_html ? OS_OK : OS_ENOMEM;
	} else {
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "priority outcomes");
	}
	store_done(s);
	if (rc)
		return rc;
	sql_bind_int64(ms, 1, p->id);
	while ((rc = sql_step(ms)) == SQL_ROW) {
		if (store_grow((void **)&p->measures, &cap, p->nmeasures, sizeof *p->measures)) {
			store_done(ms);
			return OS_ENOMEM;
		}
		read_measure(ms, &p->measures[p->nmeasures++]);
	}
	store_done(ms);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "priority measures");
	cap = 0;
	sql_bind_int64(ml, 1, p->id);
	while ((rc = sql_step(ml)) == SQL_ROW) {
		if (store_grow((void **)&p->milestones, &cap, p->nmilestones,
			       sizeof *p->milestones)) {
			store_done(ml);
			return OS_ENOMEM;
		}
		read_milestone(ml, &p->milestones[p->nmilestones++]);
	}
	store_done(ml);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "priority milestones");
}

int
store_priority_set_goal(struct store *st, int64_t id, const char *goal, const char *goal_html)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE priorities SET goal = ?2, goal_html = ?3 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, goal, -1);
	sql_bind_text(s, 3, goal_html, -1);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "priority goal");
}

int
store_priority_set_status(struct store *st, int64_t id, int status)
{
	struct sql_stmt *s = store_stmt(st, "UPDATE priorities SET status = ?2 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, os_prio_status_name(status), -1);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "priority status");
}

int
store_measure_get(struct store *st, int64_t id, struct measure *m)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " MEASURE_COLS
		" FROM priority_measures WHERE id = ?1");
	int rc;

	memset(m, 0, sizeof *m);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		read_measure(s, m);
	store_done(s);
	if (rc == SQL_ROW)
		return OS_OK;
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "measure get");
}

static int
add_point(struct store *st, int64_t measure, double value, int64_t at, int64_t user)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO measure_history (measure_id, value, at, user_id) "
		"VALUES (?1, ?2, ?3, ?4)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, measure);
	sql_bind_double(s, 2, value);
	sql_bind_int64(s, 3, at);
	sql_bind_int64(s, 4, user);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "measure history");
}

int
store_measure_insert(struct store *st, struct measure *m, int64_t user)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO priority_measures (priority_id, name, unit, baseline, target, "
		"current, updated_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	m->updated_at = os_now_ms();
	sql_bind_int64(s, 1, m->priority);
	sql_bind_text(s, 2, m->name, -1);
	sql_bind_text(s, 3, m->unit, -1);
	sql_bind_double(s, 4, m->baseline);
	sql_bind_double(s, 5, m->target);
	sql_bind_double(s, 6, m->current);
	sql_bind_int64(s, 7, m->updated_at);
	rc = sql_step(s);
	store_done(s);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "measure insert");
	m->id = store_last_id(st);
	return add_point(st, m->id, m->current, m->updated_at, user);
}

int
store_measure_update(struct store *st, struct measure *m, int64_t user)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE priority_measures SET name = ?2, unit = ?3, baseline = ?4, target = ?5, "
		"current = ?6, updated_at = ?7 WHERE id = ?1");
	struct measure old;
	int rc;

	if ((rc = store_measure_get(st, m->id, &old)))
		return rc;
	if (!s)
		return OS_EINTERNAL;
	m->updated_at = os_now_ms();
	sql_bind_int64(s, 1, m->id);
	sql_bind_text(s, 2, m->name, -1);
	sql_bind_text(s, 3, m->unit, -1);
	sql_bind_double(s, 4, m->baseline);
	sql_bind_double(s, 5, m->target);
	sql_bind_double(s, 6, m->current);
	sql_bind_int64(s, 7, m->updated_at);
	rc = sql_step(s);
	store_done(s);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "measure update");
	if (old.current != m->current)
		return add_point(st, m->id, m->current, m->updated_at, user);
	return OS_OK;
}

int
store_measure_delete(struct store *st, int64_t id)
{
	struct sql_stmt *h = store_stmt(st, "DELETE FROM measure_history WHERE measure_id = ?1");
	struct sql_stmt *s = store_stmt(st, "DELETE FROM priority_measures WHERE id = ?1");
	int rc;

	if (!h || !s)
		return OS_EINTERNAL;
	sql_bind_int64(h, 1, id);
	rc = sql_step(h);
	store_done(h);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "measure delete");
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "measure delete");
}

int
store_measure_history(struct store *st, int64_t id, struct measure_point **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT value, at FROM measure_history WHERE measure_id = ?1 ORDER BY id");
	struct measure_point *arr = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			store_done(s);
			free(arr);
			return OS_ENOMEM;
		}
		arr[cnt].value = sql_col_double(s, 0);
		arr[cnt].at = sql_col_int64(s, 1);
		cnt++;
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "measure history");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_milestone_get(struct store *st, int64_t id, struct milestone *m)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " MILESTONE_COLS
		" FROM priority_milestones WHERE id = ?1");
	int rc;

	memset(m, 0, sizeof *m);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		read_milestone(s, m);
	store_done(s);
	if (rc == SQL_ROW)
		return OS_OK;
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "milestone get");
}

int
store_milestone_save(struct store *st, struct milestone *m)
{
	struct sql_stmt *s = m->id
		? store_stmt(st, "UPDATE priority_milestones SET title = ?2, due = ?3, "
				 "done_at = ?4 WHERE id = ?1")
		: store_stmt(st, "INSERT INTO priority_milestones (priority_id, title, due, "
				 "done_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, m->id ? m->id : m->priority);
	sql_bind_text(s, 2, m->title, -1);
	sql_bind_text(s, 3, m->due, -1);
	if (m->done_at)
		sql_bind_int64(s, 4, m->done_at);
	if (!m->id)
		sql_bind_int64(s, 5, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && !m->id)
		m->id = store_last_id(st);
	return store_rc(st, rc, "milestone save");
}

int
store_milestone_delete(struct store *st, int64_t id)
{
	struct sql_stmt *s = store_stmt(st, "DELETE FROM priority_milestones WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "milestone delete");
}

int
store_outcome_count(struct store *st, int64_t priority, int what, int64_t *n)
{
	struct sql_stmt *s = what
		? store_stmt(st, "SELECT count(*) FROM priority_milestones WHERE priority_id = ?1")
		: store_stmt(st, "SELECT count(*) FROM priority_measures WHERE priority_id = ?1");
	int rc;

	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, priority);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*n = sql_col_int64(s, 0);
	store_done(s);
	return rc == SQL_ROW ? OS_OK : store_rc(st, rc, "outcome count");
}

int
store_update_insert(struct store *st, struct priority_update *u)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO priority_updates (priority_id, body, body_html, author_id, status, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, u->priority);
	sql_bind_text(s, 2, u->body, -1);
	sql_bind_text(s, 3, u->body_html, -1);
	sql_bind_int64(s, 4, u->author.id);
	sql_bind_text(s, 5, os_prio_status_name(u->status), -1);
	sql_bind_int64(s, 6, u->created_at);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE)
		u->id = store_last_id(st);
	return store_rc(st, rc, "update insert");
}

#define UPDATE_SELECT "SELECT x.id, x.priority_id, p.round_id, x.body, x.body_html, " \
	"x.created_at, x.status, (SELECT count(*) FROM update_comments c WHERE " \
	"c.update_id = x.id), " STORE_USER_COLS("u") " FROM priority_updates x " \
	"JOIN priorities p ON p.id = x.priority_id JOIN users u ON u.id = x.author_id "

static int
read_update(struct sql_stmt *s, struct priority_update *u)
{
	char status[16];

	memset(u, 0, sizeof *u);
	u->id = sql_col_int64(s, 0);
	u->priority = sql_col_int64(s, 1);
	u->round = sql_col_int64(s, 2);
	u->body = store_col_dup(s, 3);
	u->body_html = store_col_dup(s, 4);
	u->created_at = sql_col_int64(s, 5);
	store_col_text(s, 6, status, sizeof status);
	u->status = os_prio_status_parse(status);
	if (u->status < 0)
		u->status = PST_PLANNED;
	u->comment_count = sql_col_int64(s, 7);
	store_read_user(s, 8, &u->author);
	return u->body && u->body_html ? OS_OK : OS_ENOMEM;
}

int
store_update_get(struct store *st, int64_t id, struct priority_update *u)
{
	struct sql_stmt *s = store_stmt(st, UPDATE_SELECT "WHERE x.id = ?1");
	int rc;

	memset(u, 0, sizeof *u);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_update(s, u);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "update get");
	store_done(s);
	if (rc)
		priority_update_clear(u);
	return rc;
}

int
store_updates_by_priority(struct store *st, int64_t priority, struct priority_update **out,
			  size_t *n)
{
	struct sql_stmt *s = store_stmt(st, UPDATE_SELECT
		"WHERE x.priority_id = ?1 ORDER BY x.id DESC");
	struct priority_update *arr = NULL;
	size_t cap = 0, cnt = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, priority);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		err = read_update(s, &arr[cnt++]);
		if (err)
			break;
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "updates");
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			priority_update_clear(&arr[i]);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_update_comment_insert(struct store *st, struct comment *c)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO update_comments (update_id, parent_id, body, body_html, author_id, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, c->update);
	if (c->parent)
		sql_bind_int64(s, 2, c->parent);
	sql_bind_text(s, 3, c->body, -1);
	sql_bind_text(s, 4, c->body_html, -1);
	sql_bind_int64(s, 5, c->author.id);
	sql_bind_int64(s, 6, c->created_at);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE)
		c->id = store_last_id(st);
	return store_rc(st, rc, "update comment insert");
}

#define UCOMMENT_SELECT "SELECT c.id, c.update_id, p.round_id, coalesce(c.parent_id, 0), " \
	"c.body, c.body_html, c.created_at, " STORE_USER_COLS("u") " FROM update_comments c " \
	"JOIN priority_updates x ON x.id = c.update_id JOIN priorities p ON " \
	"p.id = x.priority_id JOIN users u ON u.id = c.author_id "

static int
read_ucomment(struct sql_stmt *s, struct comment *c)
{
	memset(c, 0, sizeof *c);
	c->id = sql_col_int64(s, 0);
	c->update = sql_col_int64(s, 1);
	c->round = sql_col_int64(s, 2);
	c->parent = sql_col_int64(s, 3);
	c->body = store_col_dup(s, 4);
	c->body_html = store_col_dup(s, 5);
	c->created_at = sql_col_int64(s, 6);
	store_read_user(s, 7, &c->author);
	return c->body && c->body_html ? OS_OK : OS_ENOMEM;
}

int
store_update_comment_get(struct store *st, int64_t id, struct comment *c)
{
	struct sql_stmt *s = store_stmt(st, UCOMMENT_SELECT "WHERE c.id = ?1");
	int rc;

	memset(c, 0, sizeof *c);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_ucomment(s, c);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "update comment");
	store_done(s);
	if (rc)
		comment_clear(c);
	return rc;
}

int
store_update_comments(struct store *st, int64_t update, struct comment **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st, UCOMMENT_SELECT "WHERE c.update_id = ?1 ORDER BY c.id");
	struct comment *arr = NULL;
	size_t cap = 0, cnt = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, update);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		err = read_ucomment(s, &arr[cnt++]);
		if (err)
			break;
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "update comments");
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			comment_clear(&arr[i]);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_follow_get(struct store *st, int64_t priority, int64_t user, int *choice)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT following FROM priority_follows WHERE priority_id = ?1 AND user_id = ?2");
	int rc;

	*choice = -1;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, priority);
	sql_bind_int64(s, 2, user);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*choice = sql_col_int(s, 0);
	store_done(s);
	return rc == SQL_ROW || rc == SQL_DONE ? OS_OK : store_rc(st, rc, "follow get");
}

int
store_follow_set(struct store *st, int64_t priority, int64_t user, int following)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO priority_follows (priority_id, user_id, following, at) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (priority_id, user_id) DO UPDATE SET "
		"following = excluded.following, at = excluded.at");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, priority);
	sql_bind_int64(s, 2, user);
	sql_bind_int(s, 3, following ? 1 : 0);
	sql_bind_int64(s, 4, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "follow set");
}

/* The people who took part in the ideas and plans linked to ?1. */
#define CONTRIBUTORS \
	"SELECT p.author_id AS u FROM posts p JOIN priority_posts pp ON " \
	"pp.post_id = p.id WHERE pp.priority_id = ?1 " \
	"UNION SELECT v.user_id FROM votes v JOIN priority_posts pp ON " \
	"pp.post_id = v.post_id WHERE pp.priority_id = ?1 AND (v.value <> 0 OR v.dots > 0) " \
	"UNION SELECT c.author_id FROM comments c JOIN priority_posts pp ON " \
	"pp.post_id = c.post_id WHERE pp.priority_id = ?1"

int
store_priority_contributor(struct store *st, int64_t priority, int64_t user, int *yes)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT EXISTS (SELECT 1 FROM (" CONTRIBUTORS ") AS k WHERE u = ?2)");
	int rc;

	*yes = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, priority);
	sql_bind_int64(s, 2, user);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*yes = sql_col_int(s, 0);
	store_done(s);
	return rc == SQL_ROW ? OS_OK : store_rc(st, rc, "contributor");
}

int
store_priority_followers(struct store *st, int64_t priority, int64_t **ids, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT u FROM (" CONTRIBUTORS " UNION SELECT user_id FROM priority_follows "
		"WHERE priority_id = ?1 AND following = 1) AS k WHERE u NOT IN (SELECT user_id "
		"FROM priority_follows WHERE priority_id = ?1 AND following = 0) ORDER BY u");
	int64_t *arr = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, priority);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			store_done(s);
			free(arr);
			return OS_ENOMEM;
		}
		arr[cnt++] = sql_col_int64(s, 0);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "followers");
	}
	*ids = arr;
	*n = cnt;
	return OS_OK;
}
