/*
 * CSV export: RFC 4180 (CRLF line ends, fields quoted when they hold a
 * comma, a quote, CR or LF, quotes doubled), UTF-8 without a BOM. Every
 * text cell is neutralised against spreadsheet formulas: one starting with
 * '=', '+', '-', '@', tab or CR gets a leading apostrophe.
 */
#include "export/export.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "export/export_int.h"
#include "export/need_texts.h"

int
export_csv_field(struct os_buf *b, const char *value)
{
	const char *v = value ? value : "";
	int quote = strpbrk(v, ",\"\r\n") != NULL;
	int formula = v[0] && strchr("=+-@\t\r", v[0]) != NULL;

	if (quote)
		os_buf_add(b, "\"", 1);
	if (formula)
		os_buf_add(b, "'", 1);
	if (quote) {
		for (const char *q; (q = strchr(v, '"')); v = q + 1) {
			os_buf_add(b, v, (size_t)(q - v) + 1);
			os_buf_add(b, "\"", 1);
		}
		os_buf_adds(b, v);
		os_buf_add(b, "\"", 1);
	} else {
		os_buf_adds(b, v);
	}
	return b->failed ? OS_ENOMEM : OS_OK;
}

static void
add_int(struct os_buf *b, int64_t v)
{
	os_buf_addf(b, "%" PRId64, v);
}

static void
add_row(struct os_buf *b, const struct ranking *r, size_t i)
{
	const struct post *p = &r->posts[i];
	char score[EXPORT_SCORE_LEN];

	export_score_text(p, score);
	os_buf_addf(b, "%zu,", i + 1);
	add_int(b, p->id);
	os_buf_add(b, ",", 1);
	export_csv_field(b, os_kind_name(p->kind));
	os_buf_add(b, ",", 1);
	export_csv_field(b, p->title);
	os_buf_add(b, ",", 1);
	export_csv_field(b, p->author.display_name);
	os_buf_add(b, ",", 1);
	export_csv_field(b, os_role_name(p->author.role));
	os_buf_add(b, ",", 1);
	export_csv_field(b, p->author.org);
	os_buf_add(b, ",", 1);
	export_csv_field(b, os_status_name(post_status(p)));
	os_buf_addf(b, ",%s,", score);
	add_int(b, tally_up(&p->tally));
	os_buf_add(b, ",", 1);
	add_int(b, tally_down(&p->tally));
	os_buf_add(b, ",", 1);
	add_int(b, tally_dots(&p->tally));
	os_buf_add(b, ",", 1);
	add_int(b, p->comment_count);
	os_buf_add(b, ",", 1);
	export_csv_field(b, ranking_priority_title(r, p->priority));
	os_buf_add(b, ",", 1);
	if (p->merged_into)
		add_int(b, p->merged_into);
	for (int role = 0; role < ROLE_COUNT; role++) {
		os_buf_add(b, ",", 1);
		add_int(b, p->tally.up[role]);
		os_buf_add(b, ",", 1);
		add_int(b, p->tally.down[role]);
		os_buf_add(b, ",", 1);
		add_int(b, p->tally.dots[role]);
	}
	/* The priority it feeds: where that stands. */
	{
		const struct priority *pr = export_priority_of(r, p->priority, NULL);
		struct os_buf t;

		os_buf_add(b, ",", 1);
		export_csv_field(b, pr ? os_prio_status_name(pr->status) : "");
		os_buf_add(b, ",", 1);
		export_csv_field(b, pr ? pr->goal : "");
		os_buf_init(&t);
		export_measures_line(&t, pr);
		os_buf_add(b, ",", 1);
		export_csv_field(b, t.data ? t.data : "");
		if (t.failed)
			b->failed = 1;
		os_buf_free(&t);
		os_buf_init(&t);
		export_milestones_line(&t, pr);
		os_buf_add(b, ",", 1);
		export_csv_field(b, t.data ? t.data : "");
		if (t.failed)
			b->failed = 1;
		os_buf_free(&t);
	}
	/* The needs it serves, by title. */
	{
		struct os_buf needs;

		os_buf_init(&needs);
		export_post_needs(&needs, r, p->id, "; ");
		os_buf_add(b, ",", 1);
		if (needs.failed)
			b->failed = 1;
		else
			export_csv_field(b, needs.data);
		os_buf_free(&needs);
	}
	os_buf_add(b, "\r\n", 2);
}

int
export_csv(const struct ranking *r, char **out, size_t *len)
{
	struct os_buf b;
	char name[32];

	os_buf_init(&b);
	/* A UTF-8 byte order mark: without it spreadsheet programs read the
	 * file in the machine's legacy code page and mangle æøå. */
	os_buf_add(&b, "\xef\xbb\xbf", 3);
	for (int c = 0; c < EXPORT_NCOLS; c++) {
		if (c)
			os_buf_add(&b, ",", 1);
		export_csv_field(&b, export_col_name(c, name, sizeof name));
	}
	os_buf_adds(&b, ",priority_status,priority_goal,priority_measures,priority_milestones");
	os_buf_adds(&b, ",needs");
	os_buf_add(&b, "\r\n", 2);
	for (size_t i = 0; i < r->nposts && !b.failed; i++)
		add_row(&b, r, i);
	return export_finish(&b, out, len);
}
