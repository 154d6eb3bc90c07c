/*
 * src/forum/chat.c: the round's chat room: who may talk in which phase,
 * the length limit, history order and paging, and the chat.message event.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "forum/chat.h"
#include "store/chat.h"

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

static int
say(const struct user *u, int64_t round, const char *body, int64_t *id)
{
	struct chat c;
	int rc = FX_W(&X, chat_send(X.f, u, round, body, &c));

	if (id)
		*id = rc ? 0 : c.id;
	chat_clear(&c);
	return rc;
}

static void
free_history(struct chat *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		chat_clear(&m[i]);
	free(m);
}

START_TEST(send_stores_returns_and_emits)
{
	int64_t round = fx_open_round(&X);
	struct chat c;

	ck_assert_int_eq(FX_W(&X, chat_send(X.f, &X.emp, round, "  Hello, round!  ", &c)), OS_OK);
	ck_assert_int_gt(c.id, 0);
	ck_assert_int_eq(c.round, round);
	ck_assert_str_eq(c.body, "Hello, round!");
	ck_assert_int_eq(c.author.id, X.emp.id);
	ck_assert_str_eq(c.author.username, "anna");
	ck_assert_int_gt(c.created_at, 0);
	fx_assert_one_event(&X, EV_CHAT_MESSAGE, round, c.id);
	chat_clear(&c);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 1);
}
END_TEST

START_TEST(chat_in_every_phase_but_closed)
{
	int64_t rounds[PHASE_COUNT];

	for (int ph = 0; ph < PHASE_COUNT; ph++)
		rounds[ph] = fx_round(&X, VOTE_UPDOWN, 0, AUD_INTERNAL, ph);
	/* Draft rounds are seen by staff only; they may talk there. */
	ck_assert_int_eq(say(&X.mgr, rounds[PHASE_DRAFT], "prep", NULL), OS_OK);
	ck_assert_int_eq(say(&X.emp, rounds[PHASE_DRAFT], "hi", NULL), OS_ENOTFOUND);
	ck_assert_int_eq(say(&X.emp, rounds[PHASE_OPEN], "hi", NULL), OS_OK);
	ck_assert_int_eq(say(&X.mgr, rounds[PHASE_OPEN], "hi", NULL), OS_OK);
	ck_assert_int_eq(say(&X.emp, rounds[PHASE_VOTING], "hi", NULL), OS_OK);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 4);
	fx_clear_events(&X);

	ck_assert_int_eq(say(&X.emp, rounds[PHASE_CLOSED], "hi", NULL), OS_EPHASE);
	ck_assert_int_eq(say(&X.mgr, rounds[PHASE_CLOSED], "hi", NULL), OS_EPHASE);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 4);
	fx_assert_no_event(&X);
	ck_assert_int_eq(say(&X.admin, rounds[PHASE_CLOSED], "closing words", NULL), OS_OK);
}
END_TEST

START_TEST(chat_stops_when_closes_at_has_passed)
{
	int64_t round = fx_open_round(&X);

	fx_set_closes_at(&X, round, os_now_ms() - 1);
	ck_assert_int_eq(say(&X.emp, round, "hi", NULL), OS_EPHASE);
	ck_assert_int_eq(say(&X.mgr, round, "hi", NULL), OS_EPHASE);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 0);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(customers_chat_only_where_invited)
{
	int64_t invited = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t internal = fx_open_round(&X);
	struct chat *m;
	size_t n;

	fx_member(&X, invited, &X.cust);
	ck_assert_int_eq(say(&X.cust, invited, "hello from outside", NULL), OS_OK);
	fx_clear_events(&X);
	ck_assert_int_eq(say(&X.cust2, invited, "let me in", NULL), OS_ENOTFOUND);
	ck_assert_int_eq(say(&X.cust, internal, "peek", NULL), OS_ENOTFOUND);
	ck_assert_int_eq(say(&X.cust, 999999, "anyone?", NULL), OS_ENOTFOUND);
	fx_assert_no_event(&X);
	ck_assert_int_eq(chat_history(X.f, &X.cust2, invited, 0, 50, &m, &n), OS_ENOTFOUND);
	ck_assert_int_eq(chat_history(X.f, &X.cust, internal, 0, 50, &m, &n), OS_ENOTFOUND);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 1);
}
END_TEST

START_TEST(chat_length_limit)
{
	int64_t round = fx_open_round(&X);
	char *a1000 = fx_repeat("a", 1000), *a1001 = fx_repeat("a", 1001);
	char *m1000 = fx_repeat("\xf0\x9f\x98\x80", 1000), *m1001 = fx_repeat("\xf0\x9f\x98\x80", 1001);

	ck_assert_int_eq(say(&X.emp, round, a1000, NULL), OS_OK);
	ck_assert_int_eq(say(&X.emp, round, a1001, NULL), OS_ETOOLARGE);
	ck_assert_int_eq(say(&X.emp, round, m1000, NULL), OS_OK);
	ck_assert_int_eq(say(&X.emp, round, m1001, NULL), OS_ETOOLARGE);
	fx_clear_events(&X);
	ck_assert_int_eq(say(&X.emp, round, "", NULL), OS_EBADREQ);
	ck_assert_int_eq(say(&X.emp, round, " \n\t ", NULL), OS_EBADREQ);
	ck_assert_int_eq(say(&X.emp, round, NULL, NULL), OS_EBADREQ);
	ck_assert_int_eq(say(&X.emp, round, "\xe2\x82", NULL), OS_EBADREQ);
	ck_assert_int_eq(fx_count(&X, "chat_messages"), 2);
	fx_assert_no_event(&X);
	free(a1000);
	free(a1001);
	free(m1000);
	free(m1001);
}
END_TEST

START_TEST(history_is_oldest_first_and_pages_backwards)
{
	int64_t round = fx_open_round(&X), other = fx_open_round(&X);
	int64_t ids[10];
	struct chat *m;
	size_t n;

	for (int i = 0; i < 10; i++) {
		char body[32];

		snprintf(body, sizeof body, "msg %d", i);
		ck_assert_int_eq(say(i % 2 ? &X.emp : &X.emp2, round, body, &ids[i]), OS_OK);
		ck_assert_int_eq(say(&X.mgr, other, "noise", NULL), OS_OK);
	}
	/* The latest, oldest first. */
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, 50, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 10);
	for (size_t i = 0; i < n; i++) {
		char body[32];

		snprintf(body, sizeof body, "msg %zu", i);
		ck_assert_int_eq(m[i].id, ids[i]);
		ck_assert_int_eq(m[i].round, round);
		ck_assert_str_eq(m[i].body, body);
	}
	free_history(m, n);
	/* A limit keeps the newest ones. */
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, 3, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(m[0].id, ids[7]);
	ck_assert_int_eq(m[2].id, ids[9]);
	free_history(m, n);
	/* Paging: the three before ids[7]. */
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, ids[7], 3, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(m[0].id, ids[4]);
	ck_assert_int_eq(m[2].id, ids[6]);
	free_history(m, n);
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, ids[0], 3, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 0);
	free_history(m, n);
}
END_TEST

START_TEST(history_limit_is_1_to_200)
{
	int64_t round = fx_open_round(&X);
	struct chat *m;
	size_t n;

	for (int i = 0; i < 205; i++)
		ck_assert_int_eq(say(&X.admin, round, "x", NULL), OS_OK);
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, 0, &m, &n), OS_EBADREQ);
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, -1, &m, &n), OS_EBADREQ);
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, 201, &m, &n), OS_EBADREQ);
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, 200, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 200);
	free_history(m, n);
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, 1, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 1);
	free_history(m, n);
}
END_TEST

START_TEST(hidden_messages_only_for_moderators)
{
	int64_t round = fx_open_round(&X);
	int64_t a, b;
	struct chat *m;
	size_t n;

	ck_assert_int_eq(say(&X.emp, round, "fine", &a), OS_OK);
	ck_assert_int_eq(say(&X.emp2, round, "rude", &b), OS_OK);
	ck_assert_int_eq(FX_W(&X, store_chat_set_hidden(X.st, b, 1)), OS_OK);
	ck_assert_int_eq(chat_history(X.f, &X.emp, round, 0, 50, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(m[0].id, a);
	free_history(m, n);
	ck_assert_int_eq(chat_history(X.f, &X.mgr, round, 0, 50, &m, &n), OS_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(m[1].id, b);
	ck_assert_int_eq(m[1].hidden, 1);
	free_history(m, n);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("chat");
	TCase *tc = tcase_create("chat");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, send_stores_returns_and_emits);
	tcase_add_test(tc, chat_in_every_phase_but_closed);
	tcase_add_test(tc, chat_stops_when_closes_at_has_passed);
	tcase_add_test(tc, customers_chat_only_where_invited);
	tcase_add_test(tc, chat_length_limit);
	tcase_add_test(tc, history_is_oldest_first_and_pages_backwards);
	tcase_add_test(tc, history_limit_is_1_to_200);
	tcase_add_test(tc, hidden_messages_only_for_moderators);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
