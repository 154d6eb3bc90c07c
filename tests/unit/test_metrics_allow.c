/*
 * src/transport/metrics_allow.c: who may read GET /metrics. Loopback peers
 * in every form a socket gives them, the exact --metrics-allow addresses,
 * and nobody else: not a neighbour of an allowed address, not a name, not
 * a peer that is no address at all.
 */
#include <check.h>
#include <string.h>

#include "fixture.h"
#include "transport/metrics_allow.h"

START_TEST(loopback_is_always_allowed)
{
	static const char *const yes[] = {
		"127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.255.254", "127.0.0.0",
		"::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::FFFF:127.9.9.9",
	};
	static const char *const no[] = {
		"126.255.255.255", "128.0.0.1", "10.0.0.1", "192.0.2.2", "0.0.0.0",
		"::", "::2", "::ffff:10.0.0.1", "::ffff:128.0.0.1", "::127.0.0.1",
		"fe80::1", "2001:db8::1", "1.127.0.0", "localhost", "127.0.0.1:8080",
		"[::1]", "127.0.0.1/8", "", "unix",
	};

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ck_assert_msg(metrics_peer_allowed(NULL, yes[i]), "%s was refused", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		ck_assert_msg(!metrics_peer_allowed(NULL, no[i]), "'%s' was allowed", no[i]);
	ck_assert(!metrics_peer_allowed(NULL, NULL));
}
END_TEST

START_TEST(listed_addresses_exactly)
{
	struct proxy_list l;

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(proxy_list_add(&l, "192.0.2.7, 2001:DB8::10", NULL, 0), 0);
	ck_assert_int_eq(proxy_list_add(&l, "::ffff:198.51.100.1", NULL, 0), 0);

	ck_assert(metrics_peer_allowed(&l, "192.0.2.7"));
	ck_assert(metrics_peer_allowed(&l, "::ffff:192.0.2.7")); /* a dual-stack socket */
	ck_assert(metrics_peer_allowed(&l, "2001:db8::10"));
	ck_assert(metrics_peer_allowed(&l, "2001:db8:0:0:0:0:0:10"));
	ck_assert(metrics_peer_allowed(&l, "198.51.100.1"));
	ck_assert(metrics_peer_allowed(&l, "127.0.0.1")); /* loopback still */

	ck_assert(!metrics_peer_allowed(&l, "192.0.2.8"));
	ck_assert(!metrics_peer_allowed(&l, "192.0.2.70"));
	ck_assert(!metrics_peer_allowed(&l, "2001:db8::1"));
	ck_assert(!metrics_peer_allowed(&l, "2001:db8::11"));
	ck_assert(!metrics_peer_allowed(&l, "198.51.100.2"));
	ck_assert(!metrics_peer_allowed(&l, "192.0.2.7:80"));
	ck_assert(!metrics_peer_allowed(&l, "garbage"));
}
END_TEST

START_TEST(bad_allow_values_are_refused_whole)
{
	static const char *const bad[] = {"10.0.0.0/8", "localhost", "127.0.0.1:9100",
					  "[::1]", "", "192.0.2.1,", "fe80::1%lo", "1.2.3"};
	struct proxy_list l;
	char why[128];

	memset(&l, 0, sizeof l);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(proxy_list_add(&l, bad[i], why, sizeof why) == -1, "'%s' taken",
			      bad[i]);
		ck_assert_ptr_nonnull(strstr(why, "not an IPv4 or IPv6 address"));
	}
	/* A list with one bad item adds nothing, not even its good items. */
	ck_assert_int_eq(proxy_list_add(&l, "192.0.2.1, nope", why, sizeof why), -1);
	ck_assert_uint_eq(l.n, 0);
	ck_assert(!metrics_peer_allowed(&l, "192.0.2.1"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("metrics_allow");
	TCase *tc = tcase_create("metrics_allow");

	tcase_add_test(tc, loopback_is_always_allowed);
	tcase_add_test(tc, listed_addresses_exactly);
	tcase_add_test(tc, bad_allow_values_are_refused_whole);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
