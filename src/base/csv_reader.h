#ifndef OS_BASE_CSV_READER_H
#define OS_BASE_CSV_READER_H

/*
 * A reader of RFC 4180 CSV held in memory (the staff list of `openstrat
 * user import`). Fields are separated by commas; a field in double quotes
 * may hold commas, line breaks and doubled quotes ("" for one "). Records
 * end with CRLF, LF or a lone CR; the last one may end without. A UTF-8
 * byte order mark at the very start is skipped. Empty lines are not
 * records.
 *
 * A malformed record does not end the reading: it comes back with its
 * line number and the reason, and the reader goes on at the next line, so
 * that a caller can list every bad line of a file at once.
 */

#include <stddef.h>

struct csv_reader;

struct csv_record {
	size_t nfields;
	char **fields;      /* NUL-terminated; owned by the reader, valid until
			       the next call */
	int line;           /* the line the record starts on, from 1 */
	const char *error;  /* NULL, or why the record is malformed (a static
			       string); its fields are then not to be used */
};

/* A reader over the len bytes at data, which must outlive it. NULL when
 * out of memory. */
struct csv_reader *csv_reader_new(const char *data, size_t len);
void csv_reader_free(struct csv_reader *r);

/* The next record: 1 with *rec filled, 0 at the end of the data, -1 when
 * out of memory. */
int csv_reader_next(struct csv_reader *r, struct csv_record *rec);

#endif
