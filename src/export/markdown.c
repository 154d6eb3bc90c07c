/*
 * Markdown export: a report a person reads at a board meeting. The round,
 * its priorities with their owners and the ideas that feed them, the ranked
 * table, then where the groups disagree and what they all agree on.
 *
 * Every piece of user text is escaped so that it reads as text: Markdown's
 * punctuation gets a backslash (a '|' cannot add a table column, a '#' or
 * '<' cannot start a heading or HTML), and text meant for one line has its
 * line breaks folded. Nothing depends on the moment of the export, so the
 * same database gives the same bytes from the command line and over HTTP.
 */
#include "export/export.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "export/export_int.h"

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
md_score(struct os_buf *b, const struct post *p)
{
	if (p->vote_mode == VOTE_DOTS)
		os_buf_addf(b, "%" PRId64, tally_dots(&p->tally));
	else
		os_buf_addf(b, "%.3f", post_score(p));
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

static void
head(struct os_buf *b, const struct ranking *r)
{
	const struct round *rd = &r->round;
	size_t plans = 0;

	for (size_t i = 0; i < r->nposts; i++)
		plans += r->posts[i].kind == KIND_PLAN;
	os_buf_adds(b, "# ");
	md_inline(b, rd->title);
	os_buf_adds(b, "\n\n");
	if (md_block(b, rd->description))
		os_buf_add(b, "\n", 1);
	os_buf_addf(b, "**Phase:** %s \xc2\xb7 **Voting:** ", os_phase_name(rd->phase));
	if (rd->vote_mode == VOTE_DOTS)
		os_buf_addf(b, "dots, %d per member", rd->dots_per_member);
	else
		os_buf_adds(b, "up and down votes");
	os_buf_addf(b, " \xc2\xb7 **Posts:** %zu (%zu %s, %zu %s)\n\n", r->nposts, plans,
		    plans == 1 ? "plan" : "plans", r->nposts - plans,
		    r->nposts - plans == 1 ? "idea" : "ideas");
}

static void
priorities(struct os_buf *b, const struct ranking *r)
{
	os_buf_adds(b, "## Priorities\n\n");
	if (!r->npriorities)
		os_buf_adds(b, "No priorities yet.\n\n");
	for (size_t k = 0; k < r->npriorities; k++) {
		const struct priority *pr = &r->priorities[k];
		size_t fed = 0;

		os_buf_addf(b, "### %zu. ", k + 1);
		md_inline(b, pr->title);
		os_buf_adds(b, "\n\nOwner: ");
		if (pr->has_owner)
			md_inline(b, pr->owner.display_name);
		else
			os_buf_adds(b, "not named yet");
		os_buf_adds(b, "\n\n");
		if (md_block(b, pr->description))
			os_buf_add(b, "\n", 1);
		/* The posts that feed it, best first. */
		for (size_t i = 0; i < r->nposts; i++) {
			const struct post *p = &r->posts[i];
			int linked = p->priority == pr->id;

			for (size_t j = 0; !linked && j < pr->nposts; j++)
				linked = pr->posts[j] == p->id;
			if (!linked)
				continue;
			if (!fed++)
				os_buf_adds(b, "Ideas and plans that feed it:\n\n");
			os_buf_adds(b, "- ");
			md_inline(b, p->title);
			os_buf_addf(b, " (%s, rank %zu, score ", os_kind_name(p->kind), i + 1);
			md_score(b, p);
			os_buf_adds(b, ")\n");
		}
		os_buf_adds(b, fed ? "\n" : "No idea or plan linked yet.\n\n");
	}
}

static void
table(struct os_buf *b, const struct ranking *r)
{
	int dots = r->round.vote_mode == VOTE_DOTS;

	os_buf_adds(b, "## Ranked ideas and plans\n\n");
	if (!r->nposts) {
		os_buf_adds(b, "No ideas or plans yet.\n\n");
		return;
	}
	os_buf_adds(b, dots ? "The score is the number of dots a post received.\n\n"
			    : "The score is the lower bound of the 95% Wilson interval of "
			      "the share of up votes: high when many people agree, not "
			      "just a few.\n\n");
	os_buf_addf(b, "| Rank | Title | Kind | Author | Score | %s | Comments | Status |\n",
		    dots ? "Dots" : "Up / down");
	os_buf_adds(b, "|---:|---|---|---|---:|---:|---:|---|\n");
	for (size_t i = 0; i < r->nposts; i++) {
		const struct post *p = &r->posts[i];
		int status = post_status(p);

		os_buf_addf(b, "| %zu | ", i + 1);
		md_inline(b, p->title);
		os_buf_addf(b, " | %s | ", os_kind_name(p->kind));
		md_author(b, &p->author);
		os_buf_adds(b, " | ");
		md_score(b, p);
		if (dots)
			os_buf_addf(b, " | %" PRId64, tally_dots(&p->tally));
		else
			os_buf_addf(b, " | %" PRId64 " / %" PRId64, tally_up(&p->tally),
				    tally_down(&p->tally));
		os_buf_addf(b, " | %" PRId64 " | %s", p->comment_count, os_status_name(status));
		if (status == STATUS_MERGED && p->merged_into) {
			long t = export_post_index(r, p->merged_into);

			if (t >= 0)
				os_buf_addf(b, " into rank %ld", t + 1);
			else
				os_buf_addf(b, " into post %" PRId64, p->merged_into);
		}
		os_buf_adds(b, " |\n");
	}
	os_buf_add(b, "\n", 1);
}

static void
insight_list(struct os_buf *b, const struct ranking *r, const struct insight *in, size_t n,
	     int dots, int spread)
{
	for (size_t i = 0; i < n; i++) {
		const struct post *p = &r->posts[in[i].post];
		int first = 1;

		os_buf_adds(b, "- **");
		md_inline(b, p->title);
		os_buf_addf(b, "** (rank %zu): ", in[i].post + 1);
		for (int g = 0; g < GROUP_COUNT; g++) {
			const struct group_stat *s = &in[i].g[g];

			if (!s->present)
				continue;
			os_buf_addf(b, "%s%s %.0f%% (%" PRId64 " %s)", first ? "" : ", ",
				    ranking_group_name(g), s->support * 100.0, s->votes,
				    dots ? (s->votes == 1 ? "dot" : "dots")
					 : (s->votes == 1 ? "vote" : "votes"));
			first = 0;
		}
		if (spread)
			os_buf_addf(b, "; %.0f points apart", in[i].spread * 100.0);
		os_buf_add(b, "\n", 1);
	}
	os_buf_add(b, "\n", 1);
}

static void
insights(struct os_buf *b, const struct ranking *r)
{
	int dots = r->round.vote_mode == VOTE_DOTS;

	os_buf_adds(b, "## Where the groups disagree\n\n");
	if (dots)
		os_buf_addf(b, "A group's support for a post is its dots on the post relative "
			       "to the post it gave the most dots (100%%). A group counts "
			       "once it has spent %d dots in the round.\n\n",
			    RANKING_MIN_DOTS);
	else
		os_buf_addf(b, "A group's support for a post is the share of its votes that "
			       "are up. A group counts once it has cast %d votes on the "
			       "post.\n\n",
			    RANKING_MIN_VOTES);
	if (!r->ndisagree)
		os_buf_adds(b, "No post divides the groups yet.\n\n");
	else
		insight_list(b, r, r->disagree, r->ndisagree, dots, 1);
	os_buf_adds(b, "## What everyone agrees on\n\n");
	if (!r->nagree)
		os_buf_adds(b, "No post has the support of every group yet.\n");
	else
		insight_list(b, r, r->agree, r->nagree, dots, 0);
}

int
export_markdown(const struct ranking *r, char **out, size_t *len)
{
	struct os_buf b;

	os_buf_init(&b);
	head(&b, r);
	priorities(&b, r);
	table(&b, r);
	insights(&b, r);
	/* One trailing newline. */
	while (!b.failed && b.len > 1 && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '\n')
		b.data[--b.len] = '\0';
	return export_finish(&b, out, len);
}
