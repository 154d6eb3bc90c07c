#ifndef OS_EXPORT_NEED_TEXTS_H
#define OS_EXPORT_NEED_TEXTS_H

/*
 * The words of the needs section of the Markdown report and the "Needs"
 * sheet of the workbook, in each language (see texts.h for the way
 * placeholders work), and what the four formats share about needs.
 */

#include <stdint.h>

#include "base/lang.h"
#include "base/util.h"
#include "forum/ranking.h"

enum need_text {
	NT_SHEET,
	NT_COL_NEED, NT_COL_DESCRIPTION, NT_COL_IDEAS, NT_COL_PRIORITIES,
	NT_COL_SUPPORT,   /* {1}: a group */
	NT_COL_PEOPLE,    /* {1}: a group */
	NT_COL_TOTAL, NT_COL_ORGS,
	NT_MD_H, NT_MD_NONE, NT_MD_IDEAS, NT_MD_NO_IDEAS, NT_MD_ANSWERED,
	NT_MD_GROUP,      /* {1} group, {2} its support, {3} how many people */
	NT_MD_SUPPORT,    /* {1} the groups, {2} in all */
	NT_MD_ORGS,       /* {1} the organisations */
	NT_N_PEOPLE_ONE, NT_N_PEOPLE_OTHER,
	NT_COUNT
};

extern const char *const *const export_need_texts[OS_LANG_COUNT];

const char *export_need_text(enum os_lang lang, int id);

/* A group's support as text: "+3" or "-1" in up/down rounds, "4" (dots) in
 * dots rounds. buf holds at least 32 bytes. */
void export_need_support_text(int64_t v, int dots, char buf[32]);

/* Appends the titles of the needs post feeds to b, separated by sep. */
void export_post_needs(struct os_buf *b, const struct ranking *r, int64_t post,
		       const char *sep);

#endif
