/*
 * The needs in the exports (src/export/): each format carries the
 * round's needs with their ideas and support, as leadership asked for
 * them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "export/export.h"
#include "fixture.h"
#include "forum/needs.h"
#include "forum/posts.h"
#include "forum/priorities.h"
#include "forum/votes.h"

static struct fx X;
static int64_t R, P1, P2, P3, N1;

static int64_t
idea(const struct user *u, const char *title)
{
	struct post p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, u, R, KIND_IDEA, title, "Body", &p)), OS_OK);
	id = p.id;
	post_clear(&p);
	return id;
}

static void
vote(const struct user *u, int64_t post, int value)
{
	struct post p;

	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, u, post, 1, value, 0, 0, &p)), OS_OK);
	post_clear(&p);
}

static void
link_to(int64_t need, int target, int64_t id)
{
	struct need n;

	ck_assert_int_eq(FX_W(&X, needs_link(X.f, &X.mgr, need, target, id, 1, &n)), OS_OK);
	need_clear(&n);
}

/* A round with three ideas; the need "=Faster | delivery" (a title that
 * looks like a formula and holds Markdown's table bar) gathers two of
 * them and is answered by a priority. */
static void
setup(void)
{
	struct priority pr;
	struct need n;

	fx_open(&X, 0);
	ck_assert_int_eq(fx_exec(&X,
				      "UPDATE users SET org = 'Helio' WHERE username = 'cust'"), SQL_OK);
	ck_assert_int_eq(store_user_by_id(X.st, X.cust.id, &X.cust), OS_OK);
	R = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	fx_member(&X, R, &X.cust);
	P1 = idea(&X.emp, "Ship weekly");
	P2 = idea(&X.cust, "Fewer approvals");
	P3 = idea(&X.emp2, "Unrelated");
	ck_assert_int_eq(FX_W(&X, needs_create(X.f, &X.mgr, R, "=Faster | delivery",
					       "Customers wait *weeks*.", &n)), OS_OK);
	N1 = n.id;
	need_clear(&n);
	link_to(N1, NEED_POST, P1);
	link_to(N1, NEED_POST, P2);
	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, R, "Release train", "", 0, &pr)),
			 OS_OK);
	link_to(N1, NEED_PRIORITY, pr.id);
	priority_clear(&pr);
	vote(&X.emp, P1, 1);
	vote(&X.emp2, P1, 1);
	vote(&X.emp2, P2, -1);
	vote(&X.cust, P1, 1);
	vote(&X.mgr, P3, 1);
}

static void
teardown(void)
{
	fx_close(&X);
}

static char *
ex(int format, enum os_lang lang, size_t *len)
{
	char *s;

	ck_assert_int_eq(export_round(X.f, &X.admin, R, format, lang, &s, len), OS_OK);
	return s;
}

START_TEST(csv_names_each_posts_needs)
{
	size_t len;
	char *s = ex(EXPORT_CSV, OS_LANG_EN, &len), *line;
	char want[64];

	/* The header ends with the needs column, after the priority's. */
	ck_assert_ptr_nonnull(strstr(s, ",priority_milestones,needs\r\n"));
	/* A linked idea names the need, formula-safe and quoted (it holds
	 * no comma, but the apostrophe goes first). */
	snprintf(want, sizeof want, ",%lld,idea,Ship weekly,", (long long)P1);
	line = strstr(s, want);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(strncmp(strstr(line, "\r\n") - strlen(",'=Faster | delivery"),
				 ",'=Faster | delivery", strlen(",'=Faster | delivery")),
			 0);
	/* An idea that serves no need has an empty cell. */
	snprintf(want, sizeof want, ",%lld,idea,Unrelated,", (long long)P3);
	line = strstr(s, want);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(strstr(line, "\r\n")[-1], ',');
	free(s);
}
END_TEST

START_TEST(json_carries_needs_with_support)
{
	size_t len;
	char *s = ex(EXPORT_JSON, OS_LANG_EN, &len);
	cJSON *root = cJSON_Parse(s), *needs, *n, *sup, *orgs, *ideas;

	ck_assert_ptr_nonnull(root);
	needs = cJSON_GetObjectItemCaseSensitive(root, "needs");
	ck_assert_int_eq(cJSON_GetArraySize(needs), 1);
	n = cJSON_GetArrayItem(needs, 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(n, "need"), "title")->valuestring,
			 "=Faster | delivery");
	ideas = cJSON_GetObjectItemCaseSensitive(n, "ideas");
	ck_assert_int_eq(cJSON_GetArraySize(ideas), 2);
	/* Best first: P1 has three up votes. */
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ideas, 0),
							  "post")->valueint, (int)P1);
	sup = cJSON_GetObjectItemCaseSensitive(n, "support");
	/* Employees: two up on P1, one down on P2. */
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(sup, "employees"), "support")->valueint,
			 1);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(sup, "employees"), "people")->valueint,
			 2);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(sup, "customers"), "up")->valueint,
			 1);
	/* The manager voted on the unrelated idea only. */
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(sup, "managers"), "up")->valueint,
			 0);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(n, "total")->valueint, 2);
	orgs = cJSON_GetObjectItemCaseSensitive(n, "orgs");
	ck_assert_int_eq(cJSON_GetArraySize(orgs), 1);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(orgs, 0),
							  "org")->valuestring, "Helio");
	cJSON_Delete(root);
	free(s);
}
END_TEST

START_TEST(markdown_reports_needs)
{
	size_t len;
	char *s = ex(EXPORT_MD, OS_LANG_EN, &len);

	ck_assert_ptr_nonnull(strstr(s, "## Needs behind the ideas\n\n"));
	/* The title is text: its bar cannot open a table column. */
	ck_assert_ptr_nonnull(strstr(s, "### =Faster \\| delivery\n\n"));
	ck_assert_ptr_nonnull(strstr(s, "- Ship weekly (rank 1)\n"));
	ck_assert_ptr_nonnull(strstr(s, "Answered by: Release train."));
	ck_assert_ptr_nonnull(strstr(s, "Support: employees +1 from 2 people, customers +1 from "
					"1 person, managers +0 from 0 people; in all +2."));
	ck_assert_ptr_nonnull(strstr(s, "Customer organisations behind it: Helio (1)."));
	/* The needs come after the priorities and before the ranked list. */
	ck_assert(strstr(s, "## Priorities") < strstr(s, "## Needs behind the ideas"));
	free(s);
	s = ex(EXPORT_MD, OS_LANG_NB, &len);
	ck_assert_ptr_nonnull(strstr(s, "## Behovene bak idéene\n\n"));
	ck_assert_ptr_nonnull(strstr(s, "Kundeorganisasjoner som står bak: Helio (1)."));
	free(s);
}
END_TEST

START_TEST(markdown_without_needs_says_so)
{
	size_t len;
	char *s;

	ck_assert_int_eq(FX_W(&X, needs_delete(X.f, &X.mgr, N1)), OS_OK);
	s = ex(EXPORT_MD, OS_LANG_SV, &len);
	ck_assert_ptr_nonnull(strstr(s, "## Behoven bakom idéerna\n\nInga behov har namngetts ännu."));
	free(s);
}
END_TEST

static char *
run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 1 << 16, n = 0, k;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(buf);
	while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += k;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[n] = '\0';
	pclose(p);
	return buf;
}

START_TEST(xlsx_has_a_needs_sheet)
{
	char path[] = "/tmp/openstrat-needs-XXXXXX";
	char cmd[256], *s, *out;
	size_t len;
	FILE *f;
	int fd;

	if (system("unzip -v >/dev/null 2>&1") != 0)
		return;
	s = ex(EXPORT_XLSX, OS_LANG_DA, &len);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_uint_eq(fwrite(s, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(s);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/workbook.xml", path);
	out = run(cmd);
	/* The sheets before it keep their places: it comes last, after
	 * the measures and the milestones. */
	ck_assert_ptr_nonnull(strstr(out, "<sheet name=\"Behov\" sheetId=\"7\""));
	free(out);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/sharedStrings.xml", path);
	out = run(cmd);
	ck_assert_ptr_nonnull(strstr(out, "=Faster | delivery"));
	ck_assert_ptr_nonnull(strstr(out, "Ship weekly\nFewer approvals"));
	ck_assert_ptr_nonnull(strstr(out, "Release train"));
	ck_assert_ptr_nonnull(strstr(out, "Helio (1)"));
	ck_assert_ptr_nonnull(strstr(out, "Støtte fra medarbejdere"));
	free(out);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet7.xml", path);
	out = run(cmd);
	/* Total support as a number cell, not text. */
	ck_assert_ptr_nonnull(strstr(out, "<v>2</v>"));
	free(out);
	unlink(path);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("export_needs");
	TCase *tc = tcase_create("export_needs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, csv_names_each_posts_needs);
	tcase_add_test(tc, json_carries_needs_with_support);
	tcase_add_test(tc, markdown_reports_needs);
	tcase_add_test(tc, markdown_without_needs_says_so);
	tcase_add_test(tc, xlsx_has_a_needs_sheet);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return fx_run(suite());
}
