#include "base/csv_reader.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct csv_reader {
	const char *data;
	size_t len, pos;
	int line;
	/* The current record: its fields' bytes, each NUL-terminated, one
	 * after the other, and where each starts. */
	char *buf;
	size_t buf_len, buf_cap;
	size_t *starts;
	char **fields;
	size_t nfields, fields_cap;
};

struct csv_reader *
csv_reader_new(const char *data, size_t len)
{
	struct csv_reader *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->data = data;
	r->len = len;
	r->line = 1;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		r->pos = 3;
	return r;
}

void
csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->starts);
	free(r->fields);
	free(r);
}

static int
put(struct csv_reader *r, char c)
{
	if (r->buf_len == r->buf_cap) {
		size_t ncap = r->buf_cap ? r->buf_cap * 2 : 256;
		char *n = realloc(r->buf, ncap);

		if (!n)
			return -1;
		r->buf = n;
		r->buf_cap = ncap;
	}
	r->buf[r->buf_len++] = c;
	return 0;
}

static int
begin_field(struct csv_reader *r)
{
	if (r->nfields == r->fields_cap) {
		size_t ncap = r->fields_cap ? r->fields_cap * 2 : 8;
		size_t *s = realloc(r->starts, ncap * sizeof *s);
		char **f;

		if (!s)
			return -1;
		r->starts = s;
		f = realloc(r->fields, ncap * sizeof *f);
		if (!f)
			return -1;
		r->fields = f;
		r->fields_cap = ncap;
	}
	r->starts[r->nfields++] = r->buf_len;
	return 0;
}

static int
at_line_end(const struct csv_reader *r)
{
	return r->pos < r->len && (r->data[r->pos] == '\n' || r->data[r->pos] == '\r');
}

/* Consumes one line end (CRLF, LF or CR) at pos. */
static void
eat_line_end(struct csv_reader *r)
{
	if (r->data[r->pos] == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n')
		r->pos++;
	r->pos++;
	r->line++;
}

/* After an error: on to the start of the next line. */
static void
skip_line(struct csv_reader *r)
{
	while (r->pos < r->len && !at_line_end(r))
		r->pos++;
	if (r->pos < r->len)
		eat_line_end(r);
}

/* Reads a quoted field after its opening quote. NULL, or the error. */
static const char *
quoted(struct csv_reader *r, int *nomem)
{
	for (;;) {
		char c;

		if (r->pos >= r->len)
			return "a quoted field is not closed";
		c = r->data[r->pos++];
		if (c == '"') {
			if (r->pos < r->len && r->data[r->pos] == '"') {
				r->pos++;
			} else {
				break;
			}
		} else if (c == '\n' || (c == '\r' && !(r->pos < r->len && r->data[r->pos] == '\n'))) {
			r->line++;
		} else if (c == '\0') {
			return "a NUL byte";
		}
		if (put(r, c)) {
			*nomem = 1;
			return NULL;
		}
	}
	if (r->pos < r->len && r->data[r->pos] != ',' && !at_line_end(r))
		return "text after a closing quote";
	return NULL;
}

static const char *
unquoted(struct csv_reader *r, int *nomem)
{
	while (r->pos < r->len && r->data[r->pos] != ',' && !at_line_end(r)) {
		char c = r->data[r->pos++];

		if (c == '"')
			return "a quote inside a field that does not start with one";
		if (c == '\0')
			return "a NUL byte";
		if (put(r, c)) {
			*nomem = 1;
			return NULL;
		}
	}
	return NULL;
}

int
csv_reader_next(struct csv_reader *r, struct csv_record *rec)
{
	const char *err = NULL;
	int nomem = 0;

	memset(rec, 0, sizeof *rec);
	while (at_line_end(r))
		eat_line_end(r);
	if (r->pos >= r->len)
		return 0;
	rec->line = r->line;
	r->buf_len = 0;
	r->nfields = 0;
	for (;;) {
		if (begin_field(r))
			return -1;
		if (r->data[r->pos] == '"') {
			r->pos++;
			err = quoted(r, &nomem);
		} else {
			err = unquoted(r, &nomem);
		}
		if (nomem || put(r, '\0'))
			return -1;
		if (err) {
			/* An unclosed quote has read to the end already. */
			skip_line(r);
			break;
		}
		if (r->pos < r->len && r->data[r->pos] == ',') {
			r->pos++;
			/* "a," ends with an empty field. */
			if (r->pos >= r->len || at_line_end(r)) {
				if (begin_field(r) || put(r, '\0'))
					return -1;
			} else {
				continue;
			}
		}
		if (r->pos < r->len)
			eat_line_end(r);
		break;
	}
	for (size_t i = 0; i < r->nfields; i++) {
		r->fields[i] = r->buf + r->starts[i];
		if (!err && !os_utf8_valid(r->fields[i], strlen(r->fields[i])))
			err = "not valid UTF-8";
	}
	rec->nfields = r->nfields;
	rec->fields = r->fields;
	rec->error = err;
	return 1;
}
