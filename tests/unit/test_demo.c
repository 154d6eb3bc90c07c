/*
 * src/cli/demo.c and its word tables (demo_text_*.c): the demo has the same
 * shape in every language, so that what a newcomer is told (the accounts,
 * the password) and what tests count holds in each; its text is that
 * language's; and an unknown language is refused before anything is made.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/password.h"
#include "base/lang.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "cli/demo_text.h"
#include "fixture.h"
#include "forum/search.h"
#include "store/users.h"

/* A fresh in-memory database (no users; on PostgreSQL a fresh schema) with
 * the demo in lang. */
static void
demo_open(struct fx *x, enum os_lang lang)
{
	FILE *out = fopen("/dev/null", "w");
	char target[1024];

	ck_assert_ptr_nonnull(out);
	memset(x, 0, sizeof *x);
	ck_assert_int_eq(store_open(fx_target(x, target, sizeof target), STORE_SYNC_FULL, &x->st),
			 OS_OK);
	ck_assert_int_eq(forum_new(x->st, NULL, &(struct forum_opts){0}, &x->f), OS_OK);
	ck_assert_int_eq(demo_fill_if_empty(x->f, lang, 1, out), OS_OK);
	fclose(out);
}

static int64_t
scalar(struct fx *x, const char *sql)
{
	return fx_query_int64(x, sql);
}

/* The first column of the first row, as a malloc'd string ("" for NULL). */
static char *
text(struct fx *x, const char *sql)
{
	struct sql_stmt *s = NULL;
	char *t = NULL;

	ck_assert_int_eq(sql_prepare(store_conn(x->st), sql, &s), SQL_OK);
	if (sql_step(s) == SQL_ROW && sql_col_text(s, 0))
		t = strdup((const char *)sql_col_text(s, 0));
	else
		t = strdup("");
	sql_finalize(s);
	ck_assert_ptr_nonnull(t);
	return t;
}

/* What a test may count in the demo. */
static const struct {
	const char *what, *sql;
} counts[] = {
	{"users", "SELECT count(*) FROM users"},
	{"customers", "SELECT count(*) FROM users WHERE role = 'customer'"},
	{"managers", "SELECT count(*) FROM users WHERE role = 'manager'"},
	{"organisations", "SELECT count(DISTINCT org) FROM users"},
	{"customer organisations",
	 "SELECT count(DISTINCT org) FROM users WHERE role = 'customer'"},
	{"rounds", "SELECT count(*) FROM rounds"},
	{"open rounds", "SELECT count(*) FROM rounds WHERE phase = 'open'"},
	{"dots rounds", "SELECT count(*) FROM rounds WHERE vote_mode = 'dots'"},
	{"plans", "SELECT count(*) FROM posts WHERE kind = 'plan'"},
	{"ideas", "SELECT count(*) FROM posts WHERE kind = 'idea'"},
	{"merged ideas", "SELECT count(*) FROM posts WHERE status = 'merged'"},
	{"comments", "SELECT count(*) FROM comments"},
	{"replies", "SELECT count(*) FROM comments WHERE parent_id IS NOT NULL"},
	{"votes", "SELECT count(*) FROM votes"},
	{"up votes", "SELECT count(*) FROM votes WHERE value = 1"},
	{"down votes", "SELECT count(*) FROM votes WHERE value = -1"},
	{"dots", "SELECT coalesce(sum(dots), 0) FROM votes"},
	{"chat messages", "SELECT count(*) FROM chat_messages"},
	{"priorities", "SELECT count(*) FROM priorities"},
	{"priorities with owners", "SELECT count(*) FROM priorities WHERE owner_id IS NOT NULL"},
	{"ideas feeding priorities", "SELECT count(*) FROM priority_posts"},
	{"round members", "SELECT count(*) FROM round_members"},
	{"priorities with goals", "SELECT count(*) FROM priorities WHERE goal <> ''"},
	{"active priorities", "SELECT count(*) FROM priorities WHERE status = 'active'"},
	{"priorities at risk", "SELECT count(*) FROM priorities WHERE status = 'at_risk'"},
	{"measures", "SELECT count(*) FROM priority_measures"},
	{"measures with a history",
	 "SELECT count(*) FROM priority_measures AS m WHERE (SELECT count(*) FROM "
	 "measure_history AS h WHERE h.measure_id = m.id) >= 3 AND baseline <> target "
	 "AND current <> baseline"},
	{"milestones", "SELECT count(*) FROM priority_milestones"},
	{"milestones done", "SELECT count(*) FROM priority_milestones WHERE done_at IS NOT NULL"},
	{"progress updates", "SELECT count(*) FROM priority_updates"},
	{"comments on updates", "SELECT count(*) FROM update_comments"},
	{"needs", "SELECT count(*) FROM needs"},
	{"ideas linked to needs",
	 "SELECT count(*) FROM need_posts JOIN posts ON posts.id = post_id "
	 "WHERE kind = 'idea' AND status = 'open'"},
	{"needs answered by priorities", "SELECT count(*) FROM need_priorities"},
	{"revised plans", "SELECT count(*) FROM posts WHERE kind = 'plan' AND revision = 2 "
	 "AND (SELECT count(*) FROM post_revisions WHERE post_id = posts.id) = 2"},
	{"anchored comments",
	 "SELECT count(*) FROM comments JOIN posts ON posts.id = post_id WHERE kind = 'plan' "
	 "AND anchor_quote <> '' AND anchor_block IS NOT NULL"},
	{"anchored comments on revised plans",
	 "SELECT count(*) FROM comments JOIN posts ON posts.id = post_id "
	 "WHERE anchor_block IS NOT NULL AND anchor_outdated = 0 AND revision = 2"},
};
#define NCOUNTS (sizeof counts / sizeof counts[0])

/* The shape without the words: who, what kind, where, in what order (one
 * row each, joined by demo_shape()). */
static const char *const shape_sql =
	"SELECT x FROM ("
	"SELECT 'u' || id || username || role || "
	"(SELECT count(DISTINCT org) FROM users AS o WHERE o.id <= users.id) AS x FROM users "
	"UNION ALL SELECT 'r' || id || phase || audience || vote_mode || dots_per_member "
	"|| created_by FROM rounds "
	"UNION ALL SELECT 'p' || id || round_id || kind || author_id || status "
	"|| coalesce(CAST(merged_into AS TEXT), '-') || comment_count FROM posts "
	"UNION ALL SELECT 'c' || id || post_id || coalesce(CAST(parent_id AS TEXT), '-') || author_id "
	"FROM comments "
	"UNION ALL SELECT 'v' || post_id || user_id || value || dots FROM votes "
	"UNION ALL SELECT 'h' || id || round_id || author_id FROM chat_messages "
	"UNION ALL SELECT 'q' || id || round_id || owner_id || rank FROM priorities "
	"UNION ALL SELECT 'l' || post_id || priority_id FROM priority_posts "
	"UNION ALL SELECT 'm' || round_id || user_id FROM round_members "
	"UNION ALL SELECT 's' || id || status FROM priorities "
	"UNION ALL SELECT 'e' || id || priority_id || baseline || target || current "
	"FROM priority_measures "
	"UNION ALL SELECT 'g' || measure_id || value || user_id FROM measure_history "
	"UNION ALL SELECT 'i' || id || priority_id || due || (done_at IS NULL) "
	"FROM priority_milestones "
	"UNION ALL SELECT 'w' || id || priority_id || author_id || status FROM priority_updates "
	"UNION ALL SELECT 'k' || id || update_id || author_id FROM update_comments "
	"UNION ALL SELECT 'n' || id || round_id || created_by FROM needs "
	"UNION ALL SELECT 'o' || need_id || post_id FROM need_posts "
	"UNION ALL SELECT 'j' || need_id || priority_id FROM need_priorities "
	"UNION ALL SELECT 'x' || post_id || revision || author_id FROM post_revisions "
	"UNION ALL SELECT 'a' || id || coalesce(CAST(anchor_block AS TEXT), '-') FROM comments "
	"WHERE anchor_quote IS NOT NULL) AS s "
	"ORDER BY 1";

/* The rows of shape_sql joined by ';', malloc'd. */
static char *
demo_shape(struct fx *x)
{
	struct sql_stmt *s = NULL;
	size_t n = 0;
	char *out = strdup("");

	ck_assert_ptr_nonnull(out);
	ck_assert_msg(sql_prepare(store_conn(x->st), shape_sql, &s) == SQL_OK, "%s",
		      sql_errmsg(store_conn(x->st)));
	while (sql_step(s) == SQL_ROW) {
		const char *t = (const char *)sql_col_text(s, 0);
		size_t len = t ? strlen(t) : 0;

		out = realloc(out, n + len + 2);
		ck_assert_ptr_nonnull(out);
		if (n)
			out[n++] = ';';
		memcpy(out + n, t ? t : "", len);
		n += len;
		out[n] = '\0';
	}
	sql_finalize(s);
	return out;
}

/* Every language's demo has the counts of the English one, which has the
 * shape the README describes; the same accounts, rounds, threads and votes
 * in the same places; and the README's password signs in. */
START_TEST(same_shape_in_every_language)
{
	static const struct {
		const char *what;
		int64_t n;
	} want[] = {
		{"users", 18},         {"customers", 4},      {"managers", 3},
		{"organisations", 3},  {"customer organisations", 2},
		{"rounds", 2},         {"open rounds", 2},    {"dots rounds", 1},
		{"plans", 4},          {"ideas", 30},         {"merged ideas", 1},
		{"comments", 11},      {"replies", 4},        {"chat messages", 6},
		{"priorities", 2},     {"priorities with owners", 2},
		{"ideas feeding priorities", 6}, {"round members", 4},
		{"priorities with goals", 2}, {"active priorities", 1},
		{"priorities at risk", 1},    {"measures", 3},
		{"measures with a history", 3}, {"milestones", 2},
		{"milestones done", 1},       {"progress updates", 1},
		{"comments on updates", 1},   {"needs", 2},
		{"ideas linked to needs", 7}, {"needs answered by priorities", 2},
		{"revised plans", 1},         {"anchored comments", 1},
		{"anchored comments on revised plans", 1},
	};
	enum os_lang lang = (enum os_lang)_i;
	struct fx en, x;
	struct user u;
	char *shape_en, *shape, hash[OS_PWHASH_LEN];

	demo_open(&en, OS_LANG_EN);
	demo_open(&x, lang);
	for (size_t i = 0; i < NCOUNTS; i++) {
		int64_t a = scalar(&en, counts[i].sql), b = scalar(&x, counts[i].sql);

		ck_assert_msg(a == b, "%s: %lld in %s, %lld in English", counts[i].what,
			      (long long)b, os_lang_code(lang), (long long)a);
		ck_assert_msg(b > 0, "%s: none in %s", counts[i].what, os_lang_code(lang));
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
			if (!strcmp(want[k].what, counts[i].what))
				ck_assert_msg(b == want[k].n, "%s: %lld in %s, want %lld",
					      counts[i].what, (long long)b,
					      os_lang_code(lang), (long long)want[k].n);
	}
	shape_en = demo_shape(&en);
	shape = demo_shape(&x);
	ck_assert_msg(!strcmp(shape_en, shape), "the %s demo's shape differs from English's",
		      os_lang_code(lang));
	free(shape_en);
	free(shape);
	ck_assert_int_eq(store_user_by_name(x.st, "maria", &u, hash, sizeof hash), OS_OK);
	ck_assert_int_eq(password_verify("openstrat-demo", hash), OS_OK);
	fx_close(&en);
	fx_close(&x);
}
END_TEST

static int
same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* A string of the table is there and is not the English one; i is the
 * index in field, if any, for the message. */
#define TRANSLATED(t, field, i)                                                  \
	do {                                                                     \
		ck_assert_msg((t)->field && *(t)->field, "%s: " #field " is missing " \
			      "(i = %zu)", os_lang_code(lang), (size_t)(i));       \
		ck_assert_msg(!same((t)->field, demo_text_en.field),             \
			      "%s: " #field " is the English text (i = %zu)",    \
			      os_lang_code(lang), (size_t)(i));                  \
	} while (0)

/* Every word the demo shows is written in the language: nothing left in
 * English, no comment slot filled that the shape would drop. */
START_TEST(every_text_is_translated)
{
	static const int thread_len[DEMO_NTHREADS] = DEMO_THREAD_LEN;
	enum os_lang lang = (enum os_lang)(_i + 1);
	const struct demo_text *t = demo_text(lang);

	ck_assert_ptr_ne(t, &demo_text_en);
	TRANSLATED(t, company, 0);
	for (size_t i = 0; i < DEMO_NCUSTOMERS; i++)
		TRANSLATED(t, customers[i], i);
	for (size_t i = 0; i < DEMO_NPEOPLE; i++)
		ck_assert_msg(t->people[i] && *t->people[i], "%s: people[%zu] is missing",
			      os_lang_code(lang), i);
	TRANSLATED(t, round.title, 0);
	TRANSLATED(t, round.body, 0);
	TRANSLATED(t, innovation.title, 0);
	TRANSLATED(t, innovation.body, 0);
	for (size_t i = 0; i < DEMO_NPLANS; i++) {
		TRANSLATED(t, plans[i].title, i);
		TRANSLATED(t, plans[i].body, i);
	}
	for (size_t i = 0; i < DEMO_NIDEAS; i++) {
		TRANSLATED(t, ideas[i].title, i);
		TRANSLATED(t, ideas[i].body, i);
	}
	for (size_t i = 0; i < DEMO_NTHREADS; i++)
		for (int k = 0; k < DEMO_THREAD_MAX; k++)
			if (k < thread_len[i])
				TRANSLATED(t, comments[i][k], i * DEMO_THREAD_MAX + (size_t)k);
			else
				ck_assert_msg(!t->comments[i][k] && !demo_text_en.comments[i][k],
					      "%s: comments[%zu][%d] is beyond the thread",
					      os_lang_code(lang), i, k);
	for (size_t i = 0; i < DEMO_NCHATS; i++)
		TRANSLATED(t, chats[i], i);
	for (size_t i = 0; i < DEMO_NPRIORITIES; i++) {
		TRANSLATED(t, priorities[i].title, i);
		TRANSLATED(t, priorities[i].body, i);
	}
	for (size_t i = 0; i < DEMO_NPRIORITIES; i++) {
		TRANSLATED(t, goals[i], i);
		TRANSLATED(t, measures[i].title, i);
	}
	TRANSLATED(t, measure2.title, 0);
	for (size_t i = 0; i < DEMO_NMILESTONES; i++)
		TRANSLATED(t, milestones[i], i);
	TRANSLATED(t, update, 0);
	TRANSLATED(t, update_comment, 0);
	for (size_t i = 0; i < DEMO_NNEEDS; i++) {
		TRANSLATED(t, needs[i].title, i);
		TRANSLATED(t, needs[i].body, i);
	}
	TRANSLATED(t, revision, 0);
	TRANSLATED(t, anchor_quote, 0);
	TRANSLATED(t, anchored_comment, 0);
	for (size_t i = 0; i < DEMO_NCIDEAS; i++) {
		TRANSLATED(t, cideas[i].title, i);
		TRANSLATED(t, cideas[i].body, i);
	}
	for (size_t i = 0; i < DEMO_NCCOMMENTS; i++)
		TRANSLATED(t, ccomments[i], i);
}
END_TEST

/* How many posts a search by maria finds. */
static size_t
hits(struct fx *x, const char *words)
{
	struct user maria;
	char hash[OS_PWHASH_LEN];
	struct search_hit *h = NULL;
	size_t n = 0;

	ck_assert_int_eq(store_user_by_name(x->st, "maria", &maria, hash, sizeof hash), OS_OK);
	ck_assert_int_eq(search_run(x->f, &maria, words, 0, 1, 0, SEARCH_LIMIT_MAX, &h, &n),
			 OS_OK);
	store_search_free(h, n);
	return n;
}

/* The database holds the language: the rounds are titled in it, the people
 * work for its companies, and a search for the word a strategy team in that
 * country types most ("customer") finds it in its inflected forms. */
START_TEST(the_database_speaks_the_language)
{
	static const struct {
		enum os_lang lang;
		const char *title_word, *org, *display, *inflected[3];
	} langs[] = {
		{OS_LANG_EN, "customers", "Northwind", "Maria Lindqvist",
		 {"customers", "customer", "accounts"}},
		{OS_LANG_NB, "kundene", "Fjordvik Systemer", "Maria Hansen",
		 {"kundene", "kundens", "leverandøren"}},
		{OS_LANG_SV, "kunder", "Norrvik System", "Maria Lindqvist",
		 {"kunderna", "kundens", "leverantören"}},
		{OS_LANG_DA, "vores kunder", "Lindholm Data", "Maria Nielsen",
		 {"kunderne", "kundens", "leverandøren"}},
	};
	const char *stem[] = {"customer", "kunde", "kund", "kunde"};
	struct fx x;
	char *title, *org, *display;
	size_t k = (size_t)_i;

	demo_open(&x, langs[k].lang);
	title = text(&x, "SELECT title FROM rounds ORDER BY id LIMIT 1");
	ck_assert_msg(strstr(title, langs[k].title_word), "first round \"%s\" lacks \"%s\"",
		      title, langs[k].title_word);
	if (langs[k].lang != OS_LANG_EN)
		ck_assert_str_ne(title, demo_text_en.round.title);
	org = text(&x, "SELECT org FROM users WHERE username = 'erik'");
	ck_assert_str_eq(org, langs[k].org);
	display = text(&x, "SELECT display_name FROM users WHERE username = 'maria'");
	ck_assert_str_eq(display, langs[k].display);
	ck_assert_msg(hits(&x, stem[langs[k].lang]) >= 15, "%s: \"%s\" finds %zu posts",
		      os_lang_code(langs[k].lang), stem[langs[k].lang],
		      hits(&x, stem[langs[k].lang]));
	for (size_t i = 0; i < 3; i++)
		ck_assert_msg(hits(&x, langs[k].inflected[i]) > 0, "%s: nothing says \"%s\"",
			      os_lang_code(langs[k].lang), langs[k].inflected[i]);
	free(title);
	free(org);
	free(display);
	fx_close(&x);
}
END_TEST

/* The text written to fd from here on while cmd runs, malloc'd. */
struct capture {
	int fd, saved;
	char path[32];
};

static void
capture_start(struct capture *c, int fd)
{
	snprintf(c->path, sizeof c->path, "/tmp/os-demo-out-XXXXXX");
	c->fd = mkstemp(c->path);
	ck_assert_int_ge(c->fd, 0);
	fflush(fd == 1 ? stdout : stderr);
	c->saved = dup(fd);
	ck_assert_int_ge(c->saved, 0);
	ck_assert_int_ge(dup2(c->fd, fd), 0);
}

static char *
capture_end(struct capture *c, int fd)
{
	struct stat sb;
	char *t;

	fflush(fd == 1 ? stdout : stderr);
	ck_assert_int_ge(dup2(c->saved, fd), 0);
	close(c->saved);
	ck_assert_int_eq(fstat(c->fd, &sb), 0);
	t = calloc(1, (size_t)sb.st_size + 1);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(pread(c->fd, t, (size_t)sb.st_size, 0), sb.st_size);
	close(c->fd);
	unlink(c->path);
	return t;
}

/* Runs a subcommand as main() would; returns its exit status, with *out
 * and *err what it printed (malloc'd). */
static int
run_cli(int (*cmd)(int, char **), char **argv, int argc, char **out, char **err)
{
	struct capture o, e;
	int rc;

	capture_start(&o, 1);
	capture_start(&e, 2);
	rc = cmd(argc, argv);
	*err = capture_end(&e, 2);
	*out = capture_end(&o, 1);
	return rc;
}

/* A language the demo does not have is a usage error with a clear message,
 * and no database file appears. */
START_TEST(unknown_language_refused)
{
	char dir[] = "/tmp/os-demo-XXXXXX", db[64];
	char *out, *err;
	struct stat sb;
	static const char *const bad[] = {"fi", "NB", "", "english"};

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/os.db", dir);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *demo[] = {(char *)"--db", db, (char *)"--lang", (char *)bad[i]};
		/* Should serve go past the check, it serves until the test
		 * times out, on an address where it takes no one's port. */
		char *serve[] = {(char *)"--db", db, (char *)"--demo", (char *)"--demo-lang",
				 (char *)bad[i], (char *)"--listen", (char *)"192.0.2.1"};

		ck_assert_int_eq(run_cli(cli_demo, demo, 4, &out, &err), 2);
		ck_assert_str_eq(out, "");
		free(out);
		ck_assert_msg(strstr(err, "--lang must be en, nb, sv or da"),
			      "demo --lang '%s' said \"%s\"", bad[i], err);
		free(err);
		ck_assert_int_eq(run_cli(cli_serve, serve, 7, &out, &err), 2);
		free(out);
		ck_assert_msg(strstr(err, "--demo-lang must be en, nb, sv or da"),
			      "serve --demo-lang '%s' said \"%s\"", bad[i], err);
		free(err);
	}
	{
		/* A language without the demo to speak it is a mistake too. */
		char *serve[] = {(char *)"--db", db, (char *)"--demo-lang", (char *)"nb",
				 (char *)"--listen", (char *)"192.0.2.1"};

		ck_assert_int_eq(run_cli(cli_serve, serve, 6, &out, &err), 2);
		free(out);
		ck_assert_msg(strstr(err, "--demo-lang goes with --demo"), "said \"%s\"", err);
		free(err);
	}
	ck_assert_int_eq(stat(db, &sb), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* Nothing else either (no -wal, no -shm): the directory is empty. */
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* A good --lang writes the demo in that language to the file, and lists
 * its accounts with their names in it. */
START_TEST(demo_command_takes_the_language)
{
	char dir[] = "/tmp/os-demo-XXXXXX", db[64], shm[80], wal[80];
	char *argv[4], *out, *err;
	struct fx x;
	char *title;

	if (fx_pg_url()) {
		fprintf(stderr, "demo_command_takes_the_language: skipped on PostgreSQL: it "
				"checks the SQLite file the command writes\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/os.db", dir);
	argv[0] = (char *)"--db";
	argv[1] = db;
	argv[2] = (char *)"--lang=sv";
	ck_assert_int_eq(run_cli(cli_demo, argv, 3, &out, &err), 0);
	ck_assert_msg(strstr(out, "  clara    customer  Clara Engström, Skärgårdsbanken\n"),
		      "demo printed \"%s\"", out);
	ck_assert_msg(strstr(out, "password for all: openstrat-demo"), "demo printed \"%s\"",
		      out);
	free(out);
	free(err);
	memset(&x, 0, sizeof x);
	ck_assert_int_eq(store_open(db, STORE_SYNC_FULL, &x.st), OS_OK);
	title = text(&x, "SELECT title FROM rounds ORDER BY id LIMIT 1");
	ck_assert_str_eq(title, demo_text_sv.round.title);
	free(title);
	store_close(x.st);
	snprintf(wal, sizeof wal, "%s-wal", db);
	snprintf(shm, sizeof shm, "%s-shm", db);
	unlink(wal);
	unlink(shm);
	ck_assert_int_eq(unlink(db), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("demo");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, same_shape_in_every_language, 0, OS_LANG_COUNT);
	tcase_add_loop_test(tc, every_text_is_translated, 0, OS_LANG_COUNT - 1);
	tcase_add_loop_test(tc, the_database_speaks_the_language, 0, OS_LANG_COUNT);
	tcase_add_test(tc, unknown_language_refused);
	tcase_add_test(tc, demo_command_takes_the_language);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
