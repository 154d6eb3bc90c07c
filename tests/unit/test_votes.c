/*
 * src/forum/votes.c: up/down votes (one per person, changeable, 0
 * withdraws), the Wilson score, tallies by role, dots budgets across a
 * round, who may vote in which phase, and the vote.tally event.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "forum/posts.h"
#include "forum/votes.h"
#include "store/comments.h"
#include "store/posts.h"
#include "store/votes.h"

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

static int64_t
idea(int64_t round)
{
	struct post p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.emp, round, KIND_IDEA, "Idea", "b", &p)),
			 OS_OK);
	id = p.id;
	post_clear(&p);
	fx_clear_events(&X);
	return id;
}

static int
vote(const struct user *u, int64_t post, int value)
{
	struct post p;
	int rc = FX_W(&X, votes_cast(X.f, u, post, 1, value, 0, 0, &p));

	if (!rc) {
		ck_assert_int_eq(p.id, post);
		ck_assert_int_eq(p.my_vote, value);
	}
	post_clear(&p);
	return rc;
}

static int
dots(const struct user *u, int64_t post, int n)
{
	struct post p;
	int rc = FX_W(&X, votes_cast(X.f, u, post, 0, 0, 1, n, &p));

	if (!rc)
		ck_assert_int_eq(p.my_vote, n);
	post_clear(&p);
	return rc;
}

static struct tally
tally_of(int64_t post)
{
	struct tally t;

	ck_assert_int_eq(store_post_tally(X.st, post, &t), OS_OK);
	return t;
}

static double
score_of(const struct user *viewer, int64_t post)
{
	struct post p;
	double s;

	ck_assert_int_eq(store_post_get(X.st, post, viewer->id, &p), OS_OK);
	s = post_score(&p);
	post_clear(&p);
	return s;
}

static int
my_vote_of(const struct user *viewer, int64_t post)
{
	struct post p;
	int v;

	ck_assert_int_eq(store_post_get(X.st, post, viewer->id, &p), OS_OK);
	v = p.my_vote;
	post_clear(&p);
	return v;
}

/* ---- up/down ---- */

START_TEST(updown_vote_change_and_withdraw)
{
	int64_t round = fx_open_round(&X), pid = idea(round);
	struct post p;
	struct tally t;

	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.emp2, pid, 1, 1, 0, 0, &p)), OS_OK);
	ck_assert_int_eq(p.my_vote, 1);
	ck_assert_int_eq(tally_up(&p.tally), 1);
	ck_assert_int_eq(p.tally.up[ROLE_EMPLOYEE], 1);
	post_clear(&p);
	fx_assert_one_event(&X, EV_VOTE_TALLY, round, pid);
	ck_assert_int_eq(X.ev[0].up, 1);

	/* Change of mind. */
	fx_clear_events(&X);
	ck_assert_int_eq(vote(&X.emp2, pid, -1), OS_OK);
	t = tally_of(pid);
	ck_assert_int_eq(tally_up(&t), 0);
	ck_assert_int_eq(tally_down(&t), 1);
	fx_assert_one_event(&X, EV_VOTE_TALLY, round, pid);
	ck_assert_int_eq(X.ev[0].down, 1);
	ck_assert_int_eq(my_vote_of(&X.emp2, pid), -1);

	/* Withdrawn. */
	fx_clear_events(&X);
	ck_assert_int_eq(vote(&X.emp2, pid, 0), OS_OK);
	t = tally_of(pid);
	ck_assert_int_eq(tally_up(&t) + tally_down(&t), 0);
	ck_assert_int_eq(my_vote_of(&X.emp2, pid), 0);
	ck_assert_int_eq(fx_count(&X, "votes"), 0);
	fx_assert_one_event(&X, EV_VOTE_TALLY, round, pid);
	ck_assert_double_eq(score_of(&X.emp, pid), 0.0);
}
END_TEST

START_TEST(one_vote_per_person)
{
	int64_t round = fx_open_round(&X), pid = idea(round);
	struct tally t;

	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(vote(&X.emp2, pid, 1), OS_OK);
	t = tally_of(pid);
	ck_assert_int_eq(tally_up(&t), 1);
	ck_assert_int_eq(fx_count(&X, "votes"), 1);
	/* Another person counts separately, and the first one's vote shows
	 * only to the first one. */
	ck_assert_int_eq(vote(&X.emp, pid, 1), OS_OK);
	t = tally_of(pid);
	ck_assert_int_eq(tally_up(&t), 2);
	ck_assert_int_eq(vote(&X.emp, pid, -1), OS_OK);
	ck_assert_int_eq(my_vote_of(&X.emp2, pid), 1);
	ck_assert_int_eq(my_vote_of(&X.emp, pid), -1);
	ck_assert_int_eq(my_vote_of(&X.mgr, pid), 0);
}
END_TEST

START_TEST(updown_takes_only_minus_one_zero_one)
{
	int64_t round = fx_open_round(&X), pid = idea(round);
	struct post p;
	uint64_t before = fx_fingerprint(&X);

	ck_assert_int_eq(vote(&X.emp, pid, 2), OS_EBADREQ);
	ck_assert_int_eq(vote(&X.emp, pid, -2), OS_EBADREQ);
	ck_assert_int_eq(vote(&X.emp, pid, 100), OS_EBADREQ);
	/* No value at all, or dots instead of a value. */
	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.emp, pid, 0, 0, 0, 0, &p)), OS_EBADREQ);
	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.emp, pid, 0, 0, 1, 1, &p)), OS_EBADREQ);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(tally_by_role_and_wilson_score)
{
	int64_t round = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t pid = idea(round);
	struct tally t;

	fx_member(&X, round, &X.cust);
	fx_member(&X, round, &X.cust2);
	ck_assert_int_eq(vote(&X.emp, pid, 1), OS_OK);
	ck_assert_int_eq(vote(&X.emp2, pid, 1), OS_OK);
	ck_assert_int_eq(vote(&X.cust, pid, 1), OS_OK);
	ck_assert_int_eq(vote(&X.cust2, pid, -1), OS_OK);
	ck_assert_int_eq(vote(&X.mgr, pid, -1), OS_OK);
	ck_assert_int_eq(vote(&X.admin, pid, 1), OS_OK);
	t = tally_of(pid);
	ck_assert_int_eq(t.up[ROLE_EMPLOYEE], 2);
	ck_assert_int_eq(t.down[ROLE_EMPLOYEE], 0);
	ck_assert_int_eq(t.up[ROLE_CUSTOMER], 1);
	ck_assert_int_eq(t.down[ROLE_CUSTOMER], 1);
	ck_assert_int_eq(t.up[ROLE_MANAGER], 0);
	ck_assert_int_eq(t.down[ROLE_MANAGER], 1);
	ck_assert_int_eq(t.up[ROLE_ADMIN], 1);
	ck_assert_int_eq(tally_up(&t), 4);
	ck_assert_int_eq(tally_down(&t), 2);
	ck_assert_double_eq_tol(score_of(&X.emp, pid), os_wilson_lower(4, 2), 1e-12);
}
END_TEST

START_TEST(wilson_score_known_values)
{
	int64_t round = fx_open_round(&X);
	int64_t a = idea(round), b = idea(round);
	struct user voters[9];

	for (int i = 0; i < 9; i++) {
		char name[16];

		snprintf(name, sizeof name, "voter%d", i);
		fx_user(&X, name, ROLE_EMPLOYEE, &voters[i]);
	}
	ck_assert_double_eq(score_of(&X.emp, a), 0.0);
	ck_assert_int_eq(vote(&voters[0], a, 1), OS_OK);
	ck_assert_double_eq_tol(score_of(&X.emp, a), 0.2065, 5e-5);
	for (int i = 1; i < 9; i++)
		ck_assert_int_eq(vote(&voters[i], a, 1), OS_OK);
	ck_assert_double_eq_tol(score_of(&X.emp, a), 0.7009, 5e-5);
	/* One up out of nine ranks below nine out of nine. */
	ck_assert_int_eq(vote(&voters[0], b, 1), OS_OK);
	for (int i = 1; i < 9; i++)
		ck_assert_int_eq(vote(&voters[i], b, -1), OS_OK);
	ck_assert(score_of(&X.emp, b) < score_of(&X.emp, a));
	ck_assert_double_eq_tol(score_of(&X.emp, b), os_wilson_lower(1, 8), 1e-12);
}
END_TEST

START_TEST(votes_need_open_or_voting)
{
	int64_t round = fx_open_round(&X), pid = idea(round);

	ck_assert_int_eq(vote(&X.emp, pid, 1), OS_OK);
	fx_set_phase(&X, round, PHASE_VOTING);
	ck_assert_int_eq(vote(&X.emp, pid, -1), OS_OK);
	ck_assert_int_eq(vote(&X.emp2, pid, 1), OS_OK);
	ck_assert_int_eq(vote(&X.mgr, pid, 1), OS_OK);
	fx_set_phase(&X, round, PHASE_CLOSED);
	fx_clear_events(&X);
	{
		uint64_t before = fx_fingerprint(&X);

		ck_assert_int_eq(vote(&X.emp, pid, 1), OS_EPHASE);
		ck_assert_int_eq(vote(&X.emp2, pid, 0), OS_EPHASE);
		ck_assert_int_eq(vote(&X.mgr, pid, -1), OS_EPHASE);
		ck_assert(fx_fingerprint(&X) == before);
		fx_assert_no_event(&X);
	}
	/* Admins may still write in a closed round. */
	ck_assert_int_eq(vote(&X.admin, pid, 1), OS_OK);
}
END_TEST

START_TEST(votes_stop_when_closes_at_has_passed)
{
	int64_t round = fx_open_round(&X), pid = idea(round);

	fx_set_phase(&X, round, PHASE_VOTING);
	fx_set_closes_at(&X, round, os_now_ms() - 1);
	ck_assert_int_eq(vote(&X.emp, pid, 1), OS_EPHASE);
	ck_assert_int_eq(fx_count(&X, "votes"), 0);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(votes_in_draft_rounds_are_refused)
{
	int64_t round = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);
	struct post p;

	memset(&p, 0, sizeof p);
	p.round = round;
	p.kind = KIND_PLAN;
	p.title = (char *)"Draft plan";
	p.body = (char *)"b";
	p.body_html = (char *)"<p>b</p>";
	p.author = X.mgr;
	p.created_at = os_now_ms();
	ck_assert_int_eq(FX_W(&X, store_post_insert(X.st, &p)), OS_OK);
	ck_assert_int_eq(vote(&X.mgr, p.id, 1), OS_EPHASE);
	ck_assert_int_eq(vote(&X.admin, p.id, 1), OS_EPHASE);
	ck_assert_int_eq(vote(&X.emp, p.id, 1), OS_ENOTFOUND);
	ck_assert_int_eq(fx_count(&X, "votes"), 0);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(non_members_and_missing_posts_are_not_found)
{
	int64_t round = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t internal = fx_open_round(&X);
	int64_t pid = idea(round), ipid = idea(internal);

	fx_member(&X, round, &X.cust);
	ck_assert_int_eq(vote(&X.cust2, pid, 1), OS_ENOTFOUND);
	ck_assert_int_eq(vote(&X.cust, ipid, 1), OS_ENOTFOUND);
	ck_assert_int_eq(vote(&X.emp, 999999, 1), OS_ENOTFOUND);
	ck_assert_int_eq(FX_W(&X, store_post_set_hidden(X.st, pid, 1)), OS_OK);
	ck_assert_int_eq(vote(&X.cust, pid, 1), OS_ENOTFOUND);
	ck_assert_int_eq(vote(&X.emp2, pid, 1), OS_ENOTFOUND);
	ck_assert_int_eq(fx_count(&X, "votes"), 0);
	fx_assert_no_event(&X);
	ck_assert_int_eq(FX_W(&X, store_post_set_hidden(X.st, pid, 0)), OS_OK);
	ck_assert_int_eq(vote(&X.cust, pid, 1), OS_OK);
}
END_TEST

START_TEST(votes_on_merged_posts_conflict)
{
	int64_t round = fx_open_round(&X), a = idea(round), b = idea(round);

	ck_assert_int_eq(FX_W(&X, store_post_set_merged(X.st, a, b)), OS_OK);
	ck_assert_int_eq(vote(&X.emp, a, 1), OS_ECONFLICT);
	ck_assert_int_eq(fx_count(&X, "votes"), 0);
	fx_assert_no_event(&X);
}
END_TEST

/* ---- dots ---- */

START_TEST(dots_budget_across_the_round)
{
	int64_t round = fx_round(&X, VOTE_DOTS, 5, AUD_INTERNAL, PHASE_OPEN);
	int64_t a = idea(round), b = idea(round), c = idea(round);
	struct tally t;
	uint64_t before;

	ck_assert_int_eq(dots(&X.emp, a, 3), OS_OK);
	fx_assert_one_event(&X, EV_VOTE_TALLY, round, a);
	ck_assert_int_eq(X.ev[0].dots, 3);
	fx_clear_events(&X);

	/* 3 + 3 > 5. */
	before = fx_fingerprint(&X);
	ck_assert_int_eq(dots(&X.emp, b, 3), OS_ECONFLICT);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);

	ck_assert_int_eq(dots(&X.emp, b, 2), OS_OK);
	ck_assert_int_eq(dots(&X.emp, c, 1), OS_ECONFLICT);
	t = tally_of(a);
	ck_assert_int_eq(tally_dots(&t), 3);
	t = tally_of(b);
	ck_assert_int_eq(tally_dots(&t), 2);
	ck_assert_double_eq_tol(score_of(&X.emp, b), 2.0, 1e-12);

	/* Other people have their own budget. */
	ck_assert_int_eq(dots(&X.emp2, a, 5), OS_OK);
	t = tally_of(a);
	ck_assert_int_eq(t.dots[ROLE_EMPLOYEE], 8);
	ck_assert_int_eq(dots(&X.mgr, a, 4), OS_OK);
	t = tally_of(a);
	ck_assert_int_eq(t.dots[ROLE_MANAGER], 4);
	ck_assert_int_eq(tally_dots(&t), 12);
	ck_assert_double_eq_tol(score_of(&X.emp, a), 12.0, 1e-12);
}
END_TEST

START_TEST(respending_counts_only_the_difference)
{
	int64_t round = fx_round(&X, VOTE_DOTS, 5, AUD_INTERNAL, PHASE_OPEN);
	int64_t a = idea(round), b = idea(round);
	struct tally t;

	ck_assert_int_eq(dots(&X.emp, a, 3), OS_OK);
	ck_assert_int_eq(dots(&X.emp, b, 2), OS_OK);
	/* The same 3 again, and then 3 -> 1: the budget has room. */
	ck_assert_int_eq(dots(&X.emp, a, 3), OS_OK);
	ck_assert_int_eq(dots(&X.emp, a, 1), OS_OK);
	/* 1 + 4 = 5 fits now. */
	ck_assert_int_eq(dots(&X.emp, b, 4), OS_OK);
	ck_assert_int_eq(dots(&X.emp, b, 5), OS_ECONFLICT);
	t = tally_of(a);
	ck_assert_int_eq(tally_dots(&t), 1);
	t = tally_of(b);
	ck_assert_int_eq(tally_dots(&t), 4);
	ck_assert_int_eq(my_vote_of(&X.emp, a), 1);
	ck_assert_int_eq(my_vote_of(&X.emp, b), 4);
	/* 0 takes the dots back. */
	ck_assert_int_eq(dots(&X.emp, a, 0), OS_OK);
	t = tally_of(a);
	ck_assert_int_eq(tally_dots(&t), 0);
	ck_assert_int_eq(dots(&X.emp, b, 5), OS_OK);
	ck_assert_int_eq(fx_count(&X, "votes"), 1);
}
END_TEST

START_TEST(budgets_are_per_round)
{
	int64_t r1 = fx_round(&X, VOTE_DOTS, 3, AUD_INTERNAL, PHASE_OPEN);
	int64_t r2 = fx_round(&X, VOTE_DOTS, 3, AUD_INTERNAL, PHASE_OPEN);
	int64_t a = idea(r1), b = idea(r2);

	ck_assert_int_eq(dots(&X.emp, a, 3), OS_OK);
	ck_assert_int_eq(dots(&X.emp, b, 3), OS_OK);
	ck_assert_int_eq(dots(&X.emp, a, 4), OS_EBADREQ);
}
END_TEST

START_TEST(dots_rounds_take_only_dots_in_range)
{
	int64_t round = fx_round(&X, VOTE_DOTS, 5, AUD_INTERNAL, PHASE_OPEN);
	int64_t a = idea(round);
	struct post p;
	uint64_t before = fx_fingerprint(&X);

	ck_assert_int_eq(dots(&X.emp, a, 6), OS_EBADREQ);
	ck_assert_int_eq(dots(&X.emp, a, -1), OS_EBADREQ);
	ck_assert_int_eq(vote(&X.emp, a, 1), OS_EBADREQ);
	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.emp, a, 0, 0, 0, 0, &p)), OS_EBADREQ);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
}
END_TEST

/*
 * Two nodes on one PostgreSQL database take votes and comments on the same
 * post at the same time: the second commits while the first one's group
 * is still open, instead of waiting for the first one's locks on the
 * post's count and tally (each node's event loop would wait meanwhile).
 * Then both count. (SQLite has one writer by design.)
 */
START_TEST(two_nodes_vote_and_comment_on_one_post_without_waiting)
{
	char target[1024];
	int64_t round, pid;
	struct store *b;
	struct comment c;
	struct post p;

	FX_SKIP_ON_SQLITE(&X, "one writer at a time by design");
	round = fx_open_round(&X);
	pid = idea(round);
	ck_assert_int_eq(store_open(fx_pg_target(&X, target, sizeof target), STORE_SYNC_FULL, &b),
			 OS_OK);
	/* Waiting for a lock fails after 2 s instead of never ending. */
	ck_assert_int_eq(sql_exec(store_conn(b), "SET lock_timeout = '2s'"), SQL_OK);

	/* Node A: a vote and a comment, in a group that stays open. */
	fx_begin(&X);
	ck_assert_int_eq(votes_cast(X.f, &X.emp, pid, 1, 1, 0, 0, &p), OS_OK);
	post_clear(&p);
	ck_assert_int_eq(comments_create(X.f, &X.emp, pid, 0, "from node A", &c), OS_OK);
	comment_clear(&c);
	ck_assert_int_eq(store_op_end(X.st, 1), OS_OK);

	/* Node B: the same on the same post, by the same role, committed
	 * meanwhile. */
	ck_assert_int_eq(store_op_begin(b), OS_OK);
	ck_assert_int_eq(store_vote_set(b, pid, X.emp2.id, round, ROLE_EMPLOYEE, 1, 0), OS_OK);
	ck_assert_int_eq(fx_store_comment(b, pid, &X.emp2, "from node B"), OS_OK);
	ck_assert_int_eq(store_op_end(b, 1), OS_OK);
	ck_assert_int_eq(store_commit(b), OS_OK);
	store_close(b);

	ck_assert_int_eq(store_commit(X.st), OS_OK);
	ck_assert_int_eq(store_post_get(X.st, pid, X.emp.id, &p), OS_OK);
	ck_assert_int_eq(p.comment_count, 2);
	ck_assert_int_eq(p.tally.up[ROLE_EMPLOYEE], 2);
	ck_assert_int_eq(tally_up(&p.tally), 2);
	post_clear(&p);

	/* A vote changed on one node and withdrawn on the other still
	 * counts once: node A's employee vote, taken back through B. */
	ck_assert_int_eq(store_open(fx_pg_target(&X, target, sizeof target), STORE_SYNC_FULL, &b),
			 OS_OK);
	ck_assert_int_eq(store_op_begin(b), OS_OK);
	ck_assert_int_eq(store_vote_set(b, pid, X.emp.id, round, ROLE_EMPLOYEE, -1, 0), OS_OK);
	ck_assert_int_eq(store_op_end(b, 1), OS_OK);
	ck_assert_int_eq(store_commit(b), OS_OK);
	store_close(b);
	ck_assert_int_eq(store_post_get(X.st, pid, X.emp.id, &p), OS_OK);
	ck_assert_int_eq(p.tally.up[ROLE_EMPLOYEE], 1);
	ck_assert_int_eq(p.tally.down[ROLE_EMPLOYEE], 1);
	post_clear(&p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("votes");
	TCase *tu = tcase_create("updown");
	TCase *td = tcase_create("dots");

	tcase_add_checked_fixture(tu, setup, teardown);
	tcase_add_test(tu, updown_vote_change_and_withdraw);
	tcase_add_test(tu, one_vote_per_person);
	tcase_add_test(tu, updown_takes_only_minus_one_zero_one);
	tcase_add_test(tu, tally_by_role_and_wilson_score);
	tcase_add_test(tu, wilson_score_known_values);
	tcase_add_test(tu, votes_need_open_or_voting);
	tcase_add_test(tu, votes_stop_when_closes_at_has_passed);
	tcase_add_test(tu, votes_in_draft_rounds_are_refused);
	tcase_add_test(tu, non_members_and_missing_posts_are_not_found);
	tcase_add_test(tu, votes_on_merged_posts_conflict);
	tcase_add_test(tu, two_nodes_vote_and_comment_on_one_post_without_waiting);
	suite_add_tcase(s, tu);

	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_test(td, dots_budget_across_the_round);
	tcase_add_test(td, respending_counts_only_the_difference);
	tcase_add_test(td, budgets_are_per_round);
	tcase_add_test(td, dots_rounds_take_only_dots_in_range);
	suite_add_tcase(s, td);
	return fx_run(s);
}
