/*
 * src/auth/directory.c: the parts that need no directory server. The
 * filter escaping (RFC 4515) that keeps a typed username from changing the
 * search, the filter and role options, DN comparison, the cleaning of what
 * the directory returns, and the refusal of an empty password before any
 * network use. The sign-in itself is tested against a real slapd in
 * tests/integration/test_directory.c.
 */
#include <check.h>
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/directory.h"
#include "base/err.h"
#include "base/model.h"
#include "fixture.h"

/* ---- filter escaping ---- */

static void
check_escape(const char *in, size_t n, const char *want)
{
	char out[256];
	int len = directory_filter_escape(in, n, out, sizeof out);

	ck_assert_msg(len >= 0, "escaping failed for %s", want);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq((size_t)len, strlen(want));
}

START_TEST(escape_specials)
{
	check_escape("alice", 5, "alice");
	check_escape("a.b_c-d", 7, "a.b_c-d");
	check_escape("*", 1, "\\2a");
	check_escape("(", 1, "\\28");
	check_escape(")", 1, "\\29");
	check_escape("\\", 1, "\\5c");
	check_escape("a\0b", 3, "a\\00b");
	check_escape("*)(uid=*", 8, "\\2a\\29\\28uid=\\2a");
	check_escape("x)(|(objectClass=*", 18, "x\\29\\28|\\28objectClass=\\2a");
	/* Control bytes and every byte outside ASCII. */
	check_escape("a\nb\tc\x7f", 6, "a\\0ab\\09c\\7f");
	check_escape("\xc3\xa9", 2, "\\c3\\a9");
	check_escape("", 0, "");
}
END_TEST

static int
unhex(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : c - 'a' + 10;
}

/* Every byte value, alone and among others: the output holds none of the
 * characters that could change a filter except as the start of a \XX
 * escape, and decoding it gives the input back. */
START_TEST(escape_every_byte_round_trips)
{
	for (int b = 0; b < 256; b++) {
		char in[3] = {'x', (char)b, 'y'}, out[16], back[3];
		size_t k = 0;
		int n = directory_filter_escape(in, 3, out, sizeof out);

		ck_assert_int_gt(n, 0);
		for (int i = 0; i < n; i++) {
			ck_assert_msg(out[i] != '*' && out[i] != '(' && out[i] != ')' &&
					      out[i] != '\0',
				      "byte %d: '%s' has a raw special", b, out);
			ck_assert_msg((unsigned char)out[i] >= 0x20 &&
					      (unsigned char)out[i] < 0x7f,
				      "byte %d: not plain ASCII", b);
			if (out[i] == '\\') {
				ck_assert(isxdigit((unsigned char)out[i + 1]) &&
					  isxdigit((unsigned char)out[i + 2]));
				ck_assert_uint_lt(k, 3);
				back[k++] = (char)(unhex(out[i + 1]) * 16 + unhex(out[i + 2]));
				i += 2;
			} else {
				ck_assert_uint_lt(k, 3);
				back[k++] = out[i];
			}
		}
		ck_assert_uint_eq(k, 3);
		ck_assert_msg(!memcmp(in, back, 3), "byte %d does not round-trip", b);
	}
}
END_TEST

START_TEST(escape_refuses_a_short_buffer)
{
	char out[8];

	memset(out, 'z', sizeof out);
	ck_assert_int_eq(directory_filter_escape("abcdefg", 7, out, sizeof out), 7);
	ck_assert_str_eq(out, "abcdefg");
	ck_assert_int_eq(directory_filter_escape("abcdefgh", 8, out, sizeof out), -1);
	ck_assert_str_eq(out, "");
	/* An escape is never cut in half. */
	ck_assert_int_eq(directory_filter_escape("abcde*", 6, out, sizeof out), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(directory_filter_escape("abcd*", 5, out, sizeof out), 7);
	ck_assert_str_eq(out, "abcd\\2a");
	ck_assert_int_eq(directory_filter_escape("a", 1, out, 0), -1);
}
END_TEST

START_TEST(filter_build_fills_the_username_in_escaped)
{
	char out[256];

	ck_assert_int_eq(directory_filter_build("(uid=%u)", "alice", out, sizeof out), 0);
	ck_assert_str_eq(out, "(uid=alice)");
	ck_assert_int_eq(directory_filter_build("(uid=%u)", "*)(uid=*", out, sizeof out), 0);
	ck_assert_str_eq(out, "(uid=\\2a\\29\\28uid=\\2a)");
	ck_assert_int_eq(directory_filter_build("(uid=%u)", "*", out, sizeof out), 0);
	ck_assert_str_eq(out, "(uid=\\2a)");
	ck_assert_int_eq(directory_filter_build("(&(objectClass=user)(sAMAccountName=%u))",
						"bob", out, sizeof out),
			 0);
	ck_assert_str_eq(out, "(&(objectClass=user)(sAMAccountName=bob))");
	ck_assert_int_eq(directory_filter_build("(|(uid=%u)(mail=%u@example.com))", "a(b",
						out, sizeof out),
			 0);
	ck_assert_str_eq(out, "(|(uid=a\\28b)(mail=a\\28b@example.com))");
	ck_assert_int_eq(directory_filter_build("(cn=100%%-%u)", "x", out, sizeof out), 0);
	ck_assert_str_eq(out, "(cn=100%-x)");
	/* Another % sequence, or no room: refused, and nothing half made. */
	ck_assert_int_eq(directory_filter_build("(uid=%s)", "x", out, sizeof out), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(directory_filter_build("(uid=%u)", "abcdefgh", out, 12), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(directory_filter_build("(uid=%u)", "abcde", out, 12), 0);
	ck_assert_str_eq(out, "(uid=abcde)");
}
END_TEST

START_TEST(filter_check_accepts_filters_and_names_what_is_wrong)
{
	static const char *const good[] = {
		"(uid=%u)",
		"(sAMAccountName=%u)",
		"(&(objectClass=person)(|(uid=%u)(mail=%u)))",
		"(&(uid=%u)(!(pwdAccountLockedTime=*)))",
		"(&(objectClass=user)(sAMAccountName=%u)(cn=a\\28b\\29))",
		"(cn=100%%%u)",
	};
	static const char *const bad[] = {
		"", "uid=%u", "(uid=alice)", "(uid=%u", "uid=%u)", "(uid=%u))",
		"((uid=%u)", "(uid=%u)(cn=x)", "(uid=%s)", "(uid=%u%)", "(cn=\\2)(uid=%u)",
		"(cn=a\\zz)(uid=%u)", "(uid=%u)x",
	};
	char why[200], big[DIR_FILTER_MAX + 16];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		why[0] = '\0';
		ck_assert_msg(directory_filter_check(good[i], why, sizeof why) == 0,
			      "'%s' refused: %s", good[i], why);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		ck_assert_msg(directory_filter_check(bad[i], why, sizeof why) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_msg(why[0], "'%s': no reason given", bad[i]);
	}
	memset(big, 'a', sizeof big);
	memcpy(big, "(uid=%u)(", 9);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(directory_filter_check(big, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "512"));
}
END_TEST

/* ---- roles and DNs ---- */

START_TEST(role_parse_takes_role_equals_group_dn)
{
	char why[300], *dn;
	int role = -1;

	ck_assert_int_eq(directory_role_parse("manager=cn=Managers, ou=Groups,dc=example,dc=com",
					      &role, &dn, why, sizeof why),
			 0);
	ck_assert_int_eq(role, ROLE_MANAGER);
	ck_assert_ptr_nonnull(dn);
	ck_assert(directory_dn_equal(dn, "cn=managers,ou=groups,dc=example,dc=com"));
	free(dn);
	ck_assert_int_eq(directory_role_parse("admin=CN=Strategy Admins,OU=Groups,DC=corp,DC=example",
					      &role, &dn, why, sizeof why),
			 0);
	ck_assert_int_eq(role, ROLE_ADMIN);
	free(dn);

	ck_assert_int_eq(directory_role_parse("boss=cn=x,dc=example", &role, &dn, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "boss"));
	ck_assert_ptr_null(dn);
	ck_assert_int_eq(directory_role_parse("manager", &role, &dn, why, sizeof why), -1);
	ck_assert_int_eq(directory_role_parse("=cn=x", &role, &dn, why, sizeof why), -1);
	ck_assert_int_eq(directory_role_parse("manager=", &role, &dn, why, sizeof why), -1);
	ck_assert_int_eq(directory_role_parse("manager=not a dn", &role, &dn, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "not a DN"));
	ck_assert_ptr_null(dn);
}
END_TEST

START_TEST(dn_equal_ignores_case_spacing_and_escaping)
{
	ck_assert(directory_dn_equal("cn=managers,ou=groups,dc=example,dc=com",
				     "CN=Managers, OU=Groups, DC=example, DC=com"));
	ck_assert(directory_dn_equal("cn=Smith\\, John,dc=example", "cn=smith\\2C john,dc=example"));
	ck_assert(!directory_dn_equal("cn=managers,ou=groups,dc=example,dc=com",
				      "cn=admins,ou=groups,dc=example,dc=com"));
	ck_assert(!directory_dn_equal("cn=managers,dc=example", "cn=managers,dc=example,dc=com"));
	ck_assert(!directory_dn_equal("not a dn", "not a dn"));
	ck_assert(!directory_dn_equal("", ""));
}
END_TEST

/* ---- what the directory returns ---- */

START_TEST(text_clean_makes_display_names_safe)
{
	char out[OS_DISPLAY_SZ];
	char long_name[200];

	directory_text_clean("  Alice Andersen ", 17, OS_DISPLAY_MAX, out, sizeof out);
	ck_assert_str_eq(out, "Alice Andersen");
	directory_text_clean("Line\none\ttwo\x7f", 13, OS_DISPLAY_MAX, out, sizeof out);
	ck_assert_str_eq(out, "Line one two");
	directory_text_clean("Bj\xc3\xb8rn", 6, OS_DISPLAY_MAX, out, sizeof out);
	ck_assert_str_eq(out, "Bj\xc3\xb8rn");
	/* Invalid UTF-8 is repaired, a NUL inside ends nothing early. */
	directory_text_clean("a\xff" "b", 3, OS_DISPLAY_MAX, out, sizeof out);
	ck_assert_str_eq(out, "a\xef\xbf\xbd" "b");
	directory_text_clean("   ", 3, OS_DISPLAY_MAX, out, sizeof out);
	ck_assert_str_eq(out, "");
	/* Cut at the limit in characters, never inside one. */
	for (int i = 0; i < 90; i++)
		memcpy(long_name + i * 2, "\xc3\xa9", 2);
	directory_text_clean(long_name, 180, OS_DISPLAY_MAX, out, sizeof out);
	ck_assert_uint_eq(strlen(out), 160);
	ck_assert_uint_eq(os_utf8_len(out), OS_DISPLAY_MAX);
}
END_TEST

START_TEST(email_clean_keeps_addresses_only)
{
	char out[DIR_EMAIL_SZ], big[300];

	directory_email_clean(" alice@example.com ", 19, out);
	ck_assert_str_eq(out, "alice@example.com");
	directory_email_clean("b\xc3\xb8rre@example.no", 17, out);
	ck_assert_str_eq(out, "b\xc3\xb8rre@example.no");
	static const char *const bad[] = {
		"", "alice", "@example.com", "alice@", "a@b@c", "a b@example.com",
		"a@exa\nmple.com", "a\xff@example.com",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		directory_email_clean(bad[i], strlen(bad[i]), out);
		ck_assert_msg(out[0] == '\0', "'%s' kept", bad[i]);
	}
	directory_email_clean("a@b\0c", 5, out);
	ck_assert_str_eq(out, "");
	memset(big, 'a', sizeof big);
	memcpy(big + 250, "@example.com", 12);
	directory_email_clean(big, 262, out);
	ck_assert_str_eq(out, "");
}
END_TEST

/* ---- options ---- */

static int
try_new(const struct directory_opts *o, char *why, size_t whysz)
{
	struct directory *d = NULL;
	int rc = directory_new(o, &d, why, whysz);

	ck_assert(rc == OS_OK ? d != NULL : d == NULL);
	directory_free(d);
	return rc;
}

#define BASE_OPTS .url = "ldap://127.0.0.1:1/", .base = "dc=example,dc=com"

START_TEST(options_are_checked_with_a_reason)
{
	static const char *const roles[] = {"manager=cn=m,dc=example,dc=com",
					    "admin=cn=a,dc=example,dc=com"};
	static const char *const bad_role[] = {"chief=cn=a,dc=example,dc=com"};
	char why[512], pwfile[] = "/tmp/os-dir-pw-XXXXXX", cafile[] = "/tmp/os-dir-ca-XXXXXX";
	int fd;

	{
		struct directory_opts o = {BASE_OPTS, .roles = roles, .nroles = 2,
					   .org = "Example", .timeout_s = 3};

		ck_assert_int_eq(try_new(&o, why, sizeof why), OS_OK);
	}
	{
		struct directory_opts o = {.url = "ldaps://dir.example.com ldaps://dir2.example.com:636",
					   .base = "dc=example,dc=com"};

		ck_assert_int_eq(try_new(&o, why, sizeof why), OS_OK);
	}
#define REFUSED(want, ...)                                                       \
	do {                                                                     \
		struct directory_opts o = {__VA_ARGS__};                         \
		why[0] = '\0';                                                   \
		ck_assert_int_eq(try_new(&o, why, sizeof why), OS_EBADREQ);      \
		ck_assert_msg(strstr(why, want), "'%s' does not say %s", why, want); \
	} while (0)
	REFUSED("--ldap-url", .base = "dc=example,dc=com");
	REFUSED("--ldap-url", .url = "http://dir.example.com", .base = "dc=x");
	REFUSED("--ldap-url", .url = "ldapi:///", .base = "dc=x");
	REFUSED("--ldap-url", .url = "ldap:///", .base = "dc=x");
	REFUSED("--ldap-url", .url = "ldap://a ldaps://b", .base = "dc=x");
	REFUSED("--ldap-starttls", .url = "ldaps://dir", .starttls = 1, .base = "dc=x");
	REFUSED("--ldap-ca", .url = "ldap://dir", .ca_file = "/etc/hostname", .base = "dc=x");
	REFUSED("--ldap-ca", .url = "ldaps://dir", .ca_file = "/nonexistent/ca.pem",
		.base = "dc=x");
	REFUSED("--ldap-base", .url = "ldap://dir");
	REFUSED("--ldap-base", .url = "ldap://dir", .base = "example.com");
	REFUSED("--ldap-filter", BASE_OPTS, .filter = "(uid=alice)");
	REFUSED("--ldap-filter", BASE_OPTS, .filter = "uid=%u");
	REFUSED("--ldap-bind-password-file", BASE_OPTS, .bind_dn = "cn=reader,dc=example,dc=com");
	REFUSED("--ldap-bind-dn", BASE_OPTS, .bind_password_file = "/etc/hostname");
	REFUSED("--ldap-bind-dn", BASE_OPTS, .bind_dn = "reader", .bind_password_file = "/etc/hostname");
	REFUSED("--ldap-bind-password-file", BASE_OPTS, .bind_dn = "cn=r,dc=x",
		.bind_password_file = "/nonexistent/pw");
	REFUSED("--ldap-role", BASE_OPTS, .roles = bad_role, .nroles = 1);
	REFUSED("--ldap-org", BASE_OPTS,
		.org = "An organisation whose name runs on and on and on past the eighty characters allowed");
	REFUSED("--ldap-timeout", BASE_OPTS, .timeout_s = DIR_TIMEOUT_MAX + 1);

	/* The service password: its first line, not empty. */
	fd = mkstemp(pwfile);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\n", 1), 1);
	REFUSED("--ldap-bind-password-file", BASE_OPTS, .bind_dn = "cn=r,dc=x",
		.bind_password_file = pwfile);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, "s3cret\nignored\n", 15, 0), 15);
	close(fd);
	{
		struct directory_opts o = {BASE_OPTS, .bind_dn = "cn=r,dc=x",
					   .bind_password_file = pwfile};

		ck_assert_int_eq(try_new(&o, why, sizeof why), OS_OK);
	}
	unlink(pwfile);

	/* A CA file that holds no certificate is found at start-up. */
	fd = mkstemp(cafile);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not a certificate\n", 18), 18);
	close(fd);
	REFUSED("--ldap-ca", .url = "ldaps://127.0.0.1:1/", .ca_file = cafile, .base = "dc=x");
	unlink(cafile);
#undef REFUSED
}
END_TEST

/* ---- sign-in without the network ---- */

START_TEST(empty_password_is_refused_before_the_network)
{
	struct directory_opts o = {BASE_OPTS, .timeout_s = 2};
	struct directory *d = NULL;
	struct dir_entry e;
	char why[256], pw[32];

	ck_assert_int_eq(directory_new(&o, &d, why, sizeof why), OS_OK);
	/* Nothing listens on port 1: a password is tried and the directory
	 * is unreachable; an empty one is refused without trying. */
	pw[0] = '\0';
	ck_assert_int_eq(directory_authenticate(d, "alice", pw, &e), OS_EBADCRED);
	snprintf(pw, sizeof pw, "alice-secret");
	ck_assert_int_eq(directory_authenticate(d, "alice", pw, &e), OS_EDIRUNAVAIL);
	/* The password is wiped, whatever the outcome. */
	for (size_t i = 0; i < strlen("alice-secret"); i++)
		ck_assert_int_eq(pw[i], 0);
	snprintf(pw, sizeof pw, "alice-secret");
	ck_assert_int_eq(directory_authenticate(d, "", pw, &e), OS_EBADCRED);
	ck_assert_int_eq(pw[0], 0);
	directory_free(d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("directory");
	/* libldap may write to a connection the server has closed (its
	 * unbind): the process must not die of it, as the server does not. */
	signal(SIGPIPE, SIG_IGN);
	TCase *esc = tcase_create("filter");
	TCase *opt = tcase_create("options");

	tcase_add_test(esc, escape_specials);
	tcase_add_test(esc, escape_every_byte_round_trips);
	tcase_add_test(esc, escape_refuses_a_short_buffer);
	tcase_add_test(esc, filter_build_fills_the_username_in_escaped);
	tcase_add_test(esc, filter_check_accepts_filters_and_names_what_is_wrong);
	suite_add_tcase(s, esc);

	tcase_add_test(opt, role_parse_takes_role_equals_group_dn);
	tcase_add_test(opt, dn_equal_ignores_case_spacing_and_escaping);
	tcase_add_test(opt, text_clean_makes_display_names_safe);
	tcase_add_test(opt, email_clean_keeps_addresses_only);
	tcase_add_test(opt, options_are_checked_with_a_reason);
	tcase_add_test(opt, empty_password_is_refused_before_the_network);
	suite_add_tcase(s, opt);
	return fx_run(s);
}
