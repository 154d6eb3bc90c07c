/*
 * src/auth/session.c (and store/sessions.c): session tokens, their hashes,
 * resolving, revoking, idle and absolute expiry, disabled users.
 */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/session.h"
#include "base/err.h"
#include "base/util.h"
#include "fixture.h"
#include "store/sessions.h"
#include "store/users.h"

static struct store *st;
static int64_t uid;
static struct fx T; /* only for its database: fx_target() */

static void
setup(void)
{
	char target[1024];

	memset(&T, 0, sizeof T);
	ck_assert_int_eq(store_open(fx_target(&T, target, sizeof target), STORE_SYNC_FULL, &st),
			 OS_OK);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "anna", "Anna", ROLE_EMPLOYEE, "Acme", "x", &uid),
			 OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
	fx_target_drop(&T);
}

static void
create(const struct session_policy *pol, char token[OS_TOKEN_STR_LEN])
{
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(session_create(st, pol, uid, token), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
}

/* Inserts a session for token directly, with chosen times. */
static void
insert_raw(const char *token, int64_t created, int64_t expires_at)
{
	unsigned char h[OS_TOKEN_HASH_LEN];

	session_token_hash(token, h);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_session_insert(st, h, uid, created, expires_at, NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
}

static int64_t
last_seen_of(const char *token)
{
	unsigned char h[OS_TOKEN_HASH_LEN];
	struct sql_stmt *s = NULL;
	int64_t v = -1;

	session_token_hash(token, h);
	ck_assert_int_eq(sql_prepare(store_conn(st),
				     "SELECT last_seen FROM sessions WHERE token_hash = ?1", &s),
			 SQL_OK);
	sql_bind_blob(s, 1, h, sizeof h);
	if (sql_step(s) == SQL_ROW)
		v = sql_col_int64(s, 0);
	sql_finalize(s);
	return v;
}

static int
is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int
cmp_tokens(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(tokens_are_43_base64url_chars_and_unique)
{
	enum { N = 2000 };
	char (*t)[OS_TOKEN_STR_LEN] = calloc(N, sizeof *t);
	unsigned char raw[64];
	size_t rawlen = 0;

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < N; i++) {
		session_token_new(t[i]);
		ck_assert_uint_eq(strlen(t[i]), 43);
		for (int k = 0; k < 43; k++)
			ck_assert_msg(is_b64url(t[i][k]), "'%c' in a token", t[i][k]);
	}
	/* 32 random bytes underneath. */
	ck_assert_int_eq(sodium_base642bin(raw, sizeof raw, t[0], 43, NULL, &rawlen, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			 0);
	ck_assert_uint_eq(rawlen, 32);
	qsort(t, N, sizeof *t, cmp_tokens);
	for (int i = 1; i < N; i++)
		ck_assert_str_ne(t[i - 1], t[i]);
	free(t);
}
END_TEST

START_TEST(token_hash_is_blake2b_256_of_the_text)
{
	char a[OS_TOKEN_STR_LEN], b[OS_TOKEN_STR_LEN];
	unsigned char ha[32], hb[32], want[32];

	session_token_new(a);
	session_token_new(b);
	session_token_hash(a, ha);
	session_token_hash(b, hb);
	crypto_generichash(want, 32, (const unsigned char *)a, strlen(a), NULL, 0);
	ck_assert(!memcmp(ha, want, 32));
	ck_assert(memcmp(ha, hb, 32) != 0);
}
END_TEST

START_TEST(only_the_hash_is_stored)
{
	char token[OS_TOKEN_STR_LEN];
	unsigned char h[32];
	struct sql_stmt *s = NULL;
	int rows = 0;

	create(&session_default_policy, token);
	session_token_hash(token, h);
	/* Look through every column of every session row for the token, as
	 * text or as bytes. token_hash is the second column on both engines. */
	ck_assert_int_eq(sql_prepare(store_conn(st), "SELECT * FROM sessions", &s), SQL_OK);
	while (sql_step(s) == SQL_ROW) {
		rows++;
		for (int i = 0; i < sql_col_count(s); i++) {
			const void *v = sql_col_blob(s, i);
			int n = sql_col_bytes(s, i);

			ck_assert_msg(!v || !memmem(v, (size_t)n, token, 43),
				      "the token's text is stored in column %d", i);
			ck_assert_msg(!v || !memmem(v, (size_t)n, token, 16),
				      "part of the token's text is stored in column %d", i);
			if (i == 1) {
				ck_assert_int_eq(n, 32);
				ck_assert(!memcmp(v, h, 32));
			}
		}
	}
	sql_finalize(s);
	ck_assert_int_eq(rows, 1);
}
END_TEST

START_TEST(resolve_gives_the_user)
{
	char token[OS_TOKEN_STR_LEN], other[OS_TOKEN_STR_LEN];
	struct user u;

	create(&session_default_policy, token);
	memset(&u, 0, sizeof u);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, token, 0, &u), OS_OK);
	ck_assert_int_eq(u.id, uid);
	ck_assert_str_eq(u.username, "anna");
	ck_assert_int_eq(u.role, ROLE_EMPLOYEE);
	/* Two sessions of the same user are independent. */
	create(&session_default_policy, other);
	ck_assert_str_ne(token, other);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, other, 0, &u), OS_OK);
	ck_assert_int_eq(u.id, uid);
}
END_TEST

START_TEST(revoked_sessions_do_not_resolve)
{
	char token[OS_TOKEN_STR_LEN], other[OS_TOKEN_STR_LEN];
	struct user u;

	create(&session_default_policy, token);
	create(&session_default_policy, other);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(session_revoke(st, token), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, token, 0, &u), OS_EUNAUTH);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, token, 1, &u), OS_EUNAUTH);
	/* Only that one. */
	ck_assert_int_eq(session_resolve(st, &session_default_policy, other, 0, &u), OS_OK);
	/* Revoking what does not exist, or is not a token, is harmless. */
	ck_assert_int_eq(session_revoke(st, token), OS_OK);
	ck_assert_int_eq(session_revoke(st, "nonsense"), OS_OK);
	ck_assert_int_eq(session_revoke(st, NULL), OS_OK);
	/* Revoking all of a user's sessions. */
	ck_assert_int_eq(store_session_revoke_user(st, uid, os_now_ms()), OS_OK);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, other, 0, &u), OS_EUNAUTH);
}
END_TEST

START_TEST(idle_sessions_expire)
{
	const struct session_policy pol = {.idle_ms = 5000, .absolute_ms = 3600 * 1000};
	char token[OS_TOKEN_STR_LEN];
	int64_t now = os_now_ms();
	struct user u;

	session_token_new(token);
	/* Created, and last seen, 10 s ago. */
	insert_raw(token, now - 10000, now + 3600 * 1000);
	ck_assert_int_eq(session_resolve(st, &pol, token, 1, &u), OS_EUNAUTH);
	/* With a longer idle limit the same session is alive. */
	{
		const struct session_policy lax = {.idle_ms = 60000, .absolute_ms = 3600 * 1000};

		ck_assert_int_eq(session_resolve(st, &lax, token, 0, &u), OS_OK);
	}
	/* And a fresh one under the tight policy, until it idles out. */
	{
		const struct session_policy tiny = {.idle_ms = 1000, .absolute_ms = 3600 * 1000};
		char t2[OS_TOKEN_STR_LEN];

		create(&tiny, t2);
		ck_assert_int_eq(session_resolve(st, &tiny, t2, 0, &u), OS_OK);
		usleep(1300 * 1000);
		ck_assert_int_eq(session_resolve(st, &tiny, t2, 0, &u), OS_EUNAUTH);
	}
}
END_TEST

START_TEST(absolute_expiry_holds_even_when_active)
{
	const struct session_policy lax = {.idle_ms = 3600 * 1000, .absolute_ms = 3600 * 1000};
	char token[OS_TOKEN_STR_LEN];
	int64_t now = os_now_ms();
	struct user u;

	session_token_new(token);
	/* Seen just now, but past its absolute limit. */
	insert_raw(token, now, now - 1);
	ck_assert_int_eq(session_resolve(st, &lax, token, 1, &u), OS_EUNAUTH);

	/* session_create applies the policy's absolute limit. */
	{
		const struct session_policy shortlived = {.idle_ms = 3600 * 1000,
							  .absolute_ms = 1000};
		char t2[OS_TOKEN_STR_LEN];

		create(&shortlived, t2);
		ck_assert_int_eq(session_resolve(st, &shortlived, t2, 1, &u), OS_OK);
		usleep(1300 * 1000);
		ck_assert_int_eq(session_resolve(st, &shortlived, t2, 1, &u), OS_EUNAUTH);
	}
}
END_TEST

START_TEST(touch_marks_seen_but_not_on_every_request)
{
	char old[OS_TOKEN_STR_LEN], fresh[OS_TOKEN_STR_LEN];
	int64_t now = os_now_ms();
	struct user u;

	session_token_new(old);
	insert_raw(old, now - 3600 * 1000, now + 3600 * 1000);
	/* Without touch, nothing is written. */
	ck_assert_int_eq(session_resolve(st, &session_default_policy, old, 0, &u), OS_OK);
	ck_assert_int_eq(store_group_open(st), 0);
	ck_assert_int_eq(last_seen_of(old), now - 3600 * 1000);
	/* With touch, an hour-old last_seen is brought up to date. */
	ck_assert_int_eq(session_resolve(st, &session_default_policy, old, 1, &u), OS_OK);
	ck_assert_int_ge(last_seen_of(old), now);
	ck_assert_int_eq(store_commit(st), OS_OK);

	/* A session seen a moment ago is not rewritten on each request. */
	create(&session_default_policy, fresh);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, fresh, 1, &u), OS_OK);
	ck_assert_int_eq(store_group_open(st), 0);
}
END_TEST

START_TEST(disabled_users_cannot_resolve)
{
	char token[OS_TOKEN_STR_LEN];
	struct user u;

	create(&session_default_policy, token);
	ck_assert_int_eq(store_user_set_disabled(st, uid, 1), OS_OK);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, token, 1, &u), OS_EUNAUTH);
	ck_assert_int_eq(store_user_set_disabled(st, uid, 0), OS_OK);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, token, 0, &u), OS_OK);
	ck_assert_int_eq(store_user_set_disabled(st, 99999, 1), OS_ENOTFOUND);
}
END_TEST

START_TEST(malformed_tokens_are_refused)
{
	char token[OS_TOKEN_STR_LEN], bad[OS_TOKEN_STR_LEN + 8];
	struct user u;
	static const char *const junk[] = {
		"",
		"short",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",   /* 42 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* 44 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  /* padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",  /* standard base64 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
		"' OR 1=1 --AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3\xa9",
	};

	create(&session_default_policy, token);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, NULL, 0, &u), OS_EUNAUTH);
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		ck_assert_msg(session_resolve(st, &session_default_policy, junk[i], 0, &u) ==
				      OS_EUNAUTH,
			      "resolved '%s'", junk[i]);
	/* The real token with something around it. */
	snprintf(bad, sizeof bad, "%s ", token);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, bad, 0, &u), OS_EUNAUTH);
	snprintf(bad, sizeof bad, " %s", token);
	ck_assert_int_eq(session_resolve(st, &session_default_policy, bad, 0, &u), OS_EUNAUTH);
	/* Well formed but unknown. */
	memcpy(bad, token, sizeof token);
	bad[0] = bad[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(session_resolve(st, &session_default_policy, bad, 0, &u), OS_EUNAUTH);
	/* The real one still works. */
	ck_assert_int_eq(session_resolve(st, &session_default_policy, token, 0, &u), OS_OK);
}
END_TEST

/* Of several nodes on one database one sends the mail: the lead is one
 * connection's at a time and passes on when it closes. A SQLite database
 * serves one node, which always leads. */
START_TEST(one_connection_leads_and_the_lead_passes_on)
{
	char target[1024];
	struct store *other = NULL, *third = NULL;
	int lead = 0;

	if (!T.pg_schema[0]) {
		ck_assert_int_eq(store_try_lead(st, STORE_LEAD_MAILER), 1);
		ck_assert_int_eq(store_try_lead(st, STORE_LEAD_MAILER), 1);
		return;
	}
	snprintf(target, sizeof target, "%s%soptions=-csearch_path%%3D%s", fx_pg_url(),
		 strchr(fx_pg_url(), '?') ? "&" : "?", T.pg_schema);
	ck_assert_int_eq(store_open(target, STORE_SYNC_FULL, &other), OS_OK);
	ck_assert_int_eq(store_open(target, STORE_SYNC_FULL, &third), OS_OK);
	ck_assert_int_eq(store_try_lead(st, STORE_LEAD_MAILER), 1);
	/* Asking again keeps it; the others stand by. */
	ck_assert_int_eq(store_try_lead(st, STORE_LEAD_MAILER), 1);
	ck_assert_int_eq(store_try_lead(other, STORE_LEAD_MAILER), 0);
	ck_assert_int_eq(store_try_lead(third, STORE_LEAD_MAILER), 0);
	/* The leader's connection ends (a node dies): one other takes over,
	 * once the server has seen it go. */
	store_close(st);
	st = NULL;
	for (int i = 0; i < 500 && !lead; i++) {
		lead = store_try_lead(other, STORE_LEAD_MAILER);
		if (!lead)
			usleep(10000);
	}
	ck_assert_int_eq(lead, 1);
	ck_assert_int_eq(store_try_lead(third, STORE_LEAD_MAILER), 0);
	store_close(other);
	store_close(third);
	/* teardown closes st: open it again for it */
	ck_assert_int_eq(store_open(target, STORE_SYNC_FULL, &st), OS_OK);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("sessions");

	if (sodium_init() < 0)
		return 1;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tokens_are_43_base64url_chars_and_unique);
	tcase_add_test(tc, token_hash_is_blake2b_256_of_the_text);
	tcase_add_test(tc, only_the_hash_is_stored);
	tcase_add_test(tc, resolve_gives_the_user);
	tcase_add_test(tc, revoked_sessions_do_not_resolve);
	tcase_add_test(tc, idle_sessions_expire);
	tcase_add_test(tc, absolute_expiry_holds_even_when_active);
	tcase_add_test(tc, touch_marks_seen_but_not_on_every_request);
	tcase_add_test(tc, disabled_users_cannot_resolve);
	tcase_add_test(tc, malformed_tokens_are_refused);
	tcase_add_test(tc, one_connection_leads_and_the_lead_passes_on);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
