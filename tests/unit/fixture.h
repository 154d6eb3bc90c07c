#ifndef OS_TEST_FIXTURE_H
#define OS_TEST_FIXTURE_H

/*
 * Shared set-up for the forum-layer unit tests: a store on ":memory:" with
 * the schema applied (or, when OPENSTRAT_TEST_PG names a PostgreSQL
 * database, on a fresh schema of its own in that database), a forum whose event sink records into an array, and a
 * cast of users, one per role (two employees, two customers). Writes are
 * wrapped in store operations and committed the way the dispatcher and the
 * transport do it, so that a refused write is rolled back exactly as in the
 * server.
 *
 * Header-only: every helper is static inline, so a test file uses what it
 * needs without warnings about the rest.
 */

#include <check.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/model.h"
#include "base/util.h"
#include "forum/events.h"
#include "forum/forum.h"
#include "forum/rounds.h"
#include "store/comments.h"
#include "store/db.h"
#include "store/rounds.h"
#include "store/sql.h"
#include "store/sqlite/sqlite_int.h" /* store_sqlite(), for the SQLite-only checks */
#include "store/store_int.h"         /* store_conn(), to count rows */
#include "store/users.h"

#define FX_MAX_EVENTS 256

/* What an event carried, copied out: its objects live only during emit. */
struct fx_event {
	int type;
	int64_t round;
	int64_t id;          /* the round, post, comment, chat or priority id */
	int phase;           /* round.updated: the round's phase */
	int64_t up, down, dots; /* vote.tally: totals */
	int has_my_vote;     /* post events: whether the post carried my_vote */
};

/* A notification event, kept apart from the others: tests of other rules
 * count their events without them. */
struct fx_note {
	int64_t id, recipient, round, post, comment, chat, actor;
	int kind;
};

struct fx {
	struct store *st;
	struct forum *f;
	struct fx_event ev[FX_MAX_EVENTS];
	size_t nev;
	size_t overflow;
	struct fx_note notes[FX_MAX_EVENTS];
	size_t nnotes;
	struct user admin, mgr, emp, emp2, cust, cust2;
	char pg_schema[32]; /* on PostgreSQL: the schema of this test; else "" */
};

/* The PostgreSQL database the tests run against (OPENSTRAT_TEST_PG), or
 * NULL: SQLite. */
static inline const char *
fx_pg_url(void)
{
	const char *u = getenv("OPENSTRAT_TEST_PG");

	return u && *u ? u : NULL;
}

/* Runs sql on a connection of its own to the test database. */
static inline void
fx_pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(fx_pg_url());
	PGresult *r;

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "PostgreSQL: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "PostgreSQL: %s: %s", sql,
		      PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/*
 * The target store_open() gets: ":memory:", or on PostgreSQL a new empty
 * schema of the test database (a random name: tests run side by side)
 * with the connection's search_path set to it, so that the migrations
 * build the schema there.
 */
/* The target that reaches the test's schema on PostgreSQL: also for a
 * second connection, as another node would have. */
static inline const char *
fx_pg_target(struct fx *x, char *buf, size_t sz)
{
	const char *url = fx_pg_url();

	ck_assert_int_lt(snprintf(buf, sz, "%s%soptions=-csearch_path%%3D%s", url,
				  strchr(url, '?') ? "&" : "?", x->pg_schema),
			 (int)sz);
	return buf;
}

static inline const char *
fx_target(struct fx *x, char *buf, size_t sz)
{
	const char *url = fx_pg_url();
	char sql[128];

	if (!url)
		return ":memory:";
	snprintf(x->pg_schema, sizeof x->pg_schema, "t_%08x%08x", randombytes_random(),
		 randombytes_random());
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
		 x->pg_schema, x->pg_schema);
	fx_pg_admin(sql);
	return fx_pg_target(x, buf, sz);
}

/* Drops the schema fx_target() made (none on SQLite). */
static inline void
fx_target_drop(struct fx *x)
{
	char sql[80];

	if (!x->pg_schema[0])
		return;
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", x->pg_schema);
	fx_pg_admin(sql);
	x->pg_schema[0] = '\0';
}

static inline int
fx_is_pg(struct fx *x)
{
	return store_dialect(x->st) == SQL_POSTGRESQL;
}

/* Ends the running test early, saying so, when it runs on PostgreSQL and
 * checks something the PostgreSQL store does not do yet. */
#define FX_SKIP_ON_PG(x, why)                                                        \
	do {                                                                         \
		if (fx_is_pg(x)) {                                                   \
			fprintf(stderr, "%s: skipped on PostgreSQL: %s\n", __func__, why); \
			return;                                                      \
		}                                                                    \
	} while (0)

/* The same for a test of what only PostgreSQL does. */
#define FX_SKIP_ON_SQLITE(x, why)                                                    \
	do {                                                                         \
		if (!fx_is_pg(x)) {                                                  \
			fprintf(stderr, "%s: PostgreSQL only: %s\n", __func__, why);      \
			return;                                                      \
		}                                                                    \
	} while (0)

/* Inserts a comment on post by author through the store alone, on st (no
 * forum rules, no operation of its own): what another node's store or the
 * command line writes. OS_OK or the store's error. */
static inline int
fx_store_comment(struct store *st, int64_t post, const struct user *author, const char *body)
{
	struct comment c = {.post = post, .author = *author, .anchor_block = -1};

	c.body = (char *)body;
	c.body_html = (char *)body;
	return store_comment_insert(st, &c);
}

/* Runs SQL on the store's own connection (for a test that sets up what no
 * request can). SQL_OK or the driver's code. */
static inline int
fx_exec(struct fx *x, const char *sql)
{
	int rc = sql_exec(store_conn(x->st), sql);

	if (rc != SQL_OK)
		fprintf(stderr, "fx_exec: %s: %s\n", sql, sql_errmsg(store_conn(x->st)));
	return rc;
}

static inline void
fx_record(void *arg, const struct os_event *ev)
{
	struct fx *x = arg;
	struct fx_event *e;

	if (ev->type == EV_NOTIFICATION) {
		const struct notification *n = ev->notification;

		/* The recipient as the transport routes it: by user_id. */
		if (x->nnotes < FX_MAX_EVENTS)
			x->notes[x->nnotes++] = (struct fx_note){
				n->id, ev->user_id, n->round, n->post, n->comment,
				n->chat, n->actor.id, n->kind};
		return;
	}
	if (x->nev == FX_MAX_EVENTS) {
		x->overflow++;
		return;
	}
	e = &x->ev[x->nev++];
	memset(e, 0, sizeof *e);
	e->type = ev->type;
	e->round = ev->round;
	e->phase = -1;
	switch (ev->type) {
	case EV_ROUND_UPDATED:
		if (ev->round_obj) {
			e->id = ev->round_obj->id;
			e->phase = ev->round_obj->phase;
		}
		break;
	case EV_POST_CREATED:
	case EV_POST_UPDATED:
	case EV_VOTE_TALLY:
		if (ev->post) {
			e->id = ev->post->id;
			e->has_my_vote = ev->post->has_my_vote;
			e->up = tally_up(&ev->post->tally);
			e->down = tally_down(&ev->post->tally);
			e->dots = tally_dots(&ev->post->tally);
		}
		break;
	case EV_COMMENT_CREATED:
	case EV_COMMENT_UPDATED:
		if (ev->comment)
			e->id = ev->comment->id;
		break;
	case EV_CHAT_MESSAGE:
	case EV_CHAT_UPDATED:
		if (ev->chat)
			e->id = ev->chat->id;
		break;
	case EV_NEED_UPDATED:
	case EV_NEED_DELETED:
		if (ev->need)
			e->id = ev->need->id;
		break;
	case EV_PRIORITY_UPDATED:
		if (ev->priority)
			e->id = ev->priority->id;
		break;
	case EV_PRIORITY_UPDATE_POSTED:
		if (ev->update)
			e->id = ev->update->id;
		break;
	case EV_UPDATE_COMMENTED:
		if (ev->comment)
			e->id = ev->comment->id;
		break;
	default:
		break;
	}
}

static inline void
fx_clear_events(struct fx *x)
{
	x->nev = 0;
	x->overflow = 0;
	x->nnotes = 0;
}

/* Asserts that exactly one event was emitted since the last clear, of this
 * type, for this round and (when id is not 0) about this object. */
static inline void
fx_assert_one_event(struct fx *x, int type, int64_t round, int64_t id)
{
	ck_assert_msg(x->nev == 1 && !x->overflow,
		      "expected exactly one event, got %zu", x->nev);
	ck_assert_int_eq(x->ev[0].type, type);
	ck_assert_int_eq(x->ev[0].round, round);
	if (id)
		ck_assert_int_eq(x->ev[0].id, id);
}

static inline void
fx_assert_no_event(struct fx *x)
{
	ck_assert_msg(x->nev == 0 && !x->overflow,
		      "a refused write must emit nothing, got %zu event(s), the first "
		      "of type %d", x->nev, x->nev ? x->ev[0].type : -1);
}

/* Wraps one write as the dispatcher does (an operation inside a group) and
 * commits the group as the transport does after the loop turn. */
static inline void
fx_begin(struct fx *x)
{
	ck_assert_int_eq(store_op_begin(x->st), OS_OK);
}

static inline int
fx_end(struct fx *x, int rc)
{
	ck_assert_int_eq(store_op_end(x->st, rc == OS_OK), OS_OK);
	ck_assert_int_eq(store_commit(x->st), OS_OK);
	return rc;
}

#define FX_W(x, call) (fx_begin(x), fx_end((x), (call)))

static inline void
fx_user(struct fx *x, const char *name, int role, struct user *out)
{
	int64_t id;

	fx_begin(x);
	ck_assert_int_eq(fx_end(x, store_user_insert(x->st, name, name, role, "Acme",
						     "not-a-real-hash", &id)),
			 OS_OK);
	ck_assert_int_eq(store_user_by_id(x->st, id, out), OS_OK);
}

static inline void
fx_open(struct fx *x, int rate_limit)
{
	struct forum_events events = {.emit = fx_record, .arg = x};
	struct forum_opts opts = {.rate_limit = rate_limit};
	char target[1024];

	memset(x, 0, sizeof *x);
	ck_assert_int_eq(store_open(fx_target(x, target, sizeof target), STORE_SYNC_FULL, &x->st),
			 OS_OK);
	ck_assert_int_eq(forum_new(x->st, &events, &opts, &x->f), OS_OK);
	fx_user(x, "root", ROLE_ADMIN, &x->admin);
	fx_user(x, "mgr", ROLE_MANAGER, &x->mgr);
	fx_user(x, "anna", ROLE_EMPLOYEE, &x->emp);
	fx_user(x, "bert", ROLE_EMPLOYEE, &x->emp2);
	fx_user(x, "cust", ROLE_CUSTOMER, &x->cust);
	fx_user(x, "carl", ROLE_CUSTOMER, &x->cust2);
	fx_clear_events(x);
}

static inline void
fx_close(struct fx *x)
{
	forum_free(x->f);
	store_close(x->st);
	x->f = NULL;
	x->st = NULL;
	fx_target_drop(x);
}

/* Moves a round to phase as the admin (who may do it from any phase). */
static inline void
fx_set_phase(struct fx *x, int64_t round, int phase)
{
	struct round_changes ch = {.has_phase = 1, .phase = phase};
	struct round out;

	ck_assert_int_eq(FX_W(x, rounds_update(x->f, &x->admin, round, &ch, &out)), OS_OK);
	ck_assert_int_eq(out.phase, phase);
	round_clear(&out);
	fx_clear_events(x);
}

/* Sets (or with 0 clears) closes_at as the admin. */
static inline void
fx_set_closes_at(struct fx *x, int64_t round, int64_t closes_at)
{
	struct round_changes ch = {.has_closes_at = 1, .closes_at = closes_at};
	struct round out;

	ck_assert_int_eq(FX_W(x, rounds_update(x->f, &x->admin, round, &ch, &out)), OS_OK);
	round_clear(&out);
	fx_clear_events(x);
}

/* Creates a round as the manager, then moves it to phase. */
static inline int64_t
fx_round(struct fx *x, int vote_mode, int dots, int audience, int phase)
{
	struct round r = {0};
	int64_t id;

	r.title = (char *)"Strategy 2027";
	r.description = (char *)"Where we go next";
	r.audience = audience;
	r.vote_mode = vote_mode;
	r.dots_per_member = dots;
	ck_assert_int_eq(FX_W(x, rounds_create(x->f, &x->mgr, &r)), OS_OK);
	id = r.id;
	ck_assert_int_gt(id, 0);
	round_clear(&r);
	if (phase != PHASE_DRAFT)
		fx_set_phase(x, id, phase);
	fx_clear_events(x);
	return id;
}

/* An open internal up/down round. */
static inline int64_t
fx_open_round(struct fx *x)
{
	return fx_round(x, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_OPEN);
}

static inline void
fx_member(struct fx *x, int64_t round, const struct user *u)
{
	ck_assert_int_eq(FX_W(x, store_member_add(x->st, round, u->id, x->mgr.id)), OS_OK);
}

static inline int64_t
fx_count(struct fx *x, const char *table)
{
	char sql[128];
	struct sql_stmt *s = NULL;
	int64_t n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	ck_assert_int_eq(sql_prepare(store_conn(x->st), sql, &s), SQL_OK);
	if (sql_step(s) == SQL_ROW)
		n = sql_col_int64(s, 0);
	sql_finalize(s);
	ck_assert_int_ge(n, 0);
	return n;
}

/* The first column of the first row of sql, an integer (-1: no row). */
static inline int64_t
fx_query_int64(struct fx *x, const char *sql)
{
	struct sql_stmt *s = NULL;
	int64_t n = -1;

	ck_assert_msg(sql_prepare(store_conn(x->st), sql, &s) == SQL_OK, "%s: %s", sql,
		      sql_errmsg(store_conn(x->st)));
	if (sql_step(s) == SQL_ROW)
		n = sql_col_int64(s, 0);
	sql_finalize(s);
	return n;
}

/* A hash of every row sql returns, every column as text. */
static inline uint64_t
fx_hash_rows(struct fx *x, const char *sql)
{
	struct sql_stmt *s = NULL;
	uint64_t h = 1469598103934665603ULL;
	int rc;

	ck_assert_msg(sql_prepare(store_conn(x->st), sql, &s) == SQL_OK, "%s: %s", sql,
		      sql_errmsg(store_conn(x->st)));
	while ((rc = sql_step(s)) == SQL_ROW) {
		for (int i = 0; i < sql_col_count(s); i++) {
			const unsigned char *t = sql_col_text(s, i);
			int n = sql_col_bytes(s, i);

			for (int k = 0; t && k < n; k++)
				h = (h ^ t[k]) * 1099511628211ULL;
			h = (h ^ 0xff) * 1099511628211ULL;
		}
		h = (h ^ 0xfe) * 1099511628211ULL;
	}
	sql_finalize(s);
	ck_assert_int_eq(rc, SQL_DONE);
	return h;
}

/* A fingerprint of everything a request could write: row counts and a hash
 * of the contents of every table the forum writes. (Columns as text, so
 * that the UNION has one type per column on every engine.) */
#define FX_T(c) "CAST(" c " AS TEXT)"
static inline uint64_t
fx_fingerprint(struct fx *x)
{
	static const char *const sql =
		"SELECT 'u', id, " FX_T("username") ", " FX_T("display_name") ", "
		FX_T("role") ", " FX_T("org") ", "
		FX_T("disabled || '/' || coalesce(lang, '-')") " FROM users "
		"UNION ALL SELECT 's', id, " FX_T("user_id") ", " FX_T("last_seen") ", "
		FX_T("expires_at") ", " FX_T("revoked_at") ", '0' FROM sessions "
		"UNION ALL SELECT 'r', id, " FX_T("title") ", " FX_T("description") ", "
		FX_T("phase") ", " FX_T("closes_at") ", " FX_T("dots_per_member") " FROM rounds "
		"UNION ALL SELECT 'm', round_id, " FX_T("user_id") ", " FX_T("revoked_at")
		", '0', '0', '0' FROM round_members "
		"UNION ALL SELECT 'p', id, " FX_T("title") ", " FX_T("body") ", " FX_T("status")
		", " FX_T("hidden") ", " FX_T("comment_count") " FROM posts "
		"UNION ALL SELECT 'c', id, " FX_T("post_id") ", " FX_T("parent_id") ", "
		FX_T("body") ", " FX_T("hidden") ", '0' FROM comments "
		"UNION ALL SELECT 'v', post_id, " FX_T("user_id") ", " FX_T("voter_role") ", "
		FX_T("value") ", " FX_T("dots") ", '0' FROM votes "
		"UNION ALL SELECT 't', post_id, " FX_T("role") ", " FX_T("up") ", "
		FX_T("down") ", " FX_T("dots") ", '0' FROM post_tallies "
		"UNION ALL SELECT 'h', id, " FX_T("round_id") ", " FX_T("body") ", "
		FX_T("hidden") ", '0', '0' FROM chat_messages "
		"UNION ALL SELECT 'f', id, " FX_T("target_id") ", " FX_T("reason")
		", '0', '0', '0' FROM flags "
		"UNION ALL SELECT 'a', id, " FX_T("action") ", " FX_T("detail")
		", '0', '0', '0' FROM audit_log "
		"ORDER BY 1, 2, 3";
	return fx_hash_rows(x, sql);
}
#undef FX_T

/* n copies of unit, NUL-terminated; the caller frees it. */
static inline char *
fx_repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

/* Runs a Check suite and turns its result into an exit status. */
static inline int
fx_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
