/*
 * src/forum/rounds.c (and the visibility rules of forum/access.c): who sees
 * which round, who may create and change rounds, the phase machine, and the
 * round.updated event.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store/audit.h"
#include "forum/chat.h"
#include "forum/forum_int.h"
#include "forum/posts.h"
#include "forum/rounds.h"
#include "store/posts.h"
#include "store/rounds.h"

static struct fx X;

static void
setup(void)
{
	fx_open(&X, 0);
}

static void
teardown(void)
{
	fx_close(&X);
}

/* rounds_create as caller; on success *id is the new round. The round's
 * strings are the caller's until rounds_create succeeds. */
static int
create(const struct user *caller, const char *title, const char *desc, int audience,
       int mode, int dots, struct round *out)
{
	struct round r = {0};
	int rc;

	r.title = (char *)title;
	r.description = (char *)desc;
	r.audience = audience;
	r.vote_mode = mode;
	r.dots_per_member = dots;
	rc = FX_W(&X, rounds_create(X.f, caller, &r));
	if (rc == OS_OK) {
		if (out)
			*out = r;
		else
			round_clear(&r);
	}
	return rc;
}

static int
update(const struct user *caller, int64_t id, const struct round_changes *ch)
{
	struct round out;
	int rc = FX_W(&X, rounds_update(X.f, caller, id, ch, &out));

	round_clear(&out);
	return rc;
}

static int
set_phase(const struct user *caller, int64_t id, int phase)
{
	struct round_changes ch = {.has_phase = 1, .phase = phase};

	return update(caller, id, &ch);
}

static int
stored_phase(int64_t id)
{
	struct round r;
	int phase;

	ck_assert_int_eq(store_round_get(X.st, id, &r), OS_OK);
	phase = r.phase;
	round_clear(&r);
	return phase;
}

/* Whether u sees round id, asked three ways that must agree: the list,
 * the subscription snapshot, and the chat history. */
static int
sees(const struct user *u, int64_t id)
{
	struct round *list;
	struct round_snapshot snap;
	struct chat *msgs;
	size_t n, nmsgs;
	int listed = 0, rc_snap, rc_chat;

	ck_assert_int_eq(rounds_list(X.f, u, &list, &n), OS_OK);
	for (size_t i = 0; i < n; i++) {
		if (list[i].id == id)
			listed = 1;
		round_clear(&list[i]);
	}
	free(list);
	rc_snap = rounds_snapshot(X.f, u, id, &snap);
	if (!rc_snap) {
		ck_assert_int_eq(snap.round.id, id);
		rounds_snapshot_clear(&snap);
	}
	rc_chat = chat_history(X.f, u, id, 0, 50, &msgs, &nmsgs);
	if (!rc_chat)
		free(msgs);
	/* Not seeing a round is exactly not_found, as for a missing one. */
	ck_assert_msg(rc_snap == OS_OK || rc_snap == OS_ENOTFOUND,
		      "snapshot of round %lld for %s: %s", (long long)id, u->username,
		      os_err_code(rc_snap));
	ck_assert_int_eq(rc_snap, rc_chat);
	ck_assert_msg(listed == (rc_snap == OS_OK),
		      "rounds.list and round.subscribe disagree for %s on round %lld",
		      u->username, (long long)id);
	return listed;
}

START_TEST(managers_and_admins_create_rounds_in_draft)
{
	struct round r;

	ck_assert_int_eq(create(&X.mgr, "  Strategy 2027 \n", "Where next", AUD_INTERNAL,
				VOTE_UPDOWN, 0, &r),
			 OS_OK);
	ck_assert_int_gt(r.id, 0);
	ck_assert_str_eq(r.title, "Strategy 2027");
	ck_assert_str_eq(r.description, "Where next");
	ck_assert_int_eq(r.phase, PHASE_DRAFT);
	ck_assert_int_eq(r.audience, AUD_INTERNAL);
	ck_assert_int_eq(r.vote_mode, VOTE_UPDOWN);
	ck_assert_int_eq(r.created_by, X.mgr.id);
	ck_assert_int_gt(r.created_at, 0);
	ck_assert_int_eq(stored_phase(r.id), PHASE_DRAFT);
	round_clear(&r);

	ck_assert_int_eq(create(&X.admin, "Innovation", NULL, AUD_INVITED, VOTE_DOTS, 10, &r),
			 OS_OK);
	ck_assert_int_eq(r.phase, PHASE_DRAFT);
	ck_assert_int_eq(r.audience, AUD_INVITED);
	ck_assert_int_eq(r.vote_mode, VOTE_DOTS);
	ck_assert_int_eq(r.dots_per_member, 10);
	ck_assert_str_eq(r.description, "");
	ck_assert_int_eq(r.created_by, X.admin.id);
	round_clear(&r);
	ck_assert_int_eq(fx_count(&X, "rounds"), 2);
}
END_TEST

START_TEST(employees_and_customers_cannot_create_rounds)
{
	uint64_t before = fx_fingerprint(&X);

	ck_assert_int_eq(create(&X.emp, "Mine", "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL),
			 OS_EFORBIDDEN);
	ck_assert_int_eq(create(&X.cust, "Mine", "", AUD_INVITED, VOTE_UPDOWN, 0, NULL),
			 OS_EFORBIDDEN);
	ck_assert_int_eq(create(&X.emp, "Mine", "", AUD_INTERNAL, VOTE_DOTS, 5, NULL),
			 OS_EFORBIDDEN);
	ck_assert_int_eq(fx_count(&X, "rounds"), 0);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(dots_rounds_need_a_budget)
{
	struct round r;

	ck_assert_int_eq(create(&X.mgr, "Dots", "", AUD_INTERNAL, VOTE_DOTS, 0, NULL),
			 OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, "Dots", "", AUD_INTERNAL, VOTE_DOTS, -3, NULL),
			 OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, "Dots", "", AUD_INTERNAL, VOTE_DOTS, 1001, NULL),
			 OS_EBADREQ);
	ck_assert_int_eq(fx_count(&X, "rounds"), 0);
	ck_assert_int_eq(create(&X.mgr, "Dots", "", AUD_INTERNAL, VOTE_DOTS, 1, &r), OS_OK);
	ck_assert_int_eq(r.dots_per_member, 1);
	round_clear(&r);
	ck_assert_int_eq(create(&X.mgr, "Dots", "", AUD_INTERNAL, VOTE_DOTS, 1000, &r), OS_OK);
	ck_assert_int_eq(r.dots_per_member, 1000);
	round_clear(&r);
	/* Up/down rounds have no budget, whatever is asked. */
	ck_assert_int_eq(create(&X.mgr, "Updown", "", AUD_INTERNAL, VOTE_UPDOWN, 7, &r), OS_OK);
	ck_assert_int_eq(r.dots_per_member, 0);
	round_clear(&r);
}
END_TEST

START_TEST(create_refuses_unknown_audience_and_mode)
{
	ck_assert_int_eq(create(&X.mgr, "R", "", AUD_COUNT, VOTE_UPDOWN, 0, NULL), OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, "R", "", -1, VOTE_UPDOWN, 0, NULL), OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, "R", "", AUD_INTERNAL, VOTE_MODE_COUNT, 0, NULL),
			 OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, "R", "", AUD_INTERNAL, -1, 0, NULL), OS_EBADREQ);
	ck_assert_int_eq(fx_count(&X, "rounds"), 0);
}
END_TEST

START_TEST(title_limit_counts_characters_not_bytes)
{
	char *t200 = fx_repeat("a", 200), *t201 = fx_repeat("a", 201);
	char *e200 = fx_repeat("\xc3\xa9", 200), *e201 = fx_repeat("\xc3\xa9", 201);
	char *m200 = fx_repeat("\xf0\x9f\x98\x80", 200);
	char *d20000 = fx_repeat("d", 20000), *d20001 = fx_repeat("d", 20001);
	struct round r;

	ck_assert_int_eq(create(&X.mgr, t200, "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL), OS_OK);
	ck_assert_int_eq(create(&X.mgr, t201, "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL),
			 OS_ETOOLARGE);
	ck_assert_int_eq(create(&X.mgr, e200, "", AUD_INTERNAL, VOTE_UPDOWN, 0, &r), OS_OK);
	ck_assert_str_eq(r.title, e200);
	round_clear(&r);
	ck_assert_int_eq(create(&X.mgr, e201, "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL),
			 OS_ETOOLARGE);
	ck_assert_int_eq(create(&X.mgr, m200, "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL), OS_OK);
	ck_assert_int_eq(create(&X.mgr, "", "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL), OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, " \t\n ", "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL),
			 OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, NULL, "", AUD_INTERNAL, VOTE_UPDOWN, 0, NULL),
			 OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, "bad \xc3\x28 utf8", "", AUD_INTERNAL, VOTE_UPDOWN, 0,
				NULL),
			 OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, "T", d20000, AUD_INTERNAL, VOTE_UPDOWN, 0, NULL), OS_OK);
	ck_assert_int_eq(create(&X.mgr, "T", d20001, AUD_INTERNAL, VOTE_UPDOWN, 0, NULL),
			 OS_ETOOLARGE);
	ck_assert_int_eq(fx_count(&X, "rounds"), 4);
	free(t200);
	free(t201);
	free(e200);
	free(e201);
	free(m200);
	free(d20000);
	free(d20001);
}
END_TEST

START_TEST(visibility_by_role_phase_and_audience)
{
	int64_t ids[PHASE_COUNT][AUD_COUNT];
	const struct user *staff[] = {&X.admin, &X.mgr};
	const struct user *emps[] = {&X.emp, &X.emp2};

	for (int ph = 0; ph < PHASE_COUNT; ph++)
		for (int a = 0; a < AUD_COUNT; a++) {
			ids[ph][a] = fx_round(&X, VOTE_UPDOWN, 0, a, ph);
			/* The customer is a member of every round, internal
			 * ones included: membership alone is not enough. */
			fx_member(&X, ids[ph][a], &X.cust);
		}
	for (int ph = 0; ph < PHASE_COUNT; ph++)
		for (int a = 0; a < AUD_COUNT; a++) {
			int64_t id = ids[ph][a];

			for (size_t i = 0; i < 2; i++)
				ck_assert_msg(sees(staff[i], id), "%s must see a %s %s round",
					      staff[i]->username, os_phase_name(ph),
					      os_audience_name(a));
			for (size_t i = 0; i < 2; i++)
				ck_assert_msg(sees(emps[i], id) == (ph != PHASE_DRAFT),
					      "employee %s on a %s %s round",
					      emps[i]->username, os_phase_name(ph),
					      os_audience_name(a));
			ck_assert_msg(sees(&X.cust, id) == (ph != PHASE_DRAFT && a == AUD_INVITED),
				      "member customer on a %s %s round", os_phase_name(ph),
				      os_audience_name(a));
			ck_assert_msg(!sees(&X.cust2, id),
				      "a customer who was not invited sees a %s %s round",
				      os_phase_name(ph), os_audience_name(a));
		}
}
END_TEST

START_TEST(invisible_is_the_same_as_missing)
{
	int64_t draft = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);
	int64_t invited = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t missing = 987654;
	struct round_changes ch = {.title = "x"};
	struct round_snapshot snap;
	struct post p;
	struct chat c;
	uint64_t before = fx_fingerprint(&X);

	struct {
		const struct user *u;
		int64_t round;
	} cases[] = {{&X.emp, draft}, {&X.emp, missing}, {&X.cust2, invited},
		     {&X.cust2, missing}, {&X.cust, draft}, {&X.cust, invited}};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct user *u = cases[i].u;
		int64_t id = cases[i].round;

		ck_assert_int_eq(rounds_snapshot(X.f, u, id, &snap), OS_ENOTFOUND);
		ck_assert_int_eq(update(u, id, &ch), OS_ENOTFOUND);
		ck_assert_int_eq(FX_W(&X, posts_create(X.f, u, id, KIND_IDEA, "t", "b", &p)),
				 OS_ENOTFOUND);
		ck_assert_int_eq(FX_W(&X, chat_send(X.f, u, id, "hi", &c)), OS_ENOTFOUND);
	}
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(revoked_customers_lose_the_round)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);

	ck_assert(!sees(&X.cust, id));
	fx_member(&X, id, &X.cust);
	ck_assert(sees(&X.cust, id));
	ck_assert(!sees(&X.cust2, id));
	ck_assert_int_eq(FX_W(&X, store_member_revoke(X.st, id, X.cust.id)), OS_OK);
	ck_assert(!sees(&X.cust, id));
	ck_assert_int_eq(FX_W(&X, store_member_revoke(X.st, id, X.cust.id)), OS_ENOTFOUND);
	fx_member(&X, id, &X.cust);
	ck_assert(sees(&X.cust, id));
}
END_TEST

START_TEST(list_is_newest_first)
{
	int64_t a = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_OPEN);
	int64_t b = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);
	int64_t c = fx_round(&X, VOTE_DOTS, 3, AUD_INTERNAL, PHASE_VOTING);
	struct round *list;
	size_t n;

	ck_assert_int_eq(rounds_list(X.f, &X.mgr, &list, &n), OS_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(list[0].id, c);
	ck_assert_int_eq(list[1].id, b);
	ck_assert_int_eq(list[2].id, a);
	for (size_t i = 0; i < n; i++)
		round_clear(&list[i]);
	free(list);
	ck_assert_int_eq(rounds_list(X.f, &X.emp, &list, &n), OS_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(list[0].id, c);
	ck_assert_int_eq(list[1].id, a);
	for (size_t i = 0; i < n; i++)
		round_clear(&list[i]);
	free(list);
}
END_TEST

START_TEST(update_changes_the_round_and_emits_round_updated)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);
	struct round_changes ch = {.title = "  Renamed ", .description = "New words",
				   .has_phase = 1, .phase = PHASE_OPEN};
	struct round out, stored;

	ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.mgr, id, &ch, &out)), OS_OK);
	ck_assert_int_eq(out.id, id);
	ck_assert_str_eq(out.title, "Renamed");
	ck_assert_str_eq(out.description, "New words");
	ck_assert_int_eq(out.phase, PHASE_OPEN);
	round_clear(&out);
	fx_assert_one_event(&X, EV_ROUND_UPDATED, id, id);
	ck_assert_int_eq(X.ev[0].phase, PHASE_OPEN);

	ck_assert_int_eq(store_round_get(X.st, id, &stored), OS_OK);
	ck_assert_str_eq(stored.title, "Renamed");
	ck_assert_str_eq(stored.description, "New words");
	ck_assert_int_eq(stored.phase, PHASE_OPEN);
	round_clear(&stored);

	/* Fields left out stay as they were; closes_at can be set and
	 * cleared. */
	fx_clear_events(&X);
	{
		struct round_changes c2 = {.has_closes_at = 1, .closes_at = os_now_ms() + 86400000};

		ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.admin, id, &c2, &out)), OS_OK);
		ck_assert_str_eq(out.title, "Renamed");
		ck_assert_int_eq(out.phase, PHASE_OPEN);
		ck_assert_int_eq(out.closes_at, c2.closes_at);
		round_clear(&out);
		fx_assert_one_event(&X, EV_ROUND_UPDATED, id, id);
		c2.closes_at = 0;
		ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.admin, id, &c2, &out)), OS_OK);
		ck_assert_int_eq(out.closes_at, 0);
		round_clear(&out);
	}
}
END_TEST

START_TEST(employees_and_customers_cannot_update)
{
	int64_t open = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t draft = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_DRAFT);
	struct round_changes ch = {.title = "Hijacked", .has_phase = 1, .phase = PHASE_CLOSED};
	uint64_t before;

	fx_member(&X, open, &X.cust);
	fx_member(&X, draft, &X.cust);
	before = fx_fingerprint(&X);
	/* They can see it, so they are told no. */
	ck_assert_int_eq(update(&X.emp, open, &ch), OS_EFORBIDDEN);
	ck_assert_int_eq(update(&X.cust, open, &ch), OS_EFORBIDDEN);
	/* They cannot see it, so it does not exist. */
	ck_assert_int_eq(update(&X.emp, draft, &ch), OS_ENOTFOUND);
	ck_assert_int_eq(update(&X.cust, draft, &ch), OS_ENOTFOUND);
	ck_assert_int_eq(update(&X.cust2, open, &ch), OS_ENOTFOUND);
	ck_assert(fx_fingerprint(&X) == before);
	ck_assert_int_eq(stored_phase(open), PHASE_OPEN);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(no_return_to_draft)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);

	/* Staying in draft is fine. */
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_DRAFT), OS_OK);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_OPEN), OS_OK);
	fx_clear_events(&X);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_DRAFT), OS_ECONFLICT);
	ck_assert_int_eq(set_phase(&X.admin, id, PHASE_DRAFT), OS_ECONFLICT);
	fx_assert_no_event(&X);
	ck_assert_int_eq(stored_phase(id), PHASE_OPEN);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_VOTING), OS_OK);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_DRAFT), OS_ECONFLICT);
	/* Moving back from voting to open is allowed. */
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_OPEN), OS_OK);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_CLOSED), OS_OK);
	ck_assert_int_eq(set_phase(&X.admin, id, PHASE_DRAFT), OS_ECONFLICT);
	ck_assert_int_eq(stored_phase(id), PHASE_CLOSED);
}
END_TEST

START_TEST(only_admins_write_to_closed_rounds)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_CLOSED);
	struct round_changes ch = {.title = "Late edit"};
	uint64_t before = fx_fingerprint(&X);

	ck_assert_int_eq(update(&X.mgr, id, &ch), OS_EPHASE);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_CLOSED), OS_EPHASE);
	ck_assert_int_eq(set_phase(&X.emp, id, PHASE_OPEN), OS_EFORBIDDEN);
	ck_assert_int_eq(set_phase(&X.cust, id, PHASE_OPEN), OS_ENOTFOUND);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
	ck_assert_int_eq(update(&X.admin, id, &ch), OS_OK);
	fx_assert_one_event(&X, EV_ROUND_UPDATED, id, id);
	ck_assert_int_eq(set_phase(&X.admin, id, PHASE_OPEN), OS_OK);
	ck_assert_int_eq(stored_phase(id), PHASE_OPEN);
	/* Reopened, the manager may write again. */
	ck_assert_int_eq(update(&X.mgr, id, &ch), OS_OK);
}
END_TEST

/* A manager may take a closed round back to voting or open (a round closed
 * by mistake), though nothing else in it. */
START_TEST(managers_reopen_closed_rounds)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_CLOSED);
	int64_t other = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_CLOSED);

	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_VOTING), OS_OK);
	ck_assert_int_eq(stored_phase(id), PHASE_VOTING);
	fx_assert_one_event(&X, EV_ROUND_UPDATED, id, id);
	fx_clear_events(&X);
	ck_assert_int_eq(set_phase(&X.mgr, other, PHASE_OPEN), OS_OK);
	ck_assert_int_eq(stored_phase(other), PHASE_OPEN);
	ck_assert_int_eq(set_phase(&X.mgr, other, PHASE_DRAFT), OS_ECONFLICT);
}
END_TEST

/* The audit entries with this action, newest first, as "detail" lines. */
static int
audit_count(const char *action, int64_t round, const char *detail)
{
	struct audit_entry *e;
	size_t n;
	int found = 0;

	ck_assert_int_eq(store_audit_list(X.st, 0, 500, &e, &n), OS_OK);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(e[i].action, action) && e[i].round == round &&
		    (!detail || (e[i].detail && !strcmp(e[i].detail, detail))))
			found++;
		free(e[i].detail);
	}
	free(e);
	return found;
}

/* Every phase change is in the audit log, from and to, whoever made it;
 * an update that leaves the phase as it was adds no entry. */
START_TEST(phase_changes_are_audited)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);
	struct round_changes ch = {.title = "Renamed"};

	ck_assert_int_eq(audit_count("round.phase", id, NULL), 0);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_OPEN), OS_OK);
	ck_assert_int_eq(audit_count("round.phase", id, "draft -> open"), 1);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_OPEN), OS_OK);
	ck_assert_int_eq(update(&X.mgr, id, &ch), OS_OK);
	ck_assert_int_eq(audit_count("round.phase", id, NULL), 1);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_VOTING), OS_OK);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_CLOSED), OS_OK);
	ck_assert_int_eq(set_phase(&X.mgr, id, PHASE_OPEN), OS_OK);
	ck_assert_int_eq(set_phase(&X.admin, id, PHASE_CLOSED), OS_OK);
	ck_assert_int_eq(audit_count("round.phase", id, "open -> voting"), 1);
	ck_assert_int_eq(audit_count("round.phase", id, "voting -> closed"), 1);
	ck_assert_int_eq(audit_count("round.phase", id, "closed -> open"), 1);
	ck_assert_int_eq(audit_count("round.phase", id, "open -> closed"), 1);
	ck_assert_int_eq(audit_count("round.phase", id, NULL), 5);
	/* Refused changes leave no entry. */
	ck_assert_int_eq(set_phase(&X.emp, id, PHASE_OPEN), OS_EFORBIDDEN);
	ck_assert_int_eq(set_phase(&X.admin, id, PHASE_DRAFT), OS_ECONFLICT);
	ck_assert_int_eq(audit_count("round.phase", id, NULL), 5);
}
END_TEST

START_TEST(a_passed_closes_at_closes_the_round)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_OPEN);
	struct round_changes ch = {.title = "After the deadline"};
	struct round r;

	fx_set_closes_at(&X, id, os_now_ms() - 1000);
	ck_assert_int_eq(store_round_get(X.st, id, &r), OS_OK);
	ck_assert_int_eq(r.phase, PHASE_OPEN);
	ck_assert_int_eq(forum_phase_now(&r), PHASE_CLOSED);
	round_clear(&r);
	ck_assert_int_eq(update(&X.mgr, id, &ch), OS_EPHASE);
	fx_assert_no_event(&X);
	ck_assert_int_eq(update(&X.admin, id, &ch), OS_OK);
}
END_TEST

START_TEST(update_validates_its_fields)
{
	int64_t id = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_OPEN);
	char *t201 = fx_repeat("x", 201), *d20001 = fx_repeat("d", 20001);
	struct round_changes bad_phase = {.has_phase = 1, .phase = PHASE_COUNT};
	struct round_changes neg_phase = {.has_phase = 1, .phase = -1};
	struct round_changes long_title = {.title = t201};
	struct round_changes empty_title = {.title = "  "};
	struct round_changes long_desc = {.description = d20001};
	struct round_changes bad_utf8 = {.title = "\xed\xa0\x80"};
	uint64_t before = fx_fingerprint(&X);

	ck_assert_int_eq(update(&X.mgr, id, &bad_phase), OS_EBADREQ);
	ck_assert_int_eq(update(&X.mgr, id, &neg_phase), OS_EBADREQ);
	ck_assert_int_eq(update(&X.mgr, id, &long_title), OS_ETOOLARGE);
	ck_assert_int_eq(update(&X.mgr, id, &empty_title), OS_EBADREQ);
	ck_assert_int_eq(update(&X.mgr, id, &long_desc), OS_ETOOLARGE);
	ck_assert_int_eq(update(&X.mgr, id, &bad_utf8), OS_EBADREQ);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
	free(t201);
	free(d20001);
}
END_TEST

START_TEST(snapshot_shows_hidden_posts_to_moderators_only)
{
	int64_t id = fx_open_round(&X);
	struct round_snapshot snap;
	struct post p1, p2;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.emp, id, KIND_IDEA, "one", "b", &p1)),
			 OS_OK);
	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.emp, id, KIND_IDEA, "two", "b", &p2)),
			 OS_OK);
	ck_assert_int_eq(FX_W(&X, store_post_set_hidden(X.st, p2.id, 1)), OS_OK);

	ck_assert_int_eq(rounds_snapshot(X.f, &X.emp, id, &snap), OS_OK);
	ck_assert_uint_eq(snap.nposts, 1);
	ck_assert_int_eq(snap.posts[0].id, p1.id);
	rounds_snapshot_clear(&snap);
	ck_assert_int_eq(rounds_snapshot(X.f, &X.mgr, id, &snap), OS_OK);
	ck_assert_uint_eq(snap.nposts, 2);
	ck_assert_int_eq(snap.posts[0].id, p1.id);
	ck_assert_int_eq(snap.posts[1].id, p2.id);
	ck_assert_int_eq(post_status(&snap.posts[1]), STATUS_HIDDEN);
	rounds_snapshot_clear(&snap);
	post_clear(&p1);
	post_clear(&p2);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rounds");
	TCase *tc = tcase_create("rounds");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, managers_and_admins_create_rounds_in_draft);
	tcase_add_test(tc, employees_and_customers_cannot_create_rounds);
	tcase_add_test(tc, dots_rounds_need_a_budget);
	tcase_add_test(tc, create_refuses_unknown_audience_and_mode);
	tcase_add_test(tc, title_limit_counts_characters_not_bytes);
	tcase_add_test(tc, visibility_by_role_phase_and_audience);
	tcase_add_test(tc, invisible_is_the_same_as_missing);
	tcase_add_test(tc, revoked_customers_lose_the_round);
	tcase_add_test(tc, list_is_newest_first);
	tcase_add_test(tc, update_changes_the_round_and_emits_round_updated);
	tcase_add_test(tc, employees_and_customers_cannot_update);
	tcase_add_test(tc, no_return_to_draft);
	tcase_add_test(tc, only_admins_write_to_closed_rounds);
	tcase_add_test(tc, managers_reopen_closed_rounds);
	tcase_add_test(tc, phase_changes_are_audited);
	tcase_add_test(tc, a_passed_closes_at_closes_the_round);
	tcase_add_test(tc, update_validates_its_fields);
	tcase_add_test(tc, snapshot_shows_hidden_posts_to_moderators_only);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
