#include "store/needs.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store_int.h"

/* Reads a list of ids from s (bound already) into *arr. */
static int
read_ids(struct store *st, struct sql_stmt *s, int64_t **arr, size_t *n, const char *what)
{
	size_t cap = 0;
	int rc;

	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)arr, &cap, *n, sizeof **arr)) {
			store_done(s);
			return OS_ENOMEM;
		}
		(*arr)[(*n)++] = sql_col_int64(s, 0);
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, what);
}

static int
load_links(struct store *st, struct need *n)
{
	struct sql_stmt *p = store_stmt(st,
		"SELECT post_id FROM need_posts WHERE need_id = ?1 ORDER BY post_id");
	struct sql_stmt *q = store_stmt(st,
		"SELECT priority_id FROM need_priorities WHERE need_id = ?1 ORDER BY priority_id");
	int rc;

	if (!p || !q)
		return OS_EINTERNAL;
	sql_bind_int64(p, 1, n->id);
	if ((rc = read_ids(st, p, &n->posts, &n->nposts, "need posts")))
		return rc;
	sql_bind_int64(q, 1, n->id);
	return read_ids(st, q, &n->priorities, &n->npriorities, "need priorities");
}

#define NEED_COLS "id, round_id, title, description, description_html, created_at, updated_at"

static int
read_need(struct sql_stmt *s, struct need *n)
{
	memset(n, 0, sizeof *n);
	n->id = sql_col_int64(s, 0);
	n->round = sql_col_int64(s, 1);
	n->title = store_col_dup(s, 2);
	n->description = store_col_dup(s, 3);
	n->description_html = store_col_dup(s, 4);
	n->created_at = sql_col_int64(s, 5);
	n->updated_at = sql_col_int64(s, 6);
	return n->title && n->description && n->description_html ? OS_OK : OS_ENOMEM;
}

int
store_need_get(struct store *st, int64_t id, struct need *n)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " NEED_COLS " FROM needs "
					 "WHERE id = ?1 AND deleted_at IS NULL");
	int rc;

	memset(n, 0, sizeof *n);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_need(s, n);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "need get");
	store_done(s);
	if (!rc)
		rc = load_links(st, n);
	if (rc)
		need_clear(n);
	return rc;
}

int
store_needs_by_round(struct store *st, int64_t round, struct need **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " NEED_COLS " FROM needs "
					 "WHERE round_id = ?1 AND deleted_at IS NULL ORDER BY id");
	struct need *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		err = read_need(s, &arr[cnt++]);
		if (err)
			break;
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "needs by round");
	for (size_t i = 0; !err && i < cnt; i++)
		err = load_links(st, &arr[i]);
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			need_clear(&arr[i]);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_need_insert(struct store *st, int64_t round, const char *title,
		  const char *description, const char *description_html, int64_t created_by,
		  int64_t *id)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO needs (round_id, title, description, description_html, "
		"created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_text(s, 2, title, -1);
	sql_bind_text(s, 3, description, -1);
	sql_bind_text(s, 4, description_html, -1);
	sql_bind_int64(s, 5, created_by);
	sql_bind_int64(s, 6, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE)
		*id = store_last_id(st);
	return store_rc(st, rc, "need insert");
}

int
store_need_update(struct store *st, int64_t id, const char *title, const char *description,
		  const char *description_html)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE needs SET title = ?2, description = ?3, description_html = ?4, "
		"updated_at = ?5 WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, title, -1);
	sql_bind_text(s, 3, description, -1);
	sql_bind_text(s, 4, description_html, -1);
	sql_bind_int64(s, 5, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "need update");
}

/* Runs s with ?1, ?2 and ?3 bound to a, b and c (where not 0) and ?4 to
 * the time, and says OS_ENOTFOUND when it changed no row and that
 * matters. */
static int
run_change(struct store *st, struct sql_stmt *s, int64_t a, int64_t b, int64_t c,
	   int need_change, const char *what)
{
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, a);
	if (b)
		sql_bind_int64(s, 2, b);
	if (c)
		sql_bind_int64(s, 3, c);
	if (s->conn->drv->param_count(s) >= 4)
		sql_bind_int64(s, 4, os_now_ms());
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE && need_change && !store_changes(st))
		return OS_ENOTFOUND;
	return store_rc(st, rc, what);
}

/* Touches the need, so that a link shows as a change of it. */
static int
touch(struct store *st, int64_t need)
{
	return run_change(st, store_stmt(st, "UPDATE needs SET updated_at = ?2 WHERE id = ?1"),
			  need, os_now_ms(), 0, 0, "need touch");
}

int
store_need_delete(struct store *st, int64_t id)
{
	return run_change(st, store_stmt(st, "UPDATE needs SET deleted_at = ?2 "
					     "WHERE id = ?1 AND deleted_at IS NULL"),
			  id, os_now_ms(), 0, 1, "need delete");
}

int
store_need_link_post(struct store *st, int64_t need, int64_t post, int64_t user)
{
	int rc = run_change(st, store_stmt(st,
		"INSERT INTO need_posts (need_id, post_id, linked_by, linked_at) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"), need, post, user, 0,
		"need link post");

	return rc ? rc : touch(st, need);
}

int
store_need_unlink_post(struct store *st, int64_t need, int64_t post)
{
	int rc = run_change(st, store_stmt(st,
		"DELETE FROM need_posts WHERE need_id = ?1 AND post_id = ?2"), need, post, 0, 1,
		"need unlink post");

	return rc ? rc : touch(st, need);
}

int
store_need_link_priority(struct store *st, int64_t need, int64_t priority, int64_t user)
{
	int rc = run_change(st, store_stmt(st,
		"INSERT INTO need_priorities (need_id, priority_id, linked_by, linked_at) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"), need, priority, user, 0,
		"need link priority");

	return rc ? rc : touch(st, need);
}

int
store_need_unlink_priority(struct store *st, int64_t need, int64_t priority)
{
	int rc = run_change(st, store_stmt(st,
		"DELETE FROM need_priorities WHERE need_id = ?1 AND priority_id = ?2"), need,
		priority, 0, 1, "need unlink priority");

	return rc ? rc : touch(st, need);
}

int
store_needs_of_post(struct store *st, int64_t post, struct need **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT n.id, n.round_id, n.title FROM need_posts np JOIN needs n ON "
		"n.id = np.need_id AND n.deleted_at IS NULL WHERE np.post_id = ?1 ORDER BY n.id");
	struct need *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct need *x;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			err = OS_ENOMEM;
			break;
		}
		x = &arr[cnt++];
		memset(x, 0, sizeof *x);
		x->id = sql_col_int64(s, 0);
		x->round = sql_col_int64(s, 1);
		if (!(x->title = store_col_dup(s, 2))) {
			err = OS_ENOMEM;
			break;
		}
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "needs of post");
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			need_clear(&arr[i]);
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_need_votes(struct store *st, int64_t need, struct need_votes g[3])
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT CASE v.voter_role WHEN 'employee' THEN 0 WHEN 'customer' THEN 1 "
		"ELSE 2 END AS grp, sum(CASE WHEN v.value = 1 THEN 1 ELSE 0 END), "
		"sum(CASE WHEN v.value = -1 THEN 1 ELSE 0 END), sum(v.dots), "
		"count(DISTINCT CASE WHEN v.value = 1 OR v.dots > 0 THEN v.user_id END) "
		"FROM need_posts np JOIN posts p ON p.id = np.post_id AND p.hidden = 0 "
		"JOIN votes v ON v.post_id = p.id WHERE np.need_id = ?1 GROUP BY grp");
	int rc;

	memset(g, 0, 3 * sizeof *g);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, need);
	while ((rc = sql_step(s)) == SQL_ROW) {
		int k = sql_col_int(s, 0);

		if (k < 0 || k > 2)
			continue;
		g[k].up = sql_col_int64(s, 1);
		g[k].down = sql_col_int64(s, 2);
		g[k].dots = sql_col_int64(s, 3);
		g[k].people = sql_col_int64(s, 4);
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "need votes");
}

/* Who stands behind a post: voted up or gave dots, wrote it, or commented
 * on it (hidden comments left out). */
#define BACKERS "backer (user_id, post_id) AS (" \
	"SELECT user_id, post_id FROM votes WHERE value = 1 OR dots > 0 " \
	"UNION SELECT author_id, id FROM posts " \
	"UNION SELECT author_id, post_id FROM comments WHERE hidden = 0) "

int
store_need_orgs(struct store *st, int64_t need, struct store_org_count **out, size_t *n)
{
	/* The backers of this need's ideas only: every step goes through an
	 * index by post (votes' key, comments_by_post). */
	struct sql_stmt *s = store_stmt(st,
		"WITH np (id) AS (SELECT p.id FROM need_posts n JOIN posts p ON "
		"p.id = n.post_id AND p.hidden = 0 WHERE n.need_id = ?1), "
		"b (user_id) AS (SELECT v.user_id FROM np JOIN votes v ON v.post_id = np.id "
		"WHERE v.value = 1 OR v.dots > 0 "
		"UNION SELECT p.author_id FROM np JOIN posts p ON p.id = np.id "
		"UNION SELECT c.author_id FROM np JOIN comments c ON c.post_id = np.id "
		"WHERE c.hidden = 0) "
		"SELECT u.org, count(*) FROM b JOIN users u ON u.id = b.user_id "
		"AND u.role = 'customer' AND u.org <> '' GROUP BY u.org ORDER BY 2 DESC, u.org");
	struct store_org_count *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, need);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			store_done(s);
			free(arr);
			return OS_ENOMEM;
		}
		store_col_text(s, 0, arr[cnt].org, sizeof arr[cnt].org);
		arr[cnt++].people = sql_col_int64(s, 1);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "need orgs");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_post_ids_by_author(struct store *st, int64_t author, int64_t **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT id FROM posts WHERE author_id = ?1 ORDER BY id DESC");
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, author);
	rc = read_ids(st, s, out, n, "posts by author");
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int
store_priority_status(struct store *st, int64_t priority, char *buf, size_t sz)
{
	struct sql_stmt *s = store_stmt(st, "SELECT status FROM priorities WHERE id = ?1");
	int rc;

	buf[0] = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, priority);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		store_col_text(s, 0, buf, sz);
	store_done(s);
	return rc == SQL_ROW || rc == SQL_DONE ? OS_OK : store_rc(st, rc, "priority status");
}

/* --- organisations ---------------------------------------------------- */

void
store_orgs_free(struct org_summary *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].people);
		free(a[i].rounds);
		free(a[i].needs);
		free(a[i].disagree);
	}
	free(a);
}

static const char *
col_str(struct sql_stmt *s, int i)
{
	const char *v = (const char *)sql_col_text(s, i);

	return v ? v : "";
}

/* The organisation called org in a (sorted by strcmp), or NULL. */
static struct org_summary *
find_org(struct org_summary *a, size_t n, const char *org)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a[mid].org, org);

		if (!c)
			return &a[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Every customer with the time of their latest doing: signing in, posting,
 * commenting, voting or chatting. Ordered by organisation (byte order, as
 * find_org() searches: users.org compares bytes on both engines, SQLite's
 * BINARY and PostgreSQL's COLLATE "C") and name. */
static int
load_people(struct store *st, struct org_summary **out, size_t *n)
{
	/* The latest of five times: SQLite's max() of several arguments is
	 * PostgreSQL's greatest(). */
#define PEOPLE_LATEST(fn) \
		"SELECT " STORE_USER_COLS("u") ", " fn "(coalesce(u.last_seen_at, 0), " \
		"coalesce((SELECT max(created_at) FROM posts WHERE author_id = u.id), 0), " \
		"coalesce((SELECT max(created_at) FROM comments WHERE author_id = u.id), 0), " \
		"coalesce((SELECT max(updated_at) FROM votes WHERE user_id = u.id), 0), " \
		"coalesce((SELECT max(created_at) FROM chat_messages WHERE author_id = u.id), 0)) " \
		"FROM users u WHERE u.role = 'customer' " \
		"ORDER BY u.org, u.display_name, u.id"
	struct sql_stmt *s = store_stmt(st, store_dialect(st) == SQL_POSTGRESQL
						    ? PEOPLE_LATEST("greatest")
						    : PEOPLE_LATEST("max"));
#undef PEOPLE_LATEST
	struct org_summary *arr = NULL;
	size_t cnt = 0, cap = 0, pcap = 0;
	int rc, err = OS_OK;

	if (!s)
		return OS_EINTERNAL;
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct org_person p = {0};
		struct org_summary *o;

		store_read_user(s, 0, &p.user);
		p.last_active = sql_col_int64(s, 6);
		if (!cnt || strcmp(arr[cnt - 1].org, p.user.org)) {
			if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
				err = OS_ENOMEM;
				break;
			}
			memset(&arr[cnt], 0, sizeof arr[cnt]);
			memcpy(arr[cnt].org, p.user.org, sizeof arr[cnt].org);
			cnt++;
			pcap = 0;
		}
		o = &arr[cnt - 1];
		if (store_grow((void **)&o->people, &pcap, o->npeople, sizeof *o->people)) {
			err = OS_ENOMEM;
			break;
		}
		o->people[o->npeople++] = p;
		if (p.last_active > o->last_active)
			o->last_active = p.last_active;
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "org people");
	*out = arr;
	*n = cnt;
	return err;
}

/* Adds a count per organisation from s: (org, count) rows. */
static int
load_counts(struct store *st, struct sql_stmt *s, struct org_summary *a, size_t n, int which)
{
	int rc;

	if (!s)
		return OS_EINTERNAL;
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct org_summary *o = find_org(a, n, col_str(s, 0));
		int64_t v = sql_col_int64(s, 1);

		if (!o)
			continue;
		if (which == 0)
			o->ideas = v;
		else if (which == 1)
			o->comments = v;
		else
			o->votes = v;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "org counts");
}

/* Adds references from s: (org, id, round, title) rows, to the rounds
 * (which 0) or the needs (1) of each organisation. */
static int
load_refs(struct store *st, struct sql_stmt *s, struct org_summary *a, size_t n, int which)
{
	struct org_summary *last = NULL;
	size_t cap = 0;
	int rc;

	if (!s)
		return OS_EINTERNAL;
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct org_summary *o = find_org(a, n, col_str(s, 0));
		struct org_ref **arr;
		size_t *cnt;

		if (!o)
			continue;
		arr = which ? &o->needs : &o->rounds;
		cnt = which ? &o->nneeds : &o->nrounds;
		/* Rows come grouped by organisation. */
		if (o != last) {
			cap = *cnt;
			last = o;
		}
		if (store_grow((void **)arr, &cap, *cnt, sizeof **arr)) {
			store_done(s);
			return OS_ENOMEM;
		}
		(*arr)[*cnt].id = sql_col_int64(s, 1);
		(*arr)[*cnt].round = sql_col_int64(s, 2);
		store_col_text(s, 3, (*arr)[*cnt].title, sizeof (*arr)[*cnt].title);
		(*cnt)++;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "org refs");
}

static int
load_disagree(struct store *st, struct org_summary *a, size_t n)
{
	struct sql_stmt *s = store_stmt(st,
		"WITH o AS (SELECT u.org, v.post_id, sum(v.value) AS net FROM votes v "
		"JOIN users u ON u.id = v.user_id WHERE u.role = 'customer' AND v.value <> 0 "
		"GROUP BY u.org, v.post_id), "
		"s AS (SELECT v.post_id, sum(v.value) AS net FROM votes v JOIN users u ON "
		"u.id = v.user_id WHERE u.role <> 'customer' AND v.value <> 0 GROUP BY v.post_id) "
		"SELECT o.org, p.id, p.round_id, p.title, o.net, s.net FROM o "
		"JOIN s ON s.post_id = o.post_id JOIN posts p ON p.id = o.post_id AND p.hidden = 0 "
		"WHERE (o.net > 0 AND s.net < 0) OR (o.net < 0 AND s.net > 0) "
		"ORDER BY o.org, abs(o.net - s.net) DESC, p.id");
	struct org_summary *last = NULL;
	size_t cap = 0;
	int rc;

	if (!s)
		return OS_EINTERNAL;
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct org_summary *o = find_org(a, n, col_str(s, 0));
		struct org_disagree *d;

		if (!o)
			continue;
		if (o != last) {
			cap = o->ndisagree;
			last = o;
		}
		if (store_grow((void **)&o->disagree, &cap, o->ndisagree, sizeof *o->disagree)) {
			store_done(s);
			return OS_ENOMEM;
		}
		d = &o->disagree[o->ndisagree++];
		d->post = sql_col_int64(s, 1);
		d->round = sql_col_int64(s, 2);
		store_col_text(s, 3, d->title, sizeof d->title);
		d->org_net = sql_col_int64(s, 4);
		d->staff_net = sql_col_int64(s, 5);
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "org disagreements");
}

int
store_orgs(struct store *st, struct org_summary **out, size_t *n)
{
	struct org_summary *a = NULL;
	size_t cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = load_people(st, &a, &cnt)) ||
	    (rc = load_counts(st, store_stmt(st,
		"SELECT u.org, count(*) FROM posts p JOIN users u ON u.id = p.author_id "
		"WHERE u.role = 'customer' GROUP BY u.org"), a, cnt, 0)) ||
	    (rc = load_counts(st, store_stmt(st,
		"SELECT u.org, count(*) FROM comments c JOIN users u ON u.id = c.author_id "
		"WHERE u.role = 'customer' GROUP BY u.org"), a, cnt, 1)) ||
	    (rc = load_counts(st, store_stmt(st,
		"SELECT u.org, count(*) FROM votes v JOIN users u ON u.id = v.user_id "
		"WHERE u.role = 'customer' AND (v.value <> 0 OR v.dots > 0) GROUP BY u.org"),
		a, cnt, 2)) ||
	    (rc = load_refs(st, store_stmt(st,
		"SELECT DISTINCT u.org, r.id, 0, r.title FROM round_members rm "
		"JOIN users u ON u.id = rm.user_id AND u.role = 'customer' "
		"JOIN rounds r ON r.id = rm.round_id WHERE rm.revoked_at IS NULL "
		"ORDER BY u.org, r.id"), a, cnt, 0)) ||
	    (rc = load_refs(st, store_stmt(st,
		"WITH " BACKERS "SELECT DISTINCT u.org, n.id, n.round_id, n.title FROM backer b "
		"JOIN users u ON u.id = b.user_id AND u.role = 'customer' "
		"JOIN posts p ON p.id = b.post_id AND p.hidden = 0 "
		"JOIN need_posts np ON np.post_id = p.id "
		"JOIN needs n ON n.id = np.need_id AND n.deleted_at IS NULL "
		"ORDER BY u.org, n.id"), a, cnt, 1)) ||
	    (rc = load_disagree(st, a, cnt))) {
		store_orgs_free(a, cnt);
		return rc;
	}
	*out = a;
	*n = cnt;
	return OS_OK;
}
