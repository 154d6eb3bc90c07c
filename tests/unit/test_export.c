/*
 * src/export/: the ranked list of a round as CSV (RFC 4180, formula-safe),
 * JSON, a Markdown report and an XLSX workbook, and who may export.
 *
 * The data is written through the forum layer, as people would write it,
 * into a store on ":memory:". The CSV is read back with a small strict
 * RFC 4180 reader and compared cell by cell with the ranking; the JSON is
 * parsed with cJSON; the Markdown is rendered with cmark to check that
 * user text cannot change its structure.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <cmark.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/lang.h"
#include "base/model.h"
#include "base/util.h"
#include "export/export.h"
#include "export/export_int.h"
#include "export/texts.h"
#include "forum/forum.h"
#include "forum/merge.h"
#include "forum/moderation.h"
#include "forum/posts.h"
#include "forum/priorities.h"
#include "forum/ranking.h"
#include "forum/rounds.h"
#include "forum/votes.h"
#include "store/db.h"
#include "store/rounds.h"
#include "store/users.h"

#define NEMP 12

static struct store *st;
static struct forum *F;
static struct user admin, mgr, emp[NEMP], clara, hanna, olga, mallory, trudy, plus;

/* ---- fixture ---------------------------------------------------------- */

static void
begin(void)
{
	ck_assert_int_eq(store_op_begin(st), OS_OK);
}

static int
end(int rc)
{
	ck_assert_int_eq(store_op_end(st, rc == OS_OK), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	return rc;
}

/* One write, as the dispatcher and the transport wrap it. */
#define W(call) (begin(), end(call))

static void
mk_user(const char *name, const char *display, int role, const char *org, struct user *u)
{
	int64_t id;

	ck_assert_int_eq(W(store_user_insert(st, name, display, role, org, "not-a-hash", &id)),
			 OS_OK);
	ck_assert_int_eq(store_user_by_id(st, id, u), OS_OK);
}

static void
setup(void)
{
	struct forum_opts opts = {0};
	char name[32], display[32];

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(forum_new(st, NULL, &opts, &F), OS_OK);
	mk_user("root", "Ada Admin", ROLE_ADMIN, "HQ", &admin);
	mk_user("maria", "Maria Manager", ROLE_MANAGER, "HQ", &mgr);
	for (int i = 0; i < NEMP; i++) {
		snprintf(name, sizeof name, "emp%d", i);
		snprintf(display, sizeof display, "Employee %d", i);
		mk_user(name, display, ROLE_EMPLOYEE, "HQ", &emp[i]);
	}
	mk_user("clara", "Clara Customer", ROLE_CUSTOMER, "Nordbank", &clara);
	mk_user("hanna", "Hanna | Helio", ROLE_CUSTOMER, "Helio, \"Health\"", &hanna);
	mk_user("olga", "Olga Outsider", ROLE_CUSTOMER, "Elsewhere", &olga);
	/* Names and organisations that a spreadsheet would take for formulas. */
	mk_user("mallory", "=cmd|' /C calc'!A0", ROLE_EMPLOYEE, "\tTabbed", &mallory);
	mk_user("trudy", "@trudy", ROLE_EMPLOYEE, "\rCR org", &trudy);
	mk_user("plus", "+plus", ROLE_EMPLOYEE, "-minus", &plus);
}

static void
teardown(void)
{
	forum_free(F);
	store_close(st);
	F = NULL;
	st = NULL;
}

static int64_t
mk_round_titled(const char *title, int mode, int dots, int audience, int phase)
{
	struct round r = {0}, out;
	struct round_changes ch = {.has_phase = 1, .phase = phase};
	int64_t id;

	r.title = (char *)title;
	r.description = (char *)"Where we go next.\n\nTell us what you think.";
	r.audience = audience;
	r.vote_mode = mode;
	r.dots_per_member = dots;
	ck_assert_int_eq(W(rounds_create(F, &mgr, &r)), OS_OK);
	id = r.id;
	round_clear(&r);
	if (phase != PHASE_DRAFT) {
		ck_assert_int_eq(W(rounds_update(F, &mgr, id, &ch, &out)), OS_OK);
		round_clear(&out);
	}
	return id;
}

static int64_t
mk_round(int mode, int dots, int audience)
{
	return mk_round_titled("Strategy 2027", mode, dots, audience, PHASE_OPEN);
}

static int64_t
mk_post(const struct user *u, int64_t round, int kind, const char *title)
{
	struct post p;
	int64_t id;

	ck_assert_int_eq(W(posts_create(F, u, round, kind, title, "Some **body**.", &p)), OS_OK);
	id = p.id;
	post_clear(&p);
	return id;
}

static void
vote(const struct user *u, int64_t post, int value)
{
	struct post p;

	ck_assert_int_eq(W(votes_cast(F, u, post, 1, value, 0, 0, &p)), OS_OK);
	post_clear(&p);
}

static void
spend(const struct user *u, int64_t post, int dots)
{
	struct post p;

	ck_assert_int_eq(W(votes_cast(F, u, post, 0, 0, 1, dots, &p)), OS_OK);
	post_clear(&p);
}

/* up employees vote up and down more vote down, starting at emp[first]. */
static void
votes(int64_t post, int first, int up, int down)
{
	ck_assert_int_le(first + up + down, NEMP);
	for (int i = 0; i < up; i++)
		vote(&emp[first + i], post, 1);
	for (int i = 0; i < down; i++)
		vote(&emp[first + up + i], post, -1);
}

static void
invite(int64_t round, const struct user *u)
{
	ck_assert_int_eq(W(store_member_add(st, round, u->id, mgr.id)), OS_OK);
}

static int64_t
mk_priority(int64_t round, const char *title, int64_t owner)
{
	struct priority p;
	int64_t id;

	ck_assert_int_eq(W(priorities_create(F, &mgr, round, title, "Why it matters.", owner,
					     &p)),
			 OS_OK);
	id = p.id;
	priority_clear(&p);
	return id;
}

static void
link_post(int64_t priority, int64_t post)
{
	struct priority p;

	ck_assert_int_eq(W(priorities_link(F, &mgr, priority, post, &p)), OS_OK);
	priority_clear(&p);
}

/* The export of round in lang as the command line makes it; the caller
 * frees it. */
static char *
exl(int64_t round, int format, enum os_lang lang, size_t *len)
{
	char *out = NULL;

	ck_assert_int_eq(export_round(F, NULL, round, format, lang, &out, len), OS_OK);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* The same in English, the default. */
static char *
ex(int64_t round, int format, size_t *len)
{
	return exl(round, format, OS_LANG_EN, len);
}

/* The UTF-8 byte order mark every CSV export starts with. */
#define BOM "\xef\xbb\xbf"

/* ---- a strict RFC 4180 reader ----------------------------------------- */

struct csv_row {
	size_t n;
	char **cell;
};

struct csv {
	size_t n;
	struct csv_row *row;
};

static void
csv_free(struct csv *c)
{
	for (size_t r = 0; r < c->n; r++) {
		for (size_t k = 0; k < c->row[r].n; k++)
			free(c->row[r].cell[k]);
		free(c->row[r].cell);
	}
	free(c->row);
	memset(c, 0, sizeof *c);
}

/* Parses s: every record ends with CRLF, fields are either plain (no
 * quote, comma, CR or LF) or quoted with quotes doubled. 0 on success. */
static int
csv_parse(const char *s, size_t len, struct csv *c)
{
	size_t i = 0;

	memset(c, 0, sizeof *c);
	while (i < len) {
		struct csv_row row = {0};

		for (;;) {
			struct os_buf f;

			os_buf_init(&f);
			if (s[i] == '"') {
				for (i++;; i++) {
					if (i >= len)
						goto bad_field;
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							os_buf_add(&f, "\"", 1);
							i++;
							continue;
						}
						i++;
						break;
					}
					os_buf_add(&f, &s[i], 1);
				}
			} else {
				for (; i < len && !strchr(",\r\n", s[i]); i++) {
					if (s[i] == '"')
						goto bad_field;
					os_buf_add(&f, &s[i], 1);
				}
			}
			row.cell = realloc(row.cell, (row.n + 1) * sizeof *row.cell);
			ck_assert_ptr_nonnull(row.cell);
			row.cell[row.n++] = strdup(f.data ? f.data : "");
			os_buf_free(&f);
			if (i < len && s[i] == ',') {
				i++;
				continue;
			}
			if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n') {
				i += 2;
				break;
			}
			goto bad_row; /* a bare CR or LF, or no CRLF at the end */
		bad_field:
			os_buf_free(&f);
			goto bad_row;
		}
		c->row = realloc(c->row, (c->n + 1) * sizeof *c->row);
		ck_assert_ptr_nonnull(c->row);
		c->row[c->n++] = row;
		continue;
	bad_row:
		for (size_t k = 0; k < row.n; k++)
			free(row.cell[k]);
		free(row.cell);
		csv_free(c);
		return -1;
	}
	return 0;
}

static const char *
cell(const struct csv *c, size_t row, size_t col)
{
	ck_assert_uint_lt(row, c->n);
	ck_assert_uint_lt(col, c->row[row].n);
	return c->row[row].cell[col];
}

static struct csv
csv_of(int64_t round)
{
	struct csv c;
	size_t len;
	char *s = ex(round, EXPORT_CSV, &len);

	ck_assert_msg(len >= 3 && !memcmp(s, BOM, 3), "no byte order mark: %s", s);
	ck_assert_msg(csv_parse(s + 3, len - 3, &c) == 0, "not RFC 4180:\n%s", s);
	free(s);
	return c;
}

/* The row of post id (0 when absent). */
static size_t
row_of(const struct csv *c, int64_t id)
{
	char want[32];

	snprintf(want, sizeof want, "%" PRId64, id);
	for (size_t r = 1; r < c->n; r++)
		if (!strcmp(cell(c, r, 1), want))
			return r;
	return 0;
}

#define HEADER                                                                        \
	"rank,id,kind,title,author,role,org,status,score,up,down,dots,comments,"     \
	"priority,merged_into,admin_up,admin_down,admin_dots,manager_up,"            \
	"manager_down,manager_dots,employee_up,employee_down,employee_dots,"         \
	"customer_up,customer_down,customer_dots,priority_status,priority_goal,"    \
	"priority_measures,priority_milestones,needs"
#define NCOLS 32

/* What a spreadsheet-safe text cell holds for s. */
static char *
neutral(const char *s)
{
	char *out = malloc(strlen(s) + 2);

	ck_assert_ptr_nonnull(out);
	if (s[0] && strchr("=+-@\t\r", s[0]))
		sprintf(out, "'%s", s);
	else
		strcpy(out, s);
	return out;
}

/* ---- ranking ---------------------------------------------------------- */

START_TEST(updown_ranks_by_wilson_lower_bound)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	int64_t a = mk_post(&emp[0], round, KIND_IDEA, "Ten up, two down");
	int64_t b = mk_post(&emp[1], round, KIND_IDEA, "Nine up");
	int64_t c = mk_post(&emp[2], round, KIND_IDEA, "One up");
	int64_t d = mk_post(&emp[3], round, KIND_IDEA, "No votes");
	int64_t e = mk_post(&mgr, round, KIND_PLAN, "Three up, three down");
	/* By hand: 9/0 -> 0.700855, 10/2 -> 0.551969, 1/0 -> 0.206549,
	 * 3/3 -> 0.187616, none -> 0. More up votes do not win alone, and
	 * one up vote beats a split six. */
	int64_t want[] = {b, a, c, e, d};
	const char *score[] = {"0.700855", "0.551969", "0.206549", "0.187616", "0.000000"};
	struct ranking rk;
	struct csv csv;

	votes(a, 0, 10, 2);
	votes(b, 0, 9, 0);
	votes(c, 0, 1, 0);
	votes(e, 0, 3, 3);
	ck_assert_int_eq(ranking_build(F, &mgr, round, &rk), OS_OK);
	ck_assert_uint_eq(rk.nposts, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(rk.posts[i].id, want[i]);
	ranking_clear(&rk);

	csv = csv_of(round);
	ck_assert_uint_eq(csv.n, 6);
	for (size_t i = 0; i < 5; i++) {
		char rank[8], id[32];

		snprintf(rank, sizeof rank, "%zu", i + 1);
		snprintf(id, sizeof id, "%" PRId64, want[i]);
		ck_assert_str_eq(cell(&csv, i + 1, 0), rank);
		ck_assert_str_eq(cell(&csv, i + 1, 1), id);
		ck_assert_str_eq(cell(&csv, i + 1, 8), score[i]);
	}
	ck_assert_str_eq(cell(&csv, 1, 9), "9");
	ck_assert_str_eq(cell(&csv, 1, 10), "0");
	ck_assert_str_eq(cell(&csv, 2, 9), "10");
	ck_assert_str_eq(cell(&csv, 2, 10), "2");
	ck_assert_str_eq(cell(&csv, 4, 2), "plan");
	csv_free(&csv);
}
END_TEST

START_TEST(dots_rank_by_total)
{
	int64_t round = mk_round(VOTE_DOTS, 10, AUD_INTERNAL);
	int64_t x = mk_post(&emp[0], round, KIND_IDEA, "Seven dots");
	int64_t y = mk_post(&emp[1], round, KIND_IDEA, "Ten dots from two");
	int64_t z = mk_post(&emp[2], round, KIND_IDEA, "Two dots");
	int64_t w = mk_post(&emp[3], round, KIND_IDEA, "Nine dots");
	int64_t want[] = {y, w, x, z};
	const char *score[] = {"10", "9", "7", "2"};
	struct csv csv;

	spend(&emp[0], x, 7);
	spend(&emp[1], y, 5);
	spend(&emp[2], y, 5);
	spend(&emp[3], z, 2);
	spend(&emp[4], w, 9);
	csv = csv_of(round);
	ck_assert_uint_eq(csv.n, 5);
	for (size_t i = 0; i < 4; i++) {
		char id[32];

		snprintf(id, sizeof id, "%" PRId64, want[i]);
		ck_assert_str_eq(cell(&csv, i + 1, 1), id);
		ck_assert_str_eq(cell(&csv, i + 1, 8), score[i]);
		ck_assert_str_eq(cell(&csv, i + 1, 11), score[i]);     /* dots */
		ck_assert_str_eq(cell(&csv, i + 1, 23), score[i]);     /* employee_dots */
		ck_assert_str_eq(cell(&csv, i + 1, 9), "0");           /* up */
	}
	csv_free(&csv);
}
END_TEST

START_TEST(equal_scores_keep_the_older_post_first)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	int64_t ids[8], top;
	struct ranking rk;

	/* Eight posts with the same tally, and a better one made last. */
	for (int i = 0; i < 8; i++) {
		ids[i] = mk_post(&emp[i], round, KIND_IDEA, "Tied");
		votes(ids[i], 0, 2, 1);
	}
	top = mk_post(&emp[9], round, KIND_IDEA, "Best");
	votes(top, 0, 3, 0);
	ck_assert_int_eq(ranking_build(F, NULL, round, &rk), OS_OK);
	ck_assert_uint_eq(rk.nposts, 9);
	ck_assert_int_eq(rk.posts[0].id, top);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(rk.posts[i + 1].id, ids[i]);
	ranking_clear(&rk);
}
END_TEST

/* ---- CSV -------------------------------------------------------------- */

START_TEST(csv_header_is_exact)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	size_t len;
	char *s;

	mk_post(&emp[0], round, KIND_IDEA, "An idea");
	s = ex(round, EXPORT_CSV, &len);
	ck_assert_uint_eq(strlen(s), len);
	/* UTF-8 with a byte order mark, so that spreadsheet programs read
	 * æøå as UTF-8; then the header, one row, CRLF line ends. */
	ck_assert_int_eq(memcmp(s, BOM, 3), 0);
	ck_assert_msg(!strncmp(s + 3, HEADER "\r\n", strlen(HEADER) + 2), "header: %s", s);
	ck_assert_str_eq(s + len - 2, "\r\n");
	ck_assert_ptr_eq(strchr(s + 3 + strlen(HEADER) + 2, '\r'), s + len - 2);
	free(s);
}
END_TEST

START_TEST(csv_field_neutralises_and_quotes)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"", ""},
		{"=1+2", "'=1+2"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\tx", "'\tx"},
		{"\rx", "\"'\rx\""},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"two\nlines", "\"two\nlines\""},
		{"crlf\r\nline", "\"crlf\r\nline\""},
		{"=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\""},
		{"-\"x\",y", "\"'-\"\"x\"\",y\""},
		{"\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9"},
	};
	struct os_buf b;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		os_buf_init(&b);
		ck_assert_int_eq(export_csv_field(&b, cases[i].in), OS_OK);
		ck_assert_msg(b.len == strlen(cases[i].out) &&
				      !memcmp(b.data ? b.data : "", cases[i].out, b.len),
			      "case %zu: got [%s] want [%s]", i, b.data ? b.data : "",
			      cases[i].out);
		os_buf_free(&b);
	}
	os_buf_init(&b);
	ck_assert_int_eq(export_csv_field(&b, NULL), OS_OK);
	ck_assert_uint_eq(b.len, 0);
	os_buf_free(&b);
}
END_TEST

START_TEST(csv_neutralises_formulas_in_every_text_cell)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	int64_t evil = mk_post(&emp[0], round, KIND_IDEA, "=HYPERLINK(\"http://evil\")");
	int64_t p1 = mk_post(&mallory, round, KIND_IDEA, "+1 for this");
	int64_t p2 = mk_post(&trudy, round, KIND_IDEA, "-5% cost");
	int64_t p3 = mk_post(&plus, round, KIND_IDEA, "@SUM(A1:A9)");
	int64_t pr = mk_priority(round, "=Growth", mgr.id);
	struct csv csv;
	size_t len, r;
	char *s;

	link_post(pr, p1);
	s = ex(round, EXPORT_CSV, &len);
	ck_assert_ptr_nonnull(strstr(s, ",\"'=HYPERLINK(\"\"http://evil\"\")\","));
	free(s);

	csv = csv_of(round);
	ck_assert_str_eq(cell(&csv, row_of(&csv, evil), 3), "'=HYPERLINK(\"http://evil\")");
	r = row_of(&csv, p1);
	ck_assert_str_eq(cell(&csv, r, 3), "'+1 for this");
	ck_assert_str_eq(cell(&csv, r, 4), "'=cmd|' /C calc'!A0");
	ck_assert_str_eq(cell(&csv, r, 6), "'\tTabbed");
	ck_assert_str_eq(cell(&csv, r, 13), "'=Growth");
	r = row_of(&csv, p2);
	ck_assert_str_eq(cell(&csv, r, 3), "'-5% cost");
	ck_assert_str_eq(cell(&csv, r, 4), "'@trudy");
	ck_assert_str_eq(cell(&csv, r, 6), "'\rCR org");
	r = row_of(&csv, p3);
	ck_assert_str_eq(cell(&csv, r, 3), "'@SUM(A1:A9)");
	ck_assert_str_eq(cell(&csv, r, 4), "'+plus");
	ck_assert_str_eq(cell(&csv, r, 6), "'-minus");
	/* No text cell anywhere starts with a formula character. */
	for (size_t i = 0; i < csv.n; i++)
		for (size_t k = 0; k < csv.row[i].n; k++)
			ck_assert_msg(!csv.row[i].cell[k][0] ||
					      !strchr("=+-@\t\r", csv.row[i].cell[k][0]),
				      "row %zu col %zu starts a formula: %s", i, k,
				      csv.row[i].cell[k]);
	csv_free(&csv);
}
END_TEST

START_TEST(csv_reads_back_cell_by_cell)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t pr = mk_priority(round, "Speed, \"really\"", 0);
	int64_t ids[6];
	struct ranking rk;
	struct csv csv;

	invite(round, &clara);
	invite(round, &hanna);
	ids[0] = mk_post(&emp[0], round, KIND_IDEA, "Commas, everywhere, really");
	ids[1] = mk_post(&hanna, round, KIND_IDEA, "She said \"no\", twice");
	ids[2] = mk_post(&emp[1], round, KIND_IDEA, "Two\nlines");
	ids[3] = mk_post(&clara, round, KIND_IDEA, "Windows\r\nline end");
	ids[4] = mk_post(&mgr, round, KIND_PLAN, "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \xe2\x80\x94 ok");
	ids[5] = mk_post(&mallory, round, KIND_IDEA, "-\"quoted\", and =formula");
	link_post(pr, ids[1]);
	votes(ids[0], 0, 3, 1);
	votes(ids[1], 0, 4, 0);
	vote(&clara, ids[1], -1);
	votes(ids[2], 2, 1, 2);
	vote(&hanna, ids[5], 1);
	vote(&admin, ids[4], 1);

	csv = csv_of(round);
	ck_assert_int_eq(ranking_build(F, NULL, round, &rk), OS_OK);
	ck_assert_uint_eq(csv.n, rk.nposts + 1);
	ck_assert_uint_eq(csv.row[0].n, NCOLS);
	for (size_t i = 0; i < rk.nposts; i++) {
		const struct post *p = &rk.posts[i];
		const char *pt = ranking_priority_title(&rk, p->priority);
		char want[NCOLS][64];
		char *text[5];
		int c = 0;

		ck_assert_uint_eq(csv.row[i + 1].n, NCOLS);
		snprintf(want[c++], 64, "%zu", i + 1);
		snprintf(want[c++], 64, "%" PRId64, p->id);
		snprintf(want[c++], 64, "%s", os_kind_name(p->kind));
		c += 4; /* title, author, role, org: compared below */
		snprintf(want[c++], 64, "%s", os_status_name(post_status(p)));
		snprintf(want[c++], 64, "%.6f",
			 os_wilson_lower(tally_up(&p->tally), tally_down(&p->tally)));
		snprintf(want[c++], 64, "%" PRId64, tally_up(&p->tally));
		snprintf(want[c++], 64, "%" PRId64, tally_down(&p->tally));
		snprintf(want[c++], 64, "%" PRId64, tally_dots(&p->tally));
		snprintf(want[c++], 64, "%" PRId64, p->comment_count);
		c++; /* priority */
		snprintf(want[c++], 64, "%s", "");
		for (int role = 0; role < ROLE_COUNT; role++) {
			snprintf(want[c++], 64, "%" PRId64, p->tally.up[role]);
			snprintf(want[c++], 64, "%" PRId64, p->tally.down[role]);
			snprintf(want[c++], 64, "%" PRId64, p->tally.dots[role]);
		}
		/* The priority's outcome columns: a new priority is planned,
		 * with no goal, measures or milestones yet. */
		snprintf(want[c++], 64, "%s", p->priority ? "planned" : "");
		snprintf(want[c++], 64, "%s", "");
		snprintf(want[c++], 64, "%s", "");
		snprintf(want[c++], 64, "%s", "");
		snprintf(want[c++], 64, "%s", ""); /* needs: none named here */
		ck_assert_int_eq(c, NCOLS);
		for (int k = 0; k < NCOLS; k++) {
			if (k >= 3 && k <= 6)
				continue;
			if (k == 13)
				continue;
			ck_assert_msg(!strcmp(cell(&csv, i + 1, (size_t)k), want[k]),
				      "row %zu col %d: [%s] != [%s]", i + 1, k,
				      cell(&csv, i + 1, (size_t)k), want[k]);
		}
		text[0] = neutral(p->title);
		text[1] = neutral(p->author.display_name);
		text[2] = neutral(os_role_name(p->author.role));
		text[3] = neutral(p->author.org);
		text[4] = neutral(pt ? pt : "");
		for (int k = 0; k < 4; k++)
			ck_assert_str_eq(cell(&csv, i + 1, (size_t)(3 + k)), text[k]);
		ck_assert_str_eq(cell(&csv, i + 1, 13), text[4]);
		for (int k = 0; k < 5; k++)
			free(text[k]);
	}
	/* The quoted fields the reader had to unquote. */
	ck_assert_str_eq(cell(&csv, row_of(&csv, ids[1]), 3), "She said \"no\", twice");
	ck_assert_str_eq(cell(&csv, row_of(&csv, ids[1]), 6), "Helio, \"Health\"");
	ck_assert_str_eq(cell(&csv, row_of(&csv, ids[1]), 13), "Speed, \"really\"");
	ck_assert_str_eq(cell(&csv, row_of(&csv, ids[2]), 3), "Two\nlines");
	ck_assert_str_eq(cell(&csv, row_of(&csv, ids[3]), 3), "Windows\r\nline end");
	ck_assert_str_eq(cell(&csv, row_of(&csv, ids[5]), 3), "'-\"quoted\", and =formula");
	ranking_clear(&rk);
	csv_free(&csv);
}
END_TEST

START_TEST(csv_per_role_columns)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t p, q;
	struct csv csv;
	size_t r;
	/* admin, manager, employee, customer: up, down, dots */
	static const char *want_p[12] = {"1", "0", "0", "0", "1", "0",
					 "2", "1", "0", "1", "1", "0"};
	static const char *want_q[12] = {"0", "1", "0", "1", "0", "0",
					 "0", "3", "0", "0", "2", "0"};

	invite(round, &clara);
	invite(round, &hanna);
	p = mk_post(&clara, round, KIND_IDEA, "Per role");
	q = mk_post(&emp[0], round, KIND_IDEA, "Disliked");
	vote(&admin, p, 1);
	vote(&mgr, p, -1);
	vote(&emp[0], p, 1);
	vote(&emp[1], p, 1);
	vote(&emp[2], p, -1);
	vote(&clara, p, 1);
	vote(&hanna, p, -1);
	vote(&admin, q, -1);
	vote(&mgr, q, 1);
	votes(q, 3, 0, 3);
	vote(&clara, q, -1);
	vote(&hanna, q, -1);

	csv = csv_of(round);
	r = row_of(&csv, p);
	ck_assert_str_eq(cell(&csv, r, 4), "Clara Customer");
	ck_assert_str_eq(cell(&csv, r, 5), "customer");
	ck_assert_str_eq(cell(&csv, r, 6), "Nordbank");
	ck_assert_str_eq(cell(&csv, r, 9), "4");
	ck_assert_str_eq(cell(&csv, r, 10), "3");
	for (int k = 0; k < 12; k++)
		ck_assert_msg(!strcmp(cell(&csv, r, (size_t)(15 + k)), want_p[k]),
			      "post p column %d: %s != %s", 15 + k, cell(&csv, r, (size_t)(15 + k)),
			      want_p[k]);
	r = row_of(&csv, q);
	for (int k = 0; k < 12; k++)
		ck_assert_msg(!strcmp(cell(&csv, r, (size_t)(15 + k)), want_q[k]),
			      "post q column %d: %s != %s", 15 + k, cell(&csv, r, (size_t)(15 + k)),
			      want_q[k]);
	csv_free(&csv);
}
END_TEST

START_TEST(merged_and_hidden_posts)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	int64_t target = mk_post(&emp[0], round, KIND_IDEA, "One login for everything");
	int64_t dup = mk_post(&emp[1], round, KIND_IDEA, "Single sign-on");
	int64_t spam = mk_post(&emp[2], round, KIND_IDEA, "Buy cheap watches");
	char want[32], *s;
	struct post out;
	struct csv csv;
	size_t r, len;

	votes(target, 0, 2, 0);
	votes(dup, 1, 4, 0); /* emp1 voted on both: keeps the target vote */
	ck_assert_int_eq(W(posts_merge(F, &mgr, dup, target, &out)), OS_OK);
	post_clear(&out);
	ck_assert_int_eq(W(mod_hide(F, &mgr, TARGET_POST, spam, 1, "spam")), OS_OK);

	csv = csv_of(round);
	ck_assert_uint_eq(csv.n, 4); /* hidden and merged posts are listed too */
	r = row_of(&csv, dup);
	snprintf(want, sizeof want, "%" PRId64, target);
	ck_assert_str_eq(cell(&csv, r, 7), "merged");
	ck_assert_str_eq(cell(&csv, r, 14), want);
	ck_assert_str_eq(cell(&csv, r, 9), "0");
	r = row_of(&csv, target);
	ck_assert_uint_eq(r, 1);
	ck_assert_str_eq(cell(&csv, r, 7), "open");
	ck_assert_str_eq(cell(&csv, r, 9), "5");
	ck_assert_str_eq(cell(&csv, r, 14), "");
	ck_assert_str_eq(cell(&csv, row_of(&csv, spam), 7), "hidden");
	csv_free(&csv);

	s = ex(round, EXPORT_MD, &len);
	ck_assert_msg(strstr(s, "| Single sign-on | idea | Employee 1 | employee | 0.000 | 0 / 0 | "
				"0 | merged into rank 1 |"),
		      "%s", s);
	free(s);
}
END_TEST

static int have_unzip(void);
static char *run(const char *cmd);

/* The comments of a merged post show on its target, so every format counts
 * them there: the same number as the target's page. */
START_TEST(merged_comments_count_on_the_target_in_every_format)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	int64_t target = mk_post(&emp[0], round, KIND_IDEA, "One login for everything");
	int64_t dup = mk_post(&emp[1], round, KIND_IDEA, "Single sign-on");
	struct comment c;
	struct post out;
	struct csv csv;
	cJSON *j, *p;
	char *s;
	size_t len;

	ck_assert_int_eq(W(comments_create(F, &emp[2], target, 0, "Yes", &c)), OS_OK);
	comment_clear(&c);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(W(comments_create(F, &emp[3 + i], dup, 0, "Agreed", &c)), OS_OK);
		comment_clear(&c);
	}
	votes(target, 0, 2, 0);
	ck_assert_int_eq(W(posts_merge(F, &mgr, dup, target, &out)), OS_OK);
	post_clear(&out);

	csv = csv_of(round);
	ck_assert_str_eq(cell(&csv, row_of(&csv, target), 12), "4");
	csv_free(&csv);

	s = ex(round, EXPORT_JSON, &len);
	j = cJSON_Parse(s);
	ck_assert_ptr_nonnull(j);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "posts"), 0);
	ck_assert_int_eq((int)cJSON_GetObjectItem(p, "id")->valuedouble, (int)target);
	ck_assert_int_eq((int)cJSON_GetObjectItem(p, "comment_count")->valuedouble, 4);
	cJSON_Delete(j);
	free(s);

	s = ex(round, EXPORT_MD, &len);
	ck_assert_msg(strstr(s, "| One login for everything | idea | Employee 0 | employee | "),
		      "%s", s);
	ck_assert_msg(strstr(strstr(s, "| One login for everything | idea |"), " | 2 / 0 | 4 | "),
		      "%s", s);
	free(s);

	if (have_unzip()) {
		char path[] = "/tmp/test-export-XXXXXX", cmd[256], *x, *m2;
		FILE *f;
		int fd = mkstemp(path);

		ck_assert_int_ge(fd, 0);
		s = ex(round, EXPORT_XLSX, &len);
		f = fdopen(fd, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(s, 1, len, f), len);
		ck_assert_int_eq(fclose(f), 0);
		free(s);
		snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet1.xml", path);
		x = run(cmd);
		unlink(path);
		/* Column M is comments; row 2 the first ranked post, the target. */
		m2 = strstr(x, "r=\"M2\"");
		ck_assert_msg(m2 != NULL, "%s", x);
		ck_assert_msg(!strncmp(strstr(m2, "<v>"), "<v>4</v>", 8), "%.80s", m2);
		free(x);
	}
}
END_TEST

START_TEST(linked_priority_title)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	int64_t a = mk_post(&emp[0], round, KIND_IDEA, "Linked");
	int64_t b = mk_post(&emp[1], round, KIND_IDEA, "Not linked");
	int64_t pr = mk_priority(round, "Outcomes over tickets", mgr.id);
	struct csv csv;

	link_post(pr, a);
	csv = csv_of(round);
	ck_assert_str_eq(cell(&csv, row_of(&csv, a), 13), "Outcomes over tickets");
	ck_assert_str_eq(cell(&csv, row_of(&csv, b), 13), "");
	csv_free(&csv);
}
END_TEST

/* ---- JSON ------------------------------------------------------------- */

START_TEST(json_is_the_ranked_list)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t a, b, c, pr;
	cJSON *root, *posts, *p, *x, *ins, *d, *g;
	struct csv csv;
	size_t len, i = 0;
	char *s;

	invite(round, &clara);
	invite(round, &hanna);
	a = mk_post(&emp[0], round, KIND_IDEA, "Employees love it");
	b = mk_post(&emp[1], round, KIND_IDEA, "Everyone \"likes\" it");
	c = mk_post(&emp[2], round, KIND_IDEA, "Nobody voted");
	pr = mk_priority(round, "Love", 0);
	link_post(pr, a);
	votes(a, 0, 3, 0);
	vote(&clara, a, -1);
	vote(&hanna, a, -1);
	votes(b, 0, 2, 0);
	vote(&clara, b, 1);
	vote(&hanna, b, 1);

	s = ex(round, EXPORT_JSON, &len);
	ck_assert_uint_eq(strlen(s), len);
	ck_assert_int_eq(s[len - 1], '\n');
	ck_assert_int_ne(s[len - 2], '\n');
	ck_assert_ptr_eq(strchr(s, '\n'), s + len - 1);
	root = cJSON_Parse(s);
	ck_assert_ptr_nonnull(root);
	free(s);

	x = cJSON_GetObjectItemCaseSensitive(root, "round");
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(x, "id")->valuedouble, round);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(x, "title")->valuestring,
			 "Strategy 2027");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(x, "vote_mode")->valuestring, "updown");
	x = cJSON_GetObjectItemCaseSensitive(root, "priorities");
	ck_assert(cJSON_IsArray(x));
	ck_assert_int_eq(cJSON_GetArraySize(x), 1);
	x = cJSON_GetArrayItem(x, 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(x, "title")->valuestring, "Love");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(x, "owner")));
	ck_assert_int_eq(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(x, "posts"), 0)->valuedouble, a);

	/* The posts in the CSV's order, with their ranks. */
	csv = csv_of(round);
	posts = cJSON_GetObjectItemCaseSensitive(root, "posts");
	ck_assert_int_eq(cJSON_GetArraySize(posts), 3);
	ck_assert_uint_eq(csv.n, 4);
	cJSON_ArrayForEach(p, posts)
	{
		char id[32];

		i++;
		snprintf(id, sizeof id, "%.0f",
			 cJSON_GetObjectItemCaseSensitive(p, "id")->valuedouble);
		ck_assert_str_eq(cell(&csv, i, 1), id);
		ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(p, "rank")->valuedouble, i);
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(p, "my_vote"));
		ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(p, "tally"));
		ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(p, "author"));
		x = cJSON_GetObjectItemCaseSensitive(p, "priority_title");
		if (cJSON_GetObjectItemCaseSensitive(p, "id")->valuedouble == a) {
			ck_assert_str_eq(x->valuestring, "Love");
			ck_assert_int_eq(
				cJSON_GetObjectItemCaseSensitive(p, "priority")->valuedouble, pr);
		} else {
			ck_assert(cJSON_IsNull(x));
			ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "priority")));
		}
	}
	csv_free(&csv);
	p = cJSON_GetArrayItem(posts, 0);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(p, "id")->valuedouble, b);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "title")->valuestring,
			 "Everyone \"likes\" it");
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(posts, 2), "id")
				 ->valuedouble,
			 c);

	/* Employees 3/3 up, customers 0/2: they disagree on a; b has
	 * everyone's support. */
	ins = cJSON_GetObjectItemCaseSensitive(root, "insights");
	x = cJSON_GetObjectItemCaseSensitive(ins, "disagree");
	ck_assert_int_eq(cJSON_GetArraySize(x), 1);
	d = cJSON_GetArrayItem(x, 0);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(d, "post")->valuedouble, a);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(d, "title")->valuestring,
			 "Employees love it");
	ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(d, "spread")->valuedouble, 1.0);
	ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(d, "floor")->valuedouble, 0.0);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "groups"),
					     "employees");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "present")));
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(g, "votes")->valuedouble, 3);
	ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(g, "support")->valuedouble, 1.0);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "groups"),
					     "customers");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "present")));
	ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(g, "support")->valuedouble, 0.0);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "groups"),
					     "managers");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(g, "present")));
	x = cJSON_GetObjectItemCaseSensitive(ins, "agree");
	ck_assert_int_eq(cJSON_GetArraySize(x), 1);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(x, 0), "post")
				 ->valuedouble,
			 b);
	cJSON_Delete(root);
}
END_TEST

START_TEST(json_rounds_support_to_three_decimals)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t a;
	cJSON *root, *g;
	size_t len;
	char *s;

	invite(round, &clara);
	invite(round, &hanna);
	a = mk_post(&emp[0], round, KIND_IDEA, "Two thirds");
	votes(a, 0, 2, 1);
	vote(&clara, a, -1);
	vote(&hanna, a, -1);
	s = ex(round, EXPORT_JSON, &len);
	root = cJSON_Parse(s);
	ck_assert_ptr_nonnull(root);
	free(s);
	g = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "insights"),
						 "disagree"),
		0);
	ck_assert_ptr_nonnull(g);
	ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(g, "spread")->valuedouble, 0.667);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "groups"),
					     "employees");
	ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(g, "support")->valuedouble, 0.667);
	cJSON_Delete(root);
}
END_TEST

/* ---- Markdown --------------------------------------------------------- */

/* The cells of a GFM table row: pipes not escaped by a backslash, less
 * the leading and trailing ones. */
static int
table_cells(const char *line, size_t n)
{
	int pipes = 0;

	for (size_t i = 0; i < n; i++) {
		if (line[i] == '\\') {
			i++;
			continue;
		}
		pipes += line[i] == '|';
	}
	return pipes - 1;
}

/* The line of s that contains needle, as a pointer and a length. */
static const char *
line_with(const char *s, const char *needle, size_t *n)
{
	const char *at = strstr(s, needle), *start;

	ck_assert_msg(at != NULL, "no line with [%s] in:\n%s", needle, s);
	for (start = at; start > s && start[-1] != '\n'; start--)
		;
	*n = strcspn(start, "\n");
	return start;
}

START_TEST(markdown_report)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t a, b, c, p1, p2;
	const char *row, *pri, *ranked, *dis, *agr;
	size_t len, n;
	char *s;

	invite(round, &clara);
	invite(round, &hanna);
	a = mk_post(&emp[0], round, KIND_IDEA, "Pipes | in | the | title");
	b = mk_post(&hanna, round, KIND_IDEA, "Customers first");
	c = mk_post(&mgr, round, KIND_PLAN, "The plan");
	p1 = mk_priority(round, "Grow with customers", mgr.id);
	p2 = mk_priority(round, "Fix the basics", 0);
	link_post(p1, b);
	link_post(p1, c);
	(void)p2;
	votes(a, 0, 3, 0);
	vote(&clara, a, -1);
	vote(&hanna, a, -1);
	votes(b, 0, 4, 0);

	s = ex(round, EXPORT_MD, &len);
	ck_assert_uint_eq(strlen(s), len);
	ck_assert_int_eq(strncmp(s, "# Strategy 2027\n\n", 17), 0);
	ck_assert_ptr_nonnull(strstr(s, "\nWhere we go next.\n\nTell us what you think.\n"));
	ck_assert_ptr_nonnull(strstr(s, "**Phase:** open"));
	ck_assert_ptr_nonnull(strstr(s, "**Posts:** 3 (1 plan, 2 ideas)"));
	pri = strstr(s, "\n## Priorities\n");
	ranked = strstr(s, "\n## Ranked ideas and plans\n");
	dis = strstr(s, "\n## Where the groups disagree\n");
	agr = strstr(s, "\n## What everyone agrees on\n");
	ck_assert_ptr_nonnull(pri);
	ck_assert_ptr_nonnull(ranked);
	ck_assert_ptr_nonnull(dis);
	ck_assert_ptr_nonnull(agr);
	ck_assert(pri < ranked && ranked < dis && dis < agr);

	/* Priorities in rank order, with owners and what feeds them. */
	ck_assert_ptr_nonnull(strstr(pri, "### 1. Grow with customers\n\nOwner: Maria Manager\n"));
	ck_assert_ptr_nonnull(strstr(pri, "### 2. Fix the basics\n\nOwner: not named yet\n"));
	ck_assert(strstr(pri, "### 1.") < strstr(pri, "### 2."));
	ck_assert_ptr_nonnull(strstr(pri, "- Customers first (idea, rank 1, score 0.510)\n"));
	ck_assert_ptr_nonnull(strstr(pri, "- The plan (plan, rank 3, score 0.000)\n"));
	ck_assert(strstr(pri, "Customers first (idea") < strstr(pri, "The plan (plan"));
	ck_assert(strstr(pri, "The plan (plan") < ranked);

	/* The table: a title with pipes does not add columns; a customer
	 * author shows the organisation. */
	row = line_with(ranked, "| Rank | Title |", &n);
	ck_assert_int_eq(table_cells(row, n), 9);
	row = line_with(ranked, "Pipes", &n);
	ck_assert_int_eq(table_cells(row, n), 9);
	ck_assert_ptr_nonnull(strstr(row, "Pipes \\| in \\| the \\| title"));
	row = line_with(ranked, "Customers first", &n);
	ck_assert_int_eq(table_cells(row, n), 9);
	ck_assert_int_eq(strncmp(row, "| 1 | Customers first | idea | Hanna \\| Helio \xc2\xb7 Helio, "
				      "\"Health\" | customer | 0.510 | 4 / 0 | 0 | open |",
				 n),
			 0);
	row = line_with(ranked, "The plan |", &n);
	ck_assert_int_eq(strncmp(row, "| 3 | The plan | plan | Maria Manager | manager |", 48), 0);

	/* Where they disagree: employees 100% of 3, customers 0% of 2. */
	ck_assert_ptr_nonnull(strstr(dis, "- **Pipes \\| in \\| the \\| title** (rank 2): "
					  "employees 100% (3 votes), customers 0% (2 votes); "
					  "100 points apart\n"));
	ck_assert(strstr(dis, "Pipes") < agr);
	ck_assert_ptr_null(strstr(s, "\n\n\n"));
	ck_assert_int_eq(s[len - 1], '\n');
	ck_assert_int_ne(s[len - 2], '\n');
	free(s);
}
END_TEST

START_TEST(markdown_escapes_user_text)
{
	int64_t round = mk_round_titled("# Not | a *heading* <b>x</b>", VOTE_UPDOWN, 0,
					AUD_INTERNAL, PHASE_OPEN);
	int64_t pr;
	char *s, *html;
	size_t len;

	mk_post(&emp[0], round, KIND_IDEA, "<script>alert(1)</script>");
	mk_post(&emp[1], round, KIND_IDEA, "[click](javascript:alert(1)) ![img](x.png)");
	mk_post(&emp[2], round, KIND_IDEA, "`code` **bold** _em_ ~~strike~~ &amp; \\");
	mk_post(&emp[3], round, KIND_IDEA, "Line one\n# Line two\n- Line three");
	mk_post(&emp[4], round, KIND_IDEA, "Bell\x07\x01 rings");
	pr = mk_priority(round, "<img src=x onerror=alert(1)>", 0);
	{
		struct priority_changes ch = {
			.description = "1. not a list\n---\n> not a quote\n    not code\n"
				       "| a | b |\n=====\n+ plus\n\n\n<div>raw</div>",
		};
		struct priority out;

		ck_assert_int_eq(W(priorities_update(F, &mgr, pr, &ch, &out)), OS_OK);
		priority_clear(&out);
	}
	s = ex(round, EXPORT_MD, &len);
	html = cmark_markdown_to_html(s, len, CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE);
	ck_assert_ptr_nonnull(html);
	/* Only the report's own structure: one h1, h2 sections, h3 priorities,
	 * no raw HTML, links, images, code, emphasis, lists from user text,
	 * quotes or rules. */
	ck_assert_msg(strstr(html, "<h1>") && !strstr(strstr(html, "<h1>") + 1, "<h1>"),
		      "%s", html);
	ck_assert_ptr_nonnull(strstr(html, "<h1># Not | a *heading* &lt;b&gt;x&lt;/b&gt;</h1>"));
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_assert_ptr_null(strstr(html, "<a "));
	ck_assert_ptr_null(strstr(html, "<code>"));
	ck_assert_ptr_null(strstr(html, "<strong>bold"));
	ck_assert_ptr_null(strstr(html, "<em>"));
	ck_assert_ptr_null(strstr(html, "<del>"));
	ck_assert_ptr_null(strstr(html, "<blockquote>"));
	ck_assert_ptr_null(strstr(html, "<hr"));
	ck_assert_ptr_null(strstr(html, "<ol>"));
	ck_assert_ptr_null(strstr(html, "<pre>"));
	ck_assert_ptr_null(strstr(html, "<div>"));
	ck_assert_ptr_null(strstr(html, "<h4>"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "&amp;amp; \\"));
	ck_assert_ptr_nonnull(strstr(html, "1. not a list"));
	/* The multi-line title stays on its table row. */
	ck_assert_ptr_nonnull(strstr(s, "| Line one \\# Line two - Line three |"));
	ck_assert_ptr_nonnull(strstr(s, "| Bell rings |"));
	free(html);
	free(s);
}
END_TEST

START_TEST(markdown_for_dots_rounds)
{
	int64_t round = mk_round(VOTE_DOTS, 10, AUD_INTERNAL);
	int64_t a;
	char *s;
	size_t len, n;
	const char *row;

	a = mk_post(&emp[0], round, KIND_IDEA, "Dotted");
	spend(&emp[0], a, 4);
	spend(&emp[1], a, 3);
	s = ex(round, EXPORT_MD, &len);
	ck_assert_ptr_nonnull(strstr(s, "**Voting:** dots, 10 per member"));
	ck_assert_ptr_nonnull(strstr(s, "| Rank | Title | Kind | Author | Role | Score | Dots |"));
	row = line_with(s, "| 1 | Dotted |", &n);
	ck_assert_int_eq(
		strncmp(row, "| 1 | Dotted | idea | Employee 0 | employee | 7 | 7 | 0 | open |", n), 0);
	ck_assert_ptr_nonnull(strstr(s, "No priorities yet."));
	free(s);
}
END_TEST

/* ---- XLSX ------------------------------------------------------------- */

static int
have_unzip(void)
{
	return system("unzip -v >/dev/null 2>&1") == 0;
}

/* The output of cmd, NUL-terminated; the caller frees it. */
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
	ck_assert(!b.failed);
	return os_buf_detach(&b, NULL);
}

START_TEST(xlsx_is_a_workbook)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t a, b, pr;
	char path[] = "/tmp/test-export-XXXXXX", cmd[256], *s, *t, *out;
	size_t len, len2;
	FILE *f;
	int fd;

	invite(round, &clara);
	invite(round, &hanna);
	a = mk_post(&emp[0], round, KIND_IDEA, "=HYPERLINK(\"http://evil\")");
	b = mk_post(&clara, round, KIND_IDEA, "Customers first");
	pr = mk_priority(round, "Grow", mgr.id);
	link_post(pr, b);
	votes(a, 0, 3, 0);
	vote(&clara, a, -1);
	vote(&hanna, a, -1);

	s = ex(round, EXPORT_XLSX, &len);
	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(memcmp(s, "PK\x03\x04", 4), 0);
	/* The same bytes every time: no clock in the workbook. */
	t = ex(round, EXPORT_XLSX, &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert_int_eq(memcmp(s, t, len), 0);
	free(t);

	if (!have_unzip()) {
		free(s);
		return;
	}
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(s);

	snprintf(cmd, sizeof cmd, "unzip -Z1 %s", path);
	out = run(cmd);
	ck_assert_msg(strstr(out, "xl/worksheets/sheet1.xml\n") &&
			      strstr(out, "xl/worksheets/sheet2.xml\n") &&
			      strstr(out, "xl/worksheets/sheet3.xml\n") &&
			      strstr(out, "xl/worksheets/sheet4.xml\n") &&
			      strstr(out, "xl/sharedStrings.xml\n") && strstr(out, "xl/workbook.xml\n"),
		      "%s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/workbook.xml", path);
	out = run(cmd);
	ck_assert_ptr_nonnull(strstr(out, "<sheet name=\"Ranked\" sheetId=\"1\""));
	ck_assert_ptr_nonnull(strstr(out, "<sheet name=\"Priorities\" sheetId=\"2\""));
	ck_assert_ptr_nonnull(strstr(out, "<sheet name=\"Disagreement\" sheetId=\"3\""));
	ck_assert_ptr_nonnull(strstr(out, "_xlnm._FilterDatabase"));
	ck_assert_ptr_nonnull(strstr(out, "Ranked!$A$1:$AA$3"));
	free(out);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet1.xml", path);
	out = run(cmd);
	ck_assert_ptr_nonnull(strstr(out, "state=\"frozen\""));
	ck_assert_ptr_nonnull(strstr(out, "<autoFilter ref=\"A1:AA3\"/>"));
	ck_assert_ptr_nonnull(strstr(out, "<col min=\"4\" max=\"4\" width=\"48"));
	ck_assert_ptr_null(strstr(out, "<f>")); /* no formulas at all */
	ck_assert_ptr_null(strstr(out, "<f "));
	free(out);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/sharedStrings.xml", path);
	out = run(cmd);
	ck_assert_ptr_nonnull(strstr(out, "=HYPERLINK("));
	ck_assert_ptr_nonnull(strstr(out, "<t>employee_dots</t>"));
	ck_assert_ptr_nonnull(strstr(out, "<t>Grow</t>"));
	free(out);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/styles.xml", path);
	out = run(cmd);
	ck_assert_ptr_nonnull(strstr(out, "formatCode=\"0.000\""));
	ck_assert_ptr_nonnull(strstr(out, "<b/>"));
	free(out);
	unlink(path);
}
END_TEST

/* ---- languages -------------------------------------------------------- */

/* 2026-12-04T12:00:00Z, in ms. */
#define DEC_4_2026 INT64_C(1796385600000)

/* Writes bytes to a new temporary file whose name goes into path. */
static void
to_file(const char *bytes, size_t len, char path[32])
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/test-export-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* One part of the zip at path, NUL-terminated; the caller frees it. */
static char *
unzip_part(const char *path, const char *part)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "unzip -p %s %s", path, part);
	return run(cmd);
}

/* How many times {1}, {2} and {3} occur in s, as a number 0xABC (A for
 * {3}), so that two texts can be compared in one go. */
static unsigned
placeholders(const char *s)
{
	unsigned n = 0;

	for (const char *p = s; (p = strchr(p, '{')); p++)
		if (p[1] >= '1' && p[1] <= '3' && p[2] == '}')
			n += 1u << (4 * (p[1] - '1'));
	return n;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Every language has every text, with the English text's placeholders;
 * sheet names are names Excel takes; English columns are the CSV's. */
START_TEST(every_language_has_every_text)
{
	char buf[32];

	for (int l = 0; l < OS_LANG_COUNT; l++) {
		for (int id = 0; id < XT_COUNT; id++) {
			const char *t = export_texts[l][id];

			ck_assert_msg(t && *t, "%s: text %d is missing", os_lang_code(l), id);
			ck_assert_msg(placeholders(t) == placeholders(export_texts[OS_LANG_EN][id]),
				      "%s: text %d [%s] has other placeholders than [%s]",
				      os_lang_code(l), id, t, export_texts[OS_LANG_EN][id]);
			ck_assert_str_eq(export_text((enum os_lang)l, id), t);
		}
		for (int id = XT_SHEET_RANKED; id <= XT_SHEET_AGREE; id++) {
			const char *t = export_texts[l][id];

			ck_assert_uint_le(utf8_chars(t), 31);
			ck_assert_ptr_null(strpbrk(t, "[]:*?/\\"));
			ck_assert_int_ne(t[0], '\'');
		}
		ck_assert_uint_eq(strlen(export_texts[l][XT_DECIMAL]), 1);
	}
	for (int c = 0; c < EXPORT_NCOLS; c++)
		ck_assert_str_eq(export_texts[OS_LANG_EN][XT_COL_RANK + c],
				 export_col_name(c, buf, sizeof buf));
	/* Out of range: English, or nothing. */
	ck_assert_str_eq(export_text(OS_LANG_COUNT, XT_SHEET_RANKED), "Ranked");
	ck_assert_str_eq(export_text(OS_LANG_NB, XT_COUNT), "");
	ck_assert_str_eq(export_text(OS_LANG_NB, -1), "");
	ck_assert_str_eq(export_role_text(OS_LANG_NB, ROLE_COUNT), "");
	ck_assert_str_eq(export_phase_text(OS_LANG_SV, -1), "");
}
END_TEST

START_TEST(dates_and_numbers_in_every_language)
{
	static const struct {
		int64_t ms;
		const char *want[OS_LANG_COUNT]; /* en, nb, sv, da */
	} dates[] = {
		{DEC_4_2026, {"4 December 2026", "4. desember 2026", "4 december 2026",
			      "4. december 2026"}},
		{INT64_C(1810598399000), /* 2027-05-17T23:59:59Z */
		 {"17 May 2027", "17. mai 2027", "17 maj 2027", "17. maj 2027"}},
		{INT64_C(1956527999999), /* 2031-12-31T23:59:59.999Z */
		 {"31 December 2031", "31. desember 2031", "31 december 2031",
		  "31. december 2031"}},
		{0, {"1 January 1970", "1. januar 1970", "1 januari 1970", "1. januar 1970"}},
		{-500, {"31 December 1969", "31. desember 1969", "31 december 1969",
			"31. december 1969"}},
		{INT64_C(1772323200000), /* 2026-03-01 */
		 {"1 March 2026", "1. mars 2026", "1 mars 2026", "1. marts 2026"}},
	};
	static const char *const score[OS_LANG_COUNT] = {"0.510", "0,510", "0,510", "0,510"};
	static const char *const pct[OS_LANG_COUNT] = {"67%", "67\xc2\xa0%", "67\xc2\xa0%",
						       "67\xc2\xa0%"};
	char num[EXPORT_NUM_LEN];
	struct os_buf b;

	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
		for (int l = 0; l < OS_LANG_COUNT; l++) {
			os_buf_init(&b);
			export_date(&b, (enum os_lang)l, dates[i].ms);
			ck_assert_ptr_nonnull(b.data);
			ck_assert_str_eq(b.data, dates[i].want[l]);
			os_buf_free(&b);
		}
	for (int l = 0; l < OS_LANG_COUNT; l++) {
		export_decimal((enum os_lang)l, 0.5104, 3, num);
		ck_assert_str_eq(num, score[l]);
		export_decimal((enum os_lang)l, 12.0, 0, num);
		ck_assert_str_eq(num, "12");
		os_buf_init(&b);
		export_percent(&b, (enum os_lang)l, 2.0 / 3.0);
		ck_assert_str_eq(b.data, pct[l]);
		os_buf_free(&b);
	}
	os_buf_init(&b);
	export_count(&b, OS_LANG_SV, XT_N_VOTES_ONE, 1);
	export_count(&b, OS_LANG_SV, XT_N_VOTES_ONE, 0);
	export_count(&b, OS_LANG_SV, XT_N_VOTES_ONE, 2);
	ck_assert_str_eq(b.data, "1 röst0 röster2 röster");
	os_buf_free(&b);
	os_buf_init(&b);
	export_fill(&b, "{2}-{1}-{3} {4} {x} {", "a", NULL, "c");
	ck_assert_str_eq(b.data, "-a-c {4} {x} {");
	os_buf_free(&b);
}
END_TEST

/* The round the language tests export: an admin's, a manager's, an
 * employee's and a customer's post, two priorities (one without an
 * owner), groups that disagree, and a deadline. */
static int64_t
lang_round(void)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t a, b, c, p1;
	struct round_changes ch = {.has_closes_at = 1, .closes_at = DEC_4_2026};
	struct round out;

	invite(round, &clara);
	invite(round, &hanna);
	a = mk_post(&emp[0], round, KIND_IDEA, "Pipes | in | the | title");
	b = mk_post(&hanna, round, KIND_IDEA, "Customers first");
	c = mk_post(&mgr, round, KIND_PLAN, "The plan");
	mk_post(&admin, round, KIND_IDEA, "From the top");
	p1 = mk_priority(round, "Grow with customers", mgr.id);
	mk_priority(round, "Fix the basics", 0);
	link_post(p1, b);
	link_post(p1, c);
	votes(a, 0, 3, 0);
	vote(&clara, a, -1);
	vote(&hanna, a, -1);
	votes(b, 0, 4, 0);
	/* Last: once the deadline has passed, the round takes no more. */
	ck_assert_int_eq(W(rounds_update(F, &mgr, round, &ch, &out)), OS_OK);
	round_clear(&out);
	return round;
}

/* What the Markdown report says in each language, written out here by
 * hand. */
static const struct md_lang {
	const char *facts, *created, *deadline;
	const char *h[4]; /* priorities, ranked list, disagree, agree */
	const char *owner, *no_owner, *feed, *th, *row_customer;
	const char *role[ROLE_COUNT]; /* after the author's name in the table */
	const char *disagree;
} md_langs[OS_LANG_COUNT] = {
	[OS_LANG_EN] = {
		"**Phase:** open \xc2\xb7 **Voting:** up and down votes \xc2\xb7 **Posts:** 4 "
		"(1 plan, 3 ideas)\n",
		"**Created:** ", "**Deadline:** 4 December 2026\n",
		{"Priorities", "Ranked ideas and plans", "Where the groups disagree",
		 "What everyone agrees on"},
		"Owner: Maria Manager\n", "Owner: not named yet\n",
		"- Customers first (idea, rank 1, score 0.510)\n",
		"| Rank | Title | Kind | Author | Role | Score | Up / down | Comments | Status |\n",
		"| 1 | Customers first | idea | Hanna \\| Helio \xc2\xb7 Helio, \"Health\" | "
		"customer | 0.510 | 4 / 0 | 0 | open |\n",
		{"| Ada Admin | admin |", "| Maria Manager | manager |", "| Employee 0 | employee |",
		 "\"Health\" | customer |"},
		"employees 100% (3 votes), customers 0% (2 votes); 100 points apart\n",
	},
	[OS_LANG_NB] = {
		"**Fase:** åpen \xc2\xb7 **Avstemning:** opp- og nedstemmer \xc2\xb7 "
		"**Innlegg:** 4 (1 plan, 3 idéer)\n",
		"**Opprettet:** ", "**Frist:** 4. desember 2026\n",
		{"Satsingsområder", "Prioritert liste", "Der gruppene er uenige",
		 "Det alle er enige om"},
		"Ansvarlig: Maria Manager\n", "Ansvarlig: ikke utpekt ennå\n",
		"- Customers first (idé, plass 1, poeng 0,510)\n",
		"| Plass | Tittel | Type | Forfatter | Rolle | Poeng | Opp / ned | Kommentarer | "
		"Status |\n",
		"| 1 | Customers first | idé | Hanna \\| Helio \xc2\xb7 Helio, \"Health\" | "
		"kunde | 0,510 | 4 / 0 | 0 | åpen |\n",
		{"| Ada Admin | administrator |", "| Maria Manager | leder |",
		 "| Employee 0 | ansatt |", "\"Health\" | kunde |"},
		"ansatte 100\xc2\xa0% (3 stemmer), kunder 0\xc2\xa0% (2 stemmer); "
		"100 prosentpoeng fra hverandre\n",
	},
	[OS_LANG_SV] = {
		"**Fas:** öppen \xc2\xb7 **Röstning:** upp- och nedröster \xc2\xb7 "
		"**Inlägg:** 4 (1 plan, 3 idéer)\n",
		"**Skapad:** ", "**Sista dag:** 4 december 2026\n",
		{"Satsningsområden", "Prioriterad lista", "Där grupperna är oeniga",
		 "Det alla är överens om"},
		"Ansvarig: Maria Manager\n", "Ansvarig: inte utsedd ännu\n",
		"- Customers first (idé, plats 1, poäng 0,510)\n",
		"| Plats | Titel | Typ | Författare | Roll | Poäng | Upp / ned | Kommentarer | "
		"Status |\n",
		"| 1 | Customers first | idé | Hanna \\| Helio \xc2\xb7 Helio, \"Health\" | "
		"kund | 0,510 | 4 / 0 | 0 | öppen |\n",
		{"| Ada Admin | administratör |", "| Maria Manager | chef |",
		 "| Employee 0 | medarbetare |", "\"Health\" | kund |"},
		"medarbetare 100\xc2\xa0% (3 röster), kunder 0\xc2\xa0% (2 röster); "
		"100 procentenheter isär\n",
	},
	[OS_LANG_DA] = {
		"**Fase:** åben \xc2\xb7 **Afstemning:** op- og nedstemmer \xc2\xb7 "
		"**Indlæg:** 4 (1 plan, 3 idéer)\n",
		"**Oprettet:** ", "**Frist:** 4. december 2026\n",
		{"Indsatsområder", "Prioriteret liste", "Hvor grupperne er uenige",
		 "Det alle er enige om"},
		"Ansvarlig: Maria Manager\n", "Ansvarlig: ikke udpeget endnu\n",
		"- Customers first (idé, plads 1, point 0,510)\n",
		"| Plads | Titel | Type | Forfatter | Rolle | Point | Op / ned | Kommentarer | "
		"Status |\n",
		"| 1 | Customers first | idé | Hanna \\| Helio \xc2\xb7 Helio, \"Health\" | "
		"kunde | 0,510 | 4 / 0 | 0 | åben |\n",
		{"| Ada Admin | administrator |", "| Maria Manager | leder |",
		 "| Employee 0 | medarbejder |", "\"Health\" | kunde |"},
		"medarbejdere 100\xc2\xa0% (3 stemmer), kunder 0\xc2\xa0% (2 stemmer); "
		"100 procentpoint fra hinanden\n",
	},
};

START_TEST(markdown_in_every_language)
{
	/* English words of the report that no other language may keep. */
	static const char *const english[] = {"**Phase:**", "Owner:", "(rank ", "points apart",
					      "| Rank |", "up and down", "## Priorities",
					      "votes)", "not named", "Deadline", "December"};
	int64_t round = lang_round();

	for (int l = 0; l < OS_LANG_COUNT; l++) {
		const struct md_lang *m = &md_langs[l];
		const char *at[4], *created;
		char want[128], *s;
		size_t len, n;

		s = exl(round, EXPORT_MD, (enum os_lang)l, &len);
		ck_assert_uint_eq(strlen(s), len);
		ck_assert_int_eq(strncmp(s, "# Strategy 2027\n\n", 17), 0);
		ck_assert_msg(strstr(s, m->facts), "%s: no [%s] in\n%s", os_lang_code(l), m->facts,
			      s);
		/* Created today (whatever day that is), then the deadline, on
		 * one line. */
		created = strstr(s, m->created);
		ck_assert_msg(created && created[-1] == '\n', "%s: %s", os_lang_code(l), s);
		ck_assert_msg(strstr(created, m->deadline) ==
				      created + strcspn(created, "\n") - strlen(m->deadline) + 1,
			      "%s: %s", os_lang_code(l), created);
		for (int k = 0; k < 4; k++) {
			snprintf(want, sizeof want, "\n## %s\n\n", m->h[k]);
			at[k] = strstr(s, want);
			ck_assert_msg(at[k] != NULL, "%s: no heading [%s] in\n%s", os_lang_code(l),
				      m->h[k], s);
			ck_assert(k == 0 || at[k - 1] < at[k]);
		}
		ck_assert_ptr_nonnull(strstr(at[0], m->owner));
		ck_assert_ptr_nonnull(strstr(at[0], m->no_owner));
		ck_assert_msg(strstr(at[0], m->feed) && strstr(at[0], m->feed) < at[1], "%s: %s",
			      os_lang_code(l), at[0]);
		ck_assert_msg(strstr(at[1], m->th) && strstr(at[1], m->th) < at[2], "%s: %s",
			      os_lang_code(l), at[1]);
		ck_assert_int_eq(table_cells(m->th, strlen(m->th)), 9);
		ck_assert_msg(strstr(at[1], m->row_customer), "%s: %s", os_lang_code(l), at[1]);
		for (int r = 0; r < ROLE_COUNT; r++) {
			const char *row = line_with(at[1], m->role[r], &n);

			ck_assert_int_eq(table_cells(row, n), 9);
			ck_assert(row < at[2]);
		}
		ck_assert_msg(strstr(at[2], m->disagree) && strstr(at[2], m->disagree) < at[3],
			      "%s: %s", os_lang_code(l), at[2]);
		for (size_t k = 0; l != OS_LANG_EN && k < sizeof english / sizeof english[0]; k++)
			ck_assert_msg(!strstr(s, english[k]), "%s: [%s] left in English:\n%s",
				      os_lang_code(l), english[k], s);
		free(s);
	}
}
END_TEST

START_TEST(markdown_dots_round_in_norwegian)
{
	int64_t round = mk_round(VOTE_DOTS, 10, AUD_INTERNAL);
	int64_t a = mk_post(&emp[0], round, KIND_IDEA, "Dotted");
	size_t len, n;
	const char *row;
	char *s;

	spend(&emp[0], a, 4);
	spend(&emp[1], a, 1);
	s = exl(round, EXPORT_MD, OS_LANG_NB, &len);
	ck_assert_ptr_nonnull(strstr(s, "**Avstemning:** prikker, 10 per deltaker"));
	ck_assert_ptr_nonnull(strstr(s, "**Innlegg:** 1 (0 planer, 1 idé)"));
	ck_assert_ptr_nonnull(strstr(s, "Poengsummen er antall prikker innlegget fikk."));
	ck_assert_ptr_nonnull(strstr(s, "| Plass | Tittel | Type | Forfatter | Rolle | Poeng | "
					"Prikker | Kommentarer | Status |"));
	row = line_with(s, "| 1 | Dotted |", &n);
	ck_assert_int_eq(strncmp(row, "| 1 | Dotted | idé | Employee 0 | ansatt | 5 | 5 | 0 | åpen |",
				 n),
			 0);
	ck_assert_ptr_nonnull(strstr(s, "brukt 3 prikker i runden"));
	ck_assert_ptr_nonnull(strstr(s, "Ingen satsingsområder ennå."));
	/* No deadline, no deadline line. */
	ck_assert_ptr_null(strstr(s, "**Frist:**"));
	free(s);
}
END_TEST

/* What the workbook's sheets and headers are called in each language. */
static const struct xlsx_lang {
	const char *sheets[4];
	const char *cells[8]; /* headers and values, as shared strings */
} xlsx_langs[OS_LANG_COUNT] = {
	[OS_LANG_EN] = {{"Ranked", "Priorities", "Disagreement", "Agreement"},
			{"<t>rank</t>", "<t>merged_into</t>", "<t>employee_dots</t>",
			 "<t>owner</t>", "<t>employees support</t>", "<t>customer</t>",
			 "<t>idea</t>", "<t>open</t>"}},
	[OS_LANG_NB] = {{"Prioritert liste", "Satsingsområder", "Uenighet", "Enighet"},
			{"<t>Plass</t>", "<t>Slått sammen med</t>",
			 "<t>Prikker fra ansatte</t>", "<t>Ansvarlig</t>",
			 "<t>Støtte fra ansatte</t>", "<t>kunde</t>", "<t>idé</t>",
			 "<t>åpen</t>"}},
	[OS_LANG_SV] = {{"Prioriterad lista", "Satsningsområden", "Oenighet", "Enighet"},
			{"<t>Plats</t>", "<t>Sammanslagen med</t>",
			 "<t>Prickar från medarbetare</t>", "<t>Ansvarig</t>",
			 "<t>Stöd från medarbetare</t>", "<t>kund</t>", "<t>idé</t>",
			 "<t>öppen</t>"}},
	[OS_LANG_DA] = {{"Prioriteret liste", "Indsatsområder", "Uenighed", "Enighed"},
			{"<t>Plads</t>", "<t>Slået sammen med</t>",
			 "<t>Prikker fra medarbejdere</t>", "<t>Ansvarlig</t>",
			 "<t>Støtte fra medarbejdere</t>", "<t>kunde</t>", "<t>idé</t>",
			 "<t>åben</t>"}},
};

START_TEST(xlsx_in_every_language)
{
	int64_t round = lang_round();

	if (!have_unzip())
		return;
	for (int l = 0; l < OS_LANG_COUNT; l++) {
		const struct xlsx_lang *x = &xlsx_langs[l];
		char path[32], want[128], *s, *out;
		size_t len;

		s = exl(round, EXPORT_XLSX, (enum os_lang)l, &len);
		ck_assert_int_eq(memcmp(s, "PK\x03\x04", 4), 0);
		to_file(s, len, path);
		free(s);
		out = unzip_part(path, "xl/workbook.xml");
		for (int k = 0; k < 4; k++) {
			snprintf(want, sizeof want, "<sheet name=\"%s\" sheetId=\"%d\"", x->sheets[k],
				 k + 1);
			ck_assert_msg(strstr(out, want), "%s: no %s in\n%s", os_lang_code(l), want,
				      out);
		}
		snprintf(want, sizeof want, "!$A$1:$AA$5<");
		ck_assert_ptr_nonnull(strstr(out, want));
		free(out);
		out = unzip_part(path, "xl/sharedStrings.xml");
		for (int k = 0; k < 8; k++)
			ck_assert_msg(strstr(out, x->cells[k]), "%s: no %s in\n%s", os_lang_code(l),
				      x->cells[k], out);
		if (l != OS_LANG_EN) {
			ck_assert_ptr_null(strstr(out, "<t>employee_dots</t>"));
			ck_assert_ptr_null(strstr(out, "<t>rank</t>"));
			ck_assert_ptr_null(strstr(out, "<t>customer</t>"));
		}
		free(out);
		/* Numbers stay numbers: the first post's rank, score and up
		 * votes are number cells, not text. */
		out = unzip_part(path, "xl/worksheets/sheet1.xml");
		ck_assert_msg(strstr(out, "<c r=\"A2\"><v>1</v></c>"), "%s", out);
		ck_assert_msg(strstr(out, "<c r=\"J2\"><v>4</v></c>"), "%s", out);
		ck_assert_ptr_null(strstr(out, "<c r=\"I2\" t=\"s\""));
		free(out);
		out = unzip_part(path, "xl/styles.xml");
		ck_assert_ptr_nonnull(strstr(out, "formatCode=\"0.000\""));
		free(out);
		unlink(path);
	}
}
END_TEST

/* CSV and JSON are for machines: the same bytes whatever the language. */
START_TEST(csv_and_json_ignore_the_language)
{
	int64_t round = lang_round();
	static const int formats[] = {EXPORT_CSV, EXPORT_JSON};

	for (size_t i = 0; i < 2; i++) {
		size_t len0, len;
		char *en = exl(round, formats[i], OS_LANG_EN, &len0);

		for (int l = 1; l < OS_LANG_COUNT; l++) {
			char *s = exl(round, formats[i], (enum os_lang)l, &len);

			ck_assert_msg(len == len0 && !memcmp(s, en, len),
				      "format %d differs in %s", formats[i], os_lang_code(l));
			free(s);
		}
		free(en);
	}
}
END_TEST

START_TEST(an_unknown_language_is_refused)
{
	int64_t round = lang_round();
	static const int bad[] = {OS_LANG_COUNT, OS_LANG_COUNT + 1, -1};

	for (int fmt = 0; fmt < EXPORT_FORMAT_COUNT; fmt++)
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			char *out = (char *)"untouched";
			size_t len = 7;

			ck_assert_int_eq(export_round(F, &mgr, round, fmt, (enum os_lang)bad[i], &out,
						      &len),
					 OS_EBADREQ);
			ck_assert_ptr_null(out);
			ck_assert_uint_eq(len, 0);
		}
	/* Refused before the round is even looked up. */
	{
		char *out;
		size_t len;

		ck_assert_int_eq(export_round(F, &mgr, 9999, EXPORT_MD, OS_LANG_COUNT, &out, &len),
				 OS_EBADREQ);
	}
}
END_TEST

/* ---- the entry point -------------------------------------------------- */

START_TEST(formats_names_types_extensions)
{
	ck_assert_int_eq(export_format_parse("csv"), EXPORT_CSV);
	ck_assert_int_eq(export_format_parse("json"), EXPORT_JSON);
	ck_assert_int_eq(export_format_parse("md"), EXPORT_MD);
	ck_assert_int_eq(export_format_parse("xlsx"), EXPORT_XLSX);
	ck_assert_int_eq(export_format_parse("pdf"), -1);
	ck_assert_int_eq(export_format_parse(""), -1);
	ck_assert_int_eq(export_format_parse("CSV"), -1);
	ck_assert_int_eq(export_format_parse(NULL), -1);
	ck_assert_str_eq(export_content_type(EXPORT_CSV), "text/csv; charset=utf-8");
	ck_assert_str_eq(export_content_type(EXPORT_JSON), "application/json");
	ck_assert_str_eq(export_content_type(EXPORT_MD), "text/markdown; charset=utf-8");
	ck_assert_str_eq(export_content_type(EXPORT_XLSX),
			 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	ck_assert_str_eq(export_extension(EXPORT_CSV), "csv");
	ck_assert_str_eq(export_extension(EXPORT_JSON), "json");
	ck_assert_str_eq(export_extension(EXPORT_MD), "md");
	ck_assert_str_eq(export_extension(EXPORT_XLSX), "xlsx");
	ck_assert_ptr_null(export_content_type(EXPORT_FORMAT_COUNT));
	ck_assert_ptr_null(export_extension(-1));
}
END_TEST

START_TEST(managers_and_admins_only)
{
	int64_t internal = mk_round(VOTE_UPDOWN, 0, AUD_INTERNAL);
	int64_t invited = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t draft = mk_round_titled("Draft", VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);
	char *out = (char *)"untouched";
	size_t len = 7;

	invite(invited, &clara);
	mk_post(&emp[0], internal, KIND_IDEA, "Something");
	mk_post(&clara, invited, KIND_IDEA, "Something else");
	for (int fmt = 0; fmt < EXPORT_FORMAT_COUNT; fmt++) {
		ck_assert_int_eq(export_round(F, &emp[0], internal, fmt, OS_LANG_EN, &out, &len),
				 OS_EFORBIDDEN);
		ck_assert_ptr_null(out);
		ck_assert_uint_eq(len, 0);
		ck_assert_int_eq(export_round(F, &olga, invited, fmt, OS_LANG_EN, &out, &len), OS_ENOTFOUND);
		ck_assert_ptr_null(out);
		ck_assert_int_eq(export_round(F, &olga, internal, fmt, OS_LANG_EN, &out, &len), OS_ENOTFOUND);
		ck_assert_int_eq(export_round(F, &clara, invited, fmt, OS_LANG_EN, &out, &len), OS_EFORBIDDEN);
		ck_assert_int_eq(export_round(F, &emp[0], draft, fmt, OS_LANG_EN, &out, &len), OS_ENOTFOUND);
		ck_assert_int_eq(export_round(F, &mgr, 9999, fmt, OS_LANG_EN, &out, &len), OS_ENOTFOUND);
		ck_assert_int_eq(export_round(F, NULL, 9999, fmt, OS_LANG_EN, &out, &len), OS_ENOTFOUND);

		ck_assert_int_eq(export_round(F, &mgr, internal, fmt, OS_LANG_EN, &out, &len), OS_OK);
		ck_assert_ptr_nonnull(out);
		ck_assert_uint_gt(len, 0);
		free(out);
		ck_assert_int_eq(export_round(F, &mgr, invited, fmt, OS_LANG_EN, &out, &len), OS_OK);
		free(out);
	}
	ck_assert_int_eq(export_round(F, &mgr, internal, EXPORT_FORMAT_COUNT, OS_LANG_EN, &out, &len),
			 OS_EBADREQ);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(export_round(F, &mgr, internal, -1, OS_LANG_EN, &out, &len), OS_EBADREQ);
}
END_TEST

START_TEST(command_line_and_http_give_the_same_bytes)
{
	int64_t round = mk_round(VOTE_UPDOWN, 0, AUD_INVITED);
	int64_t a, b, pr;

	invite(round, &clara);
	invite(round, &hanna);
	a = mk_post(&emp[0], round, KIND_IDEA, "One");
	b = mk_post(&clara, round, KIND_IDEA, "Two");
	pr = mk_priority(round, "P", mgr.id);
	link_post(pr, a);
	votes(a, 0, 3, 1);
	vote(&clara, a, -1);
	vote(&hanna, a, -1);
	vote(&emp[5], b, 1); /* the voters' own votes must not show */
	vote(&mgr, b, 1);
	vote(&admin, b, -1);
	for (int fmt = 0; fmt < EXPORT_FORMAT_COUNT; fmt++) {
		char *cli, *http, *http2;
		size_t n1, n2, n3;

		ck_assert_int_eq(export_round(F, NULL, round, fmt, OS_LANG_EN, &cli, &n1), OS_OK);
		ck_assert_int_eq(export_round(F, &mgr, round, fmt, OS_LANG_EN, &http, &n2), OS_OK);
		ck_assert_int_eq(export_round(F, &admin, round, fmt, OS_LANG_EN, &http2, &n3), OS_OK);
		ck_assert_uint_eq(n1, n2);
		ck_assert_uint_eq(n1, n3);
		ck_assert_msg(!memcmp(cli, http, n1) && !memcmp(cli, http2, n1),
			      "format %d differs between callers", fmt);
		if (fmt == EXPORT_JSON)
			ck_assert_ptr_null(strstr(cli, "my_vote"));
		free(cli);
		free(http);
		free(http2);
	}
}
END_TEST

/* A round nobody has written in yet (a draft, say) exports too. */
START_TEST(empty_round_in_every_format)
{
	int64_t round = mk_round_titled("Draft", VOTE_DOTS, 5, AUD_INTERNAL, PHASE_DRAFT);
	cJSON *root;
	size_t len;
	char *s;

	ck_assert_int_eq(export_round(F, &admin, round, EXPORT_CSV, OS_LANG_EN, &s, &len), OS_OK);
	ck_assert_uint_eq(len, strlen(BOM HEADER "\r\n"));
	ck_assert_str_eq(s, BOM HEADER "\r\n");
	free(s);
	s = ex(round, EXPORT_JSON, &len);
	root = cJSON_Parse(s);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "posts")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "priorities")),
			 0);
	cJSON_Delete(root);
	free(s);
	s = ex(round, EXPORT_XLSX, &len);
	ck_assert_int_eq(memcmp(s, "PK", 2), 0);
	free(s);
	s = ex(round, EXPORT_MD, &len);
	ck_assert_ptr_nonnull(strstr(s, "## Priorities\n\nNo priorities yet.\n"));
	ck_assert_ptr_nonnull(strstr(s, "## Ranked ideas and plans\n\nNo ideas or plans yet.\n"));
	ck_assert_ptr_nonnull(strstr(s, "**Phase:** draft"));
	ck_assert_ptr_nonnull(strstr(s, "**Posts:** 0 (0 plans, 0 ideas)"));
	ck_assert_ptr_nonnull(strstr(s, "No post divides the groups yet."));
	ck_assert_ptr_nonnull(strstr(s, "No post has the support of every group yet."));
	free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, updown_ranks_by_wilson_lower_bound);
	tcase_add_test(tc, dots_rank_by_total);
	tcase_add_test(tc, equal_scores_keep_the_older_post_first);
	tcase_add_test(tc, csv_header_is_exact);
	tcase_add_test(tc, csv_field_neutralises_and_quotes);
	tcase_add_test(tc, csv_neutralises_formulas_in_every_text_cell);
	tcase_add_test(tc, csv_reads_back_cell_by_cell);
	tcase_add_test(tc, csv_per_role_columns);
	tcase_add_test(tc, merged_and_hidden_posts);
	tcase_add_test(tc, merged_comments_count_on_the_target_in_every_format);
	tcase_add_test(tc, linked_priority_title);
	tcase_add_test(tc, json_is_the_ranked_list);
	tcase_add_test(tc, json_rounds_support_to_three_decimals);
	tcase_add_test(tc, markdown_report);
	tcase_add_test(tc, markdown_escapes_user_text);
	tcase_add_test(tc, markdown_for_dots_rounds);
	tcase_add_test(tc, xlsx_is_a_workbook);
	tcase_add_test(tc, every_language_has_every_text);
	tcase_add_test(tc, dates_and_numbers_in_every_language);
	tcase_add_test(tc, markdown_in_every_language);
	tcase_add_test(tc, markdown_dots_round_in_norwegian);
	tcase_add_test(tc, xlsx_in_every_language);
	tcase_add_test(tc, csv_and_json_ignore_the_language);
	tcase_add_test(tc, an_unknown_language_is_refused);
	tcase_add_test(tc, formats_names_types_extensions);
	tcase_add_test(tc, managers_and_admins_only);
	tcase_add_test(tc, command_line_and_http_give_the_same_bytes);
	tcase_add_test(tc, empty_round_in_every_format);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
