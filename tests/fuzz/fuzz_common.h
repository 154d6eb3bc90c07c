/*
 * Shared set-up for the libFuzzer harnesses (header only: CMake builds one
 * executable per tests/fuzz/fuzz_*.c file).
 *
 * Everything random is made deterministic: libsodium gets a random source
 * that replays the same stream after every fuzz_reset_random(), so that the
 * same set-up yields the same session and invite tokens on every run and
 * every machine (the corpus and the dictionary name some of them).
 *
 * The fixture, written through the forum layer as the people in it would:
 *
 *   users   1 ada  admin        2 max  manager       3 eve  employee
 *           4 cleo customer (member of rounds 2 and 5)
 *           5 nico customer (member of nothing)
 *           6 dora employee, disabled
 *   rounds  1 internal updown, open: a plan, ideas (one merged, one hidden),
 *             comments (one hidden), votes, chat (one hidden), a priority,
 *             a flag
 *           2 invited dots (10), open: cleo's and eve's ideas, comments,
 *             dots, chat, a priority, a need (1) gathering cleo's idea and
 *             answered by the priority
 *           3 internal updown, draft: a priority
 *           4 internal updown, voting: an idea
 *           5 invited updown, closed: an idea by cleo
 *           6 invited updown, open, no members: an idea, a comment, chat
 */
#ifndef OS_FUZZ_COMMON_H
#define OS_FUZZ_COMMON_H

/* Each harness uses a part of what is here. */
#pragma clang diagnostic ignored "-Wunused-function"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "base/err.h"
#include "base/log.h"
#include "base/model.h"
#include "base/util.h"
#include "forum/chat.h"
#include "forum/forum.h"
#include "forum/invites.h"
#include "forum/merge.h"
#include "forum/moderation.h"
#include "forum/posts.h"
#include "forum/needs.h"
#include "forum/priorities.h"
#include "forum/rounds.h"
#include "forum/votes.h"
#include "store/db.h"
#include "store/invites.h"
#include "store/rounds.h"
#include "store/sqlite/sqlite_int.h"
#include "store/users.h"

/* ---- failing loudly ---- */

#define FUZZ_CHECK(cond, ...)                                                   \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "\nINVARIANT VIOLATED (%s:%d): %s\n  ", \
				__FILE__, __LINE__, #cond);                     \
			fprintf(stderr, __VA_ARGS__);                           \
			fprintf(stderr, "\n");                                  \
			abort();                                                \
		}                                                               \
	} while (0)

#define FUZZ_MUST(expr)                                                         \
	do {                                                                    \
		int fuzz_rc_ = (expr);                                          \
		if (fuzz_rc_) {                                                 \
			fprintf(stderr, "fuzz set-up failed (%s:%d): %s -> %d\n",  \
				__FILE__, __LINE__, #expr, fuzz_rc_);           \
			abort();                                                \
		}                                                               \
	} while (0)

/* OSFUZZ_KNOWN=1: tolerate the bugs already reported and not yet fixed
 * (see README.md), so that a long session can look past them: the lone
 * 0xFE/0xFF bytes cmark < 0.31.1 writes for &#xFFFE; and &#xFFFF;, and the
 * unknown_op message that cuts a character in two. */
static int fuzz_known;

/* ---- a deterministic random source for libsodium ---- */

static uint64_t fuzz_rand_counter;

static void
fuzz_rand_buf(void *const buf, const size_t size)
{
	unsigned char seed[randombytes_SEEDBYTES] = "openstrat-fuzz-deterministic!!!";

	memcpy(seed, &fuzz_rand_counter, sizeof fuzz_rand_counter);
	fuzz_rand_counter++;
	randombytes_buf_deterministic(buf, size, seed);
}

static uint32_t
fuzz_rand_random(void)
{
	uint32_t v;

	fuzz_rand_buf(&v, sizeof v);
	return v;
}

static const char *
fuzz_rand_name(void)
{
	return "openstrat-fuzz";
}

static struct randombytes_implementation fuzz_rand_impl = {
	.implementation_name = fuzz_rand_name,
	.random = fuzz_rand_random,
	.stir = NULL,
	.uniform = NULL,
	.buf = fuzz_rand_buf,
	.close = NULL,
};

static void
fuzz_reset_random(void)
{
	fuzz_rand_counter = 0;
}

/* Once per process, before anything else. */
static void
fuzz_global_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	randombytes_set_implementation(&fuzz_rand_impl);
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		abort();
	}
	fuzz_known = getenv("OSFUZZ_KNOWN") != NULL;
	/* Store errors stay visible: in memory, none should happen. */
	os_log_set_level(OS_LOG_ERR);
}

/* ---- UTF-8, checked independently of src/base/util.c ---- */
static int
fuzz_utf8_check(const unsigned char *s, size_t n, int tolerant)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t k;

		if (c < 0x80 || (tolerant && c >= 0xfe)) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i < k + 1)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Input: strictly well-formed UTF-8. */
static int
fuzz_utf8_ok(const unsigned char *s, size_t n)
{
	return fuzz_utf8_check(s, n, 0);
}

/* Output of the code under test: the same, but with OSFUZZ_KNOWN=1 the
 * bytes of the known cmark bug pass. */
static int
fuzz_utf8_out_ok(const unsigned char *s, size_t n)
{
	return fuzz_utf8_check(s, n, fuzz_known);
}

/* ---- the fixture ---- */

enum { U_ADA = 1, U_MAX, U_EVE, U_CLEO, U_NICO, U_DORA, U_COUNT };

struct fuzz_world {
	struct store *st;
	struct forum *f;
	struct user u[U_COUNT]; /* by id; [0] unused */
	int64_t round_internal, round_invited, round_draft, round_voting,
		round_closed, round_nobody;
	char invite_customer[OS_TOKEN_STR_LEN];  /* valid, round 2 */
	char invite_employee[OS_TOKEN_STR_LEN];  /* valid */
	char invite_used[OS_TOKEN_STR_LEN];
	char invite_expired[OS_TOKEN_STR_LEN];
	char session_ada[OS_TOKEN_STR_LEN];      /* live */
	char session_revoked[OS_TOKEN_STR_LEN];  /* eve's, revoked */
	char session_disabled[OS_TOKEN_STR_LEN]; /* dora's, user disabled */
	int setting_up;
};

static int64_t
fuzz_post(struct forum *f, const struct user *u, int64_t round, int kind,
	  const char *title, const char *body)
{
	struct post p;
	int64_t id;

	FUZZ_MUST(posts_create(f, u, round, kind, title, body, &p));
	id = p.id;
	post_clear(&p);
	return id;
}

static int64_t
fuzz_comment(struct forum *f, const struct user *u, int64_t post, int64_t parent,
	     const char *body)
{
	struct comment c;
	int64_t id;

	FUZZ_MUST(comments_create(f, u, post, parent, body, &c));
	id = c.id;
	comment_clear(&c);
	return id;
}

static int64_t
fuzz_chat(struct forum *f, const struct user *u, int64_t round, const char *body)
{
	struct chat c;
	int64_t id;

	FUZZ_MUST(chat_send(f, u, round, body, &c));
	id = c.id;
	chat_clear(&c);
	return id;
}

static int64_t
fuzz_round(struct forum *f, const struct user *u, const char *title, int audience,
	   int vote_mode, int dots, int phase)
{
	struct round r = {0};
	struct round_changes ch = {0};
	int64_t id;

	r.title = (char *)title;
	r.description = (char *)"A round for the fuzzer: *Markdown* and all.";
	r.audience = audience;
	r.vote_mode = vote_mode;
	r.dots_per_member = dots;
	FUZZ_MUST(rounds_create(f, u, &r));
	id = r.id;
	round_clear(&r);
	if (phase != PHASE_DRAFT) {
		ch.has_phase = 1;
		ch.phase = PHASE_OPEN;
		FUZZ_MUST(rounds_update(f, u, id, &ch, &r));
		round_clear(&r);
		if (phase != PHASE_OPEN) {
			ch.phase = phase;
			FUZZ_MUST(rounds_update(f, u, id, &ch, &r));
			round_clear(&r);
		}
	}
	return id;
}

static void
fuzz_vote(struct forum *f, const struct user *u, int64_t post, int value, int dots,
	  int is_dots)
{
	struct post p;

	FUZZ_MUST(votes_cast(f, u, post, !is_dots, value, is_dots, dots, &p));
	post_clear(&p);
}

static void
fuzz_priority(struct forum *f, const struct user *u, int64_t round, int64_t owner,
	      int64_t link)
{
	struct priority pr;
	int64_t id;

	FUZZ_MUST(priorities_create(f, u, round, "Know every customer",
				    "One timeline and one *health score*.", owner, &pr));
	id = pr.id;
	priority_clear(&pr);
	if (link) {
		FUZZ_MUST(priorities_link(f, u, id, link, &pr));
		priority_clear(&pr);
	}
}

static void
fuzz_need(struct forum *f, const struct user *u, int64_t round, int64_t post, int64_t priority)
{
	struct need n;
	int64_t id;

	FUZZ_MUST(needs_create(f, u, round, "Hear it first", "Customers want *warning*.", &n));
	id = n.id;
	need_clear(&n);
	FUZZ_MUST(needs_link(f, u, id, NEED_POST, post, 1, &n));
	need_clear(&n);
	FUZZ_MUST(needs_link(f, u, id, NEED_PRIORITY, priority, 1, &n));
	need_clear(&n);
}

static void
fuzz_invite(struct forum *f, int role, int64_t round, char token[OS_TOKEN_STR_LEN])
{
	int64_t exp;

	FUZZ_MUST(invites_create(f, NULL, role, round, 0, NULL, token, &exp));
}

/*
 * Builds the fixture in a fresh in-memory store. events may be NULL. The
 * result is committed; w->f has rate limit 0 and flag threshold 2.
 */
static void
fuzz_world_build(struct fuzz_world *w, const struct forum_events *events)
{
	static const struct {
		const char *name, *display, *org;
		int role;
	} people[U_COUNT] = {
		[U_ADA] = {"ada", "Ada Admin", "Northwind", ROLE_ADMIN},
		[U_MAX] = {"max", "Max Manager", "Northwind", ROLE_MANAGER},
		[U_EVE] = {"eve", "Eve Employee", "Northwind", ROLE_EMPLOYEE},
		[U_CLEO] = {"cleo", "Cleo Customer", "Nordbank", ROLE_CUSTOMER},
		[U_NICO] = {"nico", "Nico Outsider", "Helio Health", ROLE_CUSTOMER},
		[U_DORA] = {"dora", "Dora Gone", "Northwind", ROLE_EMPLOYEE},
	};
	struct forum_opts opts = {.rate_limit = 0, .flag_threshold = 2};
	struct forum *f;
	struct user *u = w->u;
	int64_t plan, idea1, idea2, idea3, hidden, c1, c2, hc, b1, b2, d1, cl1, n1, id;
	int hid;

	memset(w, 0, sizeof *w);
	fuzz_reset_random();
	w->setting_up = 1;
	FUZZ_MUST(store_open(":memory:", STORE_SYNC_FULL, &w->st));
	FUZZ_MUST(forum_new(w->st, events, &opts, &w->f));
	f = w->f;
	FUZZ_MUST(store_op_begin(w->st));
	for (int i = U_ADA; i < U_COUNT; i++) {
		FUZZ_MUST(store_user_insert(w->st, people[i].name, people[i].display,
					    people[i].role, people[i].org,
					    "$argon2id$v=19$m=65536,t=2,p=1$fuzz$fuzz", &id));
		FUZZ_CHECK(id == i, "user %s got id %lld", people[i].name, (long long)id);
	}
	FUZZ_MUST(store_user_set_disabled(w->st, U_DORA, 1));
	for (int i = U_ADA; i < U_COUNT; i++)
		FUZZ_MUST(store_user_by_id(w->st, i, &u[i]));

	/* 1: the internal strategy round. */
	w->round_internal = fuzz_round(f, &u[U_MAX], "Strategy 2027", AUD_INTERNAL,
				       VOTE_UPDOWN, 0, PHASE_OPEN);
	plan = fuzz_post(f, &u[U_MAX], w->round_internal, KIND_PLAN,
			 "Customer success: from tickets to outcomes",
			 "## Where we are\n\nRenewals fell from **91%** to 86%.\n\n"
			 "1. A named lead\n2. *Time to value*\n\n> Tell me where it breaks.\n\n"
			 "[the numbers](https://example.com/q3?x=1&y=2)");
	idea1 = fuzz_post(f, &u[U_EVE], w->round_internal, KIND_IDEA,
			  "A shared customer timeline", "One timeline per account.");
	idea2 = fuzz_post(f, &u[U_ADA], w->round_internal, KIND_IDEA,
			  "Single sign-on", "One login for `all` our products.");
	idea3 = fuzz_post(f, &u[U_EVE], w->round_internal, KIND_IDEA, "One login",
			  "Four passwords a day is three too many.");
	hidden = fuzz_post(f, &u[U_EVE], w->round_internal, KIND_IDEA,
			   "Secret hidden idea", "hidden body text");
	c1 = fuzz_comment(f, &u[U_EVE], idea1, 0, "This would have saved me two escalations.");
	c2 = fuzz_comment(f, &u[U_MAX], idea1, c1, "Who owns the timeline, though?");
	hc = fuzz_comment(f, &u[U_EVE], idea1, c2, "hidden comment text");
	fuzz_comment(f, &u[U_ADA], idea3, 0, "Duplicate of SSO.");
	fuzz_vote(f, &u[U_EVE], idea1, 1, 0, 0);
	fuzz_vote(f, &u[U_MAX], idea1, -1, 0, 0);
	fuzz_vote(f, &u[U_ADA], idea2, 1, 0, 0);
	fuzz_vote(f, &u[U_EVE], idea3, 1, 0, 0);
	fuzz_chat(f, &u[U_ADA], w->round_internal, "Welcome to the Strategy 2027 round!");
	id = fuzz_chat(f, &u[U_EVE], w->round_internal, "hidden chat text");
	FUZZ_MUST(mod_hide(f, &u[U_MAX], TARGET_CHAT, id, 1, "off topic"));
	FUZZ_MUST(mod_hide(f, &u[U_MAX], TARGET_POST, hidden, 1, "duplicate"));
	FUZZ_MUST(mod_hide(f, &u[U_MAX], TARGET_COMMENT, hc, 1, "rude"));
	{
		struct post merged;

		FUZZ_MUST(posts_merge(f, &u[U_MAX], idea3, idea2, &merged));
		post_clear(&merged);
	}
	fuzz_priority(f, &u[U_ADA], w->round_internal, U_MAX, idea1);
	FUZZ_MUST(mod_flag(f, &u[U_EVE], TARGET_POST, plan, "not a plan", &hid));

	/* 2: the invited customer round, dots. */
	w->round_invited = fuzz_round(f, &u[U_MAX], "Innovation: the service desk",
				      AUD_INVITED, VOTE_DOTS, 10, PHASE_OPEN);
	FUZZ_MUST(store_member_add(w->st, w->round_invited, U_CLEO, U_MAX));
	b1 = fuzz_post(f, &u[U_CLEO], w->round_invited, KIND_IDEA, "Tell us before we notice",
		       "We want to hear it from *you* first.");
	b2 = fuzz_post(f, &u[U_EVE], w->round_invited, KIND_IDEA, "Status page per customer",
		       "A status page for **this** customer.");
	fuzz_comment(f, &u[U_EVE], b1, 0, "What would a good estimate look like?");
	fuzz_comment(f, &u[U_CLEO], b1, 0, "Within the hour, even if it is wrong.");
	fuzz_vote(f, &u[U_CLEO], b1, 0, 3, 1);
	fuzz_vote(f, &u[U_EVE], b2, 0, 4, 1);
	fuzz_chat(f, &u[U_CLEO], w->round_invited, "Hello from Nordbank");
	fuzz_priority(f, &u[U_MAX], w->round_invited, U_EVE, b1);
	fuzz_need(f, &u[U_MAX], w->round_invited, b1, 2);

	/* 3: a draft. */
	w->round_draft = fuzz_round(f, &u[U_MAX], "Draft: next year", AUD_INTERNAL,
				    VOTE_UPDOWN, 0, PHASE_DRAFT);
	fuzz_priority(f, &u[U_MAX], w->round_draft, 0, 0);

	/* 4: voting. */
	{
		struct round_changes ch = {.has_phase = 1, .phase = PHASE_VOTING};
		struct round r;

		w->round_voting = fuzz_round(f, &u[U_MAX], "Hybrid work", AUD_INTERNAL,
					     VOTE_UPDOWN, 0, PHASE_OPEN);
		d1 = fuzz_post(f, &u[U_EVE], w->round_voting, KIND_IDEA, "Anchor days",
			       "Two shared days a week.");
		FUZZ_MUST(rounds_update(f, &u[U_MAX], w->round_voting, &ch, &r));
		round_clear(&r);
		fuzz_vote(f, &u[U_EVE], d1, 1, 0, 0);
	}

	/* 5: closed, invited, cleo a member. */
	{
		struct round_changes ch = {.has_phase = 1, .phase = PHASE_CLOSED};
		struct round r;

		w->round_closed = fuzz_round(f, &u[U_MAX], "Last year's round", AUD_INVITED,
					     VOTE_UPDOWN, 0, PHASE_OPEN);
		FUZZ_MUST(store_member_add(w->st, w->round_closed, U_CLEO, U_MAX));
		cl1 = fuzz_post(f, &u[U_CLEO], w->round_closed, KIND_IDEA, "Answers in Finnish",
				"Even machine translation would help.");
		fuzz_vote(f, &u[U_CLEO], cl1, 1, 0, 0);
		FUZZ_MUST(rounds_update(f, &u[U_MAX], w->round_closed, &ch, &r));
		round_clear(&r);
	}

	/* 6: invited, open, nobody invited. */
	w->round_nobody = fuzz_round(f, &u[U_ADA], "Partner round", AUD_INVITED,
				     VOTE_UPDOWN, 0, PHASE_OPEN);
	n1 = fuzz_post(f, &u[U_EVE], w->round_nobody, KIND_IDEA, "Certify partners first",
		       "A bad partner costs us the customer.");
	fuzz_comment(f, &u[U_MAX], n1, 0, "Agreed.");
	fuzz_chat(f, &u[U_EVE], w->round_nobody, "partners only");

	/* Invites and sessions, with deterministic tokens. */
	fuzz_invite(f, ROLE_CUSTOMER, w->round_invited, w->invite_customer);
	fuzz_invite(f, ROLE_EMPLOYEE, 0, w->invite_employee);
	fuzz_invite(f, ROLE_EMPLOYEE, 0, w->invite_used);
	fuzz_invite(f, ROLE_CUSTOMER, w->round_nobody, w->invite_expired);
	{
		struct invite inv;

		FUZZ_MUST(invites_check(f, w->invite_used, &inv));
		FUZZ_MUST(store_invite_use(w->st, inv.id, U_DORA, os_now_ms()));
		FUZZ_MUST(invites_check(f, w->invite_expired, &inv));
		FUZZ_MUST(store_exec(w->st, "UPDATE invites SET expires_at = 1000 WHERE id = "
					    "(SELECT max(id) FROM invites)"));
	}
	FUZZ_MUST(session_create(w->st, &session_default_policy, U_ADA, w->session_ada));
	FUZZ_MUST(session_create(w->st, &session_default_policy, U_EVE, w->session_revoked));
	FUZZ_MUST(session_revoke(w->st, w->session_revoked));
	FUZZ_MUST(session_create(w->st, &session_default_policy, U_DORA, w->session_disabled));

	FUZZ_MUST(store_op_end(w->st, 1));
	FUZZ_MUST(store_commit(w->st));
	(void)c2;
	w->setting_up = 0;
	if (getenv("OSFUZZ_PRINT_TOKENS"))
		fprintf(stderr,
			"invite_customer %s\ninvite_employee %s\ninvite_used %s\n"
			"invite_expired %s\nsession_ada %s\nsession_revoked %s\n"
			"session_disabled %s\n",
			w->invite_customer, w->invite_employee, w->invite_used,
			w->invite_expired, w->session_ada, w->session_revoked,
			w->session_disabled);
}

static void
fuzz_world_free(struct fuzz_world *w)
{
	forum_free(w->f);
	store_close(w->st);
	w->f = NULL;
	w->st = NULL;
}

/* ---- what the store says, asked directly (the oracle of visibility) ---- */

/* 1 when role/user may see round id by the contract's rules, 0 when not,
 * -1 when there is no such round. */
static int
fuzz_round_visible(struct fuzz_world *w, const struct user *u, int64_t id)
{
	sqlite3 *db = store_sqlite(w->st);
	sqlite3_stmt *s = NULL;
	int vis = -1;

	if (sqlite3_prepare_v2(db,
			       "SELECT phase != 'draft', audience = 'invited', EXISTS ("
			       "SELECT 1 FROM round_members m WHERE m.round_id = r.id AND "
			       "m.user_id = ?2 AND m.revoked_at IS NULL) FROM rounds r "
			       "WHERE r.id = ?1",
			       -1, &s, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, u->id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		int not_draft = sqlite3_column_int(s, 0), invited = sqlite3_column_int(s, 1),
		    member = sqlite3_column_int(s, 2);

		switch (u->role) {
		case ROLE_ADMIN:
		case ROLE_MANAGER:
			vis = 1;
			break;
		case ROLE_EMPLOYEE:
			vis = not_draft;
			break;
		default:
			vis = not_draft && invited && member;
			break;
		}
	}
	sqlite3_finalize(s);
	return vis;
}

/* Where an item lives: its round and whether it (or, for comments, its
 * post) is hidden. 0, or -1 when there is no such item. */
static int
fuzz_item(struct fuzz_world *w, int target, int64_t id, int64_t *round, int *hidden)
{
	static const char *const sql[TARGET_COUNT] = {
		[TARGET_POST] = "SELECT round_id, hidden FROM posts WHERE id = ?1",
		[TARGET_COMMENT] = ("SELECT p.round_id, max(c.hidden, p.hidden) FROM comments c "
				    "JOIN posts p ON p.id = c.post_id WHERE c.id = ?1"),
		[TARGET_CHAT] = "SELECT round_id, hidden FROM chat_messages WHERE id = ?1",
	};
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(store_sqlite(w->st), sql[target], -1, &s, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*round = sqlite3_column_int64(s, 0);
		*hidden = sqlite3_column_int(s, 1);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

static int64_t
fuzz_priority_round(struct fuzz_world *w, int64_t id)
{
	sqlite3_stmt *s = NULL;
	int64_t r = -1;

	if (sqlite3_prepare_v2(store_sqlite(w->st), "SELECT round_id FROM priorities WHERE id = ?1",
			       -1, &s, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		r = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return r;
}

#endif
