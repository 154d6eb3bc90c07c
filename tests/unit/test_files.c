/*
 * src/forum/filetype.c (what a file is, from its own bytes) and
 * src/forum/files.c (who may attach files where, who may read them).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "forum/filetype.h"
#include "forum/files.h"
#include "forum/moderation.h"
#include "forum/posts.h"
#include "store/files.h"
#include "store/posts.h"
#include "fixture.h"

/* Test files, built the way the formats say. */
static size_t
make_png(unsigned char *b, size_t idat)
{
	static const unsigned char head[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
					     0, 0, 0, 13, 'I', 'H', 'D', 'R',
					     0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
					     0x90, 0x77, 0x53, 0xde};
	static const unsigned char iend[] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
					     0xae, 0x42, 0x60, 0x82};
	size_t n = 0;

	memcpy(b, head, sizeof head);
	n += sizeof head;
	b[n++] = (unsigned char)(idat >> 24);
	b[n++] = (unsigned char)(idat >> 16);
	b[n++] = (unsigned char)(idat >> 8);
	b[n++] = (unsigned char)idat;
	memcpy(b + n, "IDAT", 4);
	n += 4;
	memset(b + n, 0x5a, idat);
	n += idat;
	memset(b + n, 0, 4); /* a CRC nobody here checks */
	n += 4;
	memcpy(b + n, iend, sizeof iend);
	return n + sizeof iend;
}

static const char pdf2[] =
	"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
	"2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n"
	"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n"
	"4 0 obj <</Type/Page/Parent 2 0 R>> endobj\n"
	"5 0 obj << /Type /PageLabels >> endobj\n"
	"trailer << /Root 1 0 R >>\n%%EOF\n";

static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0,
				     1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xda, 1, 2, 3,
				     0xff, 0xd9};

static size_t
make_webp(unsigned char *b, size_t payload)
{
	size_t total = 20 + payload;
	uint32_t riff = (uint32_t)(total - 8);

	memcpy(b, "RIFF", 4);
	b[4] = (unsigned char)riff;
	b[5] = (unsigned char)(riff >> 8);
	b[6] = (unsigned char)(riff >> 16);
	b[7] = (unsigned char)(riff >> 24);
	memcpy(b + 8, "WEBPVP8 ", 8);
	b[16] = (unsigned char)payload;
	b[17] = b[18] = b[19] = 0;
	memset(b + 20, 0x11, payload);
	return total;
}

/* The whole check as an upload makes it: head and tail of the bytes. */
static int
check_bytes(const unsigned char *b, size_t n, int *type)
{
	size_t nh = n < FILETYPE_HEAD ? n : FILETYPE_HEAD;
	size_t nt = n < FILETYPE_TAIL ? n : FILETYPE_TAIL;

	return filetype_check(b, nh, b + n - nt, nt, n, type);
}

START_TEST(each_accepted_type_is_recognised_by_its_bytes)
{
	unsigned char b[4096];
	size_t n;
	int t;

	n = make_png(b, 100);
	ck_assert_int_eq(check_bytes(b, n, &t), OS_OK);
	ck_assert_int_eq(t, FT_PNG);
	ck_assert_str_eq(filetype_mime(t), "image/png");
	ck_assert_int_eq(check_bytes((const unsigned char *)pdf2, strlen(pdf2), &t), OS_OK);
	ck_assert_int_eq(t, FT_PDF);
	ck_assert_str_eq(filetype_mime(t), "application/pdf");
	ck_assert_int_eq(check_bytes(jpeg, sizeof jpeg, &t), OS_OK);
	ck_assert_int_eq(t, FT_JPEG);
	ck_assert_str_eq(filetype_mime(t), "image/jpeg");
	n = make_webp(b, 200);
	ck_assert_int_eq(check_bytes(b, n, &t), OS_OK);
	ck_assert_int_eq(t, FT_WEBP);
	ck_assert_str_eq(filetype_mime(t), "image/webp");
	ck_assert_int_eq(filetype_parse("image/webp"), FT_WEBP);
	ck_assert_int_eq(filetype_parse("image/svg+xml"), FT_NONE);
}
END_TEST

START_TEST(names_and_claims_do_not_matter)
{
	/* The check never sees a name: a PNG called report.pdf is a PNG, an
	 * HTML page called photo.png is nothing it accepts. */
	static const char html[] = "<!DOCTYPE html><html><script>alert(1)</script></html>";
	unsigned char b[512];
	size_t n = make_png(b, 10);
	int t;

	ck_assert_int_eq(check_bytes(b, n, &t), OS_OK);
	ck_assert_int_eq(t, FT_PNG);
	ck_assert_int_eq(filetype_head((const unsigned char *)html, strlen(html)), FT_NONE);
	ck_assert_int_eq(check_bytes((const unsigned char *)html, strlen(html), &t),
			 OS_EUNSUPPORTED);
	ck_assert_int_eq(t, FT_NONE);
}
END_TEST

START_TEST(svg_gif_and_empty_files_are_refused)
{
	static const char svg[] = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\">"
				  "<script>alert(1)</script></svg>";
	static const char svg2[] = "<svg onload=\"alert(1)\"></svg>";
	static const char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
	int t;

	ck_assert_int_eq(check_bytes((const unsigned char *)svg, strlen(svg), &t), OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes((const unsigned char *)svg2, strlen(svg2), &t),
			 OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes((const unsigned char *)gif, sizeof gif - 1, &t),
			 OS_EUNSUPPORTED);
	ck_assert_int_eq(filetype_check((const unsigned char *)"", 0, (const unsigned char *)"",
					0, 0, &t),
			 OS_EUNSUPPORTED);
}
END_TEST

START_TEST(a_polyglot_is_what_its_first_bytes_say_or_nothing)
{
	/* HTML that carries a PDF a lenient reader would find within its
	 * first kilobyte: not a PDF here, the signature must start the file. */
	static const char html_pdf[] = "<html><body><script>alert(1)</script>\n"
				       "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
	/* A PDF with HTML inside: a PDF (served as one, sandboxed, nosniff). */
	static const char pdf_html[] = "%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n";
	/* A JPEG with a PDF appended: a JPEG. */
	unsigned char b[256];
	int t;

	ck_assert_int_eq(check_bytes((const unsigned char *)html_pdf, strlen(html_pdf), &t),
			 OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes((const unsigned char *)pdf_html, strlen(pdf_html), &t),
			 OS_OK);
	ck_assert_int_eq(t, FT_PDF);
	memcpy(b, jpeg, sizeof jpeg);
	memcpy(b + sizeof jpeg, "%PDF-1.4 %%EOF", 14);
	b[sizeof jpeg + 14] = 0xff;
	b[sizeof jpeg + 15] = 0xd9;
	ck_assert_int_eq(check_bytes(b, sizeof jpeg + 16, &t), OS_OK);
	ck_assert_int_eq(t, FT_JPEG);
	/* A BOM or a space before %PDF is not a PDF's start. */
	ck_assert_int_eq(filetype_head((const unsigned char *)" %PDF-1.4", 9), FT_NONE);
	ck_assert_int_eq(filetype_head((const unsigned char *)"\xef\xbb\xbf%PDF-1.4", 11),
			 FT_NONE);
}
END_TEST

START_TEST(truncated_files_are_refused)
{
	unsigned char b[4096];
	size_t n = make_png(b, 300);
	int t;

	/* Each type cut short: no IEND, no %%EOF, no EOI, RIFF longer than
	 * the bytes. */
	ck_assert_int_eq(check_bytes(b, n - 20, &t), OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes(b, 16, &t), OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes((const unsigned char *)pdf2, strlen(pdf2) - 10, &t),
			 OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes(jpeg, sizeof jpeg - 1, &t), OS_EUNSUPPORTED);
	n = make_webp(b, 200);
	ck_assert_int_eq(check_bytes(b, n - 1, &t), OS_EUNSUPPORTED);
	/* Signatures themselves cut short. */
	ck_assert_int_eq(check_bytes((const unsigned char *)"%PDF-", 5, &t), OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes(b, 12, &t), OS_EUNSUPPORTED);
	ck_assert_int_eq(check_bytes(jpeg, 3, &t), OS_EUNSUPPORTED);
	/* While streaming, a short head that could still become a type
	 * waits for more; one that cannot is refused at once. */
	ck_assert_int_eq(filetype_head((const unsigned char *)"%PD", 3), FT_MORE);
	ck_assert_int_eq(filetype_head((const unsigned char *)"RIFF\0\0\0\0WE", 10), FT_MORE);
	ck_assert_int_eq(filetype_head((const unsigned char *)"<ht", 3), FT_NONE);
}
END_TEST

START_TEST(pdf_pages_counts_page_objects_across_pieces)
{
	struct pdf_pages pp = {0};
	size_t n = strlen(pdf2);

	/* One byte at a time: the count cannot depend on where pieces end. */
	for (size_t i = 0; i < n; i++)
		pdf_pages_feed(&pp, (const unsigned char *)pdf2 + i, 1);
	ck_assert_int_eq(pdf_pages_end(&pp), 2);
	memset(&pp, 0, sizeof pp);
	pdf_pages_feed(&pp, (const unsigned char *)"<</Type /Page", 13);
	ck_assert_int_eq(pdf_pages_end(&pp), 1);
	memset(&pp, 0, sizeof pp);
	pdf_pages_feed(&pp, (const unsigned char *)"/Type /Pages /Type/PageX", 24);
	ck_assert_int_eq(pdf_pages_end(&pp), 0);
}
END_TEST

/* ---- the rules ---- */

static struct fx X;

static void
setup(void)
{
	fx_open(&X, 0);
}

static void
teardown(void)
{
	fx_close(&X);
}

static int64_t
post_as(const struct user *u, int64_t round, int kind)
{
	struct post p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, u, round, kind, "T", "Body", &p)), OS_OK);
	id = p.id;
	post_clear(&p);
	fx_clear_events(&X);
	return id;
}

static int
attach(const struct user *u, int64_t post, const char *name)
{
	struct post_file f = {0};
	struct post out;
	int rc;

	f.post = post;
	snprintf(f.name, sizeof f.name, "%s", name);
	snprintf(f.type, sizeof f.type, "application/pdf");
	f.size = 1234;
	f.pages = 3;
	memset(f.sha256, 'a', 64);
	rc = FX_W(&X, files_attach(X.f, u, &f, &out));
	if (!rc) {
		ck_assert_int_gt(f.id, 0);
		ck_assert_uint_ge(out.nfiles, 1);
		ck_assert_int_eq(out.files[out.nfiles - 1].id, f.id);
		ck_assert_str_eq(out.files[out.nfiles - 1].name, name);
		post_clear(&out);
	}
	return rc;
}

START_TEST(plans_take_files_from_managers_ideas_from_their_authors)
{
	int64_t round = fx_open_round(&X);
	int64_t plan = post_as(&X.mgr, round, KIND_PLAN);
	int64_t idea = post_as(&X.emp, round, KIND_IDEA);
	uint64_t before;

	ck_assert_int_eq(attach(&X.mgr, plan, "slides.pdf"), OS_OK);
	fx_assert_one_event(&X, EV_POST_UPDATED, round, plan);
	fx_clear_events(&X);
	ck_assert_int_eq(attach(&X.admin, plan, "annex.pdf"), OS_OK);
	ck_assert_int_eq(attach(&X.emp, idea, "sketch.pdf"), OS_OK);
	ck_assert_int_eq(attach(&X.mgr, idea, "note.pdf"), OS_OK);
	fx_clear_events(&X);
	before = fx_fingerprint(&X);
	ck_assert_int_eq(attach(&X.emp, plan, "x.pdf"), OS_EFORBIDDEN);
	ck_assert_int_eq(attach(&X.emp2, idea, "x.pdf"), OS_EFORBIDDEN);
	/* A customer of an internal round does not know the post exists. */
	ck_assert_int_eq(attach(&X.cust, idea, "x.pdf"), OS_ENOTFOUND);
	ck_assert_int_eq(files_may_attach(X.f, &X.cust, idea), OS_ENOTFOUND);
	ck_assert_int_eq(attach(&X.emp, 99999, "x.pdf"), OS_ENOTFOUND);
	ck_assert_int_eq(attach(&X.emp, idea, "a/b.pdf"), OS_EBADREQ);
	ck_assert_int_eq(attach(&X.emp, idea, ""), OS_EBADREQ);
	ck_assert_int_eq(attach(&X.emp, idea, ".."), OS_EBADREQ);
	ck_assert_int_eq(attach(&X.emp, idea, "tab\there.pdf"), OS_EBADREQ);
	ck_assert_int_eq(attach(&X.emp, idea, "bad\xff.pdf"), OS_EBADREQ);
	fx_assert_no_event(&X);
	ck_assert_int_eq(fx_count(&X, "files"), 4);
	ck_assert(fx_fingerprint(&X) == before);
}
END_TEST

START_TEST(files_follow_the_phase_rules_of_posting)
{
	int64_t round = fx_open_round(&X);
	int64_t idea = post_as(&X.emp, round, KIND_IDEA);

	fx_set_phase(&X, round, PHASE_VOTING);
	ck_assert_int_eq(attach(&X.emp, idea, "late.pdf"), OS_EPHASE);
	ck_assert_int_eq(attach(&X.mgr, idea, "late.pdf"), OS_EPHASE);
	fx_set_phase(&X, round, PHASE_CLOSED);
	ck_assert_int_eq(attach(&X.emp, idea, "late.pdf"), OS_EPHASE);
	/* Admins may write in closed rounds, as with posts. */
	ck_assert_int_eq(attach(&X.admin, idea, "late.pdf"), OS_OK);
	ck_assert_int_eq(fx_count(&X, "files"), 1);
}
END_TEST

START_TEST(a_post_takes_at_most_ten_files)
{
	int64_t round = fx_open_round(&X);
	int64_t idea = post_as(&X.emp, round, KIND_IDEA);
	char name[32];

	for (int i = 0; i < FILES_PER_POST; i++) {
		snprintf(name, sizeof name, "f%d.pdf", i);
		ck_assert_int_eq(attach(&X.emp, idea, name), OS_OK);
	}
	fx_clear_events(&X);
	ck_assert_int_eq(files_may_attach(X.f, &X.emp, idea), OS_ECONFLICT);
	ck_assert_int_eq(attach(&X.emp, idea, "eleven.pdf"), OS_ECONFLICT);
	fx_assert_no_event(&X);
	ck_assert_int_eq(fx_count(&X, "files"), FILES_PER_POST);
}
END_TEST

START_TEST(files_are_read_by_those_who_see_the_post)
{
	int64_t round = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t idea = post_as(&X.emp, round, KIND_IDEA);
	struct post_file f;
	struct post p;
	struct comment *cs;
	size_t nc;

	fx_member(&X, round, &X.cust);
	ck_assert_int_eq(attach(&X.emp, idea, "plan.pdf"), OS_OK);
	ck_assert_int_eq(files_get(X.f, &X.cust, 1, &f), OS_OK);
	ck_assert_str_eq(f.name, "plan.pdf");
	ck_assert_int_eq(f.pages, 3);
	/* Another customer, not invited: as if there were no such file. */
	ck_assert_int_eq(files_get(X.f, &X.cust2, 1, &f), OS_ENOTFOUND);
	ck_assert_int_eq(files_get(X.f, &X.cust, 2, &f), OS_ENOTFOUND);
	/* POST carries its files. */
	ck_assert_int_eq(posts_get(X.f, &X.cust, idea, &p, &cs, &nc), OS_OK);
	ck_assert_uint_eq(p.nfiles, 1);
	ck_assert_str_eq(p.files[0].type, "application/pdf");
	ck_assert_int_eq(p.files[0].size, 1234);
	post_clear(&p);
	free(cs);
	/* A hidden post's files are for managers and admins only, and it
	 * takes no more. */
	ck_assert_int_eq(FX_W(&X, mod_hide(X.f, &X.mgr, TARGET_POST, idea, 1, "off-topic")), OS_OK);
	ck_assert_int_eq(files_get(X.f, &X.emp, 1, &f), OS_ENOTFOUND);
	ck_assert_int_eq(files_get(X.f, &X.cust, 1, &f), OS_ENOTFOUND);
	ck_assert_int_eq(files_get(X.f, &X.mgr, 1, &f), OS_OK);
	ck_assert_int_eq(attach(&X.emp, idea, "more.pdf"), OS_ENOTFOUND);
	ck_assert_int_eq(attach(&X.mgr, idea, "more.pdf"), OS_ECONFLICT);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("filetype");
	TCase *rules = tcase_create("rules");

	tcase_add_test(tc, each_accepted_type_is_recognised_by_its_bytes);
	tcase_add_test(tc, names_and_claims_do_not_matter);
	tcase_add_test(tc, svg_gif_and_empty_files_are_refused);
	tcase_add_test(tc, a_polyglot_is_what_its_first_bytes_say_or_nothing);
	tcase_add_test(tc, truncated_files_are_refused);
	tcase_add_test(tc, pdf_pages_counts_page_objects_across_pieces);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(rules, setup, teardown);
	tcase_add_test(rules, plans_take_files_from_managers_ideas_from_their_authors);
	tcase_add_test(rules, files_follow_the_phase_rules_of_posting);
	tcase_add_test(rules, a_post_takes_at_most_ten_files);
	tcase_add_test(rules, files_are_read_by_those_who_see_the_post);
	suite_add_tcase(s, rules);
	return fx_run(s);
}
