/*
 * src/base/: UTF-8 validation and length, trimming, RFC 3339 times, the
 * growable buffer, integer parsing, the Wilson score, the enum spellings of
 * the protocol, and the error codes.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/model.h"
#include "base/lang.h"
#include "base/util.h"
#include "fixture.h"

/* The os_buf failure tests ask for absurd sizes on purpose; under
 * AddressSanitizer that must come back as NULL from realloc (as it does in
 * production) instead of aborting the test. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

#define VALID(lit) ck_assert_msg(os_utf8_valid(lit, sizeof(lit) - 1), \
				 "should be valid UTF-8: %s", #lit)
#define INVALID(lit) ck_assert_msg(!os_utf8_valid(lit, sizeof(lit) - 1), \
				   "should be invalid UTF-8: %s", #lit)

START_TEST(utf8_accepts_well_formed)
{
	VALID("");
	VALID("plain ascii, with\ttabs\nand newlines");
	VALID("\xc3\xa9");                 /* é, 2 bytes */
	VALID("\xc2\x80");                 /* U+0080, the smallest 2-byte */
	VALID("\xdf\xbf");                 /* U+07FF */
	VALID("\xe0\xa0\x80");             /* U+0800, the smallest 3-byte */
	VALID("\xe2\x82\xac");             /* € */
	VALID("\xed\x9f\xbf");             /* U+D7FF, just below the surrogates */
	VALID("\xee\x80\x80");             /* U+E000, just above them */
	VALID("\xef\xbf\xbf");             /* U+FFFF */
	VALID("\xf0\x90\x80\x80");         /* U+10000, the smallest 4-byte */
	VALID("\xf0\x9f\x98\x80");         /* 😀 */
	VALID("\xf4\x8f\xbf\xbf");         /* U+10FFFF, the largest */
	VALID("a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80" "d");
}
END_TEST

START_TEST(utf8_fold_lowers_ascii_and_latin1_capitals)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"Anna BERG", "anna berg"},
		{"\xC3\x85SA \xC3\x98RJAN \xC3\x86RE \xC3\x84 \xC3\x96 \xC3\x89",
		 "\xC3\xA5sa \xC3\xB8rjan \xC3\xA6re \xC3\xA4 \xC3\xB6 \xC3\xA9"},
		/* The multiplication sign has no lower case; lower case and
		 * other scripts stay; a lone lead byte at the end too. */
		{"3\xC3\x97" "4 \xC3\xA5 \xCE\x91 \xE2\x82\xAC", "3\xC3\x97" "4 \xC3\xA5 \xCE\x91 \xE2\x82\xAC"},
		{"", ""},
		{"X\xC3", "x\xC3"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *f = os_utf8_fold(cases[i].in);

		ck_assert_ptr_nonnull(f);
		ck_assert_str_eq(f, cases[i].out);
		free(f);
	}
}
END_TEST

START_TEST(utf8_refuses_overlongs)
{
	INVALID("\xc0\x80");               /* overlong NUL */
	INVALID("\xc0\xaf");               /* overlong '/' */
	INVALID("\xc1\xbf");               /* overlong U+007F */
	INVALID("\xe0\x80\x80");           /* overlong NUL, 3 bytes */
	INVALID("\xe0\x9f\xbf");           /* overlong U+07FF */
	INVALID("\xf0\x80\x80\x80");       /* overlong NUL, 4 bytes */
	INVALID("\xf0\x8f\xbf\xbf");       /* overlong U+FFFF */
}
END_TEST

START_TEST(utf8_refuses_surrogates_and_beyond_max)
{
	INVALID("\xed\xa0\x80");           /* U+D800 */
	INVALID("\xed\xad\xbf");           /* U+DB7F */
	INVALID("\xed\xb0\x80");           /* U+DC00 */
	INVALID("\xed\xbf\xbf");           /* U+DFFF */
	INVALID("\xed\xa0\xbd\xed\xb8\x80"); /* a CESU-8 surrogate pair */
	INVALID("\xf4\x90\x80\x80");       /* U+110000 */
	INVALID("\xf5\x80\x80\x80");
	INVALID("\xf7\xbf\xbf\xbf");
	INVALID("\xf8\x88\x80\x80\x80");   /* old 5-byte form */
	INVALID("\xfc\x84\x80\x80\x80\x80"); /* old 6-byte form */
	INVALID("\xfe");
	INVALID("\xff");
}
END_TEST

START_TEST(utf8_refuses_truncated_and_stray_bytes)
{
	INVALID("\xc3");                   /* 2-byte lead at the end */
	INVALID("abc\xc3");
	INVALID("\xe2\x82");               /* 3-byte, one short */
	INVALID("\xe2");
	INVALID("\xf0\x9f\x98");           /* 4-byte, one short */
	INVALID("\xf0\x9f");
	INVALID("\xf0");
	INVALID("\x80");                   /* lone continuation */
	INVALID("a\xbf" "b");
	INVALID("\xc3\x28");               /* lead followed by ASCII */
	INVALID("\xe2\x28\xa1");
	INVALID("\xe2\x82\x28");
	INVALID("\xf0\x28\x8c\xbc");
	INVALID("\xf0\x9f\x98\x28");
	/* The length given is what counts: a valid sequence cut by n. */
	ck_assert(!os_utf8_valid("\xf0\x9f\x98\x80", 3));
	ck_assert(!os_utf8_valid("\xc3\xa9", 1));
	ck_assert(os_utf8_valid("\xc3\xa9xyz", 2));
}
END_TEST

START_TEST(utf8_len_counts_code_points)
{
	ck_assert_uint_eq(os_utf8_len(""), 0);
	ck_assert_uint_eq(os_utf8_len("abc"), 3);
	ck_assert_uint_eq(os_utf8_len("\xc3\xa9"), 1);
	ck_assert_uint_eq(os_utf8_len("\xe2\x82\xac"), 1);
	ck_assert_uint_eq(os_utf8_len("\xf0\x9f\x98\x80"), 1);
	ck_assert_uint_eq(os_utf8_len("a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80"), 6);
}
END_TEST

START_TEST(trimmed_strips_ascii_space_both_ends)
{
	const char *start = NULL;
	const char *s = " \t\r\n  hello world \n\t ";
	size_t n = os_trimmed(s, &start);

	ck_assert_uint_eq(n, strlen("hello world"));
	ck_assert(start == s + 6);
	ck_assert(!strncmp(start, "hello world", n));

	ck_assert_uint_eq(os_trimmed("   \t\n ", &start), 0);
	ck_assert_uint_eq(os_trimmed("", &start), 0);
	ck_assert_uint_eq(os_trimmed("x", &start), 1);
	ck_assert_uint_eq(os_trimmed("inner  space", NULL), strlen("inner  space"));
	/* Non-ASCII text is not white space, and is not cut into. */
	ck_assert_uint_eq(os_trimmed(" \xc3\xa9 ", &start), 2);
	ck_assert(!strncmp(start, "\xc3\xa9", 2));
}
END_TEST

START_TEST(time_format_is_rfc3339_utc_with_millis)
{
	char buf[OS_TIME_LEN];

	os_time_format(0, buf);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00.000Z");
	os_time_format(1700000000123LL, buf);
	ck_assert_str_eq(buf, "2023-11-14T22:13:20.123Z");
	os_time_format(951782400000LL, buf); /* a leap day */
	ck_assert_str_eq(buf, "2000-02-29T00:00:00.000Z");
	os_time_format(-1, buf);
	ck_assert_str_eq(buf, "1969-12-31T23:59:59.999Z");
	os_time_format(4102444799999LL, buf);
	ck_assert_str_eq(buf, "2099-12-31T23:59:59.999Z");
}
END_TEST

START_TEST(time_parse_round_trips_format)
{
	static const int64_t samples[] = {
		0, 1, 999, 1000, 1700000000123LL, 951782400000LL, 1767225599999LL,
		4102444799999LL, 86399999,
	};
	char buf[OS_TIME_LEN];
	int64_t back;

	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		back = -42;
		os_time_format(samples[i], buf);
		ck_assert_int_eq(os_time_parse(buf, &back), 0);
		ck_assert_int_eq(back, samples[i]);
	}
	{
		int64_t now = os_now_ms();

		os_time_format(now, buf);
		ck_assert_int_eq(os_time_parse(buf, &back), 0);
		ck_assert_int_eq(back, now);
	}
}
END_TEST

START_TEST(time_parse_applies_offsets_and_fractions)
{
	int64_t ms;

	ck_assert_int_eq(os_time_parse("2023-11-14T22:13:20Z", &ms), 0);
	ck_assert_int_eq(ms, 1700000000000LL);
	ck_assert_int_eq(os_time_parse("2023-11-14T23:13:20.123+01:00", &ms), 0);
	ck_assert_int_eq(ms, 1700000000123LL);
	ck_assert_int_eq(os_time_parse("2023-11-14T16:43:20-05:30", &ms), 0);
	ck_assert_int_eq(ms, 1700000000000LL);
	ck_assert_int_eq(os_time_parse("2023-11-15T00:13:20+02:00", &ms), 0);
	ck_assert_int_eq(ms, 1700000000000LL);
	ck_assert_int_eq(os_time_parse("2023-11-14t22:13:20z", &ms), 0);
	ck_assert_int_eq(ms, 1700000000000LL);
	ck_assert_int_eq(os_time_parse("2023-11-14T22:13:20.5Z", &ms), 0);
	ck_assert_int_eq(ms, 1700000000500LL);
	ck_assert_int_eq(os_time_parse("2023-11-14T22:13:20.05Z", &ms), 0);
	ck_assert_int_eq(ms, 1700000000050LL);
	/* Digits past milliseconds are dropped, not rounded into seconds. */
	ck_assert_int_eq(os_time_parse("2023-11-14T22:13:20.123999Z", &ms), 0);
	ck_assert_int_eq(ms, 1700000000123LL);
}
END_TEST

START_TEST(time_parse_refuses_what_is_not_rfc3339)
{
	static const char *const bad[] = {
		"", "garbage", "2023", "2023-11-14", "2023-11-14T22:13:20",
		"2023-11-14T22:13Z", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20Zjunk",
		"2023-11-14T22:13:20+0100", "2023-11-14T22:13:20+01", "2023-13-01T00:00:00Z",
		"2023-00-10T00:00:00Z", "2023-11-32T00:00:00Z", "2023-11-00T00:00:00Z",
		"2023-11-14T24:00:00Z", "2023-11-14T22:60:00Z", "2023-11-14T22:13:61Z",
		"23-11-14T22:13:20Z", "2023/11/14T22:13:20Z", "2023-11-14X22:13:20Z",
		" 2023-11-14T22:13:20Z", "2023-11-14T22:13:20+24:00", "2023-11-14T22:13:20+01:60",
		"2023-1a-14T22:13:20Z",
	};
	int64_t ms = 77;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(os_time_parse(bad[i], &ms) == -1, "accepted '%s'", bad[i]);
	ck_assert_int_eq(os_time_parse(NULL, &ms), -1);
	ck_assert_int_eq(ms, 77); /* left alone on failure */
}
END_TEST

START_TEST(buf_appends_and_detaches)
{
	struct os_buf b;
	size_t len = 99;
	char *s;

	os_buf_init(&b);
	ck_assert_int_eq(os_buf_adds(&b, "hello"), 0);
	ck_assert_int_eq(os_buf_add(&b, ", ", 2), 0);
	ck_assert_int_eq(os_buf_addf(&b, "%s #%d", "world", 42), 0);
	ck_assert_uint_eq(b.len, strlen("hello, world #42"));
	ck_assert_str_eq(b.data, "hello, world #42");
	/* Growing past the first allocation keeps everything. */
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(os_buf_addf(&b, "%04d", i), 0);
	ck_assert_uint_eq(b.len, 16 + 4000);
	ck_assert(!strncmp(b.data + 16, "00000001", 8));
	ck_assert(!strcmp(b.data + b.len - 4, "0999"));
	s = os_buf_detach(&b, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 4016);
	ck_assert_uint_eq(strlen(s), 4016);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	/* Detached, the buffer is empty and usable again. */
	ck_assert_int_eq(os_buf_adds(&b, "again"), 0);
	ck_assert_str_eq(b.data, "again");
	os_buf_free(&b);
	os_buf_free(&b); /* twice is harmless */
}
END_TEST

/* A buffer that was never written detaches as "", not NULL, and not as
 * uninitialised bytes: the contract is NUL-terminated contents. */
START_TEST(buf_detach_of_an_empty_buffer_is_an_empty_string)
{
	struct os_buf b;
	size_t len = 99;
	char *s;

	os_buf_init(&b);
	s = os_buf_detach(&b, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 0);
	ck_assert_msg(s[0] == '\0',
		      "os_buf_detach of an empty buffer returned an unterminated string");
	free(s);
	os_buf_free(&b);
}
END_TEST

START_TEST(buf_failure_frees_and_stays_failed)
{
	static const char tiny[8] = "abcdefg";
	struct os_buf b;
	size_t len = 5;

	os_buf_init(&b);
	ck_assert_int_eq(os_buf_adds(&b, "some data"), 0);
	/* An allocation that cannot succeed. */
	ck_assert_int_eq(os_buf_add(&b, tiny, (size_t)1 << 62), -1);
	ck_assert_int_eq(b.failed, 1);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_null(b.data);
	/* Once failed, it stays failed, so that callers check once at the end. */
	ck_assert_int_eq(os_buf_adds(&b, "x"), -1);
	ck_assert_int_eq(os_buf_addf(&b, "%d", 1), -1);
	ck_assert_int_eq(os_buf_add(&b, "y", 1), -1);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_null(os_buf_detach(&b, &len));
	os_buf_free(&b);
	ck_assert_int_eq(b.failed, 0);
	ck_assert_int_eq(os_buf_adds(&b, "fresh"), 0);
	ck_assert_str_eq(b.data, "fresh");
	os_buf_free(&b);
}
END_TEST

/* A length so large that len + n + 1 wraps around must fail like any other
 * impossible allocation, not pass the capacity check and copy past the end. */
START_TEST(buf_size_overflow_fails_cleanly)
{
	static const char tiny[8] = "abcdefg";
	struct os_buf b;

	os_buf_init(&b);
	ck_assert_int_eq(os_buf_adds(&b, "abc"), 0);
	ck_assert_int_eq(os_buf_add(&b, tiny, SIZE_MAX - 3), -1);
	ck_assert_int_eq(b.failed, 1);
	ck_assert_ptr_null(b.data);
	os_buf_free(&b);
}
END_TEST

START_TEST(parse_int_whole_string_and_range)
{
	long long v = 0;

	ck_assert_int_eq(os_parse_int("8080", 0, 65535, &v), 0);
	ck_assert_int_eq(v, 8080);
	ck_assert_int_eq(os_parse_int("-5", -10, 10, &v), 0);
	ck_assert_int_eq(v, -5);
	v = 1;
	ck_assert_int_eq(os_parse_int("0", 0, 0, &v), 0);
	ck_assert_int_eq(v, 0);
	v = 7;
	ck_assert_int_eq(os_parse_int("", 0, 10, &v), -1);
	ck_assert_int_eq(os_parse_int(NULL, 0, 10, &v), -1);
	ck_assert_int_eq(os_parse_int("12x", 0, 100, &v), -1);
	ck_assert_int_eq(os_parse_int("65536", 0, 65535, &v), -1);
	ck_assert_int_eq(os_parse_int("-1", 0, 10, &v), -1);
	ck_assert_int_eq(os_parse_int("99999999999999999999999", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(v, 7);
}
END_TEST

START_TEST(lang_codes_round_trip_and_refuse_others)
{
	static const char *const bad[] = {"", "EN", "no", "nn", "nb-NO", "sv ", "de", "e"};
	enum os_lang l = OS_LANG_SV;

	for (int i = 0; i < OS_LANG_COUNT; i++) {
		enum os_lang got = OS_LANG_COUNT;

		ck_assert_int_eq(os_lang_parse(os_lang_code((enum os_lang)i), &got), 0);
		ck_assert_int_eq(got, i);
	}
	ck_assert_str_eq(os_lang_code(OS_LANG_NB), "nb");
	ck_assert_str_eq(os_lang_code(OS_LANG_DA), "da");
	ck_assert_str_eq(os_lang_code(OS_LANG_COUNT), "en");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(os_lang_parse(bad[i], &l), -1);
		ck_assert_int_eq(l, OS_LANG_SV);
	}
	ck_assert_int_eq(os_lang_parse(NULL, &l), -1);
}
END_TEST

START_TEST(wilson_lower_bound_known_values)
{
	ck_assert(os_wilson_lower(0, 0) == 0.0);
	ck_assert_double_eq_tol(os_wilson_lower(1, 0), 0.2065, 5e-5);
	ck_assert_double_eq_tol(os_wilson_lower(9, 0), 0.7009, 5e-5);
	ck_assert_double_eq_tol(os_wilson_lower(50, 50), 0.4038, 5e-4);
	ck_assert_double_eq_tol(os_wilson_lower(0, 10), 0.0, 1e-12);
	ck_assert_double_eq_tol(os_wilson_lower(3, 1), 0.3006, 5e-4);
	ck_assert_double_eq_tol(os_wilson_lower(100, 0), 0.9630, 5e-4);
}
END_TEST

START_TEST(wilson_lower_bound_orders_sensibly)
{
	/* More evidence of the same ratio ranks higher. */
	ck_assert(os_wilson_lower(10, 0) > os_wilson_lower(1, 0));
	ck_assert(os_wilson_lower(90, 10) > os_wilson_lower(9, 1));
	/* A better ratio with the same evidence ranks higher. */
	ck_assert(os_wilson_lower(8, 2) > os_wilson_lower(6, 4));
	/* A down vote lowers the score. */
	ck_assert(os_wilson_lower(5, 1) < os_wilson_lower(5, 0));
	for (int up = 0; up <= 30; up++)
		for (int down = 0; down <= 30; down++) {
			double w = os_wilson_lower(up, down);

			ck_assert(w >= -1e-12 && w <= 1.0);
			if (up + down)
				ck_assert(w <= (double)up / (up + down) + 1e-12);
		}
}
END_TEST

START_TEST(tally_totals_and_post_score)
{
	struct post p;

	memset(&p, 0, sizeof p);
	p.tally.up[ROLE_EMPLOYEE] = 5;
	p.tally.up[ROLE_CUSTOMER] = 4;
	p.tally.down[ROLE_MANAGER] = 1;
	p.tally.dots[ROLE_EMPLOYEE] = 7;
	p.tally.dots[ROLE_ADMIN] = 3;
	ck_assert_int_eq(tally_up(&p.tally), 9);
	ck_assert_int_eq(tally_down(&p.tally), 1);
	ck_assert_int_eq(tally_dots(&p.tally), 10);
	p.vote_mode = VOTE_UPDOWN;
	ck_assert_double_eq_tol(post_score(&p), os_wilson_lower(9, 1), 1e-12);
	p.vote_mode = VOTE_DOTS;
	ck_assert_double_eq_tol(post_score(&p), 10.0, 1e-12);

	p.status = STATUS_PROMOTED;
	ck_assert_int_eq(post_status(&p), STATUS_PROMOTED);
	p.hidden = 1;
	ck_assert_int_eq(post_status(&p), STATUS_HIDDEN);
}
END_TEST

#define ROUND_TRIP(fn, count, ...)                                              \
	do {                                                                    \
		static const char *const want[] = {__VA_ARGS__};                 \
		ck_assert_int_eq(sizeof want / sizeof want[0], count);          \
		for (int i = 0; i < (count); i++) {                             \
			ck_assert_str_eq(os_##fn##_name(i), want[i]);           \
			ck_assert_int_eq(os_##fn##_parse(want[i]), i);          \
		}                                                               \
		ck_assert_str_eq(os_##fn##_name(count), "unknown");             \
		ck_assert_str_eq(os_##fn##_name(-1), "unknown");                \
		ck_assert_int_eq(os_##fn##_parse("bogus"), -1);                 \
		ck_assert_int_eq(os_##fn##_parse(""), -1);                      \
		ck_assert_int_eq(os_##fn##_parse(NULL), -1);                    \
		ck_assert_int_eq(os_##fn##_parse("unknown"), -1);               \
	} while (0)

START_TEST(enum_names_are_the_protocol_spellings)
{
	ROUND_TRIP(role, ROLE_COUNT, "admin", "manager", "employee", "customer");
	ROUND_TRIP(phase, PHASE_COUNT, "draft", "open", "voting", "closed");
	ROUND_TRIP(audience, AUD_COUNT, "internal", "invited");
	ROUND_TRIP(vote_mode, VOTE_MODE_COUNT, "updown", "dots");
	ROUND_TRIP(kind, KIND_COUNT, "plan", "idea");
	ROUND_TRIP(status, STATUS_COUNT, "open", "merged", "promoted", "hidden");
	ROUND_TRIP(target, TARGET_COUNT, "post", "comment", "chat");
	/* Spellings are exact: no case folding, no trimming. */
	ck_assert_int_eq(os_role_parse("Admin"), -1);
	ck_assert_int_eq(os_role_parse("admin "), -1);
	ck_assert_int_eq(os_phase_parse("OPEN"), -1);
}
END_TEST

START_TEST(error_codes_are_the_protocol_names)
{
	ck_assert_str_eq(os_err_code(OS_EBADREQ), "bad_request");
	ck_assert_str_eq(os_err_code(OS_EUNKNOWNOP), "unknown_op");
	ck_assert_str_eq(os_err_code(OS_EUNAUTH), "unauthorized");
	ck_assert_str_eq(os_err_code(OS_EFORBIDDEN), "forbidden");
	ck_assert_str_eq(os_err_code(OS_ENOTFOUND), "not_found");
	ck_assert_str_eq(os_err_code(OS_ECONFLICT), "conflict");
	ck_assert_str_eq(os_err_code(OS_ETOOLARGE), "too_large");
	ck_assert_str_eq(os_err_code(OS_ERATELIMIT), "rate_limited");
	ck_assert_str_eq(os_err_code(OS_EPHASE), "phase_closed");
	ck_assert_str_eq(os_err_code(OS_EINTERNAL), "internal");
	ck_assert_str_eq(os_err_code(OS_EBADCRED), "bad_credentials");
	ck_assert_str_eq(os_err_code(OS_EINVUSED), "invite_used");
	ck_assert_str_eq(os_err_code(OS_EINVEXPIRED), "invite_expired");
	ck_assert_str_eq(os_err_code(OS_EUSERTAKEN), "username_taken");
	ck_assert_str_eq(os_err_code(OS_ENOMEM), "internal");
	ck_assert_str_eq(os_err_code(-1), "internal");
	ck_assert_str_eq(os_err_code(OS_ERR_COUNT), "internal");
	ck_assert_int_eq(os_err_http_status(OS_EBADCRED), 401);
	ck_assert_int_eq(os_err_http_status(OS_ERATELIMIT), 429);
	ck_assert_int_eq(os_err_http_status(OS_EINVUSED), 410);
	ck_assert_int_eq(os_err_http_status(OS_EUSERTAKEN), 409);
	ck_assert_int_eq(os_err_http_status(12345), 500);
	for (int e = 0; e < OS_ERR_COUNT; e++) {
		ck_assert_ptr_nonnull(os_err_message(e));
		ck_assert(os_err_message(e)[0] != '\0');
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("base");

	tcase_add_test(tc, utf8_accepts_well_formed);
	tcase_add_test(tc, utf8_refuses_overlongs);
	tcase_add_test(tc, utf8_refuses_surrogates_and_beyond_max);
	tcase_add_test(tc, utf8_refuses_truncated_and_stray_bytes);
	tcase_add_test(tc, utf8_len_counts_code_points);
	tcase_add_test(tc, trimmed_strips_ascii_space_both_ends);
	tcase_add_test(tc, time_format_is_rfc3339_utc_with_millis);
	tcase_add_test(tc, time_parse_round_trips_format);
	tcase_add_test(tc, time_parse_applies_offsets_and_fractions);
	tcase_add_test(tc, time_parse_refuses_what_is_not_rfc3339);
	tcase_add_test(tc, buf_appends_and_detaches);
	tcase_add_test(tc, buf_detach_of_an_empty_buffer_is_an_empty_string);
	tcase_add_test(tc, buf_failure_frees_and_stays_failed);
	tcase_add_test(tc, buf_size_overflow_fails_cleanly);
	tcase_add_test(tc, parse_int_whole_string_and_range);
	tcase_add_test(tc, wilson_lower_bound_known_values);
	tcase_add_test(tc, wilson_lower_bound_orders_sensibly);
	tcase_add_test(tc, tally_totals_and_post_score);
	tcase_add_test(tc, enum_names_are_the_protocol_spellings);
	tcase_add_test(tc, error_codes_are_the_protocol_names);
	tcase_add_test(tc, lang_codes_round_trip_and_refuse_others);
	tcase_add_test(tc, utf8_fold_lowers_ascii_and_latin1_capitals);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
