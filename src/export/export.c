/*
 * The export entry point: builds a round's ranking once and renders it in
 * the format asked for. The renderers live in csv.c, json.c, markdown.c and
 * xlsx.c; what they share is here.
 */
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "export/export_int.h"

static const char *const format_names[EXPORT_FORMAT_COUNT] = {"csv", "json", "md", "xlsx"};

static const char *const content_types[EXPORT_FORMAT_COUNT] = {
	"text/csv; charset=utf-8",
	"application/json",
	"text/markdown; charset=utf-8",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

const char *const export_fixed_cols[COL_FIXED] = {
	"rank", "id", "kind", "title", "author", "role", "org", "status", "score",
	"up", "down", "dots", "comments", "priority", "merged_into",
};

int
export_format_parse(const char *s)
{
	for (int i = 0; s && i < EXPORT_FORMAT_COUNT; i++)
		if (!strcmp(s, format_names[i]))
			return i;
	return -1;
}

const char *
export_content_type(int format)
{
	return format >= 0 && format < EXPORT_FORMAT_COUNT ? content_types[format] : NULL;
}

const char *
export_extension(int format)
{
	return format >= 0 && format < EXPORT_FORMAT_COUNT ? format_names[format] : NULL;
}

const char *
export_col_name(int c, char *buf, size_t bufsz)
{
	static const char *const parts[3] = {"up", "down", "dots"};

	if (c >= 0 && c < COL_FIXED)
		return export_fixed_cols[c];
	if (c < 0 || c >= EXPORT_NCOLS)
		return "";
	c -= COL_FIXED;
	snprintf(buf, bufsz, "%s_%s", os_role_name(c / 3), parts[c % 3]);
	return buf;
}

void
export_score_text(const struct post *p, char buf[EXPORT_SCORE_LEN])
{
	if (p->vote_mode == VOTE_DOTS)
		snprintf(buf, EXPORT_SCORE_LEN, "%lld", (long long)tally_dots(&p->tally));
	else
		snprintf(buf, EXPORT_SCORE_LEN, "%.6f", post_score(p));
}

long
export_post_index(const struct ranking *r, int64_t id)
{
	for (size_t i = 0; id && i < r->nposts; i++)
		if (r->posts[i].id == id)
			return (long)i;
	return -1;
}

int
export_finish(struct os_buf *b, char **out, size_t *len)
{
	*out = os_buf_detach(b, len);
	if (!*out) {
		os_buf_free(b);
		*len = 0;
		return OS_ENOMEM;
	}
	return OS_OK;
}

int
export_round(struct forum *f, const struct user *caller, int64_t round, int format,
	     enum os_lang lang, char **out, size_t *len)
{
	struct ranking rk;
	int rc;

	*out = NULL;
	*len = 0;
	if (format < 0 || format >= EXPORT_FORMAT_COUNT || (unsigned)lang >= OS_LANG_COUNT)
		return OS_EBADREQ;
	if ((rc = ranking_build(f, caller, round, &rk)))
		return rc;
	switch (format) {
	case EXPORT_CSV:
		rc = export_csv(&rk, out, len);
		break;
	case EXPORT_JSON:
		rc = export_json(&rk, out, len);
		break;
	case EXPORT_MD:
		rc = export_markdown(&rk, lang, out, len);
		break;
	default:
		rc = export_xlsx(&rk, lang, out, len);
		break;
	}
	ranking_clear(&rk);
	if (rc) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return rc;
}
