/*
 * src/auth/throttle.c: failed sign-ins back off per username and address
 * (after 5 failures, up to 15 minutes), per username from anywhere (after
 * 20, at most 60 s) and per address (after 50); see docs/PROTOCOL.md.
 */
#include <check.h>
#include <sodium.h>
#include <stdio.h>

#include "auth/throttle.h"
#include "fixture.h"

#define T0 1700000000000LL

static struct throttle *t;

static void
setup(void)
{
	t = throttle_new();
	ck_assert_ptr_nonnull(t);
}

static void
teardown(void)
{
	throttle_free(t);
	t = NULL;
}

static void
fail_n(const char *user, const char *addr, int n, int64_t now)
{
	for (int i = 0; i < n; i++)
		throttle_fail(t, user, addr, now);
}

START_TEST(fresh_logins_are_allowed)
{
	ck_assert_int_eq(throttle_check(t, "anna", "192.0.2.1", T0), 0);
	throttle_fail(t, "anna", "192.0.2.1", T0);
	ck_assert_int_eq(throttle_check(t, "anna", "192.0.2.1", T0), 0);
}
END_TEST

/* docs/PROTOCOL.md: "back-off after 5 failures". */
START_TEST(five_failures_of_a_pair_block_it)
{
	fail_n("anna", "192.0.2.1", 4, T0);
	ck_assert_msg(throttle_check(t, "anna", "192.0.2.1", T0) == 0,
		      "blocked after only 4 failures");
	throttle_fail(t, "anna", "192.0.2.1", T0);
	ck_assert_msg(throttle_check(t, "anna", "192.0.2.1", T0) > 0,
		      "5 failures for one username at one address must back off; "
		      "the next attempt was allowed at once");
}
END_TEST

START_TEST(a_blocked_pair_backs_off_and_the_block_grows)
{
	int w1, w2, w3;

	/* Well past the threshold, whichever way it is counted. */
	fail_n("anna", "192.0.2.1", 6, T0);
	w1 = throttle_check(t, "anna", "192.0.2.1", T0);
	ck_assert_int_gt(w1, 0);
	throttle_fail(t, "anna", "192.0.2.1", T0);
	w2 = throttle_check(t, "anna", "192.0.2.1", T0);
	throttle_fail(t, "anna", "192.0.2.1", T0);
	w3 = throttle_check(t, "anna", "192.0.2.1", T0);
	ck_assert_int_gt(w2, w1);
	ck_assert_int_gt(w3, w2);
	/* The username is the same whatever its case. */
	ck_assert_int_eq(throttle_check(t, "ANNA", "192.0.2.1", T0), w3);
	/* Other usernames at that address are not affected yet. */
	ck_assert_int_eq(throttle_check(t, "bert", "192.0.2.1", T0), 0);
}
END_TEST

START_TEST(other_addresses_allowed_until_the_per_user_threshold)
{
	char addr[32];

	fail_n("anna", "192.0.2.1", 10, T0);
	ck_assert_int_gt(throttle_check(t, "anna", "192.0.2.1", T0), 0);
	/* The real Anna, elsewhere, can still sign in. */
	ck_assert_int_eq(throttle_check(t, "anna", "198.51.100.7", T0), 0);
	/* Spreading guesses over many addresses: 10 + 9 = 19 failures for
	 * the username, still under its threshold of 20. */
	for (int i = 0; i < 9; i++) {
		snprintf(addr, sizeof addr, "203.0.113.%d", i);
		throttle_fail(t, "anna", addr, T0);
	}
	ck_assert_int_eq(throttle_check(t, "anna", "198.51.100.7", T0), 0);
	/* Well past it, every address backs off for that username. */
	for (int i = 9; i < 20; i++) {
		snprintf(addr, sizeof addr, "203.0.113.%d", i);
		throttle_fail(t, "anna", addr, T0);
	}
	ck_assert_int_gt(throttle_check(t, "anna", "198.51.100.7", T0), 0);
	/* But not for other usernames. */
	ck_assert_int_eq(throttle_check(t, "bert", "198.51.100.7", T0), 0);
}
END_TEST

/* docs/PROTOCOL.md: per username from any address "after 20". */
START_TEST(twenty_failures_of_a_user_block_it_everywhere)
{
	char addr[32];

	for (int i = 0; i < 20; i++) {
		snprintf(addr, sizeof addr, "203.0.113.%d", i);
		throttle_fail(t, "anna", addr, T0);
	}
	ck_assert_msg(throttle_check(t, "anna", "198.51.100.7", T0) > 0,
		      "20 failures for one username from many addresses must back off");
}
END_TEST

START_TEST(success_resets_the_pair)
{
	fail_n("anna", "192.0.2.1", 8, T0);
	ck_assert_int_gt(throttle_check(t, "anna", "192.0.2.1", T0), 0);
	throttle_success(t, "anna", "192.0.2.1");
	ck_assert_int_eq(throttle_check(t, "anna", "192.0.2.1", T0), 0);
	/* Counting starts again from zero: one more failure is not a block. */
	throttle_fail(t, "anna", "192.0.2.1", T0);
	ck_assert_int_eq(throttle_check(t, "anna", "192.0.2.1", T0), 0);
	/* A success somewhere else does not clear another address's pair. */
	fail_n("bert", "192.0.2.9", 8, T0);
	throttle_success(t, "bert", "192.0.2.10");
	ck_assert_int_gt(throttle_check(t, "bert", "192.0.2.9", T0), 0);
}
END_TEST

START_TEST(per_user_back_off_never_exceeds_60s)
{
	char addr[32];
	int64_t now = T0;

	/* Hundreds of failures from different addresses, over time. */
	for (int i = 0; i < 200; i++) {
		snprintf(addr, sizeof addr, "10.%d.%d.%d", i / 65536, (i / 256) % 256, i % 256);
		throttle_fail(t, "anna", addr, now);
		ck_assert_int_le(throttle_check(t, "anna", "198.51.100.7", now), 60);
		now += (i % 3) * 1000;
	}
	ck_assert_int_gt(throttle_check(t, "anna", "198.51.100.7", now), 0);
	/* A minute after the last failure the user may sign in again from a
	 * new address. */
	ck_assert_int_eq(throttle_check(t, "anna", "198.51.100.7", now + 60001), 0);
}
END_TEST

START_TEST(pair_back_off_is_capped_at_15_minutes)
{
	fail_n("anna", "192.0.2.1", 200, T0);
	ck_assert_int_gt(throttle_check(t, "anna", "192.0.2.1", T0), 60);
	ck_assert_int_le(throttle_check(t, "anna", "192.0.2.1", T0), 15 * 60);
	ck_assert_int_eq(throttle_check(t, "anna", "192.0.2.1", T0 + 15 * 60 * 1000 + 1), 0);
}
END_TEST

START_TEST(blocks_expire)
{
	int w;

	fail_n("anna", "192.0.2.1", 8, T0);
	w = throttle_check(t, "anna", "192.0.2.1", T0);
	ck_assert_int_gt(w, 0);
	/* The wait counts down... */
	ck_assert_int_le(throttle_check(t, "anna", "192.0.2.1", T0 + 1000), w);
	ck_assert_int_gt(throttle_check(t, "anna", "192.0.2.1", T0 + (int64_t)w * 1000 - 1), 0);
	/* ...and is over when it says so. */
	ck_assert_int_eq(throttle_check(t, "anna", "192.0.2.1", T0 + (int64_t)w * 1000), 0);
	ck_assert_int_eq(throttle_check(t, "anna", "192.0.2.1", T0 + 3600 * 1000), 0);
}
END_TEST

START_TEST(one_address_guessing_many_names_backs_off)
{
	char user[32];

	for (int i = 0; i < 60; i++) {
		snprintf(user, sizeof user, "user%d", i);
		throttle_fail(t, user, "192.0.2.66", T0);
	}
	ck_assert_int_gt(throttle_check(t, "someone-new", "192.0.2.66", T0), 0);
	ck_assert_int_eq(throttle_check(t, "someone-new", "192.0.2.67", T0), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("throttle");
	TCase *tc = tcase_create("throttle");

	if (sodium_init() < 0)
		return 1;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fresh_logins_are_allowed);
	tcase_add_test(tc, five_failures_of_a_pair_block_it);
	tcase_add_test(tc, a_blocked_pair_backs_off_and_the_block_grows);
	tcase_add_test(tc, other_addresses_allowed_until_the_per_user_threshold);
	tcase_add_test(tc, twenty_failures_of_a_user_block_it_everywhere);
	tcase_add_test(tc, success_resets_the_pair);
	tcase_add_test(tc, per_user_back_off_never_exceeds_60s);
	tcase_add_test(tc, pair_back_off_is_capped_at_15_minutes);
	tcase_add_test(tc, blocks_expire);
	tcase_add_test(tc, one_address_guessing_many_names_backs_off);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
