#ifndef OS_EXPORT_EXPORT_INT_H
#define OS_EXPORT_EXPORT_INT_H

/*
 * What the export renderers share: the columns of the ranked list (CSV and
 * XLSX write the same ones), the score as text, and handing a buffer out.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "base/util.h"
#include "forum/ranking.h"

/* The fixed columns of the ranked list, before the per-role ones. */
enum export_col {
	COL_RANK, COL_ID, COL_KIND, COL_TITLE, COL_AUTHOR, COL_ROLE, COL_ORG,
	COL_STATUS, COL_SCORE, COL_UP, COL_DOWN, COL_DOTS, COL_COMMENTS,
	COL_PRIORITY, COL_MERGED_INTO, COL_FIXED
};
#define EXPORT_NCOLS (COL_FIXED + 3 * ROLE_COUNT)

extern const char *const export_fixed_cols[COL_FIXED];

/* The name of column c of the ranked list ("rank" ... "customer_dots"):
 * the per-role ones are written into buf (at least 32 bytes). */
const char *export_col_name(int c, char *buf, size_t bufsz);

/* The score of a post as text: total dots, or the Wilson lower bound with
 * six decimals. buf holds at least 32 bytes. */
#define EXPORT_SCORE_LEN 32
void export_score_text(const struct post *p, char buf[EXPORT_SCORE_LEN]);

/* The index of post id in r->posts, or -1. */
long export_post_index(const struct ranking *r, int64_t id);

/* Hands b's contents to *out and *len: OS_OK, or OS_ENOMEM (b freed, *out
 * NULL) when any append failed. */
int export_finish(struct os_buf *b, char **out, size_t *len);

/* Outcomes (export/outcomes.c). */

/* A measure's number as a program writes it: shortest exact-enough form
 * ("12", "0.5", "1e+15"), in buf of EXPORT_SCORE_LEN bytes. */
void export_number(double v, char buf[EXPORT_SCORE_LEN]);

/* The share of the way from baseline to target that current has come
 * (may be below 0 or above 1); 0 when baseline and target are equal, with
 * *defined 0. */
double export_progress(const struct measure *m, int *defined);

/* The first milestone of p not done yet (by due date), or NULL. */
const struct milestone *export_next_milestone(const struct priority *p);

/* The priority of id in r, with its index in *k, or NULL. */
const struct priority *export_priority_of(const struct ranking *r, int64_t id, size_t *k);

/* One line of text of p's measures ("NPS [points]: 10 -> 25 -> 40; ...")
 * and milestones ("2027-03-31 Pilot [done]; ..."), for CSV cells. */
void export_measures_line(struct os_buf *b, const struct priority *p);
void export_milestones_line(struct os_buf *b, const struct priority *p);

#endif
