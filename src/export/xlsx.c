/*
 * XLSX export with libxlsxwriter: a "Ranked" sheet with the CSV's columns
 * (bold frozen header, autofilter, column widths, numbers as numbers), a
 * "Priorities" sheet, "Disagreement" and "Agreement" sheets with each
 * group's support, and a "Needs" sheet.
 *
 * Sheet names, column headers and the names of kinds, roles and statuses
 * are in the language asked for (texts.c; in English they are the CSV's).
 * Numbers stay numbers with locale-neutral formats ("0.000", "0%"), which
 * the spreadsheet shows with its reader's decimal separator.
 *
 * Text goes in as strings (worksheet_write_string), never as formulas, so a
 * title such as "=HYPERLINK(...)" is a string cell and nothing else.
 *
 * Debian's libxlsxwriter (1.1.4) writes only to a file name: the workbook
 * is written to a private temporary file (mkstemp in $TMPDIR or /tmp), read
 * back and unlinked. The workbook's creation time is the round's, and the
 * library writes fixed zip times, so the same database gives the same
 * bytes.
 */
#include "export/export.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/err.h"
#include "base/util.h"
#include "export/export_int.h"
#include "export/need_texts.h"
#include "export/texts.h"
#include "forum/needs.h"

/* Excel's limit on the length of a cell's text, in characters; kept here
 * in bytes, which is stricter. */
#define XL_STR_MAX 32767

struct xl {
	lxw_workbook *wb;
	enum os_lang lang;
	lxw_format *bold, *wrap, *score, *pct;
	lxw_error err; /* the first failure */
};

static void
check(struct xl *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

static void
num(struct xl *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *f)
{
	check(x, worksheet_write_number(ws, row, col, v, f));
}

/* Text as a string cell; over Excel's limit it is cut at a character
 * boundary and ends with an ellipsis. */
static void
str(struct xl *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
    lxw_format *f)
{
	size_t n;
	char *cut;

	if (!s || !*s)
		return;
	n = strlen(s);
	if (n <= XL_STR_MAX) {
		check(x, worksheet_write_string(ws, row, col, s, f));
		return;
	}
	n = XL_STR_MAX - 3;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	cut = malloc(n + 4);
	if (!cut) {
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	memcpy(cut, s, n);
	memcpy(cut + n, "\xe2\x80\xa6", 4);
	check(x, worksheet_write_string(ws, row, col, cut, f));
	free(cut);
}

static lxw_worksheet *
sheet(struct xl *x, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);

	if (!ws)
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	return ws;
}

/* The length of s in characters (UTF-8). */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A bold header row, frozen, with the given column widths, widened where a
 * header would not fit. */
static void
header(struct xl *x, lxw_worksheet *ws, const char *const *names, const double *widths,
       int n)
{
	for (int c = 0; c < n; c++) {
		double w = (double)chars(names[c]) + 1;

		str(x, ws, 0, (lxw_col_t)c, names[c], x->bold);
		check(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
					      w > widths[c] ? w : widths[c], NULL));
	}
	worksheet_freeze_panes(ws, 1, 0);
}

static void
ranked(struct xl *x, const struct ranking *r)
{
	static const double fixed_widths[COL_FIXED] = {
		6, 6, 7, 48, 22, 10, 18, 10, 8, 6, 6, 6, 10, 32, 12,
	};
	lxw_worksheet *ws = sheet(x, export_text(x->lang, XT_SHEET_RANKED));
	const char *names[EXPORT_NCOLS];
	double widths[EXPORT_NCOLS];
	int dots = r->round.vote_mode == VOTE_DOTS;

	if (!ws)
		return;
	for (int c = 0; c < EXPORT_NCOLS; c++) {
		names[c] = export_text(x->lang, XT_COL_RANK + c);
		widths[c] = c < COL_FIXED ? fixed_widths[c] : 14;
	}
	header(x, ws, names, widths, EXPORT_NCOLS);
	check(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)r->nposts, EXPORT_NCOLS - 1));
	for (size_t i = 0; i < r->nposts && x->err == LXW_NO_ERROR; i++) {
		const struct post *p = &r->posts[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		double score = dots ? (double)tally_dots(&p->tally)
				    : round(post_score(p) * 1e6) / 1e6;

		num(x, ws, row, COL_RANK, (double)(i + 1), NULL);
		num(x, ws, row, COL_ID, (double)p->id, NULL);
		str(x, ws, row, COL_KIND, export_kind_text(x->lang, p->kind), NULL);
		str(x, ws, row, COL_TITLE, p->title, NULL);
		str(x, ws, row, COL_AUTHOR, p->author.display_name, NULL);
		str(x, ws, row, COL_ROLE, export_role_text(x->lang, p->author.role), NULL);
		str(x, ws, row, COL_ORG, p->author.org, NULL);
		str(x, ws, row, COL_STATUS, export_status_text(x->lang, post_status(p)),
		    NULL);
		num(x, ws, row, COL_SCORE, score, dots ? NULL : x->score);
		num(x, ws, row, COL_UP, (double)tally_up(&p->tally), NULL);
		num(x, ws, row, COL_DOWN, (double)tally_down(&p->tally), NULL);
		num(x, ws, row, COL_DOTS, (double)tally_dots(&p->tally), NULL);
		num(x, ws, row, COL_COMMENTS, (double)p->comment_count, NULL);
		str(x, ws, row, COL_PRIORITY, ranking_priority_title(r, p->priority), NULL);
		if (p->merged_into)
			num(x, ws, row, COL_MERGED_INTO, (double)p->merged_into, NULL);
		for (int role = 0; role < ROLE_COUNT; role++) {
			lxw_col_t c = (lxw_col_t)(COL_FIXED + 3 * role);

			num(x, ws, row, c, (double)p->tally.up[role], NULL);
			num(x, ws, row, c + 1, (double)p->tally.down[role], NULL);
			num(x, ws, row, c + 2, (double)p->tally.dots[role], NULL);
		}
	}
}

static void
priorities(struct xl *x, const struct ranking *r)
{
	const char *names[] = {
		export_text(x->lang, XT_COL_RANK),	  export_text(x->lang, XT_COL_TITLE),
		export_text(x->lang, XT_PCOL_OWNER),	  export_text(x->lang, XT_PCOL_DESCRIPTION),
		export_text(x->lang, XT_PCOL_POSTS),
		export_text(x->lang, XT_OCOL_STATUS),	  export_text(x->lang, XT_OCOL_GOAL),
	};
	static const double widths[] = {6, 40, 22, 60, 60, 12, 60};
	lxw_worksheet *ws = sheet(x, export_text(x->lang, XT_SHEET_PRIORITIES));

	if (!ws)
		return;
	header(x, ws, names, widths, 7);
	for (size_t k = 0; k < r->npriorities && x->err == LXW_NO_ERROR; k++) {
		const struct priority *pr = &r->priorities[k];
		lxw_row_t row = (lxw_row_t)(k + 1);
		struct os_buf b;

		num(x, ws, row, 0, (double)(k + 1), NULL);
		str(x, ws, row, 1, pr->title, x->wrap);
		if (pr->has_owner)
			str(x, ws, row, 2, pr->owner.display_name, NULL);
		str(x, ws, row, 3, pr->description, x->wrap);
		/* The titles of the posts that feed it, best first, a line each. */
		os_buf_init(&b);
		for (size_t i = 0; i < r->nposts; i++) {
			const struct post *p = &r->posts[i];
			int linked = p->priority == pr->id;

			for (size_t j = 0; !linked && j < pr->nposts; j++)
				linked = pr->posts[j] == p->id;
			if (!linked)
				continue;
			if (b.len)
				os_buf_add(&b, "\n", 1);
			os_buf_adds(&b, p->title ? p->title : "");
		}
		if (b.failed)
			check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		else
			str(x, ws, row, 4, b.data, x->wrap);
		os_buf_free(&b);
		str(x, ws, row, 5, export_prio_status_text(x->lang, pr->status), NULL);
		str(x, ws, row, 6, pr->goal ? pr->goal : "", x->wrap);
	}
}

/* Every measure of every priority: where it started, is and must get to. */
static void
measures(struct xl *x, const struct ranking *r)
{
	const char *names[] = {
		export_text(x->lang, XT_OCOL_PRIORITY), export_text(x->lang, XT_OCOL_MEASURE),
		export_text(x->lang, XT_OCOL_UNIT),	export_text(x->lang, XT_OCOL_BASELINE),
		export_text(x->lang, XT_OCOL_CURRENT),	export_text(x->lang, XT_OCOL_TARGET),
		export_text(x->lang, XT_OCOL_PROGRESS),
	};
	static const double widths[] = {40, 30, 10, 12, 12, 12, 12};
	lxw_worksheet *ws = sheet(x, export_text(x->lang, XT_SHEET_MEASURES));
	lxw_row_t row = 0;

	if (!ws)
		return;
	header(x, ws, names, widths, 7);
	for (size_t k = 0; k < r->npriorities && x->err == LXW_NO_ERROR; k++)
		for (size_t i = 0; i < r->priorities[k].nmeasures; i++) {
			const struct measure *m = &r->priorities[k].measures[i];
			int defined;
			double share = export_progress(m, &defined);

			row++;
			str(x, ws, row, 0, r->priorities[k].title, NULL);
			str(x, ws, row, 1, m->name, NULL);
			str(x, ws, row, 2, m->unit, NULL);
			num(x, ws, row, 3, m->baseline, NULL);
			num(x, ws, row, 4, m->current, NULL);
			num(x, ws, row, 5, m->target, NULL);
			if (defined)
				num(x, ws, row, 6, share, x->pct);
		}
}

/* Every milestone of every priority, with its due day and whether done. */
static void
milestones(struct xl *x, const struct ranking *r)
{
	const char *names[] = {
		export_text(x->lang, XT_OCOL_PRIORITY), export_text(x->lang, XT_OCOL_MILESTONE),
		export_text(x->lang, XT_OCOL_DUE), export_text(x->lang, XT_OCOL_DONE),
	};
	static const double widths[] = {40, 40, 12, 8};
	lxw_worksheet *ws = sheet(x, export_text(x->lang, XT_SHEET_MILESTONES));
	lxw_row_t row = 0;

	if (!ws)
		return;
	header(x, ws, names, widths, 4);
	for (size_t k = 0; k < r->npriorities && x->err == LXW_NO_ERROR; k++)
		for (size_t i = 0; i < r->priorities[k].nmilestones; i++) {
			const struct milestone *m = &r->priorities[k].milestones[i];

			row++;
			str(x, ws, row, 0, r->priorities[k].title, NULL);
			str(x, ws, row, 1, m->title, NULL);
			/* ISO days sort and read the same in every language. */
			str(x, ws, row, 2, m->due, NULL);
			str(x, ws, row, 3, m->done_at ? "\xe2\x9c\x93" : "", NULL);
		}
}

static void
groups(struct xl *x, const struct ranking *r, int name, const struct insight *in, size_t n)
{
	const char *names[4 + 2 * GROUP_COUNT] = {
		export_text(x->lang, XT_COL_RANK), export_text(x->lang, XT_COL_TITLE),
		export_text(x->lang, XT_GCOL_SPREAD), export_text(x->lang, XT_GCOL_FLOOR)};
	double widths[4 + 2 * GROUP_COUNT] = {6, 48, 9, 15};
	struct os_buf labels[2 * GROUP_COUNT];
	lxw_worksheet *ws = sheet(x, export_text(x->lang, name));
	int unit = r->round.vote_mode == VOTE_DOTS ? XT_GCOL_DOTS : XT_GCOL_VOTES;
	int bad = 0;

	if (!ws)
		return;
	for (int g = 0; g < GROUP_COUNT; g++) {
		const char *group = export_group_text(x->lang, g);

		os_buf_init(&labels[g]);
		os_buf_init(&labels[GROUP_COUNT + g]);
		export_fill(&labels[g], export_text(x->lang, XT_GCOL_SUPPORT), group, NULL, NULL);
		export_fill(&labels[GROUP_COUNT + g], export_text(x->lang, unit), group, NULL,
			    NULL);
		bad |= labels[g].failed || labels[GROUP_COUNT + g].failed;
		names[4 + g] = labels[g].data ? labels[g].data : "";
		names[4 + GROUP_COUNT + g] =
			labels[GROUP_COUNT + g].data ? labels[GROUP_COUNT + g].data : "";
		widths[4 + g] = widths[4 + GROUP_COUNT + g] = 18;
	}
	if (bad)
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	else
		header(x, ws, names, widths, 4 + 2 * GROUP_COUNT);
	for (int k = 0; k < 2 * GROUP_COUNT; k++)
		os_buf_free(&labels[k]);
	for (size_t i = 0; i < n && x->err == LXW_NO_ERROR; i++) {
		const struct post *p = &r->posts[in[i].post];
		lxw_row_t row = (lxw_row_t)(i + 1);

		num(x, ws, row, 0, (double)(in[i].post + 1), NULL);
		str(x, ws, row, 1, p->title, NULL);
		num(x, ws, row, 2, in[i].spread, x->pct);
		num(x, ws, row, 3, in[i].floor, x->pct);
		for (int g = 0; g < GROUP_COUNT; g++) {
			if (!in[i].g[g].present)
				continue;
			num(x, ws, row, (lxw_col_t)(4 + g), in[i].g[g].support, x->pct);
			num(x, ws, row, (lxw_col_t)(4 + GROUP_COUNT + g),
			    (double)in[i].g[g].votes, NULL);
		}
	}
}

/* The "Needs" sheet: each need with its ideas and priorities (titles, a
 * line each), its support and supporters by group, in all, and the
 * customer organisations behind it. */
static void
needs_sheet(struct xl *x, const struct ranking *r)
{
	enum { FIXED = 4, NCOL = FIXED + 2 * GROUP_COUNT + 2 };
	const char *names[NCOL] = {
		export_need_text(x->lang, NT_COL_NEED), export_need_text(x->lang, NT_COL_DESCRIPTION),
		export_need_text(x->lang, NT_COL_IDEAS),
		export_need_text(x->lang, NT_COL_PRIORITIES)};
	double widths[NCOL] = {30, 40, 48, 30};
	struct os_buf labels[2 * GROUP_COUNT];
	lxw_worksheet *ws = sheet(x, export_need_text(x->lang, NT_SHEET));
	int bad = 0;

	if (!ws)
		return;
	for (int g = 0; g < GROUP_COUNT; g++) {
		const char *group = export_group_text(x->lang, g);

		os_buf_init(&labels[g]);
		os_buf_init(&labels[GROUP_COUNT + g]);
		export_fill(&labels[g], export_need_text(x->lang, NT_COL_SUPPORT), group, NULL,
			    NULL);
		export_fill(&labels[GROUP_COUNT + g], export_need_text(x->lang, NT_COL_PEOPLE),
			    group, NULL, NULL);
		bad |= labels[g].failed || labels[GROUP_COUNT + g].failed;
		names[FIXED + g] = labels[g].data ? labels[g].data : "";
		names[FIXED + GROUP_COUNT + g] =
			labels[GROUP_COUNT + g].data ? labels[GROUP_COUNT + g].data : "";
		widths[FIXED + g] = widths[FIXED + GROUP_COUNT + g] = 16;
	}
	names[NCOL - 2] = export_need_text(x->lang, NT_COL_TOTAL);
	names[NCOL - 1] = export_need_text(x->lang, NT_COL_ORGS);
	widths[NCOL - 2] = 12;
	widths[NCOL - 1] = 30;
	if (bad)
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	else
		header(x, ws, names, widths, NCOL);
	for (int k = 0; k < 2 * GROUP_COUNT; k++)
		os_buf_free(&labels[k]);
	for (size_t k = 0; k < r->nneeds && x->err == LXW_NO_ERROR; k++) {
		const struct need_support *s = &r->needs[k];
		lxw_row_t row = (lxw_row_t)(k + 1);
		struct os_buf ideas, prios, orgs;

		str(x, ws, row, 0, s->need.title, x->wrap);
		str(x, ws, row, 1, s->need.description, x->wrap);
		os_buf_init(&ideas);
		os_buf_init(&prios);
		os_buf_init(&orgs);
		/* Ideas best first, priorities in their order. */
		for (size_t i = 0; i < r->nposts; i++)
			for (size_t j = 0; j < s->need.nposts; j++)
				if (s->need.posts[j] == r->posts[i].id) {
					if (ideas.len)
						os_buf_add(&ideas, "\n", 1);
					os_buf_adds(&ideas, r->posts[i].title ? r->posts[i].title
									      : "");
				}
		for (size_t i = 0; i < r->npriorities; i++)
			for (size_t j = 0; j < s->need.npriorities; j++)
				if (s->need.priorities[j] == r->priorities[i].id) {
					if (prios.len)
						os_buf_add(&prios, "\n", 1);
					os_buf_adds(&prios, r->priorities[i].title);
				}
		for (size_t i = 0; i < s->norgs; i++)
			os_buf_addf(&orgs, "%s%s (%lld)", i ? "\n" : "", s->orgs[i].org,
				    (long long)s->orgs[i].people);
		if (ideas.failed || prios.failed || orgs.failed) {
			check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		} else {
			str(x, ws, row, 2, ideas.data, x->wrap);
			str(x, ws, row, 3, prios.data, x->wrap);
			str(x, ws, row, NCOL - 1, orgs.data, x->wrap);
		}
		os_buf_free(&ideas);
		os_buf_free(&prios);
		os_buf_free(&orgs);
		for (int g = 0; g < GROUP_COUNT; g++) {
			num(x, ws, row, (lxw_col_t)(FIXED + g),
			    (double)needs_group_support(&s->g[g], r->round.vote_mode), NULL);
			num(x, ws, row, (lxw_col_t)(FIXED + GROUP_COUNT + g), (double)s->g[g].people,
			    NULL);
		}
		num(x, ws, row, NCOL - 2, (double)s->support, NULL);
	}
}

static int
os_error_of(lxw_error e)
{
	return e == LXW_NO_ERROR			 ? OS_OK
	       : e == LXW_ERROR_MEMORY_MALLOC_FAILED ? OS_ENOMEM
						     : OS_EINTERNAL;
}

/* Reads the whole of fd into a malloc'd buffer. */
static int
slurp(int fd, char **out, size_t *len)
{
	struct stat sb;
	size_t n, got = 0;
	char *buf;

	if (fstat(fd, &sb) || sb.st_size <= 0 || lseek(fd, 0, SEEK_SET) != 0)
		return OS_EINTERNAL;
	n = (size_t)sb.st_size;
	buf = malloc(n + 1);
	if (!buf)
		return OS_ENOMEM;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			free(buf);
			return OS_EINTERNAL;
		}
		got += (size_t)k;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return OS_OK;
}

int
export_xlsx(const struct ranking *r, enum os_lang lang, char **out, size_t *len)
{
	const char *dir = getenv("TMPDIR");
	lxw_workbook_options opt = {0};
	lxw_doc_properties props = {0};
	struct xl x = {0};
	struct os_buf path;
	int fd, rc;

	*out = NULL;
	*len = 0;
	x.lang = lang;
	if (!dir || !*dir)
		dir = "/tmp";
	os_buf_init(&path);
	os_buf_addf(&path, "%s/openstrat-export-XXXXXX", dir);
	if (path.failed)
		return OS_ENOMEM;
	/* The name is ours (mkstemp made the file); the library writes it. */
	fd = mkstemp(path.data);
	if (fd < 0) {
		os_buf_free(&path);
		return OS_EINTERNAL;
	}
	close(fd);
	opt.tmpdir = (char *)dir;
	x.wb = workbook_new_opt(path.data, &opt);
	if (!x.wb) {
		rc = OS_ENOMEM;
		goto out;
	}
	/* A creation time of the round's own, so that the bytes do not
	 * depend on the moment of the export. */
	props.title = r->round.title;
	props.created = r->round.created_at > 0 ? (time_t)(r->round.created_at / 1000)
						: (time_t)946684800; /* 2000-01-01 */
	check(&x, workbook_set_properties(x.wb, &props));
	x.bold = workbook_add_format(x.wb);
	x.wrap = workbook_add_format(x.wb);
	x.score = workbook_add_format(x.wb);
	x.pct = workbook_add_format(x.wb);
	if (!x.bold || !x.wrap || !x.score || !x.pct) {
		check(&x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	} else {
		format_set_bold(x.bold);
		format_set_text_wrap(x.wrap);
		format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);
		format_set_num_format(x.score, "0.000");
		format_set_num_format(x.pct, "0%");
		ranked(&x, r);
		priorities(&x, r);
		groups(&x, r, XT_SHEET_DISAGREE, r->disagree, r->ndisagree);
		groups(&x, r, XT_SHEET_AGREE, r->agree, r->nagree);
		measures(&x, r);
		milestones(&x, r);
		needs_sheet(&x, r);
	}
	/* Closing writes the file and frees the workbook, even after a
	 * failure (the file is then discarded). */
	check(&x, workbook_close(x.wb));
	rc = os_error_of(x.err);
	if (!rc) {
		/* Read back by name: the library may have replaced the file. */
		fd = open(path.data, O_RDONLY | O_CLOEXEC);
		rc = fd < 0 ? OS_EINTERNAL : slurp(fd, out, len);
		if (fd >= 0)
			close(fd);
	}
	/* A zip, or the library failed without saying so. */
	if (!rc && (*len < 4 || memcmp(*out, "PK\x03\x04", 4))) {
		free(*out);
		*out = NULL;
		*len = 0;
		rc = OS_EINTERNAL;
	}
out:
	unlink(path.data);
	os_buf_free(&path);
	return rc;
}
