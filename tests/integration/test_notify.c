/*
 * Notifications over the wire: the `notification` event reaches every
 * connection of the recipient, subscribed to the round or not, after the
 * write; notifications.list and notifications.read; user.settings.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_anna[OSX_TOKEN_MAX], tok_bert[OSX_TOKEN_MAX];

static cJSON *
must(cJSON *r, const char *what)
{
	ck_assert_msg(r && osx_ok(r), "%s: %s", what, osx_jtext(r));
	return r;
}

static long long
open_round(struct osx_ws *mgr)
{
	cJSON *r = must(osx_ws_call(mgr, 0, "{\"op\":\"round.create\",\"title\":\"Strategy\","
				    "\"audience\":\"internal\",\"vote_mode\":\"updown\"}"),
			"round.create");
	long long id = osx_jint(r, "round.id", 0);

	cJSON_Delete(r);
	cJSON_Delete(must(osx_ws_call(mgr, 0, "{\"op\":\"round.update\",\"round\":%lld,"
				      "\"phase\":\"open\"}", id), "open"));
	return id;
}

/* The next notification event of this kind (the round's opening comes
 * first, for everyone). */
static cJSON *
wait_kind(struct osx_ws *ws, const char *kind)
{
	for (int i = 0; i < 10; i++) {
		cJSON *ev = osx_ws_wait_event(ws, "notification", 0);

		if (!ev || !strcmp(osx_jstr(ev, "notification.kind"), kind))
			return ev;
		cJSON_Delete(ev);
	}
	return NULL;
}

static void
setup(void)
{
	ck_assert_int_eq(osx_server_start(&srv, NULL), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_anna, sizeof tok_anna), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_bert, sizeof tok_bert), 0);
}

static void
teardown(void)
{
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
}

START_TEST(reply_reaches_every_connection_of_the_author)
{
	struct osx_ws *mgr = osx_ws_open(srv.port, tok_mgr);
	struct osx_ws *anna1 = osx_ws_open(srv.port, tok_anna);
	struct osx_ws *anna2 = osx_ws_open(srv.port, tok_anna);
	struct osx_ws *bert = osx_ws_open(srv.port, tok_bert);
	long long round, post, comment;
	cJSON *r, *ev;

	ck_assert_ptr_nonnull(mgr);
	ck_assert_ptr_nonnull(anna1);
	ck_assert_ptr_nonnull(anna2);
	ck_assert_ptr_nonnull(bert);
	round = open_round(mgr);
	/* Nobody is subscribed to the round. */
	r = must(osx_ws_call(anna1, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
			     "\"title\":\"Faster builds\",\"body\":\"We wait too long\"}", round),
		 "post");
	post = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	osx_ws_clear(anna1);
	osx_ws_clear(anna2);
	r = must(osx_ws_call(bert, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
			     "\"body\":\"Agreed, @mgr should see this\"}", post), "comment");
	comment = osx_jint(r, "comment.id", 0);
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "comment.body_html"), "href=\"/u/mgr\""));
	cJSON_Delete(r);
	for (int i = 0; i < 2; i++) {
		ev = wait_kind(i ? anna2 : anna1, "reply");
		ck_assert_ptr_nonnull(ev);
		ck_assert_str_eq(osx_jstr(ev, "notification.kind"), "reply");
		ck_assert_int_eq(osx_jint(ev, "notification.round", 0), round);
		ck_assert_int_eq(osx_jint(ev, "notification.post", 0), post);
		ck_assert_int_eq(osx_jint(ev, "notification.comment", 0), comment);
		ck_assert_str_eq(osx_jstr(ev, "notification.actor.username"), "bert");
		ck_assert_int_eq(osx_jbool(ev, "notification.read"), 0);
		cJSON_Delete(ev);
	}
	ev = wait_kind(mgr, "mention");
	ck_assert_ptr_nonnull(ev);
	cJSON_Delete(ev);
	r = must(osx_ws_call(anna2, 0, "{\"op\":\"notifications.list\"}"), "list");
	/* the reply, and the round's opening */
	ck_assert_int_eq(osx_jint(r, "unread", -1), 2);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "items")), 2);
	ck_assert_str_eq(osx_jstr(r, "items.0.kind"), "reply");
	{
		long long id = osx_jint(r, "items.0.id", 0);

		cJSON_Delete(r);
		r = must(osx_ws_call(anna2, 0, "{\"op\":\"notifications.read\",\"ids\":[%lld]}", id),
			 "read");
		ck_assert_int_eq(osx_jint(r, "unread", -1), 1);
		cJSON_Delete(r);
	}
	r = must(osx_ws_call(anna1, 0, "{\"op\":\"user.settings\"}"), "settings");
	ck_assert_str_eq(osx_jstr(r, "notify"), "daily");
	cJSON_Delete(r);
	r = must(osx_ws_call(anna1, 0, "{\"op\":\"user.settings\",\"notify\":\"instant\"}"),
		 "settings");
	ck_assert_str_eq(osx_jstr(r, "notify"), "instant");
	cJSON_Delete(r);
	osx_ws_close(mgr);
	osx_ws_close(anna1);
	osx_ws_close(anna2);
	osx_ws_close(bert);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reply_reaches_every_connection_of_the_author);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
