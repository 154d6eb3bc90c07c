/*
 * src/forum/revise.c and blocks.c: comments anchored to a post's words,
 * posts revised in the open (who may, in which phase, what each revision
 * keeps), anchors following their words into a new version, comments
 * edited by their authors within a day, and the search index following.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "forum/blocks.h"
#include "forum/posts.h"
#include "forum/revise.h"
#include "forum/search.h"
#include "store/audit.h"
#include "store/comments.h"
#include "store/posts.h"

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

static const char PLAN[] = "# Growth\n\n"
			   "We grow in the Nordics first.\nThen we look south.\n\n"
			   "- hire sales people\n- open an office in Oslo\n";

static int64_t
plan(int64_t round)
{
	struct post p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.mgr, round, KIND_PLAN, "Plan", PLAN, &p)),
			 OS_OK);
	ck_assert_int_eq(p.blocks, 3);
	id = p.id;
	post_clear(&p);
	fx_clear_events(&X);
	return id;
}

static int
anchored(const struct user *u, int64_t post, int block, const char *quote, int *fault,
	 int64_t *id)
{
	struct comment_anchor a = {.block = block, .quote = quote};
	struct comment c;
	int rc = FX_W(&X, comments_create_at(X.f, u, post, 0, "I disagree.", &a, &c));

	if (fault)
		*fault = a.fault;
	if (id)
		*id = rc ? 0 : c.id;
	comment_clear(&c);
	return rc;
}

static int
revise(const struct user *u, int64_t post, const char *title, const char *body, struct post *out)
{
	struct post tmp;
	int rc = FX_W(&X, posts_update(X.f, u, post, title, body, out ? out : &tmp));

	if (!out)
		post_clear(&tmp);
	return rc;
}

static int64_t
count(const char *sql)
{
	return fx_query_int64(&X, sql);
}

static void
get_comment(int64_t id, struct comment *c)
{
	ck_assert_int_eq(store_comment_get(X.st, id, c), OS_OK);
}

START_TEST(blocks_are_marked_in_body_html)
{
	int64_t r = fx_open_round(&X), id = plan(r);
	struct post p;

	ck_assert_int_eq(store_post_get(X.st, id, 0, &p), OS_OK);
	ck_assert_int_eq(p.blocks, 3);
	ck_assert_ptr_nonnull(strstr(p.body_html, "<h1 data-block=\"0\">Growth</h1>"));
	ck_assert_ptr_nonnull(strstr(p.body_html, "<p data-block=\"1\">We grow"));
	ck_assert_ptr_nonnull(strstr(p.body_html, "<ul data-block=\"2\">"));
	ck_assert_ptr_null(strstr(p.body_html, "data-block=\"3\""));
	ck_assert_int_eq(p.revision, 1);
	ck_assert_int_eq(p.edited_at, 0);
	post_clear(&p);
}
END_TEST

START_TEST(older_posts_get_their_marks_when_read)
{
	int64_t r = fx_open_round(&X), id = plan(r);
	struct comment *cs;
	struct post p;
	size_t n;
	char sql[160];

	/* As a post written before blocks were kept looks in the store. */
	snprintf(sql, sizeof sql, "UPDATE posts SET blocks = 0, body_html = '<h1>Growth</h1>' "
				  "WHERE id = %lld", (long long)id);
	ck_assert_int_eq(fx_exec(&X, sql), SQL_OK);
	ck_assert_int_eq(posts_get(X.f, &X.emp, id, &p, &cs, &n), OS_OK);
	ck_assert_int_eq(p.blocks, 3);
	ck_assert_ptr_nonnull(strstr(p.body_html, "<ul data-block=\"2\">"));
	post_clear(&p);
	free(cs);
	/* Read, not written. */
	ck_assert_int_eq(count("SELECT blocks FROM posts"), 0);
}
END_TEST

START_TEST(block_text_is_what_a_reader_sees)
{
	char **t;
	size_t n;

	ck_assert_int_eq(forum_blocks_text("Some *very* `odd`\ntext [link](http://x) &amp; more\n\n"
					   "> quoted\n> twice\n\n```\ncode  here\n```\n",
					   &t, &n),
			 OS_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(t[0], "Some very odd text link & more");
	ck_assert_str_eq(t[1], "quoted twice");
	ck_assert_str_eq(t[2], "code here");
	forum_blocks_free(t, n);
	/* cmark decodes &#xFFFF; to a byte that is not UTF-8: the text is
	 * mended as the rendering is, with U+FFFD. */
	ck_assert_int_eq(forum_blocks_text("a &#xFFFF; b\n", &t, &n), OS_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(t[0], "a \xef\xbf\xbd b");
	forum_blocks_free(t, n);
}
END_TEST

START_TEST(anchor_must_name_a_block_and_its_words)
{
	int64_t r = fx_open_round(&X), id = plan(r), cid;
	char q301[302];
	struct comment c;
	int fault;

	/* Block out of range, negative, quote elsewhere, empty, too long. */
	ck_assert_int_eq(anchored(&X.emp, id, 3, "Growth", &fault, NULL), OS_EBADREQ);
	ck_assert_int_eq(fault, ANCHOR_BLOCK);
	ck_assert_int_eq(anchored(&X.emp, id, -1, "Growth", &fault, NULL), OS_EBADREQ);
	ck_assert_int_eq(fault, ANCHOR_BLOCK);
	ck_assert_int_eq(anchored(&X.emp, id, 0, "Nordics", &fault, NULL), OS_EBADREQ);
	ck_assert_int_eq(fault, ANCHOR_QUOTE);
	ck_assert_int_eq(anchored(&X.emp, id, 1, " \n ", &fault, NULL), OS_EBADREQ);
	ck_assert_int_eq(fault, ANCHOR_QUOTE);
	memset(q301, 'a', 301);
	q301[301] = '\0';
	ck_assert_int_eq(anchored(&X.emp, id, 1, q301, &fault, NULL), OS_EBADREQ);
	ck_assert_int_eq(fault, ANCHOR_QUOTE);
	ck_assert_int_eq(count("SELECT count(*) FROM comments"), 0);
	fx_assert_no_event(&X);

	/* Words across a line break match with the break as a space. */
	ck_assert_int_eq(anchored(&X.emp, id, 1, "Nordics first.  Then\nwe", &fault, &cid), OS_OK);
	get_comment(cid, &c);
	ck_assert_int_eq(c.anchor_block, 1);
	ck_assert_str_eq(c.anchor_quote, "Nordics first. Then we");
	ck_assert_int_eq(c.anchor_outdated, 0);
	comment_clear(&c);
	/* A comment without anchor has none. */
	ck_assert_int_eq(FX_W(&X, comments_create(X.f, &X.emp, id, 0, "Whole plan", &c)), OS_OK);
	ck_assert_ptr_null(c.anchor_quote);
	comment_clear(&c);
}
END_TEST

START_TEST(revisions_are_numbered_and_kept)
{
	int64_t r = fx_open_round(&X), id = plan(r), round = 0;
	struct post_revision *vs;
	struct post p;
	size_t n;

	ck_assert_int_eq(revise(&X.mgr, id, NULL, "We grow *everywhere*.", &p), OS_OK);
	ck_assert_int_eq(p.revision, 2);
	ck_assert_int_gt(p.edited_at, 0);
	ck_assert_int_eq(p.blocks, 1);
	ck_assert_str_eq(p.title, "Plan");
	post_clear(&p);
	fx_assert_one_event(&X, EV_POST_UPDATED, r, id);
	ck_assert_int_eq(X.ev[0].has_my_vote, 0);
	fx_clear_events(&X);
	ck_assert_int_eq(revise(&X.admin, id, "Plan B", NULL, &p), OS_OK);
	ck_assert_int_eq(p.revision, 3);
	post_clear(&p);
	fx_clear_events(&X);
	/* The same text again is no revision and tells nobody. */
	ck_assert_int_eq(revise(&X.mgr, id, "  Plan B ", "We grow *everywhere*.", &p), OS_OK);
	ck_assert_int_eq(p.revision, 3);
	post_clear(&p);
	fx_assert_no_event(&X);

	ck_assert_int_eq(posts_revisions(X.f, &X.cust, id, &round, &vs, &n), OS_ENOTFOUND);
	ck_assert_int_eq(posts_revisions(X.f, &X.emp, id, &round, &vs, &n), OS_OK);
	ck_assert_int_eq(round, r);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(vs[i].revision, (int)i + 1);
	ck_assert_ptr_nonnull(strstr(vs[0].body, "Nordics"));
	ck_assert_str_eq(vs[1].body, "We grow *everywhere*.");
	ck_assert_str_eq(vs[2].title, "Plan B");
	ck_assert_int_eq(vs[0].author.id, X.mgr.id);
	ck_assert_int_eq(vs[2].author.id, X.admin.id);
	store_post_revisions_free(vs, n);
}
END_TEST

START_TEST(bad_revisions_change_nothing)
{
	int64_t r = fx_open_round(&X), id = plan(r);
	char *big = malloc(OS_PLAN_MAX + 2);
	struct post p;

	memset(big, 'x', OS_PLAN_MAX + 1);
	big[OS_PLAN_MAX + 1] = '\0';
	ck_assert_int_eq(revise(&X.mgr, id, NULL, NULL, NULL), OS_EBADREQ);
	ck_assert_int_eq(revise(&X.mgr, id, " ", NULL, NULL), OS_EBADREQ);
	ck_assert_int_eq(revise(&X.mgr, id, NULL, "", NULL), OS_EBADREQ);
	ck_assert_int_eq(revise(&X.mgr, id, NULL, big, NULL), OS_ETOOLARGE);
	ck_assert_int_eq(revise(&X.mgr, id + 100, "T", NULL, NULL), OS_ENOTFOUND);
	free(big);
	fx_assert_no_event(&X);
	ck_assert_int_eq(count("SELECT count(*) FROM post_revisions"), 1);
	ck_assert_int_eq(store_post_get(X.st, id, 0, &p), OS_OK);
	ck_assert_int_eq(p.revision, 1);
	post_clear(&p);
}
END_TEST

START_TEST(who_may_revise)
{
	int64_t r = fx_open_round(&X), pl = plan(r), idea;
	struct post p;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.emp, r, KIND_IDEA, "Idea", "Mine", &p)),
			 OS_OK);
	idea = p.id;
	post_clear(&p);
	/* Plans: the author, other managers, admins; not employees. */
	ck_assert_int_eq(revise(&X.emp, pl, "x", NULL, NULL), OS_EFORBIDDEN);
	ck_assert_int_eq(revise(&X.mgr, pl, "by mgr", NULL, NULL), OS_OK);
	ck_assert_int_eq(revise(&X.admin, pl, "by admin", NULL, NULL), OS_OK);
	/* Ideas: the author and admins; not managers nor other employees. */
	ck_assert_int_eq(revise(&X.emp2, idea, "x", NULL, NULL), OS_EFORBIDDEN);
	ck_assert_int_eq(revise(&X.mgr, idea, "x", NULL, NULL), OS_EFORBIDDEN);
	ck_assert_int_eq(revise(&X.emp, idea, "by author", NULL, NULL), OS_OK);
	ck_assert_int_eq(revise(&X.admin, idea, "by admin", NULL, NULL), OS_OK);
	/* Customers do not even see an internal round's posts. */
	ck_assert_int_eq(revise(&X.cust, idea, "x", NULL, NULL), OS_ENOTFOUND);
}
END_TEST

START_TEST(revising_needs_a_phase_that_allows_posting)
{
	int64_t r = fx_open_round(&X), id = plan(r);

	fx_set_phase(&X, r, PHASE_VOTING);
	ck_assert_int_eq(revise(&X.mgr, id, "x", NULL, NULL), OS_EPHASE);
	ck_assert_int_eq(revise(&X.admin, id, "x", NULL, NULL), OS_EPHASE);
	fx_set_phase(&X, r, PHASE_CLOSED);
	ck_assert_int_eq(revise(&X.mgr, id, "x", NULL, NULL), OS_EPHASE);
	/* Admins write in closed rounds. */
	ck_assert_int_eq(revise(&X.admin, id, "closing note", NULL, NULL), OS_OK);
	fx_clear_events(&X);
	fx_set_phase(&X, r, PHASE_OPEN);
	ck_assert_int_eq(revise(&X.mgr, id, "open again", NULL, NULL), OS_OK);
}
END_TEST

START_TEST(anchors_follow_their_words)
{
	int64_t r = fx_open_round(&X), id = plan(r), moved, stays, lost;
	struct comment c;

	ck_assert_int_eq(anchored(&X.emp, id, 1, "Nordics first", NULL, &moved), OS_OK);
	ck_assert_int_eq(anchored(&X.emp2, id, 2, "office in Oslo", NULL, &stays), OS_OK);
	ck_assert_int_eq(anchored(&X.emp2, id, 0, "Growth", NULL, &lost), OS_OK);
	fx_clear_events(&X);
	/* A new paragraph first: the quote moves one block down; the
	 * heading's word is gone; the list is now block 3 and its comment
	 * follows it. */
	ck_assert_int_eq(revise(&X.mgr, id, NULL,
				"Summary first.\n\n# Expansion\n\nWe grow in the Nordics first, "
				"then we look south.\n\n- open an office in Oslo\n",
				NULL),
			 OS_OK);
	get_comment(moved, &c);
	ck_assert_int_eq(c.anchor_block, 2);
	ck_assert_int_eq(c.anchor_outdated, 0);
	comment_clear(&c);
	get_comment(stays, &c);
	ck_assert_int_eq(c.anchor_block, 3);
	comment_clear(&c);
	get_comment(lost, &c);
	ck_assert_int_eq(c.anchor_block, -1);
	ck_assert_int_eq(c.anchor_outdated, 1);
	ck_assert_str_eq(c.anchor_quote, "Growth");
	ck_assert_int_eq(c.post, id);
	comment_clear(&c);
	/* post.updated and a comment.updated for each comment that moved. */
	ck_assert_uint_eq(X.nev, 4);
	ck_assert_int_eq(X.ev[3].type, EV_POST_UPDATED);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(X.ev[i].type, EV_COMMENT_UPDATED);
	fx_clear_events(&X);
	/* An outdated anchor stays so, even if the words come back. */
	ck_assert_int_eq(revise(&X.mgr, id, NULL, "# Growth\n\nBack.", NULL), OS_OK);
	get_comment(lost, &c);
	ck_assert_int_eq(c.anchor_outdated, 1);
	comment_clear(&c);
}
END_TEST

START_TEST(comment_edit_window_and_history)
{
	int64_t r = fx_open_round(&X), id = plan(r), cid;
	struct comment c;
	char sql[128];

	ck_assert_int_eq(FX_W(&X, comments_create(X.f, &X.emp, id, 0, "First thought", &c)),
			 OS_OK);
	cid = c.id;
	comment_clear(&c);
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.emp2, cid, "Not mine", &c)),
			 OS_EFORBIDDEN);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.mgr, cid, "Not mine", &c)),
			 OS_EFORBIDDEN);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.emp, cid, "", &c)), OS_EBADREQ);
	fx_assert_no_event(&X);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.emp, cid, "Second thought", &c)),
			 OS_OK);
	ck_assert_str_eq(c.body, "Second thought");
	ck_assert_int_gt(c.edited_at, 0);
	comment_clear(&c);
	fx_assert_one_event(&X, EV_COMMENT_UPDATED, r, cid);
	fx_clear_events(&X);
	ck_assert_int_eq(count("SELECT count(*) FROM comment_edits WHERE body = 'First thought'"),
			 1);
	ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE action = 'comment.edit' "
			       "AND detail = 'First thought'"),
			 1);
	/* A day later the author may not; an admin still may. */
	snprintf(sql, sizeof sql, "UPDATE comments SET created_at = %lld WHERE id = %lld",
		 (long long)(os_now_ms() - COMMENT_EDIT_WINDOW_MS - 1000), (long long)cid);
	ck_assert_int_eq(fx_exec(&X, sql), SQL_OK);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.emp, cid, "Third", &c)), OS_EFORBIDDEN);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.admin, cid, "Moderated", &c)), OS_OK);
	comment_clear(&c);
	ck_assert_int_eq(count("SELECT count(*) FROM comment_edits WHERE comment_id > 0"), 2);
	/* Comments wait for an open round like new ones. */
	fx_set_phase(&X, r, PHASE_VOTING);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.admin, cid, "Later", &c)), OS_EPHASE);
}
END_TEST

static size_t
hits(const char *q)
{
	struct search_hit *h;
	size_t n;

	ck_assert_int_eq(search_run(X.f, &X.admin, q, 0, 0, 0, 10, &h, &n), OS_OK);
	store_search_free(h, n);
	return n;
}

START_TEST(search_follows_edits)
{
	int64_t r = fx_open_round(&X), id;
	struct comment c;
	struct post p;

	/* Created and revised in one group of writes, before the group's
	 * commit indexed the new post. */
	fx_begin(&X);
	ck_assert_int_eq(posts_create(X.f, &X.mgr, r, KIND_PLAN, "Plan", "zebra crossing", &p),
			 OS_OK);
	id = p.id;
	post_clear(&p);
	ck_assert_int_eq(store_op_end(X.st, 1), OS_OK);
	fx_begin(&X);
	ck_assert_int_eq(posts_update(X.f, &X.mgr, id, NULL, "giraffe crossing", &p), OS_OK);
	post_clear(&p);
	fx_end(&X, OS_OK);
	ck_assert_uint_eq(hits("zebra"), 0);
	ck_assert_uint_eq(hits("giraffe"), 1);
	ck_assert_int_eq(FX_W(&X, comments_create(X.f, &X.emp, id, 0, "walrus", &c)), OS_OK);
	id = c.id;
	comment_clear(&c);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.emp, id, "pelican", &c)), OS_OK);
	comment_clear(&c);
	ck_assert_uint_eq(hits("walrus"), 0);
	ck_assert_uint_eq(hits("pelican"), 1);
	ck_assert_int_eq(store_integrity_check(X.st), OS_OK);
}
END_TEST

START_TEST(failed_edit_keeps_pending_index)
{
	int64_t r = fx_open_round(&X), id = plan(r);
	struct post p;

	/* A new post in the group, then a revision that fails after the
	 * index was flushed for it: the new post is still indexed at commit. */
	fx_begin(&X);
	ck_assert_int_eq(posts_create(X.f, &X.mgr, r, KIND_IDEA, "Idea", "okapi", &p), OS_OK);
	post_clear(&p);
	ck_assert_int_eq(store_op_end(X.st, 1), OS_OK);
	fx_begin(&X);
	ck_assert_int_eq(posts_update(X.f, &X.mgr, id, NULL, "new text", &p), OS_OK);
	post_clear(&p);
	fx_end(&X, OS_EBADREQ); /* rolled back as a failed write would be */
	ck_assert_uint_eq(hits("okapi"), 1);
	ck_assert_int_eq(store_integrity_check(X.st), OS_OK);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("revise");
	TCase *ta = tcase_create("anchors");
	TCase *tr = tcase_create("revisions");

	tcase_add_checked_fixture(ta, setup, teardown);
	tcase_add_test(ta, blocks_are_marked_in_body_html);
	tcase_add_test(ta, block_text_is_what_a_reader_sees);
	tcase_add_test(ta, older_posts_get_their_marks_when_read);
	tcase_add_test(ta, anchor_must_name_a_block_and_its_words);
	tcase_add_test(ta, anchors_follow_their_words);
	suite_add_tcase(s, ta);

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, revisions_are_numbered_and_kept);
	tcase_add_test(tr, bad_revisions_change_nothing);
	tcase_add_test(tr, who_may_revise);
	tcase_add_test(tr, revising_needs_a_phase_that_allows_posting);
	tcase_add_test(tr, comment_edit_window_and_history);
	tcase_add_test(tr, search_follows_edits);
	tcase_add_test(tr, failed_edit_keeps_pending_index);
	suite_add_tcase(s, tr);
	return fx_run(s);
}
