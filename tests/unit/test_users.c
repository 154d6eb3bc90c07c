/*
 * src/forum/users.c: the people admin at the forum level. The last-admin
 * rule (nobody demotes or disables the last enabled admin, neither from
 * the protocol nor from the command line), the listing's filters and
 * paging over many accounts, account changes with their checks, audit and
 * event, reset links (one use, 24 hours, not for directory accounts) and
 * password changes that end the other sessions.
 */
#include "fixture.h"

#include <sodium.h>

#include "auth/password.h"
#include "auth/session.h"
#include "forum/users.h"
#include "store/audit.h"
#include "store/resets.h"
#include "store/sessions.h"

static struct fx X;

static void
setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	fx_open(&X, 0);
}

static void
teardown(void)
{
	fx_close(&X);
}

static int
set_role(const struct user *caller, int64_t id, int role)
{
	struct account_changes ch = {.has_role = 1, .role = role};
	struct account out;
	const char *field;

	return FX_W(&X, users_update(X.f, caller, id, &ch, &out, &field));
}

static int64_t
count_where(const char *sql)
{
	return fx_query_int64(&X, sql);
}

START_TEST(last_admin_cannot_be_demoted_or_disabled)
{
	struct user admin2;
	uint64_t before;

	/* The fixture has one admin, root. Nobody can take that away. */
	before = fx_fingerprint(&X);
	ck_assert_int_eq(set_role(&X.admin, X.admin.id, ROLE_MANAGER), OS_ECONFLICT);
	ck_assert_int_eq(set_role(NULL, X.admin.id, ROLE_EMPLOYEE), OS_ECONFLICT);
	ck_assert_int_eq(FX_W(&X, users_set_disabled(X.f, NULL, X.admin.id, 1)), OS_ECONFLICT);
	ck_assert_uint_eq(fx_fingerprint(&X), before);
	fx_assert_no_event(&X);

	/* With a second admin, either may go; then the other is the last. */
	fx_user(&X, "admin2", ROLE_ADMIN, &admin2);
	ck_assert_int_eq(set_role(&admin2, X.admin.id, ROLE_MANAGER), OS_OK);
	ck_assert_int_eq(set_role(&admin2, admin2.id, ROLE_EMPLOYEE), OS_ECONFLICT);
	/* Back to two, then one disabled: the other is the last enabled. */
	ck_assert_int_eq(set_role(&admin2, X.admin.id, ROLE_ADMIN), OS_OK);
	ck_assert_int_eq(FX_W(&X, users_set_disabled(X.f, &X.admin, admin2.id, 1)), OS_OK);
	ck_assert_int_eq(set_role(NULL, X.admin.id, ROLE_EMPLOYEE), OS_ECONFLICT);
	/* A disabled admin can be demoted: it leaves nobody without one. */
	ck_assert_int_eq(set_role(&X.admin, admin2.id, ROLE_MANAGER), OS_OK);
	/* Promoting someone else first makes the demotion possible. */
	ck_assert_int_eq(set_role(&X.admin, X.mgr.id, ROLE_ADMIN), OS_OK);
	ck_assert_int_eq(set_role(NULL, X.admin.id, ROLE_EMPLOYEE), OS_OK);
	ck_assert_int_eq(store_admins_enabled(X.st), 1);
}
END_TEST

START_TEST(only_admins_manage_people)
{
	struct account_query q = {.role = -1, .disabled = -1, .limit = 50};
	struct account *list = NULL, a;
	char token[OS_TOKEN_STR_LEN];
	int64_t total, exp;
	size_t n;

	ck_assert_int_eq(users_list(X.f, &X.mgr, &q, &list, &n, &total), OS_EFORBIDDEN);
	ck_assert_ptr_null(list);
	ck_assert_int_eq(set_role(&X.mgr, X.emp.id, ROLE_MANAGER), OS_EFORBIDDEN);
	ck_assert_int_eq(FX_W(&X, users_reset_create(X.f, &X.emp, X.emp2.id, token, &exp)),
			 OS_EFORBIDDEN);
	ck_assert_int_eq(FX_W(&X, users_set_disabled(X.f, &X.mgr, X.emp.id, 1)), OS_EFORBIDDEN);
	/* One's own account, yes; someone else's, no. */
	ck_assert_int_eq(users_get(X.f, &X.emp, X.emp.id, &a), OS_OK);
	ck_assert_str_eq(a.user.username, "anna");
	ck_assert_int_eq(users_get(X.f, &X.emp, X.emp2.id, &a), OS_EFORBIDDEN);
	ck_assert_int_eq(users_get(X.f, &X.admin, X.emp2.id, &a), OS_OK);
}
END_TEST

/* Adds n accounts named p0000.. with varied fields. */
static void
many(int n)
{
	static const char *const orgs[] = {"Sales", "R&D", "Øresund Logistics", ""};

	fx_begin(&X);
	for (int i = 0; i < n; i++) {
		struct account a = {0};
		int64_t id;

		snprintf(a.user.username, sizeof a.user.username, "p%04d", i);
		snprintf(a.user.display_name, sizeof a.user.display_name, "%s %d",
			 i % 2 ? "Åsa" : "Per", i);
		snprintf(a.user.org, sizeof a.user.org, "%s", orgs[i % 4]);
		snprintf(a.email, sizeof a.email, "p%d@%s.example.com", i,
			 i % 3 ? "north" : "south");
		a.user.role = i % 10 == 0 ? ROLE_MANAGER : ROLE_EMPLOYEE;
		a.source = SOURCE_LOCAL;
		ck_assert_int_eq(store_account_insert(X.st, &a, "", &id), OS_OK);
		if (i % 7 == 0)
			ck_assert_int_eq(store_user_set_disabled(X.st, id, 1), OS_OK);
	}
	fx_end(&X, OS_OK);
}

static int64_t
list(struct account_query *q, struct account **out, size_t *n)
{
	int64_t total = -1;

	ck_assert_int_eq(users_list(X.f, &X.admin, q, out, n, &total), OS_OK);
	return total;
}

START_TEST(list_filters_and_pages)
{
	struct account_query q = {.role = -1, .disabled = -1, .limit = 50};
	struct account *got;
	char prev[OS_USERNAME_SZ] = "";
	int64_t seen = 0, total;
	size_t n;

	many(1000);
	/* Everyone, in pages of 50, in username order, each once. */
	total = list(&q, &got, &n);
	ck_assert_int_eq(total, 1006);
	free(got);
	for (q.offset = 0; q.offset < total; q.offset += q.limit) {
		list(&q, &got, &n);
		ck_assert_int_eq(n, q.offset + 50 <= total ? 50 : (size_t)(total - q.offset));
		for (size_t i = 0; i < n; i++) {
			ck_assert_msg(strcasecmp(prev, got[i].user.username) < 0, "%s after %s",
				      got[i].user.username, prev);
			snprintf(prev, sizeof prev, "%s", got[i].user.username);
			seen++;
		}
		free(got);
	}
	ck_assert_int_eq(seen, 1006);
	/* Past the end: nothing, but the total still. */
	q.offset = 5000;
	ck_assert_int_eq(list(&q, &got, &n), 1006);
	ck_assert_int_eq(n, 0);
	free(got);

	/* By role, and by disabled. */
	q.offset = 0;
	q.limit = 200;
	q.role = ROLE_MANAGER;
	ck_assert_int_eq(list(&q, &got, &n), 100 + 1);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(got[i].user.role, ROLE_MANAGER);
	free(got);
	q.disabled = 1;
	/* i % 10 == 0 and i % 7 == 0: i % 70 == 0, 0..980: 15. */
	ck_assert_int_eq(list(&q, &got, &n), 15);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(got[i].user.disabled, 1);
	free(got);
	q.role = -1;
	q.disabled = 0;
	ck_assert_int_eq(list(&q, &got, &n), 1006 - 143);
	free(got);

	/* Text in any field, in any case, Nordic letters too. */
	q.disabled = -1;
	q.text = "p0123";
	ck_assert_int_eq(list(&q, &got, &n), 1);
	ck_assert_str_eq(got[0].user.username, "p0123");
	ck_assert_str_eq(got[0].email, "p123@south.example.com");
	ck_assert_int_eq(got[0].source, SOURCE_LOCAL);
	ck_assert_int_eq(got[0].last_seen_at, 0);
	free(got);
	q.text = "ÅSA 99";  /* display names "Åsa 99", "Åsa 991".. */
	ck_assert_int_eq(list(&q, &got, &n), 1 + 5);
	free(got);
	q.text = "øresund";
	ck_assert_int_eq(list(&q, &got, &n), 250);
	free(got);
	q.text = "SOUTH.example";
	ck_assert_int_eq(list(&q, &got, &n), 334);
	free(got);
	q.text = "r&d";
	q.role = ROLE_MANAGER;
	/* org R&D: i % 4 == 1, managers i % 10 == 0: none are both. */
	ck_assert_int_eq(list(&q, &got, &n), 0);
	ck_assert_ptr_null(got);
	q.text = "no such person";
	q.role = -1;
	ck_assert_int_eq(list(&q, &got, &n), 0);
}
END_TEST

START_TEST(update_checks_audits_and_emits)
{
	struct account_changes ch = {0};
	struct account out;
	const char *field;
	uint64_t before = fx_fingerprint(&X);
	char *long_name = fx_repeat("é", OS_DISPLAY_MAX + 1);

	ch.email = "not an address";
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, X.emp.id, &ch, &out, &field)),
			 OS_EBADREQ);
	ck_assert_str_eq(field, "email");
	ch.email = NULL;
	ch.display_name = "   ";
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, X.emp.id, &ch, &out, &field)),
			 OS_EBADREQ);
	ch.display_name = "Two\nlines";
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, X.emp.id, &ch, &out, &field)),
			 OS_EBADREQ);
	ck_assert_str_eq(field, "display_name");
	ch.display_name = long_name;
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, X.emp.id, &ch, &out, &field)),
			 OS_ETOOLARGE);
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, 9999, &ch, &out, &field)),
			 OS_ENOTFOUND);
	ck_assert_uint_eq(fx_fingerprint(&X), before);
	fx_assert_no_event(&X);

	ch.display_name = "  Anna Berg  ";
	ch.email = " Anna.Berg@Example.COM ";
	ch.org = "Sales";
	ch.has_role = 1;
	ch.role = ROLE_MANAGER;
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, X.emp.id, &ch, &out, &field)),
			 OS_OK);
	ck_assert_str_eq(out.user.display_name, "Anna Berg");
	ck_assert_str_eq(out.email, "Anna.Berg@Example.COM");
	ck_assert_str_eq(out.user.org, "Sales");
	ck_assert_int_eq(out.user.role, ROLE_MANAGER);
	fx_assert_one_event(&X, EV_USER_UPDATED, 0, 0);
	ck_assert_int_eq(count_where("SELECT count(*) FROM audit_log WHERE action = 'user.update' "
				     "AND detail LIKE 'anna: role employee -> manager, display "
				     "name, organisation, email'"), 1);
	/* The same again changes nothing: no audit, no event. */
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, X.emp.id, &ch, &out, &field)),
			 OS_OK);
	fx_assert_no_event(&X);
	ck_assert_int_eq(count_where("SELECT count(*) FROM audit_log WHERE action = "
				     "'user.update'"), 1);
	/* An empty email clears it. */
	memset(&ch, 0, sizeof ch);
	ch.email = "";
	ck_assert_int_eq(FX_W(&X, users_update(X.f, &X.admin, X.emp.id, &ch, &out, &field)),
			 OS_OK);
	ck_assert_str_eq(out.email, "");
	free(long_name);
}
END_TEST

START_TEST(email_addresses)
{
	static const char *const good[] = {"a@b.co", "anna.berg+x@mail.example.com",
					   "o'neil@ex-ample.org", "x_y@a.b.c.d"};
	static const char *const bad[] = {"", "@b.co", "a@", "a@b", "a@@b.co", "a b@c.de",
					  "a@b..co", ".a@b.co", "a.@b.co", "a..b@c.de",
					  "a@-b.co", "a@b-.co", "åsa@b.co", "a@b.co.", "a@b,co"};
	char longer[300];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(os_email_valid(good[i]), "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!os_email_valid(bad[i]), "%s", bad[i]);
	memset(longer, 'a', 65);
	snprintf(longer + 65, sizeof longer - 65, "@b.co");
	ck_assert(!os_email_valid(longer));
}
END_TEST

static int64_t
session(const struct user *u, unsigned char hash[32])
{
	char token[OS_TOKEN_STR_LEN];

	fx_begin(&X);
	ck_assert_int_eq(fx_end(&X, session_create(X.st, &session_default_policy, u->id, token)),
			 OS_OK);
	session_token_hash(token, hash);
	return 0;
}

static int
live(const unsigned char hash[32])
{
	struct user u;

	return session_check_hash(X.st, &session_default_policy, hash, &u) == OS_OK;
}

START_TEST(reset_links_are_single_use_and_expire)
{
	char token[OS_TOKEN_STR_LEN], token2[OS_TOKEN_STR_LEN];
	unsigned char s1[32], s2[32];
	struct password_reset r;
	struct account a;
	struct user out;
	int64_t exp, now = os_now_ms();

	ck_assert_int_eq(FX_W(&X, users_reset_create(X.f, &X.admin, X.emp.id, token, &exp)),
			 OS_OK);
	ck_assert_int_ge(exp, now + 24LL * 3600 * 1000 - 5000);
	ck_assert_int_le(exp, os_now_ms() + 24LL * 3600 * 1000);
	ck_assert_int_eq(users_reset_check(X.f, token, &r, &a), OS_OK);
	ck_assert_int_eq(a.user.id, X.emp.id);
	/* Only the hash is kept. */
	ck_assert_int_eq(count_where("SELECT count(*) FROM password_resets "
				     "WHERE length(token_hash) = 32"), 1);
	ck_assert_int_eq(users_reset_check(X.f, "nope", &r, &a), OS_ENOTFOUND);
	/* A newer link ends the older one. */
	ck_assert_int_eq(FX_W(&X, users_reset_create(X.f, &X.admin, X.emp.id, token2, &exp)),
			 OS_OK);
	ck_assert_int_eq(users_reset_check(X.f, token, &r, &a), OS_ERESETEXPIRED);

	/* Using it sets the password and ends every session. */
	session(&X.emp, s1);
	session(&X.emp, s2);
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, users_reset_use(X.f, token2, "new-hash", &out)), OS_OK);
	ck_assert_int_eq(out.id, X.emp.id);
	fx_assert_one_event(&X, EV_SESSIONS_ENDED, 0, 0);
	ck_assert(!live(s1) && !live(s2));
	ck_assert_int_eq(count_where("SELECT count(*) FROM users WHERE username = 'anna' "
				     "AND pw_hash = 'new-hash'"), 1);
	ck_assert_int_eq(FX_W(&X, users_reset_use(X.f, token2, "other", &out)), OS_ERESETUSED);
	ck_assert_int_eq(users_reset_check(X.f, token2, &r, &a), OS_ERESETUSED);

	/* Past its time. */
	ck_assert_int_eq(FX_W(&X, users_reset_create(X.f, &X.admin, X.emp2.id, token, &exp)),
			 OS_OK);
	ck_assert_int_eq(fx_exec(&X,
				      "UPDATE password_resets SET expires_at = 1 "
				      "WHERE used_at IS NULL"), SQL_OK);
	ck_assert_int_eq(FX_W(&X, users_reset_use(X.f, token, "h", &out)), OS_ERESETEXPIRED);
}
END_TEST

START_TEST(no_reset_for_directory_or_disabled_accounts)
{
	char token[OS_TOKEN_STR_LEN];
	struct password_reset r;
	struct account a;
	int64_t exp;

	ck_assert_int_eq(FX_W(&X, store_user_set_source(X.st, X.emp.id, SOURCE_DIRECTORY)),
			 OS_OK);
	ck_assert_int_eq(FX_W(&X, users_reset_create(X.f, &X.admin, X.emp.id, token, &exp)),
			 OS_ECONFLICT);
	ck_assert_int_eq(FX_W(&X, users_set_disabled(X.f, &X.admin, X.emp2.id, 1)), OS_OK);
	ck_assert_int_eq(FX_W(&X, users_reset_create(X.f, &X.admin, X.emp2.id, token, &exp)),
			 OS_ECONFLICT);
	/* A link made before the account moved to the directory. */
	ck_assert_int_eq(FX_W(&X, users_reset_create(X.f, &X.admin, X.mgr.id, token, &exp)),
			 OS_OK);
	ck_assert_int_eq(FX_W(&X, store_user_set_source(X.st, X.mgr.id, SOURCE_DIRECTORY)),
			 OS_OK);
	ck_assert_int_eq(users_reset_check(X.f, token, &r, &a), OS_ECONFLICT);
	ck_assert_int_eq(count_where("SELECT count(*) FROM password_resets"), 1);
}
END_TEST

START_TEST(password_change_ends_other_sessions)
{
	unsigned char mine[32], other[32], someone[32];

	session(&X.emp, mine);
	session(&X.emp, other);
	session(&X.emp2, someone);
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, users_set_password(X.f, X.emp.id, "fresh", mine)), OS_OK);
	fx_assert_one_event(&X, EV_SESSIONS_ENDED, 0, 0);
	ck_assert(live(mine));
	ck_assert(!live(other));
	ck_assert(live(someone));
	ck_assert_int_eq(count_where("SELECT count(*) FROM audit_log "
				     "WHERE action = 'password.change'"), 1);
}
END_TEST

START_TEST(sign_in_without_a_password_never_matches)
{
	/* Imported accounts have pw_hash ''. */
	ck_assert_int_eq(password_verify("", ""), OS_EBADCRED);
	ck_assert_int_eq(password_verify("anything at all", ""), OS_EBADCRED);
}
END_TEST

START_TEST(sessions_in_use_mark_the_user_seen)
{
	unsigned char h[32];
	struct account a;
	struct user u;

	ck_assert_int_eq(store_account_by_id(X.st, X.emp.id, &a), OS_OK);
	ck_assert_int_eq(a.last_seen_at, 0);
	session(&X.emp, h);
	ck_assert_int_eq(store_account_by_id(X.st, X.emp.id, &a), OS_OK);
	ck_assert_int_ge(a.last_seen_at, os_now_ms() - 5000);
	/* A connection open for long keeps it up to date. */
	ck_assert_int_eq(fx_exec(&X,
				      "UPDATE sessions SET last_seen = last_seen - 600000; "
				      "UPDATE users SET last_seen_at = 1"),
			 SQL_OK);
	ck_assert_int_eq(session_check_live(X.st, &session_default_policy, h, &u), OS_OK);
	ck_assert_int_eq(store_commit(X.st), OS_OK);
	ck_assert_int_eq(store_account_by_id(X.st, X.emp.id, &a), OS_OK);
	ck_assert_int_ge(a.last_seen_at, os_now_ms() - 5000);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("users");
	TCase *tc = tcase_create("users");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, last_admin_cannot_be_demoted_or_disabled);
	tcase_add_test(tc, only_admins_manage_people);
	tcase_add_test(tc, list_filters_and_pages);
	tcase_add_test(tc, update_checks_audits_and_emits);
	tcase_add_test(tc, email_addresses);
	tcase_add_test(tc, reset_links_are_single_use_and_expire);
	tcase_add_test(tc, no_reset_for_directory_or_disabled_accounts);
	tcase_add_test(tc, password_change_ends_other_sessions);
	tcase_add_test(tc, sign_in_without_a_password_never_matches);
	tcase_add_test(tc, sessions_in_use_mark_the_user_seen);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
