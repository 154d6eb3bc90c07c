#ifndef OS_EXPORT_EXPORT_H
#define OS_EXPORT_EXPORT_H

/*
 * Exports of a round's ranked list (forum/ranking.h): CSV (RFC 4180,
 * formula-safe), JSON, a Markdown report for people, and an XLSX workbook.
 * The HTTP endpoint and the command line call the same function, so the
 * same database gives the same bytes from both (XLSX aside: a zip carries
 * times of its own).
 *
 * The Markdown report and the workbook are written in the reader's
 * language (base/lang.h): headings, sheet names, column headers, the names
 * of roles, phases, kinds and statuses, dates and decimal separators (see
 * texts.h). CSV and JSON are for machines: their column and field names
 * and values are the protocol's, the same in every language.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/lang.h"
#include "base/model.h"
#include "forum/forum.h"
#include "forum/ranking.h"

enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_MD, EXPORT_XLSX, EXPORT_FORMAT_COUNT };

/* "csv", "json", "md", "xlsx" to the enum; -1 when unknown. */
int export_format_parse(const char *s);

/* The HTTP content type and the file extension of a format. */
const char *export_content_type(int format);
const char *export_extension(int format);

/* Renders round as format in lang into *out (malloc'd, *len bytes; caller
 * frees). caller NULL is the command line; otherwise managers and admins
 * only (OS_EFORBIDDEN, or OS_ENOTFOUND for a round the caller cannot see).
 * An unknown format or language is OS_EBADREQ, before anything is read. */
int export_round(struct forum *f, const struct user *caller, int64_t round, int format,
		 enum os_lang lang, char **out, size_t *len);

/* The renderers, for a ranking already built. Each returns OS_OK with a
 * malloc'd *out, or an error. */
int export_csv(const struct ranking *r, char **out, size_t *len);
int export_json(const struct ranking *r, char **out, size_t *len);
int export_markdown(const struct ranking *r, enum os_lang lang, char **out, size_t *len);
int export_xlsx(const struct ranking *r, enum os_lang lang, char **out, size_t *len);

/* A CSV field as RFC 4180 wants it, with spreadsheet formulas neutralised:
 * a value starting with '=', '+', '-', '@', tab or carriage return gets a
 * leading apostrophe. Appends to b. */
struct os_buf;
int export_csv_field(struct os_buf *b, const char *value);

#endif
