/*
 * src/forum/forum.c and access.c: the per-user write rate limit, the phase
 * rules every write goes through, and the checks every text field passes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "forum/chat.h"
#include "forum/forum_int.h"
#include "forum/posts.h"
#include "forum/votes.h"

static struct fx X;

static void
setup_limit3(void)
{
	fx_open(&X, 3);
}

static void
setup_unlimited(void)
{
	fx_open(&X, 0);
}

static void
teardown(void)
{
	fx_close(&X);
}

static int
post(const struct user *u, int64_t round, int64_t *id)
{
	struct post p;
	int rc = FX_W(&X, posts_create(X.f, u, round, KIND_IDEA, "Idea", "body", &p));

	if (id)
		*id = rc ? 0 : p.id;
	post_clear(&p);
	return rc;
}

static int
comment(const struct user *u, int64_t pid)
{
	struct comment c;
	int rc = FX_W(&X, comments_create(X.f, u, pid, 0, "a comment", &c));

	comment_clear(&c);
	return rc;
}

static int
vote(const struct user *u, int64_t pid, int value)
{
	struct post p;
	int rc = FX_W(&X, votes_cast(X.f, u, pid, 1, value, 0, 0, &p));

	post_clear(&p);
	return rc;
}

static int
say(const struct user *u, int64_t round)
{
	struct chat c;
	int rc = FX_W(&X, chat_send(X.f, u, round, "hello", &c));

	chat_clear(&c);
	return rc;
}

/* ---- rate limit ---- */

START_TEST(fourth_write_is_rate_limited_and_writes_nothing)
{
	int64_t round = fx_open_round(&X), pid;
	uint64_t before;

	/* The manager's post below costs the manager, not Anna. */
	ck_assert_int_eq(post(&X.mgr, round, &pid), OS_OK);
	fx_clear_events(&X);

	/* Three writes of different kinds share one bucket. */
	ck_assert_int_eq(comment(&X.emp, pid), OS_OK);
	ck_assert_int_eq(vote(&X.emp, pid, 1), OS_OK);
	ck_assert_int_eq(say(&X.emp, round), OS_OK);
	ck_assert_uint_eq(X.nev, 3);
	fx_clear_events(&X);

	before = fx_fingerprint(&X);
	ck_assert_int_eq(post(&X.emp, round, NULL), OS_ERATELIMIT);
	ck_assert_int_eq(comment(&X.emp, pid), OS_ERATELIMIT);
	ck_assert_int_eq(vote(&X.emp, pid, -1), OS_ERATELIMIT);
	ck_assert_int_eq(say(&X.emp, round), OS_ERATELIMIT);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
	ck_assert_int_eq(fx_count(&X, "posts"), 1);
	ck_assert_int_eq(fx_count(&X, "comments"), 1);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 1);
}
END_TEST

START_TEST(each_user_has_a_bucket)
{
	int64_t round = fx_open_round(&X);

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(say(&X.emp, round), OS_OK);
	ck_assert_int_eq(say(&X.emp, round), OS_ERATELIMIT);
	/* Bert is not held back by Anna. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(say(&X.emp2, round), OS_OK);
	ck_assert_int_eq(say(&X.emp2, round), OS_ERATELIMIT);
	/* Managers are limited too. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(post(&X.mgr, round, NULL), OS_OK);
	ck_assert_int_eq(post(&X.mgr, round, NULL), OS_ERATELIMIT);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 6);
	ck_assert_int_eq(fx_count(&X, "posts"), 3);
}
END_TEST

START_TEST(admins_are_exempt)
{
	int64_t round = fx_open_round(&X), pid;

	ck_assert_int_eq(post(&X.admin, round, &pid), OS_OK);
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(say(&X.admin, round), OS_OK);
		ck_assert_int_eq(comment(&X.admin, pid), OS_OK);
		ck_assert_int_eq(vote(&X.admin, pid, i % 2 ? 1 : -1), OS_OK);
	}
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 20);
	ck_assert_int_eq(fx_count(&X, "comments"), 20);
}
END_TEST

START_TEST(round_management_is_not_rate_limited)
{
	int64_t round = fx_open_round(&X);

	for (int i = 0; i < 6; i++) {
		struct round_changes ch = {.title = i % 2 ? "One" : "Two"};
		struct round out;

		ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.mgr, round, &ch, &out)), OS_OK);
		round_clear(&out);
	}
}
END_TEST

START_TEST(zero_turns_the_limit_off)
{
	int64_t round = fx_open_round(&X), pid;

	ck_assert_int_eq(post(&X.emp, round, &pid), OS_OK);
	for (int i = 0; i < 30; i++) {
		ck_assert_int_eq(say(&X.emp, round), OS_OK);
		ck_assert_int_eq(comment(&X.emp, pid), OS_OK);
	}
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 30);
}
END_TEST

START_TEST(the_bucket_refills_at_n_per_minute)
{
	struct forum *f;
	struct forum_opts opts = {.rate_limit = 60};
	struct user u = X.emp;

	ck_assert_int_eq(forum_new(X.st, NULL, &opts, &f), OS_OK);
	for (int i = 0; i < 60; i++)
		ck_assert_int_eq(forum_rate_take(f, &u), OS_OK);
	ck_assert_int_eq(forum_rate_take(f, &u), OS_ERATELIMIT);
	/* 60 a minute is one a second. */
	usleep(1100 * 1000);
	ck_assert_int_eq(forum_rate_take(f, &u), OS_OK);
	ck_assert_int_eq(forum_rate_take(f, &u), OS_ERATELIMIT);
	forum_free(f);
}
END_TEST

/* Users are mapped to buckets by id; two users on the same slot must not
 * refill each other's bucket by taking turns. */
START_TEST(users_sharing_a_slot_do_not_reset_each_other)
{
	struct forum *f;
	struct forum_opts opts = {.rate_limit = 3};
	struct user a = X.emp, b = X.emp;

	a.id = 7;
	b.id = 7 + 65536;
	ck_assert_int_eq(forum_new(X.st, NULL, &opts, &f), OS_OK);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(forum_rate_take(f, &a), OS_OK);
	ck_assert_int_eq(forum_rate_take(f, &a), OS_ERATELIMIT);
	ck_assert_int_eq(forum_rate_take(f, &b), OS_OK);
	ck_assert_msg(forum_rate_take(f, &a) == OS_ERATELIMIT,
		      "user %lld got a fresh bucket because user %lld wrote in between",
		      (long long)a.id, (long long)b.id);
	forum_free(f);
}
END_TEST

/* ---- phase rules ---- */

START_TEST(phase_rules_for_every_kind_of_write)
{
	static const struct {
		int phase;
		int kind;
		int others; /* OS_OK or OS_EPHASE for everyone but admins */
		int admin;
	} rules[] = {
		{PHASE_DRAFT, W_CONTRIBUTE, OS_EPHASE, OS_EPHASE},
		{PHASE_OPEN, W_CONTRIBUTE, OS_OK, OS_OK},
		{PHASE_VOTING, W_CONTRIBUTE, OS_EPHASE, OS_EPHASE},
		{PHASE_CLOSED, W_CONTRIBUTE, OS_EPHASE, OS_OK},
		{PHASE_DRAFT, W_VOTE, OS_EPHASE, OS_EPHASE},
		{PHASE_OPEN, W_VOTE, OS_OK, OS_OK},
		{PHASE_VOTING, W_VOTE, OS_OK, OS_OK},
		{PHASE_CLOSED, W_VOTE, OS_EPHASE, OS_OK},
		{PHASE_DRAFT, W_TALK, OS_OK, OS_OK},
		{PHASE_OPEN, W_TALK, OS_OK, OS_OK},
		{PHASE_VOTING, W_TALK, OS_OK, OS_OK},
		{PHASE_CLOSED, W_TALK, OS_EPHASE, OS_OK},
		{PHASE_DRAFT, W_MANAGE, OS_OK, OS_OK},
		{PHASE_OPEN, W_MANAGE, OS_OK, OS_OK},
		{PHASE_VOTING, W_MANAGE, OS_OK, OS_OK},
		{PHASE_CLOSED, W_MANAGE, OS_EPHASE, OS_OK},
	};
	const struct user *others[] = {&X.mgr, &X.emp, &X.cust};

	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		struct round r = {0};

		r.phase = rules[i].phase;
		ck_assert_msg(forum_phase_allows(&X.admin, &r, rules[i].kind) == rules[i].admin,
			      "admin, %s, kind %d", os_phase_name(r.phase), rules[i].kind);
		for (size_t k = 0; k < 3; k++)
			ck_assert_msg(forum_phase_allows(others[k], &r, rules[i].kind) ==
					      rules[i].others,
				      "%s, %s, kind %d", os_role_name(others[k]->role),
				      os_phase_name(r.phase), rules[i].kind);
		/* A deadline that has passed closes open and voting rounds. */
		r.closes_at = os_now_ms() - 1;
		if (r.phase == PHASE_OPEN || r.phase == PHASE_VOTING) {
			ck_assert_int_eq(forum_phase_now(&r), PHASE_CLOSED);
			ck_assert_int_eq(forum_phase_allows(&X.emp, &r, rules[i].kind), OS_EPHASE);
			ck_assert_int_eq(forum_phase_allows(&X.admin, &r, rules[i].kind), OS_OK);
		}
		/* One in the future does nothing. */
		r.closes_at = os_now_ms() + 60000;
		ck_assert_int_eq(forum_phase_now(&r), r.phase);
	}
}
END_TEST

/* ---- text fields ---- */

START_TEST(text_is_trimmed_and_counted_in_characters)
{
	char *out = NULL;
	char *e5 = fx_repeat("\xc3\xa9", 5), *e6 = fx_repeat("\xc3\xa9", 6);

	ck_assert_int_eq(forum_text("  hi there\n", 10, 0, &out), OS_OK);
	ck_assert_str_eq(out, "hi there");
	free(out);
	ck_assert_int_eq(forum_text(e5, 5, 0, &out), OS_OK);
	ck_assert_str_eq(out, e5);
	free(out);
	ck_assert_int_eq(forum_text(e6, 5, 0, &out), OS_ETOOLARGE);
	ck_assert_ptr_null(out);
	/* Surrounding space does not count against the limit. */
	ck_assert_int_eq(forum_text("   abcde   ", 5, 0, &out), OS_OK);
	ck_assert_str_eq(out, "abcde");
	free(out);
	ck_assert_int_eq(forum_text("   ", 5, 0, &out), OS_EBADREQ);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(forum_text("   ", 5, 1, &out), OS_OK);
	ck_assert_str_eq(out, "");
	free(out);
	ck_assert_int_eq(forum_text(NULL, 5, 1, &out), OS_EBADREQ);
	ck_assert_int_eq(forum_text("ok \xc0\x80", 50, 0, &out), OS_EBADREQ);
	ck_assert_int_eq(forum_text_error("fine", 10, 0), OS_OK);
	ck_assert_int_eq(forum_text_error("too long", 3, 0), OS_ETOOLARGE);
	ck_assert_int_eq(forum_text_error("", 3, 0), OS_EBADREQ);
	free(e5);
	free(e6);
}
END_TEST

START_TEST(markdown_renders_without_raw_html)
{
	char *html = NULL;

	ck_assert_int_eq(forum_markdown("*hi* <b onclick=x>there</b> [a](javascript:x)", &html),
			 OS_OK);
	ck_assert_ptr_nonnull(strstr(html, "<em>hi</em>"));
	/* Raw HTML shows as the text it is, never as markup. */
	ck_assert_ptr_null(strstr(html, "<b"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;b onclick=x&gt;there&lt;/b&gt;"));
	ck_assert_ptr_null(strstr(html, "javascript"));
	free(html);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("forum");
	TCase *rl = tcase_create("rate_limit");
	TCase *off = tcase_create("rate_limit_off");
	TCase *rules = tcase_create("rules");

	tcase_add_checked_fixture(rl, setup_limit3, teardown);
	tcase_add_test(rl, fourth_write_is_rate_limited_and_writes_nothing);
	tcase_add_test(rl, each_user_has_a_bucket);
	tcase_add_test(rl, admins_are_exempt);
	tcase_add_test(rl, round_management_is_not_rate_limited);
	tcase_add_test(rl, the_bucket_refills_at_n_per_minute);
	tcase_add_test(rl, users_sharing_a_slot_do_not_reset_each_other);
	suite_add_tcase(s, rl);

	tcase_add_checked_fixture(off, setup_unlimited, teardown);
	tcase_add_test(off, zero_turns_the_limit_off);
	suite_add_tcase(s, off);

	tcase_add_checked_fixture(rules, setup_unlimited, teardown);
	tcase_add_test(rules, phase_rules_for_every_kind_of_write);
	tcase_add_test(rules, text_is_trimmed_and_counted_in_characters);
	tcase_add_test(rules, markdown_renders_without_raw_html);
	suite_add_tcase(s, rules);
	return fx_run(s);
}
