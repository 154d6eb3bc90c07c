/*
 * src/base/csv_reader.c: RFC 4180 as staff lists come (Excel, LibreOffice,
 * HR systems, a text editor): quoted fields with commas, doubled quotes and
 * line breaks, a byte order mark, CRLF or LF, a last line with or without
 * its line end; and malformed records, each reported with the line it
 * starts on while the reading goes on.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv_reader.h"

/* Reads all of data; each record as "f1|f2|...", or "!LINE:error". */
struct got {
	char *rec[32];
	int line[32];
	int n;
};

static void
read_all(const char *data, size_t len, struct got *g)
{
	struct csv_reader *r = csv_reader_new(data, len);
	struct csv_record rec;
	int rc;

	ck_assert_ptr_nonnull(r);
	memset(g, 0, sizeof *g);
	while ((rc = csv_reader_next(r, &rec)) == 1) {
		char buf[512] = "";

		ck_assert_int_lt(g->n, 32);
		if (rec.error) {
			snprintf(buf, sizeof buf, "!%s", rec.error);
		} else {
			for (size_t i = 0; i < rec.nfields; i++) {
				if (i)
					strcat(buf, "|");
				strcat(buf, rec.fields[i]);
			}
		}
		g->line[g->n] = rec.line;
		g->rec[g->n++] = strdup(buf);
	}
	ck_assert_int_eq(rc, 0);
	/* The end stays the end. */
	ck_assert_int_eq(csv_reader_next(r, &rec), 0);
	csv_reader_free(r);
}

static void
got_free(struct got *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->rec[i]);
}

#define READ(s, g) read_all((s), sizeof(s) - 1, (g))

START_TEST(plain_lines_lf_and_crlf)
{
	struct got g;

	READ("a,b,c\nd,e,f\n", &g);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rec[0], "a|b|c");
	ck_assert_str_eq(g.rec[1], "d|e|f");
	ck_assert_int_eq(g.line[1], 2);
	got_free(&g);

	READ("a,b,c\r\nd,e,f\r\n", &g);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rec[0], "a|b|c");
	ck_assert_str_eq(g.rec[1], "d|e|f");
	ck_assert_int_eq(g.line[1], 2);
	got_free(&g);

	/* Old Mac line ends. */
	READ("a,b\rc,d", &g);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rec[1], "c|d");
	got_free(&g);
}
END_TEST

START_TEST(last_line_with_or_without_its_end)
{
	struct got g;

	READ("x,y\nlast,one", &g);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rec[1], "last|one");
	got_free(&g);
	READ("x,y\nlast,one\r\n", &g);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rec[1], "last|one");
	got_free(&g);
	READ("", &g);
	ck_assert_int_eq(g.n, 0);
	got_free(&g);
}
END_TEST

START_TEST(byte_order_mark_is_skipped)
{
	struct got g;

	READ("\xEF\xBB\xBFusername,org\r\nanna,Sales\r\n", &g);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.rec[0], "username|org");
	ck_assert_int_eq(g.line[0], 1);
	got_free(&g);
	/* Only at the very start: elsewhere it is text. */
	READ("a,\xEF\xBB\xBF" "b\n", &g);
	ck_assert_str_eq(g.rec[0], "a|\xEF\xBB\xBF" "b");
	got_free(&g);
}
END_TEST

START_TEST(quoted_fields)
{
	struct got g;

	READ("\"Berg, Anna\",\"She said \"\"hi\"\"\",\"\"\n", &g);
	ck_assert_int_eq(g.n, 1);
	ck_assert_str_eq(g.rec[0], "Berg, Anna|She said \"hi\"|");
	got_free(&g);
	/* Line breaks inside quotes belong to the field; the next record's
	 * line number counts them. */
	READ("h1,h2\r\n\"two\r\nlines\",x\r\n\"one\nmore\",y\nlast,z\n", &g);
	ck_assert_int_eq(g.n, 4);
	ck_assert_str_eq(g.rec[1], "two\r\nlines|x");
	ck_assert_int_eq(g.line[1], 2);
	ck_assert_str_eq(g.rec[2], "one\nmore|y");
	ck_assert_int_eq(g.line[2], 4);
	ck_assert_str_eq(g.rec[3], "last|z");
	ck_assert_int_eq(g.line[3], 6);
	got_free(&g);
}
END_TEST

START_TEST(empty_fields_and_empty_lines)
{
	struct got g;

	READ("anna,,,,\n,,\n\n\r\nbo,x,\n", &g);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.rec[0], "anna||||");
	ck_assert_str_eq(g.rec[1], "||");
	/* Empty lines are skipped but counted. */
	ck_assert_str_eq(g.rec[2], "bo|x|");
	ck_assert_int_eq(g.line[2], 5);
	got_free(&g);
	{
		struct csv_reader *r = csv_reader_new("a,b,", 4);
		struct csv_record rec;

		ck_assert_int_eq(csv_reader_next(r, &rec), 1);
		ck_assert_int_eq(rec.nfields, 3);
		ck_assert_str_eq(rec.fields[2], "");
		csv_reader_free(r);
	}
}
END_TEST

START_TEST(malformed_records_and_recovery)
{
	struct got g;

	READ("ok,1\n"
	     "bad\"quote,2\n"
	     "\"closed\"then text,3\n"
	     "ok,4\n"
	     "\"never closed,5\nok,6\n", &g);
	ck_assert_int_eq(g.n, 5);
	ck_assert_str_eq(g.rec[0], "ok|1");
	ck_assert_str_eq(g.rec[1], "!a quote inside a field that does not start with one");
	ck_assert_int_eq(g.line[1], 2);
	ck_assert_str_eq(g.rec[2], "!text after a closing quote");
	ck_assert_int_eq(g.line[2], 3);
	/* The reading goes on after a bad line. */
	ck_assert_str_eq(g.rec[3], "ok|4");
	ck_assert_int_eq(g.line[3], 4);
	/* An unclosed quote takes the rest of the file. */
	ck_assert_str_eq(g.rec[4], "!a quoted field is not closed");
	ck_assert_int_eq(g.line[4], 5);
	got_free(&g);
}
END_TEST

START_TEST(invalid_utf8_and_nul)
{
	struct got g;
	static const char data[] = "fine,\xC3\xA5sa\nbad,\xC3\x28\nover,\xED\xA0\x80\nnul,a\0b\nok,x\n";

	read_all(data, sizeof data - 1, &g);
	ck_assert_int_eq(g.n, 5);
	ck_assert_str_eq(g.rec[0], "fine|\xC3\xA5sa");
	ck_assert_str_eq(g.rec[1], "!not valid UTF-8");
	ck_assert_int_eq(g.line[1], 2);
	/* A surrogate is not UTF-8 either. */
	ck_assert_str_eq(g.rec[2], "!not valid UTF-8");
	ck_assert_str_eq(g.rec[3], "!a NUL byte");
	ck_assert_int_eq(g.line[3], 4);
	ck_assert_str_eq(g.rec[4], "ok|x");
	got_free(&g);
}
END_TEST

START_TEST(many_fields_and_long_fields)
{
	char *big = malloc(200000);
	struct csv_reader *r;
	struct csv_record rec;
	size_t n = 0;

	for (int i = 0; i < 40; i++)
		n += (size_t)sprintf(big + n, "%sf%d", i ? "," : "", i);
	big[n++] = '\n';
	big[n++] = '"';
	memset(big + n, 'x', 100000);
	n += 100000;
	big[n++] = '"';
	r = csv_reader_new(big, n);
	ck_assert_int_eq(csv_reader_next(r, &rec), 1);
	ck_assert_int_eq(rec.nfields, 40);
	ck_assert_str_eq(rec.fields[39], "f39");
	ck_assert_int_eq(csv_reader_next(r, &rec), 1);
	ck_assert_ptr_null(rec.error);
	ck_assert_int_eq(strlen(rec.fields[0]), 100000);
	ck_assert_int_eq(csv_reader_next(r, &rec), 0);
	csv_reader_free(r);
	free(big);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("csv_reader");
	TCase *tc = tcase_create("csv");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, plain_lines_lf_and_crlf);
	tcase_add_test(tc, last_line_with_or_without_its_end);
	tcase_add_test(tc, byte_order_mark_is_skipped);
	tcase_add_test(tc, quoted_fields);
	tcase_add_test(tc, empty_fields_and_empty_lines);
	tcase_add_test(tc, malformed_records_and_recovery);
	tcase_add_test(tc, invalid_utf8_and_nul);
	tcase_add_test(tc, many_fields_and_long_fields);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
