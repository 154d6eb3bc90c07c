/*
 * src/export/ with outcomes: every format carries each priority's goal,
 * status, measures and milestones; the Markdown report opens with a status
 * report, in the reader's language; the workbook has Measures and
 * Milestones sheets.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/export.h"
#include "fixture.h"
#include "forum/outcomes.h"
#include "forum/posts.h"
#include "forum/priorities.h"

static struct fx X;
static int64_t R, P, IDEA;

static void
setup(void)
{
	struct priority_changes ch = {.goal = "Know *every* customer by name",
				      .has_status = 1, .status = PST_AT_RISK};
	struct measure m = {.baseline = 10, .target = 40, .current = 25};
	struct priority_update u;
	struct priority p;
	struct post post;
	int64_t pilot;

	fx_open(&X, 0);
	R = fx_open_round(&X);
	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, R, "Know our customers", "",
						    X.emp.id, &p)),
			 OS_OK);
	P = p.id;
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.emp2, R, KIND_IDEA, "Health score",
					       "One number", &post)),
			 OS_OK);
	IDEA = post.id;
	post_clear(&post);
	ck_assert_int_eq(FX_W(&X, priorities_link(X.f, &X.mgr, P, IDEA, &p)), OS_OK);
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, priorities_update(X.f, &X.emp, P, &ch, &p)), OS_OK);
	priority_clear(&p);
	strcpy(m.name, "NPS");
	strcpy(m.unit, "points");
	ck_assert_int_eq(FX_W(&X, outcomes_measure_set(X.f, &X.emp, P, &m, &p)), OS_OK);
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.emp, P, 0, "Pilot",
							 "2027-03-31", -1, &p)),
			 OS_OK);
	pilot = p.milestones[0].id;
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.emp, P, pilot, "Pilot",
							 "2027-03-31", 1, &p)),
			 OS_OK);
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.emp, P, 0, "Rollout",
							 "2027-06-30", -1, &p)),
			 OS_OK);
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_post_update(X.f, &X.emp, P,
						       "Data access is slower than planned.", &u)),
			 OS_OK);
	priority_update_clear(&u);
}

static void
teardown(void)
{
	fx_close(&X);
}

static char *
ex(int format, enum os_lang lang, size_t *len)
{
	char *s = NULL;

	ck_assert_int_eq(export_round(X.f, &X.admin, R, format, lang, &s, len), OS_OK);
	return s;
}

START_TEST(csv_rows_carry_their_priority_outcome)
{
	size_t len;
	char *s = ex(EXPORT_CSV, OS_LANG_EN, &len);
	char *nl = strstr(s, "\r\n");

	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	ck_assert_msg(strstr(s, ",customer_dots,priority_status,priority_goal,priority_measures,"
				"priority_milestones,needs") != NULL && !strcmp(nl - 25, "priority_milestones,needs"),
		      "header: %s", s);
	ck_assert_ptr_nonnull(strstr(nl + 2, ",at_risk,Know *every* customer by name,"
					     "NPS [points]: 10 -> 25 -> 40,"
					     "2027-03-31 Pilot [done]; 2027-06-30 Rollout,"));
	free(s);
}
END_TEST

START_TEST(json_priorities_carry_goal_status_measures_milestones)
{
	size_t len;
	char *s = ex(EXPORT_JSON, OS_LANG_EN, &len);
	cJSON *root = cJSON_Parse(s), *pr, *m, *ms, *u;

	ck_assert_ptr_nonnull(root);
	pr = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "priorities"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(pr, "status")->valuestring, "at_risk");
	ck_assert_str_eq(cJSON_GetObjectItem(pr, "goal")->valuestring,
			 "Know *every* customer by name");
	ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(pr, "goal_html")->valuestring,
				     "<em>every</em>"));
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(pr, "measures"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(m, "name")->valuestring, "NPS");
	ck_assert(cJSON_GetObjectItem(m, "baseline")->valuedouble == 10);
	ck_assert(cJSON_GetObjectItem(m, "current")->valuedouble == 25);
	ck_assert(cJSON_GetObjectItem(m, "target")->valuedouble == 40);
	ms = cJSON_GetObjectItem(pr, "milestones");
	ck_assert_int_eq(cJSON_GetArraySize(ms), 2);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 0), "due")->valuestring,
			 "2027-03-31");
	ck_assert(cJSON_IsString(cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 0), "done_at")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 1), "done_at")));
	ck_assert(cJSON_GetObjectItem(pr, "updates")->valuedouble == 1);
	ck_assert_ptr_null(cJSON_GetObjectItem(pr, "following")); /* personal */
	u = cJSON_GetObjectItem(pr, "latest_update");
	ck_assert_str_eq(cJSON_GetObjectItem(u, "body")->valuestring,
			 "Data access is slower than planned.");
	ck_assert_str_eq(cJSON_GetObjectItem(u, "status")->valuestring, "at_risk");
	cJSON_Delete(root);
	free(s);
}
END_TEST

START_TEST(markdown_reads_as_a_status_report)
{
	size_t len;
	char *s = ex(EXPORT_MD, OS_LANG_EN, &len);
	char *report = strstr(s, "## Status report\n"), *prio = strstr(s, "## Priorities\n");

	ck_assert_msg(report && prio && report < prio, "%s", s);
	ck_assert_msg(strstr(s, "| Priority | Owner | Status | Progress | Next milestone |\n") &&
			      strstr(s, "| 1. Know our customers | anna | at risk | NPS 50% | "
					"Rollout (due 30 June 2027) |\n"),
		      "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "Status: **at risk**\n"));
	ck_assert_ptr_nonnull(strstr(s, "**Goal:**\n\nKnow \\*every\\* customer by name\n"));
	ck_assert_ptr_nonnull(strstr(s, "| NPS (points) | 10 | 25 | 40 | 50% |\n"));
	ck_assert_msg(strstr(s, "- [x] Pilot (due 31 March 2027, done ") &&
			      strstr(s, "- [ ] Rollout (due 30 June 2027)\n"),
		      "%s", s);
	ck_assert_ptr_nonnull(strstr(s, ", by anna:**\n\nData access is slower than planned.\n"));
	free(s);
}
END_TEST

START_TEST(markdown_status_report_in_norwegian)
{
	size_t len;
	char *s = ex(EXPORT_MD, OS_LANG_NB, &len);

	ck_assert_msg(strstr(s, "## Statusrapport\n") &&
			      strstr(s, "| 1. Know our customers | anna | i fare | NPS 50\xc2\xa0% | "
					"Rollout (frist 30. juni 2027) |\n"),
		      "%s", s);
	ck_assert_ptr_null(strstr(s, "at risk"));
	free(s);
}
END_TEST

static char *
run(const char *cmd)
{
	struct os_buf b;
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	ck_assert_ptr_nonnull(p);
	os_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		os_buf_add(&b, chunk, n);
	pclose(p);
	os_buf_add(&b, "", 0);
	return os_buf_detach(&b, NULL);
}

START_TEST(xlsx_has_measures_and_milestones_sheets)
{
	char path[] = "/tmp/test-export-outcomes-XXXXXX", cmd[256], *out;
	size_t len;
	char *s = ex(EXPORT_XLSX, OS_LANG_EN, &len);
	FILE *f;
	int fd;

	if (system("unzip -v >/dev/null 2>&1") != 0) {
		free(s);
		return;
	}
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_uint_eq(fwrite(s, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(s);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/workbook.xml", path);
	out = run(cmd);
	ck_assert_ptr_nonnull(strstr(out, "<sheet name=\"Measures\" sheetId=\"5\""));
	ck_assert_ptr_nonnull(strstr(out, "<sheet name=\"Milestones\" sheetId=\"6\""));
	free(out);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/sharedStrings.xml", path);
	out = run(cmd);
	ck_assert_ptr_nonnull(strstr(out, ">at risk<"));
	ck_assert_ptr_nonnull(strstr(out, ">Know *every* customer by name<"));
	ck_assert_ptr_nonnull(strstr(out, ">points<"));
	ck_assert_ptr_nonnull(strstr(out, ">2027-06-30<"));
	free(out);
	/* The measure's numbers are numbers. */
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet5.xml", path);
	out = run(cmd);
	ck_assert_msg(strstr(out, "<v>10</v>") && strstr(out, "<v>25</v>") &&
			      strstr(out, "<v>40</v>") && strstr(out, "<v>0.5</v>"),
		      "%s", out);
	free(out);
	unlink(path);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("export_outcomes");
	TCase *t = tcase_create("formats");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, csv_rows_carry_their_priority_outcome);
	tcase_add_test(t, json_priorities_carry_goal_status_measures_milestones);
	tcase_add_test(t, markdown_reads_as_a_status_report);
	tcase_add_test(t, markdown_status_report_in_norwegian);
	tcase_add_test(t, xlsx_has_measures_and_milestones_sheets);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	return fx_run(suite());
}
