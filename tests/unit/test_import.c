/*
 * src/forum/import.c: the staff list. A good file creates the missing
 * accounts and updates the changed ones without touching a password; a
 * file with any bad line changes nothing and names every bad line with its
 * number and reason; a dry run only counts.
 */
#include "fixture.h"

#include "forum/import.h"

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

/* Imports data as the command line does: one operation, kept only when
 * every line was good. */
static int
run(const char *data, int dry, struct import_result *res)
{
	int rc;

	fx_begin(&X);
	rc = import_staff(X.f, NULL, data, strlen(data), dry, res);
	ck_assert_int_eq(store_op_end(X.st, rc == OS_OK && !res->nerrors && !dry), OS_OK);
	ck_assert_int_eq(store_commit(X.st), OS_OK);
	return rc;
}

/* The account's columns as one string, "" when absent. */
static void
row(const char *username, char *out, size_t outsz)
{
	struct sql_stmt *s = NULL;

	out[0] = '\0';
	ck_assert_int_eq(sql_prepare(store_conn(X.st),
				     "SELECT username || '|' || display_name || '|' || email "
				     "|| '|' || role || '|' || org || '|' || source || '|' || "
				     "pw_hash || '|' || disabled FROM users WHERE username = ?1",
				     &s), SQL_OK);
	sql_bind_text(s, 1, username, -1);
	if (sql_step(s) == SQL_ROW)
		snprintf(out, outsz, "%s", (const char *)sql_col_text(s, 0));
	sql_finalize(s);
}

static uint64_t
fingerprint(void)
{
	/* fx_fingerprint() and the columns it leaves out. */
	return fx_fingerprint(&X) ^
	       fx_hash_rows(&X, "SELECT id, email, source, pw_hash FROM users ORDER BY id");
}

START_TEST(good_file_creates_and_updates)
{
	struct import_result res;
	char got[512];

	/* Existing: anna (employee, org Acme, pw "not-a-real-hash"). */
	ck_assert_int_eq(run("\xEF\xBB\xBFUsername,Display_Name,EMAIL,role,org\r\n"
			     "ANNA,\"Berg, Anna\",anna@example.com,manager,Sales\r\n"
			     "bert,bert,,employee,Acme\r\n"
			     "new.one,\"Ny \"\"Nye\"\" Person\",new@example.com,,\r\n"
			     "boss,,boss@example.com,Admin,\"HQ\nOslo\"\r\n", 0, &res),
			 OS_OK);
	/* The organisation with a line break is refused, and so all is. */
	ck_assert_int_eq(res.nerrors, 1);
	ck_assert_int_eq(res.errors[0].line, 5);
	ck_assert_int_eq(res.created, 0);
	import_result_clear(&res);
	row("new.one", got, sizeof got);
	ck_assert_str_eq(got, "");
	ck_assert_int_eq(run("username,display_name,email,role,org\n"
			     "ANNA,\"Berg, Anna\",anna@example.com,manager,Sales\n"
			     "bert,bert,,employee,Acme\n"
			     "new.one,\"Ny \"\"Nye\"\" Person\",new@example.com,,\n"
			     "boss,,boss@example.com,Admin,HQ Oslo", 0, &res),
			 OS_OK);
	ck_assert_int_eq(res.nerrors, 0);
	ck_assert_int_eq(res.rows, 4);
	ck_assert_int_eq(res.created, 2);
	ck_assert_int_eq(res.updated, 1);
	ck_assert_int_eq(res.unchanged, 1);
	import_result_clear(&res);
	row("anna", got, sizeof got);
	/* The name keeps its spelling, the password its hash. */
	ck_assert_str_eq(got, "anna|Berg, Anna|anna@example.com|manager|Sales|local|"
			      "not-a-real-hash|0");
	row("new.one", got, sizeof got);
	ck_assert_str_eq(got, "new.one|Ny \"Nye\" Person|new@example.com|employee||local||0");
	row("boss", got, sizeof got);
	ck_assert_str_eq(got, "boss|boss|boss@example.com|admin|HQ Oslo|local||0");
	/* Once more: nothing to do. */
	ck_assert_int_eq(run("username,display_name,email,role,org\n"
			     "anna,\"Berg, Anna\",anna@example.com,manager,Sales\n"
			     "new.one,\"Ny \"\"Nye\"\" Person\",new@example.com,employee,\n", 0, &res),
			 OS_OK);
	ck_assert_int_eq(res.nerrors, 0);
	ck_assert_int_eq(res.unchanged, 2);
	ck_assert_int_eq(res.updated + res.created, 0);
	import_result_clear(&res);
}
END_TEST

START_TEST(bad_lines_are_all_listed_and_nothing_is_written)
{
	struct import_result res;
	uint64_t before = fingerprint();
	char *long_org = fx_repeat("ø", OS_ORG_MAX + 1), *data;
	size_t cap = 4096;

	data = malloc(cap);
	snprintf(data, cap,
		 "username,display_name,email,role,org\n"
		 "fine,Fine,fine@example.com,,\n"            /* 2 */
		 "bad user,X,,,\n"                            /* 3 */
		 "toolongtoolongtoolongtoolongtoolong,X,,,\n" /* 4 */
		 "x1,X,not-an-email,,\n"                      /* 5 */
		 "x2,X,,chief,\n"                             /* 6 */
		 "x3,X,,,%s\n"                                /* 7 */
		 "FINE,Again,,,\n"                            /* 8 */
		 "x4,X,,\n"                                   /* 9 */
		 "x5,\"open,,,\n"                             /* 10 to the end */
		 "x6,X,,,\n",
		 long_org);
	ck_assert_int_eq(run(data, 0, &res), OS_OK);
	ck_assert_int_eq(res.nerrors, 8);
	ck_assert_int_eq(res.errors[0].line, 3);
	ck_assert_ptr_nonnull(strstr(res.errors[0].reason, "letters, digits"));
	ck_assert_int_eq(res.errors[1].line, 4);
	ck_assert_ptr_nonnull(strstr(res.errors[1].reason, "over 32"));
	ck_assert_int_eq(res.errors[2].line, 5);
	ck_assert_str_eq(res.errors[2].reason, "the email address is not valid");
	ck_assert_int_eq(res.errors[3].line, 6);
	ck_assert_ptr_nonnull(strstr(res.errors[3].reason, "unknown role"));
	ck_assert_int_eq(res.errors[4].line, 7);
	ck_assert_str_eq(res.errors[4].reason, "the organisation is over 80 characters");
	ck_assert_int_eq(res.errors[5].line, 8);
	ck_assert_str_eq(res.errors[5].reason, "the username 'fine' is on line 2 already");
	ck_assert_int_eq(res.errors[6].line, 9);
	ck_assert_ptr_nonnull(strstr(res.errors[6].reason, "4 columns"));
	ck_assert_int_eq(res.errors[7].line, 10);
	ck_assert_str_eq(res.errors[7].reason, "a quoted field is not closed");
	import_result_clear(&res);
	ck_assert_uint_eq(fingerprint(), before);
	fx_assert_no_event(&X);
	free(data);
	free(long_org);
}
END_TEST

START_TEST(header_utf8_and_text_limits)
{
	struct import_result res;
	uint64_t before = fingerprint();
	char *long_name = fx_repeat("a", OS_DISPLAY_MAX + 1), data[1024];

	ck_assert_int_eq(run("username,email,display_name,role,org\nanna,A,a@b.co,,\n", 0, &res),
			 OS_OK);
	ck_assert_int_eq(res.nerrors, 1);
	ck_assert_int_eq(res.errors[0].line, 1);
	ck_assert_ptr_nonnull(strstr(res.errors[0].reason, IMPORT_HEADER));
	import_result_clear(&res);
	ck_assert_int_eq(run("", 0, &res), OS_OK);
	ck_assert_int_eq(res.nerrors, 1);
	ck_assert_int_eq(res.errors[0].line, 1);
	import_result_clear(&res);
	snprintf(data, sizeof data,
		 "username,display_name,email,role,org\n"
		 "u1,\xC3\x28,,,\n"
		 "u2,%s,,,\n"
		 "u3,Tab\there,,,\n"
		 "u4,X,%0255d@b.co,,\n", long_name, 0);
	ck_assert_int_eq(run(data, 0, &res), OS_OK);
	ck_assert_int_eq(res.nerrors, 4);
	ck_assert_str_eq(res.errors[0].reason, "not valid UTF-8");
	ck_assert_int_eq(res.errors[0].line, 2);
	ck_assert_str_eq(res.errors[1].reason, "the display name is over 80 characters");
	ck_assert_ptr_nonnull(strstr(res.errors[2].reason, "control character"));
	ck_assert_str_eq(res.errors[3].reason, "the email address is over 254 characters");
	import_result_clear(&res);
	ck_assert_uint_eq(fingerprint(), before);
	free(long_name);
}
END_TEST

START_TEST(dry_run_writes_nothing)
{
	static const char data[] = "username,display_name,email,role,org\n"
				   "anna,Anna B,,manager,\nnewbie,,,,\n";
	struct import_result res;
	uint64_t before = fingerprint();

	/* Even when its caller keeps what it did. */
	fx_begin(&X);
	ck_assert_int_eq(import_staff(X.f, NULL, data, strlen(data), 1, &res), OS_OK);
	fx_end(&X, OS_OK);
	ck_assert_int_eq(res.nerrors, 0);
	ck_assert_int_eq(res.created, 1);
	ck_assert_int_eq(res.updated, 1);
	ck_assert_int_eq(res.unchanged, 0);
	import_result_clear(&res);
	ck_assert_uint_eq(fingerprint(), before);
}
END_TEST

START_TEST(import_keeps_an_enabled_admin)
{
	struct import_result res;
	uint64_t before = fingerprint();
	char got[512];

	/* root is the only admin. */
	ck_assert_int_eq(run("username,display_name,email,role,org\n"
			     "x,,,,\nroot,Root,,manager,\n", 0, &res), OS_OK);
	ck_assert_int_eq(res.nerrors, 1);
	ck_assert_int_eq(res.errors[0].line, 3);
	ck_assert_ptr_nonnull(strstr(res.errors[0].reason, "no enabled admin"));
	import_result_clear(&res);
	ck_assert_uint_eq(fingerprint(), before);
	/* With a new admin in the same file, it may go. */
	ck_assert_int_eq(run("username,display_name,email,role,org\n"
			     "root,Root,,manager,\nchief,,,admin,\n", 0, &res), OS_OK);
	ck_assert_int_eq(res.nerrors, 0);
	import_result_clear(&res);
	row("root", got, sizeof got);
	ck_assert_str_eq(got, "root|Root||manager||local|not-a-real-hash|0");
}
END_TEST

START_TEST(directory_accounts_are_updated_and_keep_their_source)
{
	struct import_result res;
	char got[512];

	ck_assert_int_eq(FX_W(&X, store_user_set_source(X.st, X.emp2.id, SOURCE_DIRECTORY)),
			 OS_OK);
	ck_assert_int_eq(FX_W(&X, store_user_set_disabled(X.st, X.emp.id, 1)), OS_OK);
	ck_assert_int_eq(run("username,display_name,email,role,org\n"
			     "bert,Bert B,bert@example.com,,Support\n"
			     "anna,Anna,,customer,Acme\n", 0, &res), OS_OK);
	ck_assert_int_eq(res.nerrors, 0);
	ck_assert_int_eq(res.updated, 2);
	import_result_clear(&res);
	row("bert", got, sizeof got);
	ck_assert_str_eq(got, "bert|Bert B|bert@example.com|employee|Support|directory|"
			      "not-a-real-hash|0");
	/* Disabled stays disabled. */
	row("anna", got, sizeof got);
	ck_assert_str_eq(got, "anna|Anna||customer|Acme|local|not-a-real-hash|1");
	/* Each changed account tells its open connections. */
	ck_assert_int_eq(X.nev, 2);
	ck_assert_int_eq(X.ev[0].type, EV_USER_UPDATED);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_file_creates_and_updates);
	tcase_add_test(tc, bad_lines_are_all_listed_and_nothing_is_written);
	tcase_add_test(tc, header_utf8_and_text_limits);
	tcase_add_test(tc, dry_run_writes_nothing);
	tcase_add_test(tc, import_keeps_an_enabled_admin);
	tcase_add_test(tc, directory_accounts_are_updated_and_keep_their_source);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
