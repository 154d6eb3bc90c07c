/*
 * src/transport/proxy.c: serve --trusted-proxy. The client address comes
 * from the rightmost X-Forwarded-For entry, and only when the TCP peer is a
 * trusted proxy; anything that is not exactly an IP address falls back to
 * the peer. Addresses are compared and written in one canonical form.
 */
#include <check.h>
#include <string.h>

#include "fixture.h"
#include "transport/proxy.h"

static struct proxy_list l;

static void
setup(void)
{
	memset(&l, 0, sizeof l);
	ck_assert_int_eq(proxy_list_add(&l, "127.0.0.1", NULL, 0), 0);
}

/* The address proxy_client_addr() gives, in a static buffer; *from gets
 * its result. */
static const char *
client(const char *peer, const char *xff, int *from)
{
	static char out[PROXY_ADDR_LEN];

	*from = proxy_client_addr(&l, peer, xff, out, sizeof out);
	return out;
}

START_TEST(canonical_forms)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"192.0.2.1", "192.0.2.1"},
		{"  192.0.2.1\t", "192.0.2.1"},
		{"2001:DB8::1", "2001:db8::1"},
		{"2001:db8:0:0:0:0:0:1", "2001:db8::1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"::FFFF:c000:0201", "192.0.2.1"},
		{"::1", "::1"},
	};
	static const char *const bad[] = {
		"", " ", "192.0.2", "192.0.2.1.5", "192.0.2.256", "0x7f.0.0.1", "192.0.2.1:80",
		"[2001:db8::1]", "2001:db8::1%eth0", "2001:db8::g", "localhost",
		"192.0.2.1 192.0.2.2", "192.0.2.1/32", "unknown",
	};
	char out[PROXY_ADDR_LEN];

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		ck_assert_int_eq(proxy_addr_canon(ok[i].in, strlen(ok[i].in), out, sizeof out), 0);
		ck_assert_str_eq(out, ok[i].out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(proxy_addr_canon(bad[i], strlen(bad[i]), out, sizeof out) == -1,
			      "'%s' was taken as %s", bad[i], out);
		ck_assert_str_eq(out, "");
	}
	/* Only the first len bytes count. */
	ck_assert_int_eq(proxy_addr_canon("192.0.2.1, 10.0.0.1", 9, out, sizeof out), 0);
	ck_assert_str_eq(out, "192.0.2.1");
	/* A NUL inside the span is not an address. */
	ck_assert_int_eq(proxy_addr_canon("192.0.2.1\0", 10, out, sizeof out), -1);
}
END_TEST

START_TEST(list_parsing)
{
	char why[128];

	ck_assert_int_eq(proxy_list_add(&l, "192.0.2.1, 2001:db8::1 ,10.0.0.1", why, sizeof why),
			 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert(proxy_list_has(&l, "127.0.0.1"));
	ck_assert(proxy_list_has(&l, "::ffff:127.0.0.1"));
	ck_assert(proxy_list_has(&l, "2001:DB8:0::1"));
	ck_assert(proxy_list_has(&l, "10.0.0.1"));
	ck_assert(!proxy_list_has(&l, "10.0.0.2"));
	ck_assert(!proxy_list_has(&l, "garbage"));
	ck_assert(!proxy_list_has(NULL, "127.0.0.1"));
	/* One bad item refuses the whole value and says which. */
	ck_assert_int_eq(proxy_list_add(&l, "192.0.2.9,10.0.0.0/8", why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "'10.0.0.0/8'"));
	ck_assert_uint_eq(l.n, 4);
	ck_assert(!proxy_list_has(&l, "192.0.2.9"));
	ck_assert_int_eq(proxy_list_add(&l, "", why, sizeof why), -1);
	ck_assert_int_eq(proxy_list_add(&l, "192.0.2.9,", why, sizeof why), -1);
	ck_assert_int_eq(proxy_list_add(&l, ",192.0.2.9", why, sizeof why), -1);
	ck_assert_uint_eq(l.n, 4);
	/* Full. */
	for (int i = 4; i < PROXY_MAX; i++)
		ck_assert_int_eq(proxy_list_add(&l, "192.0.2.10", NULL, 0), 0);
	ck_assert_int_eq(proxy_list_add(&l, "192.0.2.11", why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "at most"));
}
END_TEST

START_TEST(rightmost_entry_from_a_trusted_peer)
{
	int from;

	ck_assert_str_eq(client("127.0.0.1", "198.51.100.1", &from), "198.51.100.1");
	ck_assert_int_eq(from, 1);
	/* Whatever the client wrote stands left of the proxy's entry. */
	ck_assert_str_eq(client("127.0.0.1", "10.9.9.9, 198.51.100.1", &from), "198.51.100.1");
	ck_assert_str_eq(client("127.0.0.1", "evil,198.51.100.1", &from), "198.51.100.1");
	ck_assert_str_eq(client("::ffff:127.0.0.1", "2001:DB8::7", &from), "2001:db8::7");
	ck_assert_int_eq(from, 1);
	ck_assert_str_eq(client("127.0.0.1", "::ffff:198.51.100.1", &from), "198.51.100.1");
}
END_TEST

START_TEST(garbage_falls_back_to_the_peer)
{
	static const char *const garbage[] = {
		"", " ", "198.51.100.1,", "198.51.100.1, ", "198.51.100.1:4431", "unknown",
		"[2001:db8::1]", "198.51.100.1, not an address", "198.51.100.999",
	};
	int from;

	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		ck_assert_str_eq(client("127.0.0.1", garbage[i], &from), "127.0.0.1");
		ck_assert_int_eq(from, -1);
	}
	ck_assert_str_eq(client("127.0.0.1", NULL, &from), "127.0.0.1");
	ck_assert_int_eq(from, -1);
	ck_assert_str_eq(client("::ffff:127.0.0.1", "junk", &from), "127.0.0.1");
}
END_TEST

START_TEST(untrusted_peers_are_never_overridden)
{
	int from;

	ck_assert_str_eq(client("192.0.2.50", "198.51.100.1", &from), "192.0.2.50");
	ck_assert_int_eq(from, 0);
	ck_assert_str_eq(client("::ffff:192.0.2.50", "127.0.0.1", &from), "192.0.2.50");
	ck_assert_int_eq(from, 0);
	/* An empty list trusts nobody, not even loopback. */
	memset(&l, 0, sizeof l);
	ck_assert_str_eq(client("127.0.0.1", "198.51.100.1", &from), "127.0.0.1");
	ck_assert_int_eq(from, 0);
	{
		char out[PROXY_ADDR_LEN];

		ck_assert_int_eq(proxy_client_addr(NULL, "127.0.0.1", "198.51.100.1", out,
						   sizeof out), 0);
		ck_assert_str_eq(out, "127.0.0.1");
		/* A peer that is not an address (a Unix socket) is kept as it is. */
		ck_assert_int_eq(proxy_client_addr(NULL, "unix", "198.51.100.1", out, sizeof out),
				 0);
		ck_assert_str_eq(out, "unix");
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = tcase_create("proxy");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, canonical_forms);
	tcase_add_test(tc, list_parsing);
	tcase_add_test(tc, rightmost_entry_from_a_trusted_peer);
	tcase_add_test(tc, garbage_falls_back_to_the_peer);
	tcase_add_test(tc, untrusted_peers_are_never_overridden);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
