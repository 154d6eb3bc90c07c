/*
 * Out of memory, after SQLite's fault-injection tests: each operation below
 * runs again and again with its 1st, 2nd, 3rd, ... allocation failing,
 * once (transient) and from there on (persistent), until a run meets no
 * failure at all. The allocations are openstrat's own, cJSON's and
 * SQLite's (failmalloc.h). After every run:
 *
 *  - nothing crashed; an error, if there is one, says out of memory or
 *    internal (never a wrong answer such as not_found or an empty list), and
 *    a success is exactly the success of a run without failures (nothing
 *    of the result quietly missing);
 *  - the database passes PRAGMA integrity_check, the foreign-key check and
 *    FTS5's own check, and tallies, comment counts and priority ranks
 *    agree with the rows they count;
 *  - a failed write changed nothing (every table's fingerprint is the one
 *    from before) and emitted no event; a write that succeeded wrote
 *    exactly what the run without failures writes, and emitted the same
 *    events;
 *  - the same operation, run again at once with memory back, succeeds
 *    (and writes what the run without failures writes);
 *  - under AddressSanitizer, nothing leaks (LeakSanitizer at exit).
 *
 * A request may also get no reply at all (the transport then closes the
 * connection): when nothing happened, or when a write happened whose reply
 * could not be built; then all of it, with its events. An error reply
 * always means that nothing changed.
 *
 * Every loop also asserts that it injected failures at all, and each test
 * that failures came from each allocator it means to cover.
 *
 * Levels: the store (each query and write, and group commit: an operation
 * failing between two good ones of the same group), dispatch (a JSON request
 * for each main op, on an in-memory database, as tests/fuzz/fuzz_dispatch.c
 * drives it), event rendering, and fan-out (src/transport/fanout.c without a
 * libwebsockets context: the three lws calls it makes are stubbed below).
 *
 * OSOOM_VERBOSE=1 prints every operation's allocation and failure counts.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "dispatch/dispatch.h"
#include "failmalloc.h"
#include "fixture.h"
#include "forum/chat.h"
#include "forum/moderation.h"
#include "forum/needs.h"
#include "forum/posts.h"
#include "forum/priorities.h"
#include "forum/votes.h"
#include "store/audit.h"
#include "store/chat.h"
#include "store/comments.h"
#include "store/flags.h"
#include "store/invites.h"
#include "store/needs.h"
#include "store/migrations.h"
#include "store/posts.h"
#include "store/priorities.h"
#include "store/search.h"
#include "store/sessions.h"
#include "store/votes.h"
#include "transport/internal.h"

/* No operation here makes anywhere near this many allocations; a loop that
 * gets here never met a run without failures. */
#define MAX_RUNS 40000
/* Opening a store runs every migration; each ALTER TABLE re-reads the
 * whole schema. */
#define OPEN_MAX_RUNS 400000

static int verbose;

/* Check's ck_assert records every passing assertion (a write to its log);
 * tens of thousands of runs want a check that costs nothing when it holds. */
#define CHECK(cond, ...)                          \
	do {                                      \
		if (!(cond))                      \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* The store logs every failed query; thousands of injected failures would
 * bury a real report (ASan's included), so the log goes quiet unless
 * OSOOM_VERBOSE is set (-Wl,--wrap=os_log). */
void __wrap_os_log(enum os_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void
__wrap_os_log(enum os_log_level level, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	if (!verbose || level > OS_LOG_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "log: %s\n", line);
}

/* ---- what the database holds, and whether it is consistent ---- */

static const char *const fp_tables[] = {
	"SELECT id, username, display_name, role, org, disabled FROM users",
	"SELECT id, user_id, revoked_at IS NULL FROM sessions",
	"SELECT id, title, description, phase, audience, vote_mode, dots_per_member, "
	"closes_at, created_by FROM rounds",
	"SELECT round_id, user_id, added_by, revoked_at IS NULL FROM round_members",
	"SELECT id, role, round_id, created_by, used_at IS NULL, used_by FROM invites",
	"SELECT id, round_id, kind, title, body, body_html, author_id, status, hidden, "
	"merged_into, comment_count, revision, edited_at IS NULL, blocks FROM posts",
	"SELECT id, post_id, parent_id, body, body_html, author_id, hidden, anchor_block, "
	"anchor_quote, anchor_outdated, edited_at IS NULL FROM comments",
	"SELECT post_id, revision, title, body, author_id FROM post_revisions",
	"SELECT id, comment_id, body, edited_by FROM comment_edits",
	"SELECT post_id, user_id, round_id, voter_role, value, dots FROM votes",
	"SELECT post_id, role, up, down, dots FROM post_tallies",
	"SELECT id, round_id, author_id, body, hidden FROM chat_messages",
	"SELECT id, round_id, title, description, owner_id, rank, created_by FROM priorities",
	"SELECT post_id, priority_id, linked_by FROM priority_posts",
	"SELECT id, target_kind, target_id, round_id, user_id, reason, resolved_at IS NULL "
	"FROM flags",
	"SELECT id, actor_id, action, target_kind, target_id, round_id, detail FROM audit_log",
	"SELECT post_id, user_id FROM merge_moved_votes",
	"SELECT id, round_id, title, description, description_html, deleted_at IS NULL FROM needs",
	"SELECT need_id, post_id, linked_by FROM need_posts",
	"SELECT need_id, priority_id, linked_by FROM need_priorities",
	"SELECT id, goal, goal_html, status FROM priorities",
	"SELECT id, priority_id, name, unit, baseline, target, current FROM priority_measures",
	"SELECT id, measure_id, value, user_id FROM measure_history",
	"SELECT id, priority_id, title, due, done_at IS NULL FROM priority_milestones",
	"SELECT id, priority_id, body, body_html, author_id, status FROM priority_updates",
	"SELECT id, update_id, parent_id, body, author_id FROM update_comments",
	"SELECT priority_id, user_id, following FROM priority_follows",
	"SELECT id, recipient_id, kind, priority_id, update_id FROM notifications",
};
#define NFP (sizeof fp_tables / sizeof fp_tables[0])

/* Consistency: each query counts what must not exist. */
static const char *const consistency[] = {
	"SELECT count(*) FROM pragma_foreign_key_check",
	"SELECT count(*) FROM posts p WHERE comment_count != "
	"(SELECT count(*) FROM comments c WHERE c.post_id = p.id)",
	"SELECT count(*) FROM (SELECT post_id, voter_role, sum(value = 1), sum(value = -1), "
	"sum(dots) FROM votes GROUP BY 1, 2 EXCEPT SELECT post_id, role, up, down, dots "
	"FROM post_tallies)",
	"SELECT count(*) FROM (SELECT post_id, role, up, down, dots FROM post_tallies "
	"WHERE up OR down OR dots EXCEPT SELECT post_id, voter_role, sum(value = 1), "
	"sum(value = -1), sum(dots) FROM votes GROUP BY 1, 2)",
	"SELECT count(*) FROM (SELECT round_id FROM priorities GROUP BY round_id HAVING "
	"count(DISTINCT rank) != count(*) OR max(rank) != count(*))",
};
static const char *const consistency_what[] = {
	"a foreign key points nowhere",
	"a comment count disagrees with the comments",
	"a tally disagrees with the votes",
	"a tally disagrees with the votes",
	"priority ranks are not 1..n",
};
#define NCONS (sizeof consistency / sizeof consistency[0])

struct fp {
	uint64_t h[NFP];
};

/* ---- the world: a small forum, kept as a template and restored ---- */

enum { ADMIN, MGR, EMP, EMP2, CUST, CUST2, NUSERS };

/* The restore: every table back to the template's rows, children first out
 * and last in, then what the triggers added on the way in replaced by the
 * template's own (tallies, comment counts), then the search index rebuilt
 * from its tables. */
static const char *const tables[] = {
	"users", "rounds", "sessions", "round_members", "invites", "posts", "priorities",
	"chat_messages", "comments", "votes", "post_tallies", "audit_log", "flags",
	"priority_posts", "priority_measures", "measure_history", "priority_milestones",
	"priority_updates", "update_comments", "priority_follows", "notifications",
	"unsubscribe_tokens", "mail_outbox", "merge_moved_votes", "post_revisions",
	"comment_edits", "needs", "need_posts", "need_priorities",
};
#define NTABLES (sizeof tables / sizeof tables[0])
#define NRESTORE (2 * NTABLES - 2 + 9)

struct world {
	struct fx x;
	sqlite3_stmt *restore[NRESTORE];
	sqlite3_stmt *fp[NFP], *cons[NCONS], *integrity, *fts[2];
	struct fp template;  /* the template's fingerprint */
	int dirty;           /* the data may differ from the template's */
	struct user *u[NUSERS];
	int64_t ra;          /* internal, up/down, open */
	int64_t rb;          /* invited (cust), dots (10), open */
	int64_t plan, idea, idea2, ideab;
	int64_t c1, c2, chat;
	int64_t prio1, prio2; /* prio1 is fed by idea */
	int64_t need;         /* gathers idea, answered by prio1 */
	int64_t invite;
	char token[OS_TOKEN_STR_LEN]; /* mgr's session */
};

/* The token hashes of anna's session and of an invite to round rb. */
static const unsigned char session_hash[32] = "anna's session, thirty-two byte";
static const unsigned char invite_hash[32] = "an invitation to the dots round";

static struct world W;

static void
w_post(struct world *w, const struct user *u, int64_t round, int kind, const char *title,
       const char *body, int64_t *id)
{
	struct post p;

	ck_assert_int_eq(FX_W(&w->x, posts_create(w->x.f, u, round, kind, title, body, &p)),
			 OS_OK);
	*id = p.id;
	post_clear(&p);
}

static void
w_comment(struct world *w, const struct user *u, int64_t post, int64_t parent,
	  const char *body, int64_t *id)
{
	struct comment c;

	ck_assert_int_eq(FX_W(&w->x, comments_create(w->x.f, u, post, parent, body, &c)),
			 OS_OK);
	*id = c.id;
	comment_clear(&c);
}

static void
w_vote(struct world *w, const struct user *u, int64_t post, int value, int dots)
{
	struct post p;

	ck_assert_int_eq(FX_W(&w->x, votes_cast(w->x.f, u, post, !dots, value, !!dots, dots,
						 &p)),
			 OS_OK);
	post_clear(&p);
}

static void
w_priority(struct world *w, int64_t round, const char *title, int64_t owner, int64_t *id)
{
	struct priority p;

	ck_assert_int_eq(FX_W(&w->x, priorities_create(w->x.f, &w->x.mgr, round, title,
							"Why it *matters*", owner, &p)),
			 OS_OK);
	*id = p.id;
	priority_clear(&p);
}

static void fingerprint(struct world *w, struct fp *out);
static void assert_consistent(struct world *w, const char *op, unsigned long n);

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s: %s", sql,
		      err ? err : "?");
}

/*
 * Keeps what the store holds now as the template, in an attached database
 * of the same connection. The restore is plain SQL on the tables, so that
 * the store's prepared statements stay prepared, as in a server that has
 * run a while (copying the whole database would change the schema cookie
 * and have SQLite prepare every statement again inside the operations
 * under test).
 */
static void
world_snapshot(struct world *w)
{
	sqlite3 *db = store_sqlite(w->x.st);
	char sql[256];
	size_t k = 0;

	exec_ok(db, "ATTACH ':memory:' AS tmpl");
	for (size_t t = 0; t < NTABLES; t++) {
		snprintf(sql, sizeof sql, "CREATE TABLE tmpl.%s AS SELECT * FROM main.%s", tables[t],
			 tables[t]);
		exec_ok(db, sql);
	}
	for (size_t t = NTABLES; t-- > 0;) {
		snprintf(sql, sizeof sql, "DELETE FROM main.%s", tables[t]);
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &w->restore[k++], NULL), SQLITE_OK);
	}
	for (size_t t = 0; t < NTABLES; t++) {
		if (!strcmp(tables[t], "post_tallies") || !strcmp(tables[t], "post_revisions"))
			continue; /* the votes' and posts' triggers write them; see below */
		snprintf(sql, sizeof sql, "INSERT INTO main.%s SELECT * FROM tmpl.%s", tables[t],
			 tables[t]);
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &w->restore[k++], NULL), SQLITE_OK);
	}
	{
		static const char *const fix[] = {
			"DELETE FROM main.post_tallies",
			"INSERT INTO main.post_tallies SELECT * FROM tmpl.post_tallies",
			"DELETE FROM main.post_revisions",
			"INSERT INTO main.post_revisions SELECT * FROM tmpl.post_revisions",
			"UPDATE main.posts SET comment_count = (SELECT t.comment_count FROM "
			"tmpl.posts t WHERE t.id = posts.id)",
			"INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')",
			"INSERT INTO comments_fts (comments_fts) VALUES ('rebuild')",
			"BEGIN",
			"COMMIT",
		};

		for (size_t i = 0; i < sizeof fix / sizeof fix[0]; i++)
			ck_assert_int_eq(sqlite3_prepare_v2(db, fix[i], -1, &w->restore[k++], NULL),
					 SQLITE_OK);
	}
	ck_assert_int_eq(k, NRESTORE);
	for (size_t t = 0; t < NFP; t++)
		ck_assert_int_eq(sqlite3_prepare_v2(db, fp_tables[t], -1, &w->fp[t], NULL), SQLITE_OK);
	for (size_t t = 0; t < NCONS; t++)
		ck_assert_int_eq(sqlite3_prepare_v2(db, consistency[t], -1, &w->cons[t], NULL),
				 SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA main.integrity_check", -1, &w->integrity, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO posts_fts (posts_fts) VALUES "
					    "('integrity-check')", -1, &w->fts[0], NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO comments_fts (comments_fts) "
					    "VALUES ('integrity-check')", -1, &w->fts[1], NULL),
			 SQLITE_OK);
	fingerprint(w, &w->template);
	assert_consistent(w, "the template", 0);
}

static void
world_open(struct world *w)
{
	struct forum_events events = {.emit = fx_record, .arg = &w->x};
	struct forum_opts opts = {.rate_limit = 0, .flag_threshold = 2};
	struct fx *x = &w->x;
	struct chat c;
	int hidden;

	memset(w, 0, sizeof *w);
	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &x->st), OS_OK);
	ck_assert_int_eq(forum_new(x->st, &events, &opts, &x->f), OS_OK);
	fx_user(x, "root", ROLE_ADMIN, &x->admin);
	fx_user(x, "mgr", ROLE_MANAGER, &x->mgr);
	fx_user(x, "anna", ROLE_EMPLOYEE, &x->emp);
	fx_user(x, "bert", ROLE_EMPLOYEE, &x->emp2);
	fx_user(x, "cust", ROLE_CUSTOMER, &x->cust);
	fx_user(x, "carl", ROLE_CUSTOMER, &x->cust2);
	w->u[ADMIN] = &x->admin;
	w->u[MGR] = &x->mgr;
	w->u[EMP] = &x->emp;
	w->u[EMP2] = &x->emp2;
	w->u[CUST] = &x->cust;
	w->u[CUST2] = &x->cust2;

	w->ra = fx_round(x, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_OPEN);
	w->rb = fx_round(x, VOTE_DOTS, 10, AUD_INVITED, PHASE_OPEN);
	fx_member(x, w->rb, &x->cust);
	w_post(w, &x->mgr, w->ra, KIND_PLAN, "Customer success",
	       "## Where we are\n\nRenewals fell to **86%**.\n\n1. A named lead\n2. *Time*",
	       &w->plan);
	w_post(w, &x->emp, w->ra, KIND_IDEA, "A shared customer timeline",
	       "One timeline per customer account.", &w->idea);
	w_post(w, &x->emp2, w->ra, KIND_IDEA, "One customer login",
	       "Four passwords a day is three too many.", &w->idea2);
	w_post(w, &x->cust, w->rb, KIND_IDEA, "Tell customers first",
	       "We want to hear it from *you*.", &w->ideab);
	w_comment(w, &x->emp2, w->idea, 0, "This would have saved me two escalations.",
		  &w->c1);
	w_comment(w, &x->mgr, w->idea, w->c1, "Who owns the timeline, though?", &w->c2);
	w_vote(w, &x->emp, w->idea2, 1, 0);
	w_vote(w, &x->mgr, w->idea, -1, 0);
	w_vote(w, &x->cust, w->ideab, 0, 3);
	ck_assert_int_eq(FX_W(x, chat_send(x->f, &x->emp, w->ra, "Welcome, everyone", &c)),
			 OS_OK);
	w->chat = c.id;
	chat_clear(&c);
	ck_assert_int_eq(FX_W(x, chat_send(x->f, &x->cust, w->rb, "Hello from Nordbank", &c)),
			 OS_OK);
	chat_clear(&c);
	w_priority(w, w->ra, "Know every customer", x->mgr.id, &w->prio1);
	w_priority(w, w->ra, "Fewer logins", 0, &w->prio2);
	{
		struct priority p;

		ck_assert_int_eq(FX_W(x, priorities_link(x->f, &x->mgr, w->prio1, w->idea, &p)),
				 OS_OK);
		priority_clear(&p);
	}
	{
		struct need n;

		ck_assert_int_eq(FX_W(x, needs_create(x->f, &x->mgr, w->ra, "Customers feel known",
						      "No one asks *twice*.", &n)), OS_OK);
		w->need = n.id;
		need_clear(&n);
		ck_assert_int_eq(FX_W(x, needs_link(x->f, &x->mgr, w->need, NEED_POST, w->idea, 1,
						    &n)), OS_OK);
		need_clear(&n);
		ck_assert_int_eq(FX_W(x, needs_link(x->f, &x->mgr, w->need, NEED_PRIORITY, w->prio1,
						    1, &n)), OS_OK);
		need_clear(&n);
	}
	ck_assert_int_eq(FX_W(x, mod_flag(x->f, &x->emp2, TARGET_POST, w->idea, "duplicate",
					  &hidden)),
			 OS_OK);
	ck_assert_int_eq(hidden, 0);
	{
		int64_t id, now = os_now_ms();

		ck_assert_int_eq(FX_W(x, store_session_insert(x->st, session_hash, x->emp.id, now,
							      now + 86400000, &id)),
				 OS_OK);
		ck_assert_int_eq(FX_W(x, store_invite_insert(x->st, invite_hash, ROLE_CUSTOMER, w->rb,
							     x->mgr.id, now + 86400000, NULL, &w->invite)),
				 OS_OK);
		ck_assert_int_eq(FX_W(x, session_create(x->st, &session_default_policy, x->mgr.id,
							w->token)),
				 OS_OK);
	}
	fx_clear_events(x);
	world_snapshot(w);
}

static void
world_close(struct world *w)
{
	for (size_t i = 0; i < NRESTORE; i++)
		sqlite3_finalize(w->restore[i]);
	for (size_t i = 0; i < NFP; i++)
		sqlite3_finalize(w->fp[i]);
	for (size_t i = 0; i < NCONS; i++)
		sqlite3_finalize(w->cons[i]);
	sqlite3_finalize(w->integrity);
	sqlite3_finalize(w->fts[0]);
	sqlite3_finalize(w->fts[1]);
	fx_close(&w->x);
}

static void
step_ok(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	CHECK(rc == SQLITE_DONE, "restore: %s: %s", sqlite3_sql(s),
	      sqlite3_errmsg(sqlite3_db_handle(s)));
}

/* Back to the template: the data, no open group, no events. Rows that are
 * the template's already (a read, or a write that failed) stay. */
static void
world_restore(struct world *w)
{
	CHECK(!store_group_open(w->x.st), "a group was left open");
	fx_clear_events(&w->x);
	if (!w->dirty)
		return;
	step_ok(w->restore[NRESTORE - 2]); /* BEGIN */
	for (size_t i = 0; i < NRESTORE - 2; i++)
		step_ok(w->restore[i]);
	step_ok(w->restore[NRESTORE - 1]); /* COMMIT */
	w->dirty = 0;
}

/* A hash of every row of every table (times left out), per table. */
static void
fingerprint(struct world *w, struct fp *out)
{
	for (size_t t = 0; t < NFP; t++) {
		sqlite3_stmt *s = w->fp[t];
		uint64_t h = 1469598103934665603ULL;
		int rc;

		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(s); i++) {
				const unsigned char *v = sqlite3_column_text(s, i);
				int n = sqlite3_column_bytes(s, i);

				for (int k = 0; v && k < n; k++)
					h = (h ^ v[k]) * 1099511628211ULL;
				h = (h ^ (v ? 0xff : 0xfd)) * 1099511628211ULL;
			}
			h = (h ^ 0xfe) * 1099511628211ULL;
		}
		sqlite3_reset(s);
		CHECK(rc == SQLITE_DONE, "fingerprint: %s", sqlite3_errmsg(sqlite3_db_handle(s)));
		out->h[t] = h;
	}
	if (out != &w->template && memcmp(out, &w->template, sizeof *out))
		w->dirty = 1;
}

static void
assert_fp(const struct fp *got, const struct fp *want, const char *what, const char *op,
	  unsigned long n)
{
	for (size_t t = 0; t < NFP; t++)
		CHECK(got->h[t] == want->h[t], "%s, allocation %lu: %s; first difference in \"%s\"",
		      op, n, what, fp_tables[t]);
}

/* The one integer a cached query returns; -1 on error. */
static int64_t
q_int(sqlite3_stmt *s)
{
	int64_t v = -1;

	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

/* The database is sound, and every derived value agrees with its rows: no
 * comment without its count, no vote without its tally, no post without
 * its index entry, no priority ranks with gaps. */
static void
assert_consistent(struct world *w, const char *op, unsigned long n)
{
	const unsigned char *t;
	int rc;

	rc = sqlite3_step(w->integrity);
	t = rc == SQLITE_ROW ? sqlite3_column_text(w->integrity, 0) : NULL;
	CHECK(t && !strcmp((const char *)t, "ok"), "%s, allocation %lu: integrity_check: %s",
	      op, n, t ? (const char *)t : "failed");
	sqlite3_reset(w->integrity);
	for (size_t i = 0; i < NCONS; i++)
		CHECK(q_int(w->cons[i]) == 0, "%s, allocation %lu: %s", op, n, consistency_what[i]);
	for (int i = 0; i < 2; i++) {
		rc = sqlite3_step(w->fts[i]);
		sqlite3_reset(w->fts[i]);
		CHECK(rc == SQLITE_DONE, "%s, allocation %lu: the search index disagrees with "
		      "the rows (%s)", op, n, sqlite3_errmsg(store_sqlite(w->x.st)));
	}
}

static int
oom_code(int rc)
{
	return rc == OS_ENOMEM || rc == OS_EINTERNAL;
}

static void
say(const char *level, const char *op, unsigned long allocs, unsigned long runs,
    unsigned long injected)
{
	if (verbose)
		printf("oom: %-8s %-26s %5lu allocations, %5lu runs, %6lu failures injected\n",
		       level, op, allocs, runs, injected);
}

/* ---- the store: every query and write, as the code above it uses them ---- */

/* One store operation. A write runs inside store_op_begin()/store_op_end()
 * and store_commit(), all of it under injection; a read describes what it
 * read into out, after fm_disarm(), for comparing with the reference. */
struct sop {
	const char *name;
	int write;
	int (*fn)(struct world *w, struct os_buf *out);
};

static void
d_user(struct os_buf *b, const struct user *u)
{
	os_buf_addf(b, "<%lld %s %s %d %s %d>", (long long)u->id, u->username, u->display_name,
		    u->role, u->org, u->disabled);
}

static void
d_round(struct os_buf *b, const struct round *r)
{
	os_buf_addf(b, "[round %lld %s|%s %d %d %d %d %lld %lld]", (long long)r->id, r->title,
		    r->description, r->phase, r->audience, r->vote_mode, r->dots_per_member,
		    (long long)r->closes_at, (long long)r->created_by);
}

static void
d_post(struct os_buf *b, const struct post *p)
{
	os_buf_addf(b, "[post %lld %lld %d %s|%s|%s %d %d %lld %lld %lld %d %d %d up%lld "
		    "down%lld dots%lld ", (long long)p->id, (long long)p->round, p->kind, p->title,
		    p->body, p->body_html, p->status, p->hidden, (long long)p->merged_into,
		    (long long)p->comment_count, (long long)p->priority, p->vote_mode, p->my_vote,
		    p->has_my_vote, (long long)tally_up(&p->tally), (long long)tally_down(&p->tally),
		    (long long)tally_dots(&p->tally));
	d_user(b, &p->author);
	os_buf_adds(b, "]");
}

static void
d_comment(struct os_buf *b, const struct comment *c)
{
	os_buf_addf(b, "[comment %lld %lld %lld %lld %s|%s %d %lld ", (long long)c->id,
		    (long long)c->post, (long long)c->round, (long long)c->parent, c->body,
		    c->body_html, c->hidden, (long long)c->from_post);
	d_user(b, &c->author);
	os_buf_adds(b, "]");
}

static void
d_chat(struct os_buf *b, const struct chat *c)
{
	os_buf_addf(b, "[chat %lld %lld %s %d ", (long long)c->id, (long long)c->round, c->body,
		    c->hidden);
	d_user(b, &c->author);
	os_buf_adds(b, "]");
}

static void
d_priority(struct os_buf *b, const struct priority *p)
{
	os_buf_addf(b, "[priority %lld %lld %s|%s %d %d", (long long)p->id, (long long)p->round,
		    p->title, p->description, p->rank, p->has_owner);
	if (p->has_owner)
		d_user(b, &p->owner);
	for (size_t i = 0; i < p->nposts; i++)
		os_buf_addf(b, " %lld", (long long)p->posts[i]);
	os_buf_adds(b, "]");
}

/* Writes. */

static int
s_user_insert(struct world *w, struct os_buf *out)
{
	int64_t id;

	return store_user_insert(w->x.st, "zoe", "Zoë Newcomer", ROLE_EMPLOYEE, "Acme", "hash",
				 &id);
}

static int
s_round_insert(struct world *w, struct os_buf *out)
{
	struct round r = {.title = (char *)"Pricing 2028", .description = (char *)"How we price",
			  .phase = PHASE_DRAFT, .audience = AUD_INVITED, .vote_mode = VOTE_DOTS,
			  .dots_per_member = 7, .created_by = w->x.mgr.id, .created_at = 1};

	return store_round_insert(w->x.st, &r);
}

static int
s_post_insert(struct world *w, struct os_buf *out)
{
	struct post p = {.round = w->ra, .kind = KIND_IDEA, .title = (char *)"Self-service refunds",
			 .body = (char *)"Let customers refund themselves.",
			 .body_html = (char *)"<p>Let customers refund themselves.</p>\n",
			 .author = w->x.emp, .created_at = 1};

	return store_post_insert(w->x.st, &p);
}

static int
s_comment_insert(struct world *w, struct os_buf *out)
{
	struct comment c = {.post = w->idea, .parent = w->c2, .body = (char *)"Support should.",
			    .body_html = (char *)"<p>Support should.</p>\n", .author = w->x.emp,
			    .created_at = 1};

	return store_comment_insert(w->x.st, &c);
}

static int
s_vote_new(struct world *w, struct os_buf *out)
{
	return store_vote_set(w->x.st, w->idea, w->x.emp2.id, w->ra, ROLE_EMPLOYEE, 1, 0);
}

static int
s_vote_change(struct world *w, struct os_buf *out)
{
	return store_vote_set(w->x.st, w->idea, w->x.mgr.id, w->ra, ROLE_MANAGER, 1, 0);
}

static int
s_vote_delete(struct world *w, struct os_buf *out)
{
	return store_vote_set(w->x.st, w->ideab, w->x.cust.id, w->rb, ROLE_CUSTOMER, 0, 0);
}

static int
s_chat_insert(struct world *w, struct os_buf *out)
{
	struct chat c = {.round = w->ra, .body = (char *)"Coffee?", .author = w->x.emp2,
			 .created_at = 1};

	return store_chat_insert(w->x.st, &c);
}

static int
s_member_add(struct world *w, struct os_buf *out)
{
	return store_member_add(w->x.st, w->rb, w->x.cust2.id, w->x.mgr.id);
}

static int
s_member_revoke(struct world *w, struct os_buf *out)
{
	return store_member_revoke(w->x.st, w->rb, w->x.cust.id);
}

static int
s_priority_insert(struct world *w, struct os_buf *out)
{
	int64_t id;

	return store_priority_insert(w->x.st, w->ra, "Faster support", "Hours, not days",
				     w->x.emp.id, w->x.mgr.id, &id);
}

static int
s_priority_move(struct world *w, struct os_buf *out)
{
	return store_priority_move(w->x.st, w->prio2, w->ra, 1);
}

static int
s_priority_link(struct world *w, struct os_buf *out)
{
	int64_t previous;
	int rc = store_priority_link(w->x.st, w->prio2, w->idea, w->x.mgr.id, &previous);

	/* The post fed prio1: the caller announces that one too. */
	return rc || previous == w->prio1 ? rc : OS_EINTERNAL;
}

static int
s_flag_and_audit(struct world *w, struct os_buf *out)
{
	int rc = store_flag_insert(w->x.st, TARGET_COMMENT, w->c1, w->ra, w->x.emp.id, "rude");

	return rc ? rc : store_audit(w->x.st, w->x.emp.id, "flag.create", "comment", w->c1, w->ra,
				     "rude");
}

static int
s_flags_resolve(struct world *w, struct os_buf *out)
{
	int rc = store_flags_resolve(w->x.st, TARGET_POST, w->idea);

	return rc ? rc : store_post_set_hidden(w->x.st, w->idea, 1);
}

static int
s_merge(struct world *w, struct os_buf *out)
{
	int rc = store_post_move_votes(w->x.st, w->idea2, w->idea);

	return rc ? rc : store_post_set_merged(w->x.st, w->idea2, w->idea);
}

static int
s_session(struct world *w, struct os_buf *out)
{
	static const unsigned char h[32] = "bert's new session, 32 bytes...";
	int64_t id;
	int rc = store_session_insert(w->x.st, h, w->x.emp2.id, 1, INT64_MAX / 2, &id);

	return rc ? rc : store_session_revoke_user(w->x.st, w->x.emp.id, 2);
}

static int
s_invite_use(struct world *w, struct os_buf *out)
{
	int64_t id;
	int rc = store_user_insert(w->x.st, "nina", "Nina", ROLE_CUSTOMER, "Nordbank", "hash", &id);

	if (!rc)
		rc = store_invite_use(w->x.st, w->invite, id, os_now_ms());
	return rc ? rc : store_member_add(w->x.st, w->rb, id, w->x.mgr.id);
}

/* Reads. */

static int
r_rounds_all(struct world *w, struct os_buf *out)
{
	struct round *r;
	size_t n;
	int rc = store_rounds_all(w->x.st, &r, &n);

	fm_disarm();
	for (size_t i = 0; !rc && i < n; i++) {
		d_round(out, &r[i]);
		round_clear(&r[i]);
	}
	if (!rc)
		free(r);
	return rc;
}

static int
r_post_get(struct world *w, struct os_buf *out)
{
	struct post p;
	int rc = store_post_get(w->x.st, w->idea, w->x.mgr.id, &p);

	fm_disarm();
	if (!rc) {
		d_post(out, &p);
		post_clear(&p);
	}
	return rc;
}

static int
r_posts_by_round(struct world *w, struct os_buf *out)
{
	struct post *p;
	size_t n;
	int rc = store_posts_by_round(w->x.st, w->ra, w->x.emp.id, 1, &p, &n);

	fm_disarm();
	for (size_t i = 0; !rc && i < n; i++) {
		d_post(out, &p[i]);
		post_clear(&p[i]);
	}
	if (!rc)
		free(p);
	return rc;
}

static int
r_comments(struct world *w, struct os_buf *out)
{
	struct comment *c;
	size_t n;
	int rc = store_comments_by_post(w->x.st, w->idea, 1, &c, &n);

	fm_disarm();
	for (size_t i = 0; !rc && i < n; i++) {
		d_comment(out, &c[i]);
		comment_clear(&c[i]);
	}
	if (!rc)
		free(c);
	return rc;
}

static int
r_chat_history(struct world *w, struct os_buf *out)
{
	struct chat *c;
	size_t n;
	int rc = store_chat_history(w->x.st, w->rb, 0, 50, 0, &c, &n);

	fm_disarm();
	for (size_t i = 0; !rc && i < n; i++) {
		d_chat(out, &c[i]);
		chat_clear(&c[i]);
	}
	if (!rc)
		free(c);
	return rc;
}

static int
r_members(struct world *w, struct os_buf *out)
{
	struct user *u;
	size_t n;
	int rc = store_members_list(w->x.st, w->rb, &u, &n);
	int member = rc ? 0 : store_member_active(w->x.st, w->rb, w->x.cust.id);

	fm_disarm();
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		d_user(out, &u[i]);
	free(u);
	os_buf_addf(out, " member %d", member);
	return member < 0 ? OS_EINTERNAL : OS_OK;
}

static int
r_priorities(struct world *w, struct os_buf *out)
{
	struct priority *p, one;
	size_t n;
	int rc = store_priorities_by_round(w->x.st, w->ra, &p, &n);

	if (!rc && (rc = store_priority_get(w->x.st, w->prio1, &one))) {
		for (size_t i = 0; i < n; i++)
			priority_clear(&p[i]);
		free(p);
	}
	fm_disarm();
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		d_priority(out, &p[i]);
		priority_clear(&p[i]);
	}
	free(p);
	d_priority(out, &one);
	priority_clear(&one);
	return OS_OK;
}

static int
r_audit(struct world *w, struct os_buf *out)
{
	struct audit_entry *e;
	size_t n;
	int rc = store_audit_list(w->x.st, 0, 100, &e, &n);

	fm_disarm();
	for (size_t i = 0; !rc && i < n; i++) {
		os_buf_addf(out, "[%lld %s %s %lld %lld %s %d", (long long)e[i].id, e[i].action,
			    e[i].target_kind, (long long)e[i].target_id, (long long)e[i].round,
			    e[i].detail, e[i].has_actor);
		d_user(out, &e[i].actor);
		free(e[i].detail);
	}
	if (!rc)
		free(e);
	return rc;
}

static int
r_flag_queue(struct world *w, struct os_buf *out)
{
	struct flagged *q;
	size_t n;
	int64_t open = 0;
	int rc = store_flag_queue(w->x.st, 0, 100, &q, &n);

	if (!rc && (rc = store_flag_open_count(w->x.st, TARGET_POST, w->idea, &open)))
		store_flagged_free(q, n);
	fm_disarm();
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		os_buf_addf(out, "[%d %lld %lld %lld %d %s|%s|%s %lld ", q[i].target,
			    (long long)q[i].id, (long long)q[i].round, (long long)q[i].count,
			    q[i].hidden, q[i].title ? q[i].title : "(none)", q[i].body, q[i].reasons,
			    (long long)q[i].post);
		d_user(out, &q[i].author);
	}
	os_buf_addf(out, " open %lld", (long long)open);
	store_flagged_free(q, n);
	return OS_OK;
}

static int
r_search(struct world *w, struct os_buf *out)
{
	struct search_hit *h;
	size_t n;
	char *q;
	int rc = store_search_query("customer time", 0, &q);

	if (!rc && (rc = store_search(w->x.st, q, 0, 0, 20, &h, &n)))
		free(q);
	fm_disarm();
	if (rc)
		return rc;
	os_buf_adds(out, q);
	free(q);
	for (size_t i = 0; i < n; i++)
		os_buf_addf(out, "[%d %lld %lld %lld %d %s|%s]", h[i].target, (long long)h[i].id,
			    (long long)h[i].post, (long long)h[i].round, h[i].hidden, h[i].title,
			    h[i].snippet);
	store_search_free(h, n);
	return OS_OK;
}

static int
r_people(struct world *w, struct os_buf *out)
{
	struct user u, s;
	struct invite inv;
	int64_t sid = 0, seen = 0, spent = 0;
	char hash[64];
	int rc = store_user_by_name(w->x.st, "BERT", &u, hash, sizeof hash);

	if (!rc)
		rc = store_session_lookup(w->x.st, session_hash, os_now_ms(), 86400000, &s, &sid,
					  &seen);
	if (!rc)
		rc = store_invite_by_hash(w->x.st, invite_hash, &inv);
	if (!rc)
		rc = store_dots_spent(w->x.st, w->rb, w->x.cust.id, &spent);
	fm_disarm();
	if (rc)
		return rc;
	d_user(out, &u);
	d_user(out, &s);
	os_buf_addf(out, " %s %lld invite %lld %d %lld %lld spent %lld", hash, (long long)sid,
		    (long long)inv.id, inv.role, (long long)inv.round, (long long)inv.used_at,
		    (long long)spent);
	return OS_OK;
}

/* Signing in with a session token: out of memory is not "signed out".
 * (session_check_hash() still answers OS_EUNAUTH then, for server.c's
 * sake: see its comment.) */
static int
r_session_check(struct world *w, struct os_buf *out)
{
	struct user u;
	int rc = session_resolve(w->x.st, &session_default_policy, w->token, 0, &u);

	fm_disarm();
	if (!rc)
		d_user(out, &u);
	return rc;
}

static const struct sop sops[] = {
	{"user insert", 1, s_user_insert},
	{"round insert", 1, s_round_insert},
	{"post insert", 1, s_post_insert},
	{"comment insert", 1, s_comment_insert},
	{"vote new", 1, s_vote_new},
	{"vote change", 1, s_vote_change},
	{"vote delete", 1, s_vote_delete},
	{"chat insert", 1, s_chat_insert},
	{"member add", 1, s_member_add},
	{"member revoke", 1, s_member_revoke},
	{"priority insert", 1, s_priority_insert},
	{"priority move", 1, s_priority_move},
	{"priority link", 1, s_priority_link},
	{"flag and audit", 1, s_flag_and_audit},
	{"resolve and hide", 1, s_flags_resolve},
	{"merge", 1, s_merge},
	{"sessions", 1, s_session},
	{"invite use", 1, s_invite_use},
	{"rounds all", 0, r_rounds_all},
	{"post get", 0, r_post_get},
	{"posts by round", 0, r_posts_by_round},
	{"comments by post", 0, r_comments},
	{"chat history", 0, r_chat_history},
	{"members", 0, r_members},
	{"priorities", 0, r_priorities},
	{"audit list", 0, r_audit},
	{"flag queue", 0, r_flag_queue},
	{"search", 0, r_search},
	{"people", 0, r_people},
	{"session check", 0, r_session_check},
};

struct soutcome {
	int rc;
	char *desc;
	struct fp fp;
};

/* One store operation as its callers run it. */
static void
run_store_op(struct world *w, const struct sop *op, unsigned long nth, int persistent,
	     struct soutcome *o)
{
	struct store *st = w->x.st;
	struct os_buf b;
	int rc;

	os_buf_init(&b);
	if (nth)
		fm_arm(nth, persistent);
	if (op->write) {
		rc = store_op_begin(st);
		if (!rc) {
			rc = op->fn(w, &b);
			if (store_op_end(st, rc == OS_OK) && !rc)
				rc = OS_EINTERNAL;
		}
		/* As the transport does at the end of the loop turn. */
		if (store_commit(st) && !rc)
			rc = OS_EINTERNAL;
	} else {
		rc = op->fn(w, &b);
	}
	fm_disarm();
	CHECK(sqlite3_get_autocommit(store_sqlite(st)),
	      "%s, allocation %lu: a transaction is still open", op->name, nth);
	o->rc = rc;
	o->desc = os_buf_detach(&b, NULL);
	CHECK(o->desc, "out of memory in the test");
	fingerprint(w, &o->fp);
}

static unsigned long
store_loop(struct world *w, const struct sop *op, int persistent, const struct soutcome *ref,
	   const struct fp *before, unsigned long *runs)
{
	unsigned long n, injected = 0;

	for (n = 1; n < MAX_RUNS; n++) {
		struct soutcome o;
		unsigned long hit;

		world_restore(w);
		run_store_op(w, op, n, persistent, &o);
		hit = fm_failures();
		injected += hit;
		assert_consistent(w, op->name, n);
		if (o.rc == OS_OK) {
			CHECK(!strcmp(o.desc, ref->desc), "%s, allocation %lu: a success unlike the "
			      "one without failures:\n  got  %s\n  want %s", op->name, n, o.desc,
			      ref->desc);
			assert_fp(&o.fp, &ref->fp, "the data differ from a run without failures",
				  op->name, n);
		} else {
			CHECK(hit && oom_code(o.rc), "%s, allocation %lu: error %d (%s)", op->name, n,
			      o.rc, hit ? "out of memory should say so" : "with no failure");
			assert_fp(&o.fp, before, "a failed operation changed data", op->name, n);
		}
		free(o.desc);
		if (!hit)
			break;
		if (o.rc) {
			run_store_op(w, op, 0, 0, &o);
			CHECK(o.rc == OS_OK && !strcmp(o.desc, ref->desc),
			      "%s, allocation %lu: fails again with memory back (%d)", op->name, n, o.rc);
			assert_fp(&o.fp, &ref->fp, "the data differ after the retry", op->name, n);
			free(o.desc);
		}
	}
	CHECK(n < MAX_RUNS, "%s: never ran without a failure", op->name);
	CHECK(injected > 0, "%s: no failure was injected", op->name);
	*runs = n;
	return injected;
}

START_TEST(store_survives_allocation_failures)
{
	unsigned long own = fm_total_failures_from(FM_OWN);
	unsigned long sq = fm_total_failures_from(FM_SQLITE);

	world_open(&W);
	for (size_t i = 0; i < sizeof sops / sizeof sops[0]; i++) {
		struct soutcome ref;
		struct fp before;
		unsigned long allocs, injected = 0, runs = 0, r;

		world_restore(&W);
		fingerprint(&W, &before);
		run_store_op(&W, &sops[i], ULONG_MAX, 0, &ref);
		allocs = fm_calls();
		ck_assert_msg(ref.rc == OS_OK, "%s fails without failures: %d", sops[i].name, ref.rc);
		assert_consistent(&W, sops[i].name, 0);
		for (int persistent = 0; persistent < 2; persistent++) {
			injected += store_loop(&W, &sops[i], persistent, &ref, &before, &r);
			runs += r;
		}
		say("store", sops[i].name, allocs, runs, injected);
		free(ref.desc);
	}
	world_close(&W);
	if (verbose)
		printf("oom: store failures injected: %lu in openstrat, %lu in SQLite\n",
		       fm_total_failures_from(FM_OWN) - own, fm_total_failures_from(FM_SQLITE) - sq);
	ck_assert_msg(fm_total_failures_from(FM_OWN) > own, "no failure in openstrat's own code");
	ck_assert_msg(fm_total_failures_from(FM_SQLITE) > sq, "no failure in SQLite");
}
END_TEST

/*
 * Group commit: three operations in one group, the middle one under
 * injection, then the commit. A group is all or nothing: when the commit
 * says yes, the first and last operations are there (and the middle one
 * exactly when it said yes); when it says no, none is.
 */
START_TEST(group_commit_is_all_or_nothing)
{
	struct store *st;
	unsigned long n, injected = 0, runs = 0;

	world_open(&W);
	st = W.x.st;
	for (int persistent = 0; persistent < 2; persistent++) {
		for (n = 1; n < MAX_RUNS; n++, runs++) {
			struct chat a = {.round = W.ra, .body = (char *)"first", .author = W.x.emp,
					 .created_at = 1};
			struct chat c = {.round = W.ra, .body = (char *)"last", .author = W.x.emp,
					 .created_at = 1};
			struct comment b = {.post = W.idea, .body = (char *)"middle",
					    .body_html = (char *)"<p>middle</p>", .author = W.x.emp2,
					    .created_at = 1};
			int ra, rb, rc, commit;
			unsigned long hit;

			W.dirty = 1; /* each run writes */
			world_restore(&W);
			ra = store_op_begin(st);
			if (!ra)
				ra = store_op_end(st, store_chat_insert(st, &a) == OS_OK);
			fm_arm(n, persistent);
			rb = store_op_begin(st);
			if (!rb) {
				rb = store_comment_insert(st, &b);
				if (store_op_end(st, rb == OS_OK) && !rb)
					rb = OS_EINTERNAL;
			}
			fm_disarm();
			hit = fm_failures();
			injected += hit;
			/* The last operation, and the commit, with memory back. */
			rc = store_op_begin(st);
			if (!rc) {
				rc = store_chat_insert(st, &c);
				if (store_op_end(st, rc == OS_OK) && !rc)
					rc = OS_EINTERNAL;
			}
			commit = store_commit(st);
			CHECK(sqlite3_get_autocommit(store_sqlite(st)),
			      "allocation %lu: a transaction is still open", n);
			assert_consistent(&W, "group", n);
			CHECK(ra == OS_OK, "the first operation failed (%d)", ra);
			CHECK(!rb || oom_code(rb), "allocation %lu: out of memory said %d", n, rb);
			{
				int64_t first = fx_count(&W.x, "chat_messages WHERE body = 'first'");
				int64_t last = fx_count(&W.x, "chat_messages WHERE body = 'last'");
				int64_t middle = fx_count(&W.x, "comments WHERE body = 'middle'");

				if (commit == OS_OK)
					CHECK(first == 1 && last == (rc == OS_OK) &&
					      middle == (rb == OS_OK),
					      "allocation %lu: committed, but first %lld, middle %lld "
					      "(said %d), last %lld (said %d)", n, (long long)first,
					      (long long)middle, rb, (long long)last, rc);
				else
					CHECK(first == 0 && last == 0 && middle == 0,
					      "allocation %lu: the commit failed, yet first %lld, middle "
					      "%lld, last %lld are in the database", n, (long long)first,
					      (long long)middle, (long long)last);
			}
			if (!hit) {
				CHECK(rb == OS_OK && rc == OS_OK && commit == OS_OK,
				      "the group fails with no failure injected");
				break;
			}
		}
		CHECK(n < MAX_RUNS, "the group never ran without a failure");
	}
	world_close(&W);
	say("store", "group commit", 0, runs, injected);
	ck_assert_msg(injected > 0, "no failure was injected");
}
END_TEST

/* Opening a store (migrations, pragmas, the statement cache) and its first
 * write, on a fresh connection: a failure leaves nothing behind (the
 * leak check), and the store that opened works. */
START_TEST(store_open_survives_allocation_failures)
{
	unsigned long n, injected = 0, runs = 0;

	for (int persistent = 0; persistent < 2; persistent++) {
		/* Opening runs the migrations, thousands of allocations, each
		 * run on a fresh database: the first hundred are all tried,
		 * then every seventeenth (still to the end). */
		for (n = 1; n < OPEN_MAX_RUNS; n += n < 100 ? 1 : 17) {
			struct store *st = NULL;
			unsigned long hit;
			int rc;

			fm_arm(n, persistent);
			rc = store_open(":memory:", STORE_SYNC_FULL, &st);
			if (!rc) {
				int64_t id;
				int wrc = store_op_begin(st);

				if (!wrc) {
					wrc = store_user_insert(st, "ann", "Ann", ROLE_ADMIN, "", "h", &id);
					if (store_op_end(st, wrc == OS_OK) && !wrc)
						wrc = OS_EINTERNAL;
				}
				if (store_commit(st) && !wrc)
					wrc = OS_EINTERNAL;
				fm_disarm();
				CHECK(!wrc || oom_code(wrc), "allocation %lu: first write said %d", n, wrc);
				CHECK(store_schema_version(st) == store_migrations[store_migration_count - 1].version,
				      "allocation %lu: opened at schema %d", n, store_schema_version(st));
				CHECK(store_integrity_check(st) == OS_OK, "allocation %lu: not sound", n);
				CHECK(store_user_count(st) == (wrc == OS_OK),
				      "allocation %lu: %lld users after a write that said %d", n,
				      (long long)store_user_count(st), wrc);
			} else {
				fm_disarm();
				CHECK(!st && oom_code(rc), "allocation %lu: store_open said %d", n, rc);
			}
			hit = fm_failures();
			injected += hit;
			runs++;
			store_close(st);
			if (!hit) {
				CHECK(!rc, "store_open fails with no failure injected");
				break;
			}
		}
		CHECK(n < OPEN_MAX_RUNS, "store_open never ran without a failure");
	}
	say("store", "open and first write", 0, runs, injected);
	ck_assert_msg(injected > 0, "no failure was injected");
}
END_TEST

/* ---- the search tokenizer ---- */

static int
count_token(void *arg, int flags, const char *tok, int n, int start, int end)
{
	(void)flags;
	(void)tok;
	(void)n;
	(void)start;
	(void)end;
	(*(int *)arg)++;
	return SQLITE_OK;
}

/* The tokenizer says SQLITE_NOMEM when an allocation fails, leaves nothing
 * behind, and tokenizes exactly as without failures when none does. (Its
 * four stemmers allocate in libstemmer, which the hook does not see.) */
START_TEST(tokenizer_says_nomem_when_out_of_memory)
{
	static const char text[] = "Kundene våre vil ha bedre leverandører, and customers too";
	unsigned long n, injected = 0, runs = 0;
	struct store *st;
	sqlite3_stmt *s;
	fts5_api *api = NULL;
	fts5_tokenizer m;
	void *arg = NULL;
	int want = 0;

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(store_sqlite(st), "SELECT fts5(?1)", -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	sqlite3_finalize(s);
	ck_assert_ptr_nonnull(api);
	ck_assert_int_eq(api->xFindTokenizer(api, STORE_TOKENIZER, &arg, &m), SQLITE_OK);
	for (int persistent = 0; persistent < 2; persistent++) {
		for (n = 1; n < MAX_RUNS; n++) {
			Fts5Tokenizer *t = NULL;
			int rc, got = 0;
			unsigned long hit;

			fm_arm(n, persistent);
			rc = m.xCreate(arg, NULL, 0, &t);
			if (rc == SQLITE_OK)
				rc = m.xTokenize(t, &got, FTS5_TOKENIZE_DOCUMENT, text,
						 (int)sizeof text - 1, count_token);
			fm_disarm();
			hit = fm_failures();
			injected += hit;
			runs++;
			CHECK(rc == SQLITE_OK || rc == SQLITE_NOMEM, "allocation %lu: said %d", n, rc);
			CHECK((rc == SQLITE_NOMEM) == (hit > 0), "allocation %lu: said %d after %lu "
			      "failures", n, rc, hit);
			CHECK(rc == SQLITE_OK || !t, "allocation %lu: a tokenizer despite the failure", n);
			if (t)
				m.xDelete(t);
			if (!hit) {
				if (!want)
					want = got;
				CHECK(got == want && got == 9 * 5,
				      "allocation %lu: %d tokens, not %d", n, got, want);
				break;
			}
		}
		CHECK(n < MAX_RUNS, "the tokenizer never ran without a failure");
	}
	store_close(st);
	say("store", "search tokenizer", 0, runs, injected);
	ck_assert_msg(injected > 0, "no failure was injected");
}
END_TEST

/* ---- dispatch: one JSON request per main op ---- */

struct dop {
	int who;
	const char *req; /* $NAME: an id of the world */
};

static const struct dop dops[] = {
	{EMP, "{\"op\":\"hello\",\"rid\":7}"},
	{CUST, "{\"op\":\"rounds.list\",\"rid\":7}"},
	{MGR, "{\"op\":\"round.create\",\"rid\":7,\"title\":\"Next year\",\"description\":"
	      "\"What *we* do\",\"audience\":\"invited\",\"vote_mode\":\"dots\","
	      "\"dots_per_member\":5}"},
	{MGR, "{\"op\":\"round.update\",\"rid\":7,\"round\":$RA,\"title\":\"Strategy 2028\","
	      "\"phase\":\"voting\"}"},
	{EMP, "{\"op\":\"round.subscribe\",\"rid\":7,\"round\":$RA}"},
	{CUST, "{\"op\":\"round.subscribe\",\"rid\":7,\"round\":$RB}"},
	{EMP, "{\"op\":\"round.unsubscribe\",\"rid\":7,\"round\":$RA}"},
	{EMP, "{\"op\":\"post.create\",\"rid\":7,\"round\":$RA,\"kind\":\"idea\",\"title\":"
	      "\"Customer health score\",\"body\":\"One **number** per customer, and "
	      "[why](https://example.com/why).\"}"},
	{EMP, "{\"op\":\"post.get\",\"rid\":7,\"post\":$IDEA}"},
	{CUST, "{\"op\":\"post.get\",\"rid\":7,\"post\":$IDEAB}"},
	{EMP2, "{\"op\":\"comment.create\",\"rid\":7,\"post\":$IDEA,\"parent\":$C2,"
	       "\"body\":\"Sales, *obviously*.\"}"},
	{EMP2, "{\"op\":\"vote.cast\",\"rid\":7,\"post\":$IDEA,\"value\":1}"},
	{CUST, "{\"op\":\"vote.cast\",\"rid\":7,\"post\":$IDEAB,\"dots\":5}"},
	{EMP, "{\"op\":\"chat.send\",\"rid\":7,\"round\":$RA,\"body\":\"Lunch at noon?\"}"},
	{CUST, "{\"op\":\"chat.history\",\"rid\":7,\"round\":$RB}"},
	{MGR, "{\"op\":\"flag.create\",\"rid\":7,\"target\":\"post\",\"id\":$IDEA,"
	      "\"reason\":\"duplicate of the login idea\"}"},
	{MGR, "{\"op\":\"mod.hide\",\"rid\":7,\"target\":\"comment\",\"id\":$C1,"
	      "\"hidden\":true,\"reason\":\"rude\"}"},
	{MGR, "{\"op\":\"mod.hide\",\"rid\":7,\"target\":\"chat\",\"id\":$CHAT,"
	      "\"hidden\":true}"},
	{MGR, "{\"op\":\"mod.queue\",\"rid\":7}"},
	{ADMIN, "{\"op\":\"audit.list\",\"rid\":7}"},
	{MGR, "{\"op\":\"member.add\",\"rid\":7,\"round\":$RB,\"user\":$CARL}"},
	{MGR, "{\"op\":\"member.revoke\",\"rid\":7,\"round\":$RB,\"user\":$CUST}"},
	{MGR, "{\"op\":\"round.members\",\"rid\":7,\"round\":$RB}"},
	{MGR, "{\"op\":\"invite.create\",\"rid\":7,\"role\":\"customer\",\"round\":$RB}"},
	{ADMIN, "{\"op\":\"user.disable\",\"rid\":7,\"user\":$BERT}"},
	{EMP, "{\"op\":\"user.settings\",\"rid\":7,\"lang\":\"nb\","
	      "\"display_name\":\" Anna Ås \"}"},
	{MGR, "{\"op\":\"post.merge\",\"rid\":7,\"post\":$IDEA2,\"into\":$IDEA}"},
	{MGR, "{\"op\":\"priority.create\",\"rid\":7,\"round\":$RA,\"title\":\"Know them\","
	      "\"description\":\"One *timeline*\",\"owner\":$ANNA}"},
	{MGR, "{\"op\":\"priority.update\",\"rid\":7,\"priority\":$PRIO2,\"rank\":1,"
	      "\"title\":\"First things first\"}"},
	{MGR, "{\"op\":\"priority.link\",\"rid\":7,\"priority\":$PRIO2,\"post\":$IDEA}"},
	{MGR, "{\"op\":\"priority.unlink\",\"rid\":7,\"priority\":$PRIO1,\"post\":$IDEA}"},
	{MGR, "{\"op\":\"priority.update\",\"rid\":7,\"priority\":$PRIO1,\"goal\":\"Know *them*\","
	      "\"status\":\"at_risk\"}"},
	{MGR, "{\"op\":\"measure.set\",\"rid\":7,\"priority\":$PRIO1,\"name\":\"NPS\","
	      "\"unit\":\"points\",\"baseline\":10,\"target\":40,\"current\":12.5}"},
	{MGR, "{\"op\":\"milestone.set\",\"rid\":7,\"priority\":$PRIO1,\"title\":\"Pilot\","
	      "\"due\":\"2027-03-31\",\"done\":true}"},
	{MGR, "{\"op\":\"priority.post_update\",\"rid\":7,\"priority\":$PRIO1,"
	      "\"body\":\"We *started*\"}"},
	{EMP, "{\"op\":\"priority.follow\",\"rid\":7,\"priority\":$PRIO1}"},
	{EMP, "{\"op\":\"priority.updates\",\"rid\":7,\"priority\":$PRIO1}"},
	{EMP, "{\"op\":\"search\",\"rid\":7,\"q\":\"customer timeline\"}"},
	{CUST, "{\"op\":\"search\",\"rid\":7,\"q\":\"customers\"}"},
	{EMP, "{\"op\":\"post.similar\",\"rid\":7,\"round\":$RA,\"q\":\"customer login\"}"},
	{MGR, "{\"op\":\"round.insights\",\"rid\":7,\"round\":$RA}"},
	/* Big rounds: a page of posts and its cursor, people to pick. */
	{EMP, "{\"op\":\"posts.list\",\"rid\":7,\"round\":$RA,\"order\":\"new\","
	      "\"cursor\":\"n:1:999999\",\"limit\":1}"},
	{CUST, "{\"op\":\"round.subscribe\",\"rid\":7,\"round\":$RB,\"posts_limit\":1}"},
	{MGR, "{\"op\":\"users.find\",\"rid\":7,\"query\":\"an\",\"role\":\"staff\"}"},
	{EMP2, "{\"op\":\"comment.create\",\"rid\":7,\"post\":$IDEA,\"body\":\"Why?\","
	       "\"anchor\":{\"block\":0,\"quote\":\"timeline per\"}}"},
	/* post.update and comment.update are not here yet: an allocation
	 * failure inside FTS5 while an UPDATE trigger edits the search index
	 * leaves this connection's index answering "malformed" afterwards,
	 * even after the whole group is rolled back. Known, to be fixed. */
	{EMP, "{\"op\":\"post.revisions\",\"rid\":7,\"post\":$IDEA}"},
	{MGR, "{\"op\":\"need.create\",\"rid\":7,\"round\":$RA,\"title\":\"Fewer passwords\","
	      "\"description\":\"One *login*.\"}"},
	{MGR, "{\"op\":\"need.update\",\"rid\":7,\"need\":$NEED,\"title\":\"Known\"}"},
	{MGR, "{\"op\":\"need.link\",\"rid\":7,\"need\":$NEED,\"post\":$IDEA2}"},
	{MGR, "{\"op\":\"need.unlink\",\"rid\":7,\"need\":$NEED,\"priority\":$PRIO1}"},
	{MGR, "{\"op\":\"need.delete\",\"rid\":7,\"need\":$NEED}"},
	{EMP, "{\"op\":\"my.ideas\",\"rid\":7}"},
	{MGR, "{\"op\":\"orgs.list\",\"rid\":7}"},
};

/* The request with the world's ids in place of $NAME. */
static void
fill(const struct world *w, const char *t, char *out, size_t sz)
{
	const struct {
		const char *name;
		int64_t v;
	} vars[] = {
		{"RA", w->ra}, {"RB", w->rb}, {"IDEA2", w->idea2}, {"IDEAB", w->ideab},
		{"IDEA", w->idea}, {"C1", w->c1}, {"C2", w->c2}, {"CHAT", w->chat},
		{"PRIO1", w->prio1}, {"PRIO2", w->prio2}, {"CARL", w->x.cust2.id},
		{"CUST", w->x.cust.id}, {"BERT", w->x.emp2.id}, {"ANNA", w->x.emp.id},
		{"NEED", w->need},
	};
	size_t o = 0;

	while (*t && o + 24 < sz) {
		size_t k;

		if (*t != '$') {
			out[o++] = *t++;
			continue;
		}
		for (k = 0; k < sizeof vars / sizeof vars[0]; k++)
			if (!strncmp(t + 1, vars[k].name, strlen(vars[k].name)))
				break;
		CHECK(k < sizeof vars / sizeof vars[0], "unknown variable in %s", t);
		o += (size_t)snprintf(out + o, sz - o, "%lld", (long long)vars[k].v);
		t += 1 + strlen(vars[k].name);
	}
	CHECK(!*t, "request too long");
	out[o] = '\0';
}

/* "op.name by role", for messages. */
static const char *
label(const struct dop *op)
{
	static char buf[64];
	const char *p = strstr(op->req, "\"op\":\"") + 6;

	snprintf(buf, sizeof buf, "%.*s (%s)", (int)strcspn(p, "\""), p,
		 os_role_name(W.u[op->who]->role));
	return buf;
}

static int
hub_subscribe(void *arg, void *conn, int64_t round, const struct user *u)
{
	return OS_OK;
}

static void
hub_unsubscribe(void *arg, void *conn, int64_t round)
{
}

static size_t
hub_online(void *arg, int64_t round, struct user *out, size_t max, size_t *total)
{
	*total = 1;
	if (!max)
		return 0;
	out[0] = W.x.emp;
	return 1;
}

static const char *
hub_base_url(void *arg, void *conn)
{
	return "https://forum.example";
}

/* Times and random tokens differ from run to run: blanked before
 * comparing replies. */
static void
scrub(cJSON *o)
{
	static const char *const keys[] = {"created_at", "updated_at", "last_active",
					   "expires_at", "at", "last_flagged_at", "token", "url",
					   "edited_at", "done_at"};
	cJSON *c;

	cJSON_ArrayForEach(c, o) {
		if (c->string && cJSON_IsString(c))
			for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
				if (!strcmp(c->string, keys[i]))
					c->valuestring[0] = '\0';
		scrub(c);
	}
}

/* What one request did. */
struct outcome {
	char *reply;    /* scrubbed and printed again; NULL: no reply */
	int ok;         /* "ok": true */
	char code[32];  /* the error's code when not ok */
	int is_write;
	int commit;     /* what store_commit() said after it */
	struct fp fp;
	struct fx_event ev[16];
	size_t nev;
};

static void
outcome_clear(struct outcome *o)
{
	free(o->reply);
	memset(o, 0, sizeof *o);
}

/* Checks the envelope of a reply and keeps a scrubbed copy. */
static void
read_reply(char *reply, size_t len, struct outcome *o, const char *op, unsigned long n)
{
	cJSON *j, *rid, *ok, *err;

	o->reply = NULL;
	if (!reply)
		return;
	CHECK(len == strlen(reply), "%s, allocation %lu: length %zu for %zu bytes", op,
		      n, len, strlen(reply));
	j = cJSON_Parse(reply);
	CHECK(cJSON_IsObject(j), "%s, allocation %lu: reply is not JSON: %s", op, n,
		      reply);
	rid = cJSON_GetObjectItemCaseSensitive(j, "rid");
	ok = cJSON_GetObjectItemCaseSensitive(j, "ok");
	CHECK(cJSON_IsBool(ok) && (!rid || (cJSON_IsNumber(rid) && rid->valuedouble == 7)),
		      "%s, allocation %lu: no ok, or the wrong rid in %s", op, n, reply);
	o->ok = cJSON_IsTrue(ok);
	/* Only a request that could not be parsed for want of memory is
	 * answered without its rid (there is none to echo). */
	CHECK(rid || !o->ok, "%s, allocation %lu: a success without rid: %s", op, n,
		      reply);
	if (!o->ok) {
		cJSON *code, *msg;

		err = cJSON_GetObjectItemCaseSensitive(j, "error");
		code = cJSON_GetObjectItemCaseSensitive(err, "code");
		msg = cJSON_GetObjectItemCaseSensitive(err, "message");
		CHECK(cJSON_IsString(code) && cJSON_IsString(msg) && *msg->valuestring,
			      "%s, allocation %lu: error without code or message: %s", op, n,
			      reply);
		snprintf(o->code, sizeof o->code, "%s", code->valuestring);
	}
	scrub(j);
	o->reply = cJSON_PrintUnformatted(j);
	CHECK(o->reply, "out of memory in the test");
	cJSON_Delete(j);
}

/* One request as the transport runs it: dispatch, then the group commit of
 * the loop turn. With nth, the nth allocation from the start fails (and
 * every later one when persistent). */
static void
run_request(struct world *w, struct dispatch *d, const struct dop *op, const char *req,
	    unsigned long nth, int persistent, struct outcome *o)
{
	size_t len = 0;
	char *reply;

	memset(o, 0, sizeof *o);
	fx_clear_events(&w->x);
	if (nth)
		fm_arm(nth, persistent);
	reply = dispatch_request(d, w->u[op->who], NULL, req, strlen(req), &len, &o->is_write);
	o->commit = store_commit(w->x.st);
	fm_disarm();
	CHECK(sqlite3_get_autocommit(store_sqlite(w->x.st)),
		      "%s, allocation %lu: a transaction is still open after the commit", req, nth);
	read_reply(reply, len, o, req, nth);
	free(reply);
	fingerprint(w, &o->fp);
	CHECK(w->x.nev <= sizeof o->ev / sizeof o->ev[0] && !w->x.overflow,
		      "too many events");
	o->nev = w->x.nev;
	memcpy(o->ev, w->x.ev, o->nev * sizeof o->ev[0]);
}

static int
same_events(const struct outcome *a, const struct outcome *b)
{
	return a->nev == b->nev && !memcmp(a->ev, b->ev, a->nev * sizeof a->ev[0]);
}

/* A success must be the success of the run without failures. */
static void
assert_like_reference(const struct outcome *o, const struct outcome *ref, const char *req,
		      unsigned long n)
{
	CHECK(o->reply && ref->reply && !strcmp(o->reply, ref->reply),
		      "%s, allocation %lu: a success unlike the one without failures:\n  got  %s\n"
		      "  want %s", req, n, o->reply ? o->reply : "(none)", ref->reply);
	assert_fp(&o->fp, &ref->fp, "the data differ from a run without failures", req, n);
	CHECK(same_events(o, ref),
		      "%s, allocation %lu: %zu event(s), not the %zu of a run without failures",
		      req, n, o->nev, ref->nev);
}

static unsigned long
dispatch_loop(struct world *w, struct dispatch *d, const struct dop *op, int persistent,
	      const struct outcome *ref, const struct fp *before, unsigned long *runs)
{
	char req[1024];
	unsigned long n, injected = 0;

	fill(w, op->req, req, sizeof req);
	for (n = 1; n < MAX_RUNS; n++) {
		struct outcome o;
		unsigned long hit;
		int failed;

		world_restore(w);
		run_request(w, d, op, req, n, persistent, &o);
		hit = fm_failures();
		injected += hit;
		assert_consistent(w, req, n);
		if (!hit) {
			/* The loop ends with a run that met no failure. */
			CHECK(o.ok && !o.commit, "%s: failed with no failure injected: %s",
				      req, o.reply ? o.reply : "(no reply)");
			assert_like_reference(&o, ref, req, n);
			outcome_clear(&o);
			break;
		}
		if (!o.reply) {
			/* No reply: the transport closes the connection.
			 * Either nothing happened (and no event goes out: none
			 * was emitted, or the commit failed and the transport
			 * drops them), or a write happened whose reply could
			 * not be built, and then all of it. */
			int none = !memcmp(&o.fp, before, sizeof o.fp) && (!o.nev || o.commit);

			CHECK(none || (!o.commit && !memcmp(&o.fp, &ref->fp, sizeof o.fp) &&
					       same_events(&o, ref)),
				      "%s, allocation %lu: no reply, and the data are neither as "
				      "before nor as after (commit %d, %zu event(s) for %zu, data %s "
				      "before, %s after)", req, n, o.commit, o.nev, ref->nev,
				      memcmp(&o.fp, before, sizeof o.fp) ? "unlike" : "as",
				      memcmp(&o.fp, &ref->fp, sizeof o.fp) ? "unlike" : "as");
			failed = none;
		} else if (!o.ok) {
			CHECK(!strcmp(o.code, "internal"),
				      "%s, allocation %lu: out of memory reported as %s", req, n,
				      o.reply);
			assert_fp(&o.fp, before, "a failed request changed data", req, n);
			CHECK(o.nev == 0, "%s, allocation %lu: a failed request emitted "
				      "%zu event(s)", req, n, o.nev);
			failed = 1;
		} else if (o.is_write && o.commit) {
			/* The transport turns the reply into an error: the
			 * whole group was rolled back. */
			CHECK(oom_code(o.commit), "commit said %d", o.commit);
			assert_fp(&o.fp, before, "a failed commit kept data", req, n);
			failed = 1;
		} else {
			assert_like_reference(&o, ref, req, n);
			failed = 0;
		}
		outcome_clear(&o);
		if (failed) {
			/* Memory is back: the same request now succeeds. */
			run_request(w, d, op, req, 0, 0, &o);
			CHECK(o.ok && !o.commit, "%s, allocation %lu: fails again with "
				      "memory back: %s", req, n, o.reply ? o.reply : "(no reply)");
			/* The data are the reference's, which was consistent. */
			assert_like_reference(&o, ref, req, n);
			outcome_clear(&o);
		}
	}
	CHECK(n < MAX_RUNS, "%s: never ran without a failure", req);
	CHECK(injected > 0, "%s: no failure was injected", req);
	*runs = n;
	return injected;
}

START_TEST(dispatch_ops_survive_allocation_failures)
{
	static const struct dispatch_hub hub = {
		.subscribe = hub_subscribe,
		.unsubscribe = hub_unsubscribe,
		.online = hub_online,
		.base_url = hub_base_url,
	};
	struct dispatch *d;
	unsigned long own = fm_total_failures_from(FM_OWN);
	unsigned long cj = fm_total_failures_from(FM_CJSON);
	unsigned long sq = fm_total_failures_from(FM_SQLITE);

	world_open(&W);
	d = dispatch_new(W.x.f, &hub);
	ck_assert_ptr_nonnull(d);
	for (size_t i = 0; i < sizeof dops / sizeof dops[0]; i++) {
		struct outcome ref;
		struct fp before;
		char req[1024];
		unsigned long allocs, injected = 0, runs = 0, r;

		fill(&W, dops[i].req, req, sizeof req);
		world_restore(&W);
		fingerprint(&W, &before);
		/* The reference: no failure, only counting. */
		run_request(&W, d, &dops[i], req, ULONG_MAX, 0, &ref);
		allocs = fm_calls();
		CHECK(ref.ok && !ref.commit, "%s fails without failures: %s", req,
			      ref.reply ? ref.reply : "(no reply)");
		for (int persistent = 0; persistent < 2; persistent++) {
			injected += dispatch_loop(&W, d, &dops[i], persistent, &ref, &before, &r);
			runs += r;
		}
		say("dispatch", label(&dops[i]), allocs, runs, injected);
		outcome_clear(&ref);
	}
	dispatch_free(d);
	world_close(&W);
	if (verbose)
		printf("oom: dispatch failures injected: %lu in openstrat, %lu in cJSON, %lu in "
		       "SQLite\n", fm_total_failures_from(FM_OWN) - own,
		       fm_total_failures_from(FM_CJSON) - cj, fm_total_failures_from(FM_SQLITE) - sq);
	CHECK(fm_total_failures_from(FM_OWN) > own, "no failure in openstrat's own code");
	CHECK(fm_total_failures_from(FM_CJSON) > cj, "no failure in cJSON");
	CHECK(fm_total_failures_from(FM_SQLITE) > sq, "no failure in SQLite");
}
END_TEST

/* ---- libwebsockets, stubbed for the fan-out tests ---- */

/* The three lws calls fanout.c and ws.c make on these paths, replaced at
 * link time (-Wl,--wrap): a scheduled presence flush is kept to be run by
 * hand, and a connection never has a real wsi. */
static lws_sorted_usec_list_t *sched_sul;
static sul_cb_t sched_cb;
static int timeout_calls;

void __wrap_lws_sul_schedule(struct lws_context *ctx, int tsi, lws_sorted_usec_list_t *sul,
			     sul_cb_t cb, lws_usec_t us);
int __wrap_lws_callback_on_writable(struct lws *wsi);
void __wrap_lws_set_timeout(struct lws *wsi, enum pending_timeout reason, int secs);

void
__wrap_lws_sul_schedule(struct lws_context *ctx, int tsi, lws_sorted_usec_list_t *sul,
			sul_cb_t cb, lws_usec_t us)
{
	sched_sul = sul;
	sched_cb = cb;
}

int
__wrap_lws_callback_on_writable(struct lws *wsi)
{
	return 1;
}

void
__wrap_lws_set_timeout(struct lws *wsi, enum pending_timeout reason, int secs)
{
	timeout_calls++;
}

/* ---- event rendering: the whole event, or NULL, never a part ---- */

typedef char *(*render_fn)(const void *arg, size_t *len);

static char *
ev_plain(const void *arg, size_t *len)
{
	return dispatch_render_event(arg, len);
}

static char *
ev_redacted(const void *arg, size_t *len)
{
	return dispatch_render_event_redacted(arg, len);
}

static char *
ev_presence(const void *arg, size_t *len)
{
	const struct world *w = arg;
	struct user users[3] = {w->x.emp, w->x.mgr, w->x.cust};

	return dispatch_render_presence(w->ra, users, 3, 5, NULL, 1, len);
}

static char *
ev_error(const void *arg, size_t *len)
{
	return dispatch_error_reply(1, 7, OS_ENOTFOUND, "no such post", len);
}

static char *
ev_to_error(const void *arg, size_t *len)
{
	static const char reply[] = "{\"rid\":7,\"ok\":true,\"post\":{\"id\":3}}";

	return dispatch_reply_to_error(reply, sizeof reply - 1, OS_EINTERNAL, len);
}

static unsigned long
render_loop(const char *what, render_fn fn, const void *arg, unsigned long *runs)
{
	size_t rlen = 0;
	char *ref = fn(arg, &rlen);
	unsigned long n, injected = 0;

	ck_assert_msg(ref && rlen == strlen(ref), "%s does not render", what);
	for (int persistent = 0; persistent < 2; persistent++) {
		for (n = 1; n < MAX_RUNS; n++) {
			size_t len = 0;
			char *got;
			unsigned long hit;

			fm_arm(n, persistent);
			got = fn(arg, &len);
			fm_disarm();
			hit = fm_failures();
			injected += hit;
			(*runs)++;
			CHECK(!got || (len == rlen && !strcmp(got, ref)),
			      "%s, allocation %lu: a part of the event:\n  got  %s\n  want %s", what, n,
			      got, ref);
			CHECK(got || hit, "%s: NULL with no failure", what);
			free(got);
			if (!hit)
				break;
		}
		CHECK(n < MAX_RUNS, "%s never rendered without a failure", what);
	}
	free(ref);
	CHECK(injected > 0, "%s: no failure was injected", what);
	return injected;
}

START_TEST(events_render_whole_or_not_at_all)
{
	struct round r;
	struct post p, hp;
	struct comment c, hc;
	struct chat m, hm;
	struct priority pr;
	struct need nd;
	unsigned long cj = fm_total_failures_from(FM_CJSON);
	unsigned long injected = 0, runs = 0;
	struct store *st;

	world_open(&W);
	st = W.x.st;
	ck_assert_int_eq(store_round_get(st, W.ra, &r), OS_OK);
	ck_assert_int_eq(store_post_get(st, W.idea, 0, &p), OS_OK);
	ck_assert_int_eq(store_post_get(st, W.plan, 0, &hp), OS_OK);
	ck_assert_int_eq(store_comment_get(st, W.c2, &c), OS_OK);
	ck_assert_int_eq(store_comment_get(st, W.c1, &hc), OS_OK);
	ck_assert_int_eq(store_chat_get(st, W.chat, &m), OS_OK);
	ck_assert_int_eq(store_chat_get(st, W.chat, &hm), OS_OK);
	ck_assert_int_eq(store_priority_get(st, W.prio1, &pr), OS_OK);
	ck_assert_int_eq(store_need_get(st, W.need, &nd), OS_OK);
	p.has_my_vote = hp.has_my_vote = 0;
	hp.hidden = hc.hidden = hm.hidden = 1;
	{
		const struct {
			const char *what;
			struct os_event ev;
		} evs[] = {
			{"round.updated", {.type = EV_ROUND_UPDATED, .round = W.ra, .round_obj = &r}},
			{"post.created", {.type = EV_POST_CREATED, .round = W.ra, .post = &p}},
			{"post.updated", {.type = EV_POST_UPDATED, .round = W.ra, .post = &hp}},
			{"comment.created", {.type = EV_COMMENT_CREATED, .round = W.ra, .comment = &c}},
			{"comment.updated", {.type = EV_COMMENT_UPDATED, .round = W.ra, .comment = &hc}},
			{"vote.tally", {.type = EV_VOTE_TALLY, .round = W.ra, .post = &p}},
			{"chat.message", {.type = EV_CHAT_MESSAGE, .round = W.ra, .chat = &m}},
			{"chat.updated", {.type = EV_CHAT_UPDATED, .round = W.ra, .chat = &hm}},
			{"priority.updated", {.type = EV_PRIORITY_UPDATED, .round = W.ra, .priority = &pr}},
			{"need.updated", {.type = EV_NEED_UPDATED, .round = W.ra, .need = &nd}},
			{"need.deleted", {.type = EV_NEED_DELETED, .round = W.ra, .need = &nd}},
		};

		for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
			injected += render_loop(evs[i].what, ev_plain, &evs[i].ev, &runs);
			injected += render_loop(evs[i].what, ev_redacted, &evs[i].ev, &runs);
		}
	}
	injected += render_loop("presence", ev_presence, &W, &runs);
	injected += render_loop("error reply", ev_error, NULL, &runs);
	injected += render_loop("reply turned error", ev_to_error, NULL, &runs);
	say("render", "events and replies", 0, runs, injected);
	round_clear(&r);
	post_clear(&p);
	post_clear(&hp);
	comment_clear(&c);
	comment_clear(&hc);
	chat_clear(&m);
	chat_clear(&hm);
	priority_clear(&pr);
	need_clear(&nd);
	world_close(&W);
	ck_assert_msg(fm_total_failures_from(FM_CJSON) > cj, "no failure in cJSON");
}
END_TEST

/* ---- fan-out: rooms, subscriptions, presence, delivery ---- */

#define NCONNS 10

struct fworld {
	struct server *s;
	struct conn *c[NCONNS];
};

static int fake_wsi; /* a connection's wsi only has to be set */

/* A server with no lws context and NCONNS open connections of nine users
 * (the tenth is the first one's second connection), every one subscribed
 * to round 1 and the second also to round 2; with fill, each has a full
 * queue of eight messages. Built with memory there. */
static void
fworld_open(struct fworld *f, int fill)
{
	memset(f, 0, sizeof *f);
	sched_cb = NULL;
	sched_sul = NULL;
	f->s = calloc(1, sizeof *f->s);
	ck_assert_ptr_nonnull(f->s);
	for (int i = 0; i < NCONNS; i++) {
		struct conn *c = calloc(1, sizeof *c);

		ck_assert_ptr_nonnull(c);
		c->srv = f->s;
		c->wsi = (struct lws *)&fake_wsi;
		c->refs = 1;
		c->id = (uint64_t)i + 1;
		c->user.id = i % 9 + 1;
		c->user.role = i % 3 ? ROLE_EMPLOYEE : ROLE_MANAGER;
		snprintf(c->user.username, sizeof c->user.username, "user%d", i % 9 + 1);
		snprintf(c->user.display_name, sizeof c->user.display_name, "User %d", i % 9 + 1);
		f->c[i] = c;
	}
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(fanout_subscribe(f->s, f->c[i], 1), OS_OK);
	ck_assert_int_eq(fanout_subscribe(f->s, f->c[1], 2), OS_OK);
	for (int k = 0; fill && k < 8; k++) {
		struct msg *m = msg_new("{\"ev\":\"filler\"}", 15);

		ck_assert_ptr_nonnull(m);
		fanout_publish(f->s, 1, m);
		msg_unref(m);
	}
}

static void
fworld_close(struct fworld *f)
{
	for (int i = 0; i < NCONNS; i++) {
		fanout_unsubscribe_all(f->s, f->c[i]);
		conn_unref(f->c[i]);
	}
	fanout_free(f->s);
	free(f->s);
}

static struct room *
froom(struct fworld *f, int64_t round)
{
	for (size_t b = 0; b < ROOM_BUCKETS; b++)
		for (struct room *r = f->s->rooms[b]; r; r = r->next)
			if (r->id == round)
				return r;
	return NULL;
}

static int
subscribed(const struct conn *c, int64_t round)
{
	for (size_t i = 0; i < c->nsubs; i++)
		if (c->subs[i].round == round)
			return 1;
	return 0;
}

/* Every subscription is in its room and back, and each room shows exactly
 * the users of its members online, counted once per connection. */
static void
assert_fanout_consistent(struct fworld *f, const char *op, unsigned long n)
{
	for (int i = 0; i < NCONNS; i++) {
		struct conn *c = f->c[i];

		for (size_t k = 0; k < c->nsubs; k++) {
			struct room *r = froom(f, c->subs[k].round);

			CHECK(r && c->subs[k].slot < r->nmembers &&
			      r->members[c->subs[k].slot].conn == c &&
			      r->members[c->subs[k].slot].sub == k,
			      "%s, allocation %lu: connection %d's subscription to %lld is not in "
			      "its room", op, n, i, (long long)c->subs[k].round);
		}
	}
	for (size_t b = 0; b < ROOM_BUCKETS; b++)
		for (struct room *r = f->s->rooms[b]; r; r = r->next) {
			size_t counted = 0;

			for (size_t m = 0; m < r->nmembers; m++) {
				struct conn *c = r->members[m].conn;

				CHECK(r->members[m].sub < c->nsubs &&
				      c->subs[r->members[m].sub].round == r->id,
				      "%s, allocation %lu: a member of room %lld is not subscribed", op,
				      n, (long long)r->id);
			}
			for (size_t o = 0; o < r->nonline; o++) {
				int conns = 0;

				for (size_t m = 0; m < r->nmembers; m++)
					conns += r->members[m].conn->user.id == r->online[o].user.id;
				CHECK(conns > 0 && r->online[o].count == conns,
				      "%s, allocation %lu: room %lld shows user %lld online %d times for "
				      "%d connection(s)", op, n, (long long)r->id,
				      (long long)r->online[o].user.id, r->online[o].count, conns);
				counted += (size_t)conns;
			}
			CHECK(counted == r->nmembers, "%s, allocation %lu: room %lld has %zu members "
			      "but shows %zu connections online", op, n, (long long)r->id, r->nmembers,
			      counted);
		}
}

/* The subscriptions: a ninth member and user (every array grows), a second
 * connection of a user, a new room, a connection's third room. */
static const struct {
	const char *what;
	int conn;
	int64_t round;
} fsubs[] = {
	{"subscribe: ninth member", 8, 1},
	{"subscribe: second connection", 9, 1},
	{"subscribe: new room", 0, 4},
	{"subscribe: third room", 1, 3},
};

START_TEST(fanout_subscribe_is_whole_or_not_at_all)
{
	struct fworld f;
	unsigned long injected = 0, runs = 0;

	for (size_t i = 0; i < sizeof fsubs / sizeof fsubs[0]; i++) {
		unsigned long inj = 0, n;

		for (int persistent = 0; persistent < 2; persistent++) {
			for (n = 1; n < MAX_RUNS; n++) {
				struct conn *c;
				size_t before;
				unsigned long hit;
				int rc;

				fworld_open(&f, 0);
				c = f.c[fsubs[i].conn];
				before = c->nsubs;
				fm_arm(n, persistent);
				rc = fanout_subscribe(f.s, c, fsubs[i].round);
				fm_disarm();
				hit = fm_failures();
				inj += hit;
				runs++;
				assert_fanout_consistent(&f, fsubs[i].what, n);
				if (rc == OS_OK) {
					CHECK(subscribed(c, fsubs[i].round) && c->nsubs == before + 1,
					      "%s, allocation %lu: said yes, is not subscribed",
					      fsubs[i].what, n);
				} else {
					CHECK(hit && rc == OS_ENOMEM && !subscribed(c, fsubs[i].round) &&
					      c->nsubs == before, "%s, allocation %lu: said %d, "
					      "subscribed %d", fsubs[i].what, n, rc,
					      subscribed(c, fsubs[i].round));
					/* Memory back: the same subscription now works. */
					CHECK(fanout_subscribe(f.s, c, fsubs[i].round) == OS_OK &&
					      subscribed(c, fsubs[i].round),
					      "%s, allocation %lu: fails again", fsubs[i].what, n);
					assert_fanout_consistent(&f, fsubs[i].what, n);
				}
				fworld_close(&f);
				if (!hit)
					break;
			}
			CHECK(n < MAX_RUNS, "%s never ran without a failure", fsubs[i].what);
		}
		CHECK(inj > 0, "%s: no failure was injected", fsubs[i].what);
		injected += inj;
	}
	say("fanout", "subscribe", 0, runs, injected);
}
END_TEST

/* The last message queued on c, or NULL. */
static struct msg *
last_queued(const struct conn *c)
{
	return c->q_count ? c->q[(c->q_head + c->q_count - 1) % c->q_cap] : NULL;
}

/* Delivery: each subscriber's queue is full and grows for the new message.
 * Each one either has it queued, or is being closed (1011): a message is
 * never lost without the connection knowing (the client reconnects and
 * starts from a fresh snapshot). */
START_TEST(fanout_publish_delivers_or_closes)
{
	struct fworld f;
	unsigned long n, injected = 0, runs = 0;

	for (int persistent = 0; persistent < 2; persistent++) {
		for (n = 1; n < MAX_RUNS; n++) {
			struct msg *m, *again;
			unsigned long hit;
			int closed = 0;

			fworld_open(&f, 1);
			m = msg_new("{\"ev\":\"chat.message\"}", 21);
			again = msg_new("{\"ev\":\"vote.tally\"}", 19);
			ck_assert(m && again);
			timeout_calls = 0;
			fm_arm(n, persistent);
			fanout_publish(f.s, 1, m);
			fm_disarm();
			hit = fm_failures();
			injected += hit;
			runs++;
			for (int i = 0; i < 8; i++) {
				struct conn *c = f.c[i];

				if (c->closing) {
					CHECK(c->close_code == LWS_CLOSE_STATUS_UNEXPECTED_CONDITION &&
					      !c->q_count, "allocation %lu: closed with %d, %zu queued", n,
					      c->close_code, c->q_count);
					closed++;
				} else {
					CHECK(c->q_count == 9 && last_queued(c) == m,
					      "allocation %lu: connection %d neither has the message nor "
					      "is closed", n, i);
				}
			}
			CHECK(m->refs == 1 + 8 - (unsigned)closed, "allocation %lu: %u references",
			      n, m->refs);
			CHECK(closed == 0 || hit, "closed with no failure");
			/* A reader that is not reading never becomes writable:
			 * each one closed must have its timeout too. */
			CHECK(timeout_calls == closed, "allocation %lu: %d closed, %d timeouts set", n,
			      closed, timeout_calls);
			/* Memory back: the open ones get the next message. */
			fanout_publish(f.s, 1, again);
			for (int i = 0; i < 8; i++)
				CHECK(f.c[i]->closing || last_queued(f.c[i]) == again,
				      "allocation %lu: connection %d missed the next message", n, i);
			assert_fanout_consistent(&f, "publish", n);
			msg_unref(m);
			msg_unref(again);
			fworld_close(&f);
			if (!hit)
				break;
		}
		CHECK(n < MAX_RUNS, "publish never ran without a failure");
	}
	say("fanout", "publish", 0, runs, injected);
	ck_assert_msg(injected > 0, "no failure was injected");
}
END_TEST

/* Whether the presence of round 1 naming this many people online is
 * queued on c. */
static int
has_presence(const struct conn *c, int online)
{
	char want[96];

	snprintf(want, sizeof want, "{\"ev\":\"presence\",\"round\":1,");
	for (size_t i = 0; i < c->q_count; i++) {
		const char *j = (const char *)c->q[(c->q_head + i) % c->q_cap]->data + LWS_PRE;
		char count[32];

		snprintf(count, sizeof count, "\"online_count\":%d}", online);
		if (!strncmp(j, want, strlen(want)) && strstr(j, count))
			return 1;
	}
	return 0;
}

/* Presence: a flush that runs out of memory sends the room's presence with
 * a later flush instead of never; once sent, every member has it, or is
 * being closed. */
START_TEST(fanout_presence_is_sent_or_retried)
{
	struct fworld f;
	unsigned long n, injected = 0, runs = 0;

	for (int persistent = 0; persistent < 2; persistent++) {
		for (n = 1; n < MAX_RUNS; n++) {
			lws_sorted_usec_list_t *sul;
			sul_cb_t cb;
			unsigned long hit;
			int got = 0, closed = 0;

			fworld_open(&f, 0);
			ck_assert_int_eq(fanout_subscribe(f.s, f.c[9], 1), OS_OK);
			ck_assert_msg(sched_cb && f.s->presence_scheduled, "no presence flush due");
			cb = sched_cb;
			sul = sched_sul;
			sched_cb = NULL;
			fm_arm(n, persistent);
			cb(sul);
			fm_disarm();
			hit = fm_failures();
			injected += hit;
			runs++;
			for (size_t i = 0; i < froom(&f, 1)->nmembers; i++) {
				struct conn *c = froom(&f, 1)->members[i].conn;

				got += has_presence(c, 8);
				closed += c->closing;
			}
			if (!got) {
				/* Nothing went out: it must go with the next flush. */
				CHECK(hit && sched_cb && f.s->presence_scheduled &&
				      froom(&f, 1)->presence_dirty,
				      "allocation %lu: the presence was dropped, no flush is due", n);
				cb = sched_cb;
				sul = sched_sul;
				cb(sul);
				for (size_t i = 0; i < froom(&f, 1)->nmembers; i++)
					CHECK(has_presence(froom(&f, 1)->members[i].conn, 8) ||
					      froom(&f, 1)->members[i].conn->closing,
					      "allocation %lu: the flush after did not send the "
					      "presence to member %zu", n, i);
			} else {
				CHECK(got + closed == 9, "allocation %lu: %d have the presence, %d are "
				      "closed, of 9", n, got, closed);
			}
			fworld_close(&f);
			if (!hit)
				break;
		}
		CHECK(n < MAX_RUNS, "presence never ran without a failure");
	}
	say("fanout", "presence", 0, runs, injected);
	ck_assert_msg(injected > 0, "no failure was injected");
}
END_TEST

/*
 * Not an allocation failure: this file's server-less fan-out world also
 * checks who is online in a big room through many joins and leaves, in a
 * shuffled order, with second connections of the same users: the room's
 * index from user id to place (open addressing with deletions) must find
 * every user who is there and none who left.
 */
START_TEST(fanout_presence_stays_exact_in_a_big_room)
{
	enum { USERS = 3000, CONNS = USERS + USERS / 3 };
	struct server *srv = calloc(1, sizeof *srv);
	struct conn **c = calloc(CONNS, sizeof *c);
	int *order = calloc(CONNS, sizeof *order), *present = calloc(USERS + 1, sizeof *present);
	struct user *out = calloc(USERS, sizeof *out);
	static int64_t ids[USERS];
	unsigned int seed = 12345, idseed = 777;

	ck_assert(srv && c && order && present && out);
	for (int u = 0; u < USERS; u++)
		ids[u] = (int64_t)(rand_r(&idseed) % 100000) << 20 | u;
	sched_cb = NULL;
	sched_sul = NULL;
	for (int i = 0; i < CONNS; i++) {
		c[i] = calloc(1, sizeof *c[i]);
		ck_assert_ptr_nonnull(c[i]);
		c[i]->srv = srv;
		c[i]->wsi = (struct lws *)&fake_wsi;
		c[i]->refs = 1;
		c[i]->id = (uint64_t)i + 1;
		/* scattered ids (a user's index in the low bits), so that
		 * they collide in the index as real ones may */
		c[i]->user.id = ids[i % USERS];
		order[i] = i;
	}
	for (int round = 0; round < 2; round++) {
		for (int i = CONNS - 1; i > 0; i--) {
			int j = (int)(rand_r(&seed) % (unsigned)(i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (int k = 0; k < CONNS; k++) {
			struct conn *x = c[order[k]];
			size_t total = 0, n;
			int expect = 0;

			if (round == 0) {
				ck_assert_int_eq(fanout_subscribe(srv, x, 1), OS_OK);
				present[order[k] % USERS]++;
			} else {
				fanout_unsubscribe(srv, x, 1);
				present[order[k] % USERS]--;
			}
			if (k % 97 && k != CONNS - 1)
				continue;
			for (int u = 0; u < USERS; u++)
				expect += present[u] > 0;
			n = fanout_online(srv, 1, out, USERS, &total);
			ck_assert_uint_eq(total, (size_t)expect);
			ck_assert_uint_eq(n, (size_t)expect);
			for (size_t i = 0; i < n; i++) {
				int u = (int)(out[i].id & 0xfffff);

				ck_assert_msg(u >= 0 && u < USERS && present[u] > 0,
					      "user %lld shown online but gone", (long long)out[i].id);
				/* shown once: mark by negating */
				present[u] = -present[u];
			}
			for (int u = 0; u < USERS; u++)
				present[u] = present[u] < 0 ? -present[u] : present[u];
		}
	}
	for (int i = 0; i < CONNS; i++)
		conn_unref(c[i]);
	fanout_free(srv);
	free(srv);
	free(c);
	free(order);
	free(present);
	free(out);
}
END_TEST

int
main(void)
{
	const struct {
		const char *name;
		const TTest *test;
	} cases[] = {
		{"store", store_survives_allocation_failures},
		{"group", group_commit_is_all_or_nothing},
		{"open", store_open_survives_allocation_failures},
		{"tokenizer", tokenizer_says_nomem_when_out_of_memory},
		{"dispatch", dispatch_ops_survive_allocation_failures},
		{"render", events_render_whole_or_not_at_all},
		{"subscribe", fanout_subscribe_is_whole_or_not_at_all},
		{"publish", fanout_publish_delivers_or_closes},
		{"presence", fanout_presence_is_sent_or_retried},
		{"bigroom", fanout_presence_stays_exact_in_a_big_room},
	};
	Suite *s = suite_create("oom");

#ifdef M_TRIM_THRESHOLD
	/* Tens of thousands of runs grow and shrink the heap by the same
	 * amount each time: keep it (glibc; the sanitizers ignore this). */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
	/* Before anything touches SQLite. */
	if (fm_install()) {
		fprintf(stderr, "cannot install the allocation hooks\n");
		return 1;
	}
	verbose = getenv("OSOOM_VERBOSE") != NULL;
	/* One case per test, so that CK_RUN_CASE=name runs one alone. */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, cases[i].test);
		suite_add_tcase(s, tc);
	}
	return fx_run(s);
}
