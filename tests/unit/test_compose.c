/*
 * src/mail/compose.c: the digest's grouping by round, the instant mail's
 * subject, links to each item, escaping in the HTML part, the languages,
 * and the MIME message's headers.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "mail/compose.h"

static const struct mail_notice notices[] = {
	{.id = 1, .kind = NK_REPLY, .round = 1, .round_title = "Alpha", .post = 10,
	 .post_title = "Faster <builds>", .comment = 100, .actor = "Bert & Co"},
	{.id = 2, .kind = NK_ROUND_OPEN, .round = 2, .round_title = "Beta", .post_title = "",
	 .actor = "Mgr"},
	{.id = 3, .kind = NK_MENTION, .round = 1, .round_title = "Alpha", .post = 11,
	 .post_title = "Cheaper", .actor = "Carl"},
};

static const struct mail_idea ideas[] = {
	{.round = 2, .post = 20, .title = "Beta's hot idea", .comments = 7},
	{.round = 1, .post = 11, .title = "Cheaper", .comments = 3},
};

static struct mail_in
input(int digest, size_t n)
{
	struct mail_in in = {
		.lang = OS_LANG_EN, .digest = digest, .name = "Anna <A>",
		.public_url = "https://forum.example",
		.unsubscribe_url = "https://forum.example/api/unsubscribe?token=T",
		.notices = notices, .n = n, .ideas = ideas, .nideas = 2,
	};

	return in;
}

START_TEST(digest_groups_by_round_with_its_ideas)
{
	struct mail_in in = input(1, 3);
	struct mail_out out;
	const char *alpha, *beta, *mention, *cheaper, *hot;

	ck_assert_int_eq(mail_compose(&in, &out), OS_OK);
	ck_assert_str_eq(out.subject, "openstrat: your daily summary");
	alpha = strstr(out.text, "Alpha\r\n");
	beta = strstr(out.text, "Beta\r\n");
	mention = strstr(out.text, "Carl mentioned you in \u201cCheaper\u201d");
	cheaper = strstr(out.text, "* Cheaper (3 comments)");
	hot = strstr(out.text, "* Beta's hot idea (7 comments)");
	ck_assert_ptr_nonnull(alpha);
	ck_assert_ptr_nonnull(beta);
	ck_assert_ptr_nonnull(mention);
	ck_assert_ptr_nonnull(cheaper);
	ck_assert_ptr_nonnull(hot);
	/* Alpha (first notice) first, with both its notices and its idea,
	 * then Beta with its own. */
	ck_assert(alpha < mention && mention < cheaper && cheaper < beta && beta < hot);
	ck_assert_ptr_nonnull(strstr(out.text,
		"https://forum.example/round/1/post/10#comment-100"));
	ck_assert_ptr_nonnull(strstr(out.text, "https://forum.example/round/2\r\n"));
	mail_out_clear(&out);
}
END_TEST

START_TEST(html_escapes_every_user_text)
{
	struct mail_in in = input(0, 1);
	struct mail_out out;

	ck_assert_int_eq(mail_compose(&in, &out), OS_OK);
	ck_assert_str_eq(out.subject, "openstrat: Bert & Co replied to \u201cFaster <builds>\u201d");
	ck_assert_ptr_null(strstr(out.html, "<builds>"));
	ck_assert_ptr_null(strstr(out.html, "<A>"));
	ck_assert_ptr_nonnull(strstr(out.html, "Bert &amp; Co replied to \u201cFaster &lt;builds&gt;\u201d"));
	ck_assert_ptr_nonnull(strstr(out.html, "Hello Anna &lt;A&gt;,"));
	mail_out_clear(&out);
	in.n = 3;
	ck_assert_int_eq(mail_compose(&in, &out), OS_OK);
	ck_assert_str_eq(out.subject, "openstrat: 3 new notifications");
	mail_out_clear(&out);
}
END_TEST

START_TEST(each_language_has_its_words)
{
	static const char *const hello[OS_LANG_COUNT] = {"Hello", "Hei", "Hej", "Hej"};
	static const char *const replied[OS_LANG_COUNT] = {"replied", "svarte", "svarade",
							   "svarede"};

	for (int l = 0; l < OS_LANG_COUNT; l++) {
		struct mail_in in = input(0, 1);
		struct mail_out out;

		in.lang = (enum os_lang)l;
		ck_assert_int_eq(mail_compose(&in, &out), OS_OK);
		ck_assert_ptr_nonnull(strstr(out.text, hello[l]));
		ck_assert_ptr_nonnull(strstr(out.subject, replied[l]));
		mail_out_clear(&out);
	}
}
END_TEST

/* Notices about a priority: its title, the words of the kind, a link to
 * the round's Outcomes board. */
START_TEST(priority_notices_name_the_priority_and_link_the_board)
{
	static const struct mail_notice pn[] = {
		{.id = 5, .kind = NK_PRIORITY_UPDATE, .round = 3, .round_title = "Gamma",
		 .post_title = "Know our customers", .actor = "Anna", .priority = 7},
		{.id = 6, .kind = NK_PRIORITY_STATUS, .round = 3, .round_title = "Gamma",
		 .post_title = "Know our customers", .actor = "Anna", .priority = 7},
	};
	struct mail_in in = input(1, 2);
	struct mail_out out;

	in.notices = pn;
	ck_assert_int_eq(mail_compose(&in, &out), OS_OK);
	ck_assert_ptr_nonnull(strstr(out.text,
		"Anna posted an update on the priority \u201cKnow our customers\u201d"));
	ck_assert_ptr_nonnull(strstr(out.text,
		"The status of the priority \u201cKnow our customers\u201d changed"));
	ck_assert_ptr_nonnull(strstr(out.text,
		"https://forum.example/round/3/outcomes#priority-7\r\n"));
	mail_out_clear(&out);
	in.lang = OS_LANG_NB;
	ck_assert_int_eq(mail_compose(&in, &out), OS_OK);
	ck_assert_ptr_nonnull(strstr(out.text,
		"Anna publiserte en oppdatering om prioriteten \u00abKnow our customers\u00bb"));
	mail_out_clear(&out);
}
END_TEST

START_TEST(mime_headers_and_refusals)
{
	struct mail_in in = input(0, 1);
	struct mail_out out;
	char *mime;

	ck_assert_int_eq(mail_compose(&in, &out), OS_OK);
	ck_assert_int_eq(mail_mime("forum@example.org", "anna@example.org", "<x@example.org>",
				   0, in.unsubscribe_url, &out, &mime),
			 OS_OK);
	ck_assert_ptr_nonnull(strstr(mime, "\r\nMessage-ID: <x@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(mime, "\r\nList-Unsubscribe: <https://forum.example/api/unsubscribe?token=T>\r\n"));
	ck_assert_ptr_nonnull(strstr(mime, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	ck_assert_ptr_nonnull(strstr(mime, "Subject: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(mime, "Content-Type: text/plain; charset=UTF-8"));
	ck_assert_ptr_nonnull(strstr(mime, "Content-Type: text/html; charset=UTF-8"));
	free(mime);
	/* A header value that would start a new header is refused. */
	ck_assert_int_eq(mail_mime("forum@example.org", "anna@example.org\r\nBcc: x@y.z",
				   "<x@example.org>", 0, in.unsubscribe_url, &out, &mime),
			 OS_EBADREQ);
	mail_out_clear(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("compose");
	TCase *tc = tcase_create("compose");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, digest_groups_by_round_with_its_ideas);
	tcase_add_test(tc, html_escapes_every_user_text);
	tcase_add_test(tc, each_language_has_its_words);
	tcase_add_test(tc, mime_headers_and_refusals);
	tcase_add_test(tc, priority_notices_name_the_priority_and_link_the_board);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
