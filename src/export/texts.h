#ifndef OS_EXPORT_TEXTS_H
#define OS_EXPORT_TEXTS_H

/*
 * The words of the exports meant for people (the Markdown report and the
 * XLSX workbook) in each language: one table per language in texts.c,
 * indexed by enum export_text. CSV and JSON are for machines and keep
 * their English names; nothing here touches them.
 *
 * A text may hold the placeholders {1}, {2} and {3}, filled in by
 * export_fill(); a translation has the same placeholders as the English
 * text, in whatever order its language wants them. The English texts are
 * the protocol's words where the export showed those before (role, phase,
 * kind and status names, the XLSX column names), so an English export is
 * what it always was.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/lang.h"
#include "base/util.h"

enum export_text {
	/* XLSX sheet names (at most 31 characters, none of []:*?/\). */
	XT_SHEET_RANKED, XT_SHEET_PRIORITIES, XT_SHEET_DISAGREE, XT_SHEET_AGREE,
	/* Names of enum values, in the enums' order. */
	XT_ROLE_ADMIN, XT_ROLE_MANAGER, XT_ROLE_EMPLOYEE, XT_ROLE_CUSTOMER,
	XT_GROUP_EMPLOYEES, XT_GROUP_CUSTOMERS, XT_GROUP_MANAGERS,
	XT_PHASE_DRAFT, XT_PHASE_OPEN, XT_PHASE_VOTING, XT_PHASE_CLOSED,
	XT_KIND_PLAN, XT_KIND_IDEA,
	XT_STATUS_OPEN, XT_STATUS_MERGED, XT_STATUS_PROMOTED, XT_STATUS_HIDDEN,
	/* Dates and numbers: a date is XT_DATE with {1} the day, {2} the
	 * month's name and {3} the year. */
	XT_MONTH_1, XT_MONTH_2, XT_MONTH_3, XT_MONTH_4, XT_MONTH_5, XT_MONTH_6,
	XT_MONTH_7, XT_MONTH_8, XT_MONTH_9, XT_MONTH_10, XT_MONTH_11, XT_MONTH_12,
	XT_DATE, XT_DECIMAL /* one character */, XT_PERCENT,
	/* Counted nouns: the form for one, then the form for any other count. */
	XT_N_PLANS_ONE, XT_N_PLANS_OTHER, XT_N_IDEAS_ONE, XT_N_IDEAS_OTHER,
	XT_N_VOTES_ONE, XT_N_VOTES_OTHER, XT_N_DOTS_ONE, XT_N_DOTS_OTHER,
	/* XLSX: the columns of the ranked list, in enum export_col's order,
	 * then up, down and dots for each role. */
	XT_COL_RANK, XT_COL_ID, XT_COL_KIND, XT_COL_TITLE, XT_COL_AUTHOR, XT_COL_ROLE,
	XT_COL_ORG, XT_COL_STATUS, XT_COL_SCORE, XT_COL_UP, XT_COL_DOWN, XT_COL_DOTS,
	XT_COL_COMMENTS, XT_COL_PRIORITY, XT_COL_MERGED_INTO,
	XT_COL_ADMIN_UP, XT_COL_ADMIN_DOWN, XT_COL_ADMIN_DOTS,
	XT_COL_MANAGER_UP, XT_COL_MANAGER_DOWN, XT_COL_MANAGER_DOTS,
	XT_COL_EMPLOYEE_UP, XT_COL_EMPLOYEE_DOWN, XT_COL_EMPLOYEE_DOTS,
	XT_COL_CUSTOMER_UP, XT_COL_CUSTOMER_DOWN, XT_COL_CUSTOMER_DOTS,
	/* XLSX: the priorities sheet (rank and title as above) and the
	 * disagreement and agreement sheets ({1}: a group). */
	XT_PCOL_OWNER, XT_PCOL_DESCRIPTION, XT_PCOL_POSTS,
	XT_GCOL_SPREAD, XT_GCOL_FLOOR, XT_GCOL_SUPPORT, XT_GCOL_VOTES, XT_GCOL_DOTS,
	/* Markdown: the round's facts. */
	XT_MD_PHASE, XT_MD_VOTING, XT_MD_POSTS, XT_MD_CREATED, XT_MD_DEADLINE,
	XT_MD_UPDOWN, XT_MD_DOTS_PER, XT_MD_POST_COUNTS,
	/* Markdown: the priorities. */
	XT_MD_H_PRIORITIES, XT_MD_NO_PRIORITIES, XT_MD_OWNER, XT_MD_NO_OWNER, XT_MD_FED_BY,
	XT_MD_FEED_ITEM, XT_MD_NOTHING_LINKED,
	/* Markdown: the ranked table. */
	XT_MD_H_RANKED, XT_MD_NO_POSTS, XT_MD_SCORE_DOTS, XT_MD_SCORE_UPDOWN,
	XT_MD_TH_RANK, XT_MD_TH_TITLE, XT_MD_TH_KIND, XT_MD_TH_AUTHOR, XT_MD_TH_ROLE,
	XT_MD_TH_SCORE, XT_MD_TH_UPDOWN, XT_MD_TH_DOTS, XT_MD_TH_COMMENTS, XT_MD_TH_STATUS,
	XT_MD_MERGED_RANK, XT_MD_MERGED_POST,
	/* Markdown: where the groups disagree and agree. */
	XT_MD_H_DISAGREE, XT_MD_H_AGREE, XT_MD_SUPPORT_DOTS, XT_MD_SUPPORT_UPDOWN,
	XT_MD_NO_DISAGREE, XT_MD_NO_AGREE, XT_MD_AT_RANK, XT_MD_GROUP_SUPPORT, XT_MD_APART,
	/* Outcomes: the workbook's measures and milestones sheets and
	 * columns, the names of the priority statuses (enum os_prio_status's
	 * order), and the Markdown status report. */
	XT_SHEET_MEASURES, XT_SHEET_MILESTONES, XT_PST_PLANNED, XT_PST_ACTIVE,
	XT_PST_AT_RISK, XT_PST_DONE, XT_PST_DROPPED, XT_OCOL_STATUS,
	XT_OCOL_GOAL, XT_OCOL_PRIORITY, XT_OCOL_MEASURE, XT_OCOL_UNIT,
	XT_OCOL_BASELINE, XT_OCOL_CURRENT, XT_OCOL_TARGET, XT_OCOL_PROGRESS,
	XT_OCOL_UPDATED, XT_OCOL_MILESTONE, XT_OCOL_DUE, XT_OCOL_DONE,
	XT_MD_H_STATUS, XT_MD_STATUS_INTRO, XT_MD_TH_PRIORITY, XT_MD_TH_OWNER,
	XT_MD_TH_PSTATUS, XT_MD_TH_PROGRESS, XT_MD_TH_NEXT, XT_MD_TH_MEASURE,
	XT_MD_TH_BASELINE, XT_MD_TH_NOW, XT_MD_TH_TARGET, XT_MD_STATUS_LINE,
	XT_MD_GOAL, XT_MD_MEASURES, XT_MD_MILESTONES, XT_MD_MILESTONE_DUE,
	XT_MD_MILESTONE_DONE, XT_MD_LATEST, XT_MD_ALL_DONE,
	XT_COUNT
};

/* The tables themselves, one per language (each XT_COUNT long), for the
 * tests that check every language has every text; code uses
 * export_text(). */
extern const char *const *const export_texts[OS_LANG_COUNT];

/* Text id in lang; English for a language or text out of range (and for
 * a text a table lacks, which the unit tests do not let happen). */
const char *export_text(enum os_lang lang, int id);

/* The name of a role, group, phase, post kind or post status in lang; ""
 * when out of range. */
const char *export_role_text(enum os_lang lang, int role);
const char *export_group_text(enum os_lang lang, int group);
const char *export_phase_text(enum os_lang lang, int phase);
const char *export_kind_text(enum os_lang lang, int kind);
const char *export_status_text(enum os_lang lang, int status);
/* The name of a priority's status (enum os_prio_status) in lang. */
const char *export_prio_status_text(enum os_lang lang, int status);

/* Appends tpl to b with {1}, {2} and {3} replaced by a1, a2 and a3 (NULL
 * is empty); any other text is copied as it is. */
void export_fill(struct os_buf *b, const char *tpl, const char *a1, const char *a2,
		 const char *a3);

/* Appends n with the noun of the text pair starting at one_id (XT_N_*_ONE)
 * in the form for n: "1 vote", "2 votes". */
void export_count(struct os_buf *b, enum os_lang lang, int one_id, int64_t n);

/* v with the given decimals and lang's decimal separator ("0.510",
 * "0,510"), into buf. */
#define EXPORT_NUM_LEN 48
void export_decimal(enum os_lang lang, double v, int decimals, char buf[EXPORT_NUM_LEN]);

/* share (0..1) as a whole percentage in lang's way ("75%", "75 %"). */
void export_percent(struct os_buf *b, enum os_lang lang, double share);

/* The calendar day (UTC) of ms since the epoch, written out in lang:
 * "4 December 2026", "4. desember 2026", "4 december 2026". */
void export_date(struct os_buf *b, enum os_lang lang, int64_t ms);

#endif
