/*
 * src/forum/notify.c and mentions.c: who is told what (replies, mentions,
 * round phases, merges, priority links), who never is (the actor, the
 * disabled, those who cannot see the item), notices dropped when their item
 * is hidden or access is revoked, the notice committed or rolled back with
 * its write, and the mention parser.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "forum/chat.h"
#include "forum/merge.h"
#include "forum/moderation.h"
#include "forum/notify.h"
#include "forum/posts.h"
#include "forum/priorities.h"
#include "forum/users.h"
#include "store/posts.h"
#include "store/users.h"

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

/* Forgets the notices so far (the round opening told the staff). */
static void
forget(void)
{
	ck_assert_int_eq(fx_exec(&X, "DELETE FROM notifications"),
			 SQL_OK);
	fx_clear_events(&X);
}

static int64_t
open_round(void)
{
	int64_t r = fx_open_round(&X);

	forget();
	return r;
}

static int64_t
post_as(const struct user *u, int64_t round, const char *body)
{
	struct post p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, u, round, KIND_IDEA, "An idea", body, &p)),
			 OS_OK);
	id = p.id;
	post_clear(&p);
	return id;
}

static int64_t
comment_as(const struct user *u, int64_t post, int64_t parent, const char *body)
{
	struct comment c;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, comments_create(X.f, u, post, parent, body, &c)), OS_OK);
	id = c.id;
	comment_clear(&c);
	return id;
}

/* The notices events told since the last clear, to recipient. */
static size_t
told(int64_t recipient, int kind)
{
	size_t n = 0;

	for (size_t i = 0; i < X.nnotes; i++)
		if (X.notes[i].recipient == recipient && (kind < 0 || X.notes[i].kind == kind))
			n++;
	return n;
}

/* What u's list holds now, and the unread count. */
static size_t
listed(const struct user *u, int64_t *unread, struct notification *first)
{
	struct notification *items;
	size_t n;
	int64_t un;

	ck_assert_int_eq(notifications_list(X.f, u, 0, 100, &items, &n, &un), OS_OK);
	if (unread)
		*unread = un;
	if (first && n)
		*first = items[0];
	free(items);
	return n;
}

START_TEST(reply_to_post_tells_its_author_once)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan"), c;
	struct notification n;

	fx_clear_events(&X);
	c = comment_as(&X.emp2, p, 0, "I agree");
	ck_assert_uint_eq(X.nnotes, 1);
	ck_assert_uint_eq(told(X.emp.id, NK_REPLY), 1);
	ck_assert_int_eq(X.notes[0].post, p);
	ck_assert_int_eq(X.notes[0].comment, c);
	ck_assert_int_eq(X.notes[0].actor, X.emp2.id);
	ck_assert_uint_eq(listed(&X.emp, NULL, &n), 1);
	ck_assert_int_eq(n.kind, NK_REPLY);
	ck_assert_int_eq(n.comment, c);
	ck_assert_int_eq(n.actor.id, X.emp2.id);
	ck_assert_uint_eq(listed(&X.emp2, NULL, NULL), 0);
}
END_TEST

START_TEST(reply_to_comment_tells_comment_and_post_authors)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan");
	int64_t c1 = comment_as(&X.emp2, p, 0, "First");

	fx_clear_events(&X);
	comment_as(&X.mgr, p, c1, "Answer");
	ck_assert_uint_eq(told(X.emp2.id, NK_REPLY), 1);
	ck_assert_uint_eq(told(X.emp.id, NK_REPLY), 1);
	ck_assert_uint_eq(X.nnotes, 2);
}
END_TEST

START_TEST(own_action_tells_nobody)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan, cc @anna");

	ck_assert_uint_eq(X.nnotes, 0);
	comment_as(&X.emp, p, 0, "Replying to myself, @anna");
	ck_assert_uint_eq(X.nnotes, 0);
	ck_assert_uint_eq(listed(&X.emp, NULL, NULL), 0);
}
END_TEST

START_TEST(disabled_user_is_told_nothing)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan");

	ck_assert_int_eq(FX_W(&X, store_user_set_disabled(X.st, X.emp.id, 1)), OS_OK);
	fx_clear_events(&X);
	comment_as(&X.emp2, p, 0, "Hello @anna");
	ck_assert_uint_eq(X.nnotes, 0);
	ck_assert_int_eq(fx_count(&X, "notifications"), 0);
}
END_TEST

START_TEST(mentions_in_post_comment_and_chat)
{
	int64_t r = open_round(), p, c, m;
	struct post got;
	struct chat ch;

	p = post_as(&X.emp, r, "What does @Bert think? And @mgr.");
	ck_assert_uint_eq(told(X.emp2.id, NK_MENTION), 1);
	ck_assert_uint_eq(told(X.mgr.id, NK_MENTION), 1);
	ck_assert_uint_eq(X.nnotes, 2);
	ck_assert_int_eq(store_post_get(X.st, p, 0, &got), OS_OK);
	ck_assert_ptr_nonnull(strstr(got.body_html, "<a href=\"/u/bert\">@Bert</a>"));
	ck_assert_ptr_nonnull(strstr(got.body_html, "<a href=\"/u/mgr\">@mgr</a>."));
	post_clear(&got);
	fx_clear_events(&X);
	c = comment_as(&X.emp2, p, 0, "@root have a look");
	ck_assert_uint_eq(told(X.admin.id, NK_MENTION), 1);
	ck_assert_uint_eq(told(X.emp.id, NK_REPLY), 1);
	ck_assert_int_eq(X.notes[1].comment, c);
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, chat_send(X.f, &X.mgr, r, "@anna, @ANNA and @nobody", &ch)),
			 OS_OK);
	m = ch.id;
	chat_clear(&ch);
	ck_assert_uint_eq(X.nnotes, 1);
	ck_assert_uint_eq(told(X.emp.id, NK_MENTION), 1);
	ck_assert_int_eq(X.notes[0].chat, m);
}
END_TEST

START_TEST(mention_and_reply_is_one_notice)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan");

	fx_clear_events(&X);
	comment_as(&X.emp2, p, 0, "@anna see here");
	ck_assert_uint_eq(X.nnotes, 1);
	ck_assert_int_eq(X.notes[0].kind, NK_REPLY);
}
END_TEST

START_TEST(customers_are_mentioned_only_where_members)
{
	int64_t r = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t internal = open_round(), p;
	struct post got;

	fx_member(&X, r, &X.cust);
	forget();
	p = post_as(&X.emp, r, "Asking @cust and @carl");
	ck_assert_uint_eq(X.nnotes, 1);
	ck_assert_uint_eq(told(X.cust.id, NK_MENTION), 1);
	ck_assert_int_eq(store_post_get(X.st, p, 0, &got), OS_OK);
	ck_assert_ptr_nonnull(strstr(got.body_html, "/u/cust"));
	/* carl cannot see the round: no link, no notice. */
	ck_assert_ptr_null(strstr(got.body_html, "/u/carl"));
	post_clear(&got);
	fx_clear_events(&X);
	post_as(&X.emp, internal, "Asking @cust");
	ck_assert_uint_eq(X.nnotes, 0);
}
END_TEST

START_TEST(hidden_item_drops_its_notices)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan"), c;
	int64_t unread;

	c = comment_as(&X.emp2, p, 0, "Rude words, @mgr");
	ck_assert_uint_eq(listed(&X.emp, &unread, NULL), 1);
	ck_assert_int_eq(unread, 1);
	ck_assert_int_eq(FX_W(&X, mod_hide(X.f, &X.admin, TARGET_COMMENT, c, 1, "rude")), OS_OK);
	ck_assert_uint_eq(listed(&X.emp, &unread, NULL), 0);
	ck_assert_int_eq(unread, 0);
	ck_assert_uint_eq(listed(&X.mgr, &unread, NULL), 0);
	/* A mention inside an item that is hidden already tells nobody. */
	ck_assert_int_eq(FX_W(&X, mod_hide(X.f, &X.admin, TARGET_POST, p, 1, "off topic")), OS_OK);
	ck_assert_uint_eq(listed(&X.emp, NULL, NULL), 0);
}
END_TEST

START_TEST(revoked_customer_loses_queued_notices)
{
	int64_t r = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN), p;

	fx_member(&X, r, &X.cust);
	forget();
	p = post_as(&X.cust, r, "Customer wish");
	comment_as(&X.emp, p, 0, "Why do you need it?");
	ck_assert_uint_eq(listed(&X.cust, NULL, NULL), 1);
	ck_assert_int_eq(FX_W(&X, store_member_revoke(X.st, r, X.cust.id)), OS_OK);
	ck_assert_uint_eq(listed(&X.cust, NULL, NULL), 0);
	fx_clear_events(&X);
	/* and is told nothing new there */
	comment_as(&X.emp2, p, 0, "Still there?");
	ck_assert_uint_eq(told(X.cust.id, -1), 0);
}
END_TEST

START_TEST(round_phases_tell_members)
{
	int64_t internal = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, PHASE_DRAFT);
	int64_t invited = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_DRAFT);
	struct round_changes ch = {.has_phase = 1, .phase = PHASE_OPEN};
	struct round out;

	ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.mgr, internal, &ch, &out)), OS_OK);
	round_clear(&out);
	/* Staff, not customers, not the manager who opened it. */
	ck_assert_uint_eq(told(X.admin.id, NK_ROUND_OPEN), 1);
	ck_assert_uint_eq(told(X.emp.id, NK_ROUND_OPEN), 1);
	ck_assert_uint_eq(told(X.emp2.id, NK_ROUND_OPEN), 1);
	ck_assert_uint_eq(told(X.mgr.id, -1), 0);
	ck_assert_uint_eq(told(X.cust.id, -1), 0);
	ck_assert_uint_eq(X.nnotes, 3);
	fx_member(&X, invited, &X.cust);
	fx_clear_events(&X);
	ch.phase = PHASE_OPEN;
	ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.mgr, invited, &ch, &out)), OS_OK);
	round_clear(&out);
	ck_assert_uint_eq(told(X.cust.id, NK_ROUND_OPEN), 1);
	ck_assert_uint_eq(told(X.cust2.id, -1), 0);
	fx_clear_events(&X);
	ch.phase = PHASE_VOTING;
	ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.mgr, invited, &ch, &out)), OS_OK);
	round_clear(&out);
	ck_assert_uint_eq(told(X.cust.id, NK_ROUND_VOTING), 1);
	fx_clear_events(&X);
	ch.phase = PHASE_CLOSED;
	ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.mgr, invited, &ch, &out)), OS_OK);
	round_clear(&out);
	ck_assert_uint_eq(told(X.cust.id, NK_ROUND_CLOSED), 1);
	/* A change that is no phase change tells nobody. */
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, rounds_update(X.f, &X.admin, invited, &ch, &out)), OS_OK);
	round_clear(&out);
	ck_assert_uint_eq(X.nnotes, 0);
}
END_TEST

START_TEST(merge_and_priority_link_tell_the_author)
{
	int64_t r = open_round(), a = post_as(&X.emp, r, "A"), b = post_as(&X.emp2, r, "B");
	struct post out;
	struct priority pr;
	int64_t pid;

	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, posts_merge(X.f, &X.mgr, a, b, &out)), OS_OK);
	post_clear(&out);
	ck_assert_uint_eq(X.nnotes, 1);
	ck_assert_uint_eq(told(X.emp.id, NK_MERGED), 1);
	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, r, "Speed", "", 0, &pr)), OS_OK);
	pid = pr.id;
	priority_clear(&pr);
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, priorities_link(X.f, &X.mgr, pid, b, &pr)), OS_OK);
	priority_clear(&pr);
	ck_assert_uint_eq(X.nnotes, 1);
	ck_assert_uint_eq(told(X.emp2.id, NK_LINKED), 1);
	/* Linked again: nothing new. */
	fx_clear_events(&X);
	ck_assert_int_eq(FX_W(&X, priorities_link(X.f, &X.mgr, pid, b, &pr)), OS_OK);
	priority_clear(&pr);
	ck_assert_uint_eq(X.nnotes, 0);
}
END_TEST

START_TEST(notice_rolls_back_with_its_write)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan");
	struct comment c;

	fx_begin(&X);
	ck_assert_int_eq(comments_create(X.f, &X.emp2, p, 0, "gone", &c), OS_OK);
	comment_clear(&c);
	/* The operation fails after the forum call (as a reply that cannot be
	 * built does): its savepoint goes, and the notice with it. */
	ck_assert_int_eq(store_op_end(X.st, 0), OS_OK);
	ck_assert_int_eq(store_commit(X.st), OS_OK);
	ck_assert_int_eq(fx_count(&X, "comments"), 0);
	ck_assert_int_eq(fx_count(&X, "notifications"), 0);
}
END_TEST

START_TEST(read_one_or_all)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan"), unread;
	struct notification first;
	int64_t ids[2];

	comment_as(&X.emp2, p, 0, "one");
	comment_as(&X.mgr, p, 0, "two");
	comment_as(&X.admin, p, 0, "three");
	ck_assert_uint_eq(listed(&X.emp, &unread, &first), 3);
	ck_assert_int_eq(unread, 3);
	ids[0] = first.id;
	ids[1] = first.id; /* someone's own id twice is harmless */
	ck_assert_int_eq(FX_W(&X, notifications_read(X.f, &X.emp, ids, 2, 0, &unread)), OS_OK);
	ck_assert_int_eq(unread, 2);
	/* Someone else's id changes nothing. */
	ck_assert_int_eq(FX_W(&X, notifications_read(X.f, &X.emp2, ids, 1, 0, &unread)), OS_OK);
	ck_assert_uint_eq(listed(&X.emp, &unread, &first), 3);
	ck_assert_int_eq(unread, 2);
	ck_assert_int_eq(first.read, 1);
	ck_assert_int_eq(FX_W(&X, notifications_read(X.f, &X.emp, NULL, 0, 1, &unread)), OS_OK);
	ck_assert_int_eq(unread, 0);
}
END_TEST

START_TEST(list_pages_newest_first)
{
	int64_t r = open_round(), p = post_as(&X.emp, r, "Plan"), unread;
	struct notification *items;
	size_t n;

	for (int i = 0; i < 5; i++)
		comment_as(&X.emp2, p, 0, "again");
	ck_assert_int_eq(notifications_list(X.f, &X.emp, 0, 2, &items, &n, &unread), OS_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_gt(items[0].id, items[1].id);
	{
		int64_t before = items[1].id;

		free(items);
		ck_assert_int_eq(notifications_list(X.f, &X.emp, before, 100, &items, &n, &unread),
				 OS_OK);
		ck_assert_uint_eq(n, 3);
		ck_assert_int_lt(items[0].id, before);
		free(items);
	}
	ck_assert_int_eq(unread, 5);
	ck_assert_int_eq(notifications_list(X.f, &X.emp, 0, 101, &items, &n, &unread), OS_EBADREQ);
	ck_assert_int_eq(notifications_list(X.f, &X.emp, 0, 0, &items, &n, &unread), OS_EBADREQ);
}
END_TEST

/* ---- the mention parser ---- */

struct names {
	char buf[8][40];
	int n;
};

static int
collect(const char *name, size_t len, void *arg)
{
	struct names *x = arg;

	if (x->n < 8)
		snprintf(x->buf[x->n++], sizeof x->buf[0], "%.*s", (int)len, name);
	return 0;
}

static struct names
scan(const char *text)
{
	struct names x = {0};

	mentions_scan(text, collect, &x);
	return x;
}

START_TEST(mention_parsing)
{
	struct names x;

	x = scan("Thanks @anna.");
	ck_assert_int_eq(x.n, 1);
	ck_assert_str_eq(x.buf[0], "anna");
	x = scan("@bert: mail anna@example.com or x+y@z.org, not @carl@example.com");
	ck_assert_int_eq(x.n, 1);
	ck_assert_str_eq(x.buf[0], "bert");
	x = scan("(@a.b-c_d), @Mixed.Case... @ alone, @-dash, @@double, é@x");
	ck_assert_int_eq(x.n, 2);
	ck_assert_str_eq(x.buf[0], "a.b-c_d");
	ck_assert_str_eq(x.buf[1], "Mixed.Case");
	x = scan("@abcdefghijabcdefghijabcdefghijabc is too long, @abcdefghijabcdefghijabcdefghijab fits");
	ck_assert_int_eq(x.n, 1);
	ck_assert_int_eq((int)strlen(x.buf[0]), 32);
}
END_TEST

START_TEST(mention_links_stay_safe)
{
	struct mention_set ms = {.n = 1};
	char *html;

	ms.users[0] = X.emp;
	ck_assert_int_eq(forum_markdown_mentions("<b>@anna</b> `@anna` [@anna](http://x) *@Anna*",
						 &ms, &html),
			 OS_OK);
	ck_assert_ptr_null(strstr(html, "<b>"));
	/* In code and inside a link it stays text; emphasised, it links. */
	ck_assert_ptr_nonnull(strstr(html, "<code>@anna</code>"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"http://x\">@anna</a>"));
	ck_assert_ptr_nonnull(strstr(html, "<em><a href=\"/u/anna\">@Anna</a></em>"));
	free(html);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reply_to_post_tells_its_author_once);
	tcase_add_test(tc, reply_to_comment_tells_comment_and_post_authors);
	tcase_add_test(tc, own_action_tells_nobody);
	tcase_add_test(tc, disabled_user_is_told_nothing);
	tcase_add_test(tc, mentions_in_post_comment_and_chat);
	tcase_add_test(tc, mention_and_reply_is_one_notice);
	tcase_add_test(tc, customers_are_mentioned_only_where_members);
	tcase_add_test(tc, hidden_item_drops_its_notices);
	tcase_add_test(tc, revoked_customer_loses_queued_notices);
	tcase_add_test(tc, round_phases_tell_members);
	tcase_add_test(tc, merge_and_priority_link_tell_the_author);
	tcase_add_test(tc, notice_rolls_back_with_its_write);
	tcase_add_test(tc, read_one_or_all);
	tcase_add_test(tc, list_pages_newest_first);
	tcase_add_test(tc, mention_parsing);
	tcase_add_test(tc, mention_links_stay_safe);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
