/*
 * Markdown export: a report a person reads at a board meeting. The round,
 * its priorities with their owners and the ideas that feed them, the needs
 * behind the ideas with their support, the ranked table, then where the groups disagree and what they all agree on.
 *
 * Every piece of user text is escaped so that it reads as text: Markdown's
 * punctuation gets a backslash (a '|' cannot add a table column, a '#' or
 * '<' cannot start a heading or HTML), and text meant for one line has its
 * line breaks folded. Nothing depends on the moment of the export, so the
 * same database gives the same bytes from the command line and over HTTP.
 *
 * The report is written in the language asked for: every word of its own
 * comes from texts.c, and numbers and dates are written that language's
 * way. User text is as its authors wrote it.
 */
#include "export/export.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/util.h"
#include "export/export_int.h"
#include "export/need_texts.h"
#include "forum/needs.h"
#include "export/texts.h"

/* Characters that mean something to CommonMark or GFM wherever they are. */
static int
special(char c)
{
	return c && strchr("\\`*_[]<>|#~&", c) != NULL;
}

/* s on one line: escaped, white space (line breaks included) and control
 * characters folded into single spaces, and trimmed. */
static void
md_inline(struct os_buf *b, const char *s)
{
	int space = 0, any = 0;

	for (; s && *s; s++) {
		char c = *s;

		if ((unsigned char)c <= ' ' || c == 0x7f) { /* white space, controls */
			space = any;
			continue;
		}
		if (space)
			os_buf_add(b, " ", 1);
		space = 0;
		any = 1;
		if (special(c))
			os_buf_add(b, "\\", 1);
		os_buf_add(b, &c, 1);
	}
}

/* One line of a block of text: what would start a block (a list item, a
 * thematic break, a setext underline, an ordered list) is escaped too. */
static void
md_line(struct os_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	if (n && strchr("+-=", s[0]))
		os_buf_add(b, "\\", 1);
	else {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i && i < n && (s[i] == '.' || s[i] == ')')) {
			os_buf_add(b, s, i);
			os_buf_add(b, "\\", 1);
			s += i;
			n -= i;
		}
	}
	for (i = 0; i < n; i++) {
		char c = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? ' ' : s[i];

		if (special(c))
			os_buf_add(b, "\\", 1);
		os_buf_add(b, &c, 1);
	}
}

/* A block of text (descriptions): its lines kept, blank lines kept as one
 * paragraph break, each line trimmed and escaped. Ends with a newline when
 * anything was written; returns whether it was. */
static int
md_block(struct os_buf *b, const char *s)
{
	int lines = 0, gap = 0;

	while (s && *s) {
		size_t n = strcspn(s, "\n");
		const char *next = s + n + (s[n] == '\n');
		const char *start = s;
		size_t len;

		while (n && strchr(" \t\r\v\f", s[n - 1]))
			n--;
		while (start < s + n && strchr(" \t\r\v\f", *start))
			start++;
		len = n - (size_t)(start - s);
		if (!len) {
			gap = lines > 0;
		} else {
			if (lines)
				os_buf_adds(b, gap ? "\n\n" : "\n");
			md_line(b, start, len);
			lines++;
			gap = 0;
		}
		s = next;
	}
	if (lines)
		os_buf_add(b, "\n", 1);
	return lines > 0;
}

static void
md_score(struct os_buf *b, const struct post *p, enum os_lang lang)
{
	char num[EXPORT_NUM_LEN];

	if (p->vote_mode == VOTE_DOTS)
		os_buf_addf(b, "%" PRId64, tally_dots(&p->tally));
	else {
		export_decimal(lang, post_score(p), 3, num);
		os_buf_adds(b, num);
	}
}

static void
md_author(struct os_buf *b, const struct user *u)
{
	md_inline(b, u->display_name);
	if (u->role == ROLE_CUSTOMER && u->org[0]) {
		os_buf_adds(b, " \xc2\xb7 ");
		md_inline(b, u->org);
	}
}

/* A piece built on the side failed to allocate: b fails as os_buf does,
 * so the whole report is refused rather than written with a hole. */
static void
md_fail(struct os_buf *b)
{
	os_buf_free(b);
	b->failed = 1;
}

/* "**Label:** " */
static void
label(struct os_buf *b, enum os_lang lang, int id)
{
	os_buf_addf(b, "**%s:** ", export_text(lang, id));
}

/* The round's title and description, its phase, voting and posts, and its
 * dates. */
static void
head(struct os_buf *b, const struct ranking *r, enum os_lang lang)
{
	const struct round *rd = &r->round;
	size_t plans = 0;
	char n[32];
	struct os_buf plans_text, ideas_text;

	for (size_t i = 0; i < r->nposts; i++)
		plans += r->posts[i].kind == KIND_PLAN;
	os_buf_adds(b, "# ");
	md_inline(b, rd->title);
	os_buf_adds(b, "\n\n");
	if (md_block(b, rd->description))
		os_buf_add(b, "\n", 1);
	label(b, lang, XT_MD_PHASE);
	os_buf_adds(b, export_phase_text(lang, rd->phase));
	os_buf_adds(b, " \xc2\xb7 ");
	label(b, lang, XT_MD_VOTING);
	if (rd->vote_mode == VOTE_DOTS) {
		snprintf(n, sizeof n, "%d", rd->dots_per_member);
		export_fill(b, export_text(lang, XT_MD_DOTS_PER), n, NULL, NULL);
	} else {
		os_buf_adds(b, export_text(lang, XT_MD_UPDOWN));
	}
	os_buf_adds(b, " \xc2\xb7 ");
	label(b, lang, XT_MD_POSTS);
	snprintf(n, sizeof n, "%zu", r->nposts);
	os_buf_init(&plans_text);
	os_buf_init(&ideas_text);
	export_count(&plans_text, lang, XT_N_PLANS_ONE, (int64_t)plans);
	export_count(&ideas_text, lang, XT_N_IDEAS_ONE, (int64_t)(r->nposts - plans));
	if (plans_text.failed || ideas_text.failed)
		md_fail(b);
	else
		export_fill(b, export_text(lang, XT_MD_POST_COUNTS), n, plans_text.data,
			    ideas_text.data);
	os_buf_free(&plans_text);
	os_buf_free(&ideas_text);
	os_buf_adds(b, "\n\n");
	/* Dates of the round's own, so that the report does not depend on
	 * when it was made. */
	if (rd->created_at > 0) {
		label(b, lang, XT_MD_CREATED);
		export_date(b, lang, rd->created_at);
	}
	if (rd->closes_at > 0) {
		if (rd->created_at > 0)
			os_buf_adds(b, " \xc2\xb7 ");
		label(b, lang, XT_MD_DEADLINE);
		export_date(b, lang, rd->closes_at);
	}
	if (rd->created_at > 0 || rd->closes_at > 0)
		os_buf_adds(b, "\n\n");
}

/* ---- outcomes: where each priority stands ---- */

/* A measure's number in lang: whole numbers as they are, others with up
 * to two decimals. */
static void
md_number(struct os_buf *b, enum os_lang lang, double v)
{
	char num[EXPORT_NUM_LEN];

	if (v == floor(v) && fabs(v) < 1e15)
		os_buf_addf(b, "%.0f", v == 0 ? 0 : v);
	else {
		export_decimal(lang, v, fabs(v * 10 - floor(v * 10)) < 1e-9 ? 1 : 2, num);
		os_buf_adds(b, num);
	}
}

/* A milestone's due day (YYYY-MM-DD, UTC) written out in lang. */
static void
md_due(struct os_buf *b, enum os_lang lang, const char *due)
{
	struct tm tm = {0};

	tm.tm_year = atoi(due) - 1900;
	tm.tm_mon = atoi(due + 5) - 1;
	tm.tm_mday = atoi(due + 8);
	tm.tm_hour = 12;
	export_date(b, lang, (int64_t)timegm(&tm) * 1000);
}

/* "Pilot (due 31 March 2027)", or with its day done. */
static void
md_milestone(struct os_buf *b, enum os_lang lang, const struct milestone *m)
{
	struct os_buf title, due, done;

	os_buf_init(&title);
	os_buf_init(&due);
	os_buf_init(&done);
	md_inline(&title, m->title);
	md_due(&due, lang, m->due);
	if (m->done_at)
		export_date(&done, lang, m->done_at);
	if (title.failed || due.failed || done.failed)
		md_fail(b);
	else
		export_fill(b, export_text(lang, m->done_at ? XT_MD_MILESTONE_DONE
							 : XT_MD_MILESTONE_DUE),
			    title.data, due.data, done.data);
	os_buf_free(&title);
	os_buf_free(&due);
	os_buf_free(&done);
}

/* "NPS 50 %; Churn 25 %", or a dash without measures. */
static void
md_progress(struct os_buf *b, enum os_lang lang, const struct priority *p)
{
	int any = 0;

	for (size_t i = 0; i < p->nmeasures; i++) {
		int defined;
		double share = export_progress(&p->measures[i], &defined);

		if (any++)
			os_buf_adds(b, "; ");
		md_inline(b, p->measures[i].name);
		os_buf_adds(b, " ");
		if (defined)
			export_percent(b, lang, share);
		else
			md_number(b, lang, p->measures[i].current);
	}
	if (!any)
		os_buf_adds(b, "\xe2\x80\x94");
}

/* The status report: one line per priority, for whoever reads only this. */
static void
status_report(struct os_buf *b, const struct ranking *r, enum os_lang lang)
{
	if (!r->npriorities)
		return;
	os_buf_addf(b, "## %s\n\n%s\n\n", export_text(lang, XT_MD_H_STATUS),
		    export_text(lang, XT_MD_STATUS_INTRO));
	os_buf_addf(b, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
		    export_text(lang, XT_MD_TH_PRIORITY), export_text(lang, XT_MD_TH_OWNER),
		    export_text(lang, XT_MD_TH_PSTATUS), export_text(lang, XT_MD_TH_PROGRESS),
		    export_text(lang, XT_MD_TH_NEXT));
	for (size_t k = 0; k < r->npriorities; k++) {
		const struct priority *pr = &r->priorities[k];
		const struct milestone *next = export_next_milestone(pr);

		os_buf_addf(b, "| %zu. ", k + 1);
		md_inline(b, pr->title);
		os_buf_adds(b, " | ");
		if (pr->has_owner)
			md_inline(b, pr->owner.display_name);
		else
			os_buf_adds(b, export_text(lang, XT_MD_NO_OWNER));
		os_buf_addf(b, " | %s | ", export_prio_status_text(lang, pr->status));
		md_progress(b, lang, pr);
		os_buf_adds(b, " | ");
		if (next)
			md_milestone(b, lang, next);
		else if (pr->nmilestones)
			os_buf_adds(b, export_text(lang, XT_MD_ALL_DONE));
		else
			os_buf_adds(b, "\xe2\x80\x94");
		os_buf_adds(b, " |\n");
	}
	os_buf_adds(b, "\n");
}

/* A priority's status, goal, measures, milestones and latest update. */
static void
outcome_details(struct os_buf *b, const struct ranking *r, size_t k, enum os_lang lang)
{
	const struct priority *pr = &r->priorities[k];
	const struct priority_update *u = r->latest && r->latest[k].id ? &r->latest[k] : NULL;

	export_fill(b, export_text(lang, XT_MD_STATUS_LINE),
		    export_prio_status_text(lang, pr->status), NULL, NULL);
	os_buf_adds(b, "\n\n");
	if (pr->goal && pr->goal[0]) {
		os_buf_addf(b, "**%s**\n\n", export_text(lang, XT_MD_GOAL));
		md_block(b, pr->goal);
		os_buf_adds(b, "\n");
	}
	if (pr->nmeasures) {
		os_buf_addf(b, "**%s**\n\n| %s | %s | %s | %s | %s |\n|---|---:|---:|---:|---:|\n",
			    export_text(lang, XT_MD_MEASURES), export_text(lang, XT_MD_TH_MEASURE),
			    export_text(lang, XT_MD_TH_BASELINE), export_text(lang, XT_MD_TH_NOW),
			    export_text(lang, XT_MD_TH_TARGET), export_text(lang, XT_MD_TH_PROGRESS));
		for (size_t i = 0; i < pr->nmeasures; i++) {
			const struct measure *m = &pr->measures[i];
			int defined;
			double share = export_progress(m, &defined);

			os_buf_adds(b, "| ");
			md_inline(b, m->name);
			if (m->unit[0]) {
				os_buf_adds(b, " (");
				md_inline(b, m->unit);
				os_buf_adds(b, ")");
			}
			os_buf_adds(b, " | ");
			md_number(b, lang, m->baseline);
			os_buf_adds(b, " | ");
			md_number(b, lang, m->current);
			os_buf_adds(b, " | ");
			md_number(b, lang, m->target);
			os_buf_adds(b, " | ");
			if (defined)
				export_percent(b, lang, share);
			else
				os_buf_adds(b, "\xe2\x80\x94");
			os_buf_adds(b, " |\n");
		}
		os_buf_adds(b, "\n");
	}
	if (pr->nmilestones) {
		os_buf_addf(b, "**%s**\n\n", export_text(lang, XT_MD_MILESTONES));
		for (size_t i = 0; i < pr->nmilestones; i++) {
			os_buf_adds(b, pr->milestones[i].done_at ? "- [x] " : "- [ ] ");
			md_milestone(b, lang, &pr->milestones[i]);
			os_buf_adds(b, "\n");
		}
		os_buf_adds(b, "\n");
	}
	if (u) {
		struct os_buf when, who;

		os_buf_init(&when);
		os_buf_init(&who);
		export_date(&when, lang, u->created_at);
		md_inline(&who, u->author.display_name);
		if (when.failed || who.failed)
			md_fail(b);
		os_buf_adds(b, "**");
		export_fill(b, export_text(lang, XT_MD_LATEST), when.data, who.data, NULL);
		os_buf_adds(b, "**\n\n");
		os_buf_free(&when);
		os_buf_free(&who);
		md_block(b, u->body);
		os_buf_adds(b, "\n");
	}
}

static void
priorities(struct os_buf *b, const struct ranking *r, enum os_lang lang)
{
	os_buf_addf(b, "## %s\n\n", export_text(lang, XT_MD_H_PRIORITIES));
	if (!r->npriorities)
		os_buf_addf(b, "%s\n\n", export_text(lang, XT_MD_NO_PRIORITIES));
	for (size_t k = 0; k < r->npriorities; k++) {
		const struct priority *pr = &r->priorities[k];
		struct os_buf owner;
		size_t fed = 0;

		os_buf_addf(b, "### %zu. ", k + 1);
		md_inline(b, pr->title);
		os_buf_adds(b, "\n\n");
		os_buf_init(&owner);
		if (pr->has_owner)
			md_inline(&owner, pr->owner.display_name);
		else
			os_buf_adds(&owner, export_text(lang, XT_MD_NO_OWNER));
		if (owner.failed)
			md_fail(b);
		else
			export_fill(b, export_text(lang, XT_MD_OWNER), owner.data, NULL, NULL);
		os_buf_free(&owner);
		os_buf_adds(b, "\n\n");
		if (md_block(b, pr->description))
			os_buf_add(b, "\n", 1);
		outcome_details(b, r, k, lang);
		/* The posts that feed it, best first. */
		for (size_t i = 0; i < r->nposts; i++) {
			const struct post *p = &r->posts[i];
			int linked = p->priority == pr->id;
			char rank[32];
			struct os_buf score;

			for (size_t j = 0; !linked && j < pr->nposts; j++)
				linked = pr->posts[j] == p->id;
			if (!linked)
				continue;
			if (!fed++)
				os_buf_addf(b, "%s\n\n", export_text(lang, XT_MD_FED_BY));
			os_buf_adds(b, "- ");
			md_inline(b, p->title);
			os_buf_adds(b, " ");
			snprintf(rank, sizeof rank, "%zu", i + 1);
			os_buf_init(&score);
			md_score(&score, p, lang);
			if (score.failed)
				md_fail(b);
			else
				export_fill(b, export_text(lang, XT_MD_FEED_ITEM),
					    export_kind_text(lang, p->kind), rank, score.data);
			os_buf_free(&score);
			os_buf_adds(b, "\n");
		}
		if (fed)
			os_buf_adds(b, "\n");
		else
			os_buf_addf(b, "%s\n\n", export_text(lang, XT_MD_NOTHING_LINKED));
	}
}

/* The needs leadership named: each with its ideas (best first), the
 * priorities that answer it, its support by group and the customer
 * organisations behind it. */
static void
needs(struct os_buf *b, const struct ranking *r, enum os_lang lang)
{
	int dots = r->round.vote_mode == VOTE_DOTS;

	os_buf_addf(b, "## %s\n\n", export_need_text(lang, NT_MD_H));
	if (!r->nneeds)
		os_buf_addf(b, "%s\n\n", export_need_text(lang, NT_MD_NONE));
	for (size_t k = 0; k < r->nneeds; k++) {
		const struct need_support *s = &r->needs[k];
		struct os_buf part, groups;
		size_t listed = 0;
		char num[32];

		os_buf_adds(b, "### ");
		md_inline(b, s->need.title);
		os_buf_adds(b, "\n\n");
		if (md_block(b, s->need.description))
			os_buf_add(b, "\n", 1);
		for (size_t i = 0; i < r->nposts; i++) {
			const struct post *p = &r->posts[i];
			int linked = 0;

			for (size_t j = 0; !linked && j < s->need.nposts; j++)
				linked = s->need.posts[j] == p->id;
			if (!linked)
				continue;
			if (!listed++)
				os_buf_addf(b, "%s\n\n", export_need_text(lang, NT_MD_IDEAS));
			os_buf_adds(b, "- ");
			md_inline(b, p->title);
			snprintf(num, sizeof num, "%zu", i + 1);
			os_buf_adds(b, " ");
			export_fill(b, export_text(lang, XT_MD_AT_RANK), num, NULL, NULL);
			os_buf_adds(b, "\n");
		}
		if (listed)
			os_buf_adds(b, "\n");
		else
			os_buf_addf(b, "%s\n\n", export_need_text(lang, NT_MD_NO_IDEAS));
		/* The priorities answering it, in their order. */
		os_buf_init(&part);
		for (size_t i = 0; i < r->npriorities; i++)
			for (size_t j = 0; j < s->need.npriorities; j++)
				if (s->need.priorities[j] == r->priorities[i].id) {
					if (part.len)
						os_buf_adds(&part, ", ");
					md_inline(&part, r->priorities[i].title);
				}
		if (part.failed) {
			md_fail(b);
		} else if (part.len) {
			export_fill(b, export_need_text(lang, NT_MD_ANSWERED), part.data, NULL,
				    NULL);
			os_buf_adds(b, "\n\n");
		}
		os_buf_free(&part);
		/* Support by group. */
		os_buf_init(&groups);
		for (int g = 0; g < GROUP_COUNT; g++) {
			struct os_buf people;
			char pn[32];

			if (g)
				os_buf_adds(&groups, ", ");
			export_need_support_text(needs_group_support(&s->g[g],
								     r->round.vote_mode),
						 dots, num);
			snprintf(pn, sizeof pn, "%lld", (long long)s->g[g].people);
			os_buf_init(&people);
			export_fill(&people, export_need_text(lang, s->g[g].people == 1
									? NT_N_PEOPLE_ONE
									: NT_N_PEOPLE_OTHER),
				    pn, NULL, NULL);
			if (people.failed)
				groups.failed = 1;
			else
				export_fill(&groups, export_need_text(lang, NT_MD_GROUP),
					    export_group_text(lang, g), num, people.data);
			os_buf_free(&people);
		}
		export_need_support_text(s->support, dots, num);
		if (groups.failed)
			md_fail(b);
		else
			export_fill(b, export_need_text(lang, NT_MD_SUPPORT), groups.data, num,
				    NULL);
		os_buf_free(&groups);
		os_buf_adds(b, "\n\n");
		if (s->norgs) {
			os_buf_init(&part);
			for (size_t i = 0; i < s->norgs; i++) {
				if (i)
					os_buf_adds(&part, ", ");
				md_inline(&part, s->orgs[i].org);
				os_buf_addf(&part, " (%lld)", (long long)s->orgs[i].people);
			}
			if (part.failed)
				md_fail(b);
			else
				export_fill(b, export_need_text(lang, NT_MD_ORGS), part.data, NULL,
					    NULL);
			os_buf_free(&part);
			os_buf_adds(b, "\n\n");
		}
	}
}

static void
table(struct os_buf *b, const struct ranking *r, enum os_lang lang)
{
	static const int heads[] = {XT_MD_TH_RANK,   XT_MD_TH_TITLE, XT_MD_TH_KIND,
				    XT_MD_TH_AUTHOR, XT_MD_TH_ROLE,  XT_MD_TH_SCORE,
				    XT_MD_TH_UPDOWN, XT_MD_TH_COMMENTS, XT_MD_TH_STATUS};
	int dots = r->round.vote_mode == VOTE_DOTS;

	os_buf_addf(b, "## %s\n\n", export_text(lang, XT_MD_H_RANKED));
	if (!r->nposts) {
		os_buf_addf(b, "%s\n\n", export_text(lang, XT_MD_NO_POSTS));
		return;
	}
	os_buf_addf(b, "%s\n\n",
		    export_text(lang, dots ? XT_MD_SCORE_DOTS : XT_MD_SCORE_UPDOWN));
	os_buf_adds(b, "|");
	for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
		os_buf_addf(b, " %s |",
			    export_text(lang, heads[k] == XT_MD_TH_UPDOWN && dots ? XT_MD_TH_DOTS
										 : heads[k]));
	os_buf_adds(b, "\n|---:|---|---|---|---|---:|---:|---:|---|\n");
	for (size_t i = 0; i < r->nposts; i++) {
		const struct post *p = &r->posts[i];
		int status = post_status(p);

		os_buf_addf(b, "| %zu | ", i + 1);
		md_inline(b, p->title);
		os_buf_addf(b, " | %s | ", export_kind_text(lang, p->kind));
		md_author(b, &p->author);
		os_buf_addf(b, " | %s | ", export_role_text(lang, p->author.role));
		md_score(b, p, lang);
		if (dots)
			os_buf_addf(b, " | %" PRId64, tally_dots(&p->tally));
		else
			os_buf_addf(b, " | %" PRId64 " / %" PRId64, tally_up(&p->tally),
				    tally_down(&p->tally));
		os_buf_addf(b, " | %" PRId64 " | ", p->comment_count);
		if (status == STATUS_MERGED && p->merged_into) {
			long t = export_post_index(r, p->merged_into);
			char n[32];

			if (t >= 0)
				snprintf(n, sizeof n, "%ld", t + 1);
			else
				snprintf(n, sizeof n, "%" PRId64, p->merged_into);
			export_fill(b, export_text(lang, t >= 0 ? XT_MD_MERGED_RANK
							       : XT_MD_MERGED_POST),
				    n, NULL, NULL);
		} else {
			os_buf_adds(b, export_status_text(lang, status));
		}
		os_buf_adds(b, " |\n");
	}
	os_buf_add(b, "\n", 1);
}

static void
insight_list(struct os_buf *b, const struct ranking *r, const struct insight *in, size_t n,
	     int dots, int spread, enum os_lang lang)
{
	for (size_t i = 0; i < n; i++) {
		const struct post *p = &r->posts[in[i].post];
		int first = 1;
		char rank[32];

		os_buf_adds(b, "- **");
		md_inline(b, p->title);
		os_buf_adds(b, "** ");
		snprintf(rank, sizeof rank, "%zu", in[i].post + 1);
		export_fill(b, export_text(lang, XT_MD_AT_RANK), rank, NULL, NULL);
		os_buf_adds(b, ": ");
		for (int g = 0; g < GROUP_COUNT; g++) {
			const struct group_stat *s = &in[i].g[g];
			struct os_buf pct, count;

			if (!s->present)
				continue;
			if (!first)
				os_buf_adds(b, ", ");
			first = 0;
			os_buf_init(&pct);
			os_buf_init(&count);
			export_percent(&pct, lang, s->support);
			export_count(&count, lang, dots ? XT_N_DOTS_ONE : XT_N_VOTES_ONE, s->votes);
			if (pct.failed || count.failed)
				md_fail(b);
			else
				export_fill(b, export_text(lang, XT_MD_GROUP_SUPPORT),
					    export_group_text(lang, g), pct.data, count.data);
			os_buf_free(&pct);
			os_buf_free(&count);
		}
		if (spread) {
			char pts[EXPORT_NUM_LEN];

			export_decimal(lang, in[i].spread * 100.0, 0, pts);
			os_buf_adds(b, "; ");
			export_fill(b, export_text(lang, XT_MD_APART), pts, NULL, NULL);
		}
		os_buf_add(b, "\n", 1);
	}
	os_buf_add(b, "\n", 1);
}

static void
insights(struct os_buf *b, const struct ranking *r, enum os_lang lang)
{
	int dots = r->round.vote_mode == VOTE_DOTS;
	char n[32];

	os_buf_addf(b, "## %s\n\n", export_text(lang, XT_MD_H_DISAGREE));
	snprintf(n, sizeof n, "%d", dots ? RANKING_MIN_DOTS : RANKING_MIN_VOTES);
	export_fill(b, export_text(lang, dots ? XT_MD_SUPPORT_DOTS : XT_MD_SUPPORT_UPDOWN), n,
		    NULL, NULL);
	os_buf_adds(b, "\n\n");
	if (!r->ndisagree)
		os_buf_addf(b, "%s\n\n", export_text(lang, XT_MD_NO_DISAGREE));
	else
		insight_list(b, r, r->disagree, r->ndisagree, dots, 1, lang);
	os_buf_addf(b, "## %s\n\n", export_text(lang, XT_MD_H_AGREE));
	if (!r->nagree)
		os_buf_addf(b, "%s\n", export_text(lang, XT_MD_NO_AGREE));
	else
		insight_list(b, r, r->agree, r->nagree, dots, 0, lang);
}

int
export_markdown(const struct ranking *r, enum os_lang lang, char **out, size_t *len)
{
	struct os_buf b;

	os_buf_init(&b);
	head(&b, r, lang);
	status_report(&b, r, lang);
	priorities(&b, r, lang);
	needs(&b, r, lang);
	table(&b, r, lang);
	insights(&b, r, lang);
	/* One trailing newline. */
	while (!b.failed && b.len > 1 && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '\n')
		b.data[--b.len] = '\0';
	return export_finish(&b, out, len);
}
