/*
 * Big rounds over the wire: round.subscribe with posts_limit and posts.list
 * with a cursor page the posts while others are posting, the events keep
 * coming for posts not loaded yet, clients that ask for no page still get
 * every post, and users.find finds people nobody in the round has met.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;
static char mgr_token[OSX_TOKEN_MAX], emp_token[OSX_TOKEN_MAX];

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", NULL};

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", mgr_token, OSX_TOKEN_MAX), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp", "employee", emp_token, OSX_TOKEN_MAX), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_int_eq(st, 0);
}

static cJSON *
must(cJSON *r)
{
	ck_assert_msg(r && osx_ok(r), "request failed: %s", osx_jtext(r));
	return r;
}

static long long
new_post(struct osx_ws *ws, long long round, int n)
{
	cJSON *r = must(osx_ws_call(ws, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":"
				    "\"idea\",\"title\":\"Idea %d\",\"body\":\"b\"}", round, n));
	long long id = osx_jint(r, "post.id", 0);

	cJSON_Delete(r);
	return id;
}

static int
seen_count(const long long *ids, size_t n, long long id)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ids[i] == id;
	return c;
}

/* Appends the ids of reply's posts to ids; returns its next, or "" */
static const char *
take_page(const cJSON *reply, long long *ids, size_t *n, size_t max)
{
	const cJSON *posts = osx_jget(reply, "posts"), *p, *next = osx_jget(reply, "next");

	ck_assert_ptr_nonnull(posts);
	ck_assert_msg(next && (cJSON_IsNull(next) || cJSON_IsString(next)),
		      "next must be a string or null: %s", osx_jtext(reply));
	cJSON_ArrayForEach(p, posts) {
		ck_assert_uint_lt(*n, max);
		ids[(*n)++] = osx_jint(p, "id", 0);
	}
	return cJSON_IsString(next) ? next->valuestring : "";
}

START_TEST(pages_over_the_wire_while_others_post)
{
	struct osx_ws *m = osx_ws_open(srv.port, mgr_token), *e = osx_ws_open(srv.port, emp_token);
	long long round, ids[40], got[80], extra;
	size_t n = 0;
	char cursor[128];
	cJSON *r, *ev;

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(e);
	r = must(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Big\",\"audience\":"
			     "\"internal\",\"vote_mode\":\"updown\"}"));
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(must(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
				      "\"phase\":\"open\"}", round)));
	for (int i = 0; i < 30; i++)
		ids[i] = new_post(m, round, i);

	/* A client that asks for no page gets every post, as before. */
	r = must(osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "posts")), 30);
	ck_assert(cJSON_IsNull(osx_jget(r, "next")));
	cJSON_Delete(r);

	/* The first page, newest first, and its cursor. */
	r = must(osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld,\"posts_limit\":"
			     "10,\"posts_order\":\"new\"}", round));
	snprintf(cursor, sizeof cursor, "%s", take_page(r, got, &n, 80));
	cJSON_Delete(r);
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(got[0], ids[29]);
	ck_assert_str_ne(cursor, "");

	/* Someone posts meanwhile: the subscriber hears of it at once... */
	extra = new_post(m, round, 100);
	ev = osx_ws_wait_event(e, "post.created", 5000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post.id", 0), extra);
	cJSON_Delete(ev);
	/* ...and of votes on posts it has not loaded. */
	cJSON_Delete(must(osx_ws_call(m, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}",
				      ids[0])));
	ev = osx_ws_wait_event(e, "vote.tally", 5000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post", 0), ids[0]);
	cJSON_Delete(ev);

	/* The next pages: no post twice, none missing, the new one not among them. */
	while (cursor[0]) {
		r = must(osx_ws_call(e, 0, "{\"op\":\"posts.list\",\"round\":%lld,\"order\":\"new\","
				     "\"cursor\":\"%s\",\"limit\":7}", round, cursor));
		snprintf(cursor, sizeof cursor, "%s", take_page(r, got, &n, 80));
		cJSON_Delete(r);
	}
	ck_assert_uint_eq(n, 30);
	for (int i = 0; i < 30; i++)
		ck_assert_int_eq(seen_count(got, n, ids[i]), 1);
	ck_assert_int_eq(seen_count(got, n, extra), 0);

	/* Top order: the voted post first. */
	r = must(osx_ws_call(e, 0, "{\"op\":\"posts.list\",\"round\":%lld,\"limit\":1}", round));
	ck_assert_int_eq(osx_jint(r, "posts.0.id", 0), ids[0]);
	ck_assert_ptr_nonnull(osx_jstr(r, "next"));
	cJSON_Delete(r);

	/* Bad input is named and changes nothing. */
	r = osx_ws_call(e, 0, "{\"op\":\"posts.list\",\"round\":%lld,\"cursor\":\"n:1:zz\"}",
			round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "error.message"), "'cursor'"));
	cJSON_Delete(r);
	r = osx_ws_call(e, 0, "{\"op\":\"posts.list\",\"round\":%lld,\"cursor\":17}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(e, 0, "{\"op\":\"posts.list\",\"round\":%lld,\"limit\":201}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(e, 0, "{\"op\":\"posts.list\",\"round\":%lld,\"order\":\"old\"}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "error.message"), "'order'"));
	cJSON_Delete(r);
	r = osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld,\"posts_limit\":0}",
			round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld,\"posts_limit\":5,"
			"\"posts_kind\":\"poem\"}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(e, 0, "{\"op\":\"posts.list\",\"round\":999999}");
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(e);
}
END_TEST

/* A client that holds one page of a dots round still knows its budget. */
START_TEST(dots_spent_comes_with_the_first_page)
{
	struct osx_ws *m = osx_ws_open(srv.port, mgr_token), *e = osx_ws_open(srv.port, emp_token);
	long long round, first, last = 0;
	cJSON *r;

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(e);
	r = must(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Dots\",\"audience\":"
			     "\"internal\",\"vote_mode\":\"dots\",\"dots_per_member\":10}"));
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(must(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
				      "\"phase\":\"open\"}", round)));
	first = new_post(m, round, 1);
	for (int i = 2; i <= 5; i++)
		last = new_post(m, round, i);
	cJSON_Delete(must(osx_ws_call(e, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":3}",
				      first)));
	cJSON_Delete(must(osx_ws_call(e, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":2}",
				      last)));
	r = must(osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld,\"posts_limit\":1,"
			     "\"posts_order\":\"new\"}", round));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "posts")), 1);
	ck_assert_int_eq(osx_jint(r, "posts.0.id", 0), last);
	ck_assert_int_eq(osx_jint(r, "posts.0.my_vote", -1), 2);
	ck_assert_int_eq(osx_jint(r, "dots_spent", -1), 5);
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(e);
}
END_TEST

START_TEST(users_find_over_the_wire)
{
	struct osx_ws *m, *e;
	cJSON *r;

	ck_assert_int_eq(osx_user_add(&srv, "zelda", "zelda-password-1", "employee",
				      "Zelda Øvergård", "Acme"), 0);
	ck_assert_int_eq(osx_user_add(&srv, "zacharias", "z-password-12", "customer",
				      "Zacharias Kunde", "Helio"), 0);
	m = osx_ws_open(srv.port, mgr_token);
	e = osx_ws_open(srv.port, emp_token);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(e);
	r = must(osx_ws_call(m, 0, "{\"op\":\"users.find\",\"query\":\"øverg\"}"));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "users")), 1);
	ck_assert_str_eq(osx_jstr(r, "users.0.username"), "zelda");
	ck_assert_str_eq(osx_jstr(r, "users.0.role"), "employee");
	/* A USER as anyone sees it: no email. */
	ck_assert_ptr_null(osx_jget(r, "users.0.email"));
	cJSON_Delete(r);
	r = must(osx_ws_call(m, 0, "{\"op\":\"users.find\",\"query\":\"Z\",\"role\":\"staff\"}"));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "users")), 1);
	cJSON_Delete(r);
	r = must(osx_ws_call(m, 0, "{\"op\":\"users.find\",\"query\":\"z\",\"limit\":50}"));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "users")), 2);
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"users.find\",\"query\":\"z\",\"limit\":51}");
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"users.find\",\"query\":\"z\",\"role\":\"boss\"}");
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"users.find\"}");
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(e, 0, "{\"op\":\"users.find\",\"query\":\"zelda\"}");
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("paging");
	TCase *tc = tcase_create("paging");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, pages_over_the_wire_while_others_post);
	tcase_add_test(tc, users_find_over_the_wire);
	tcase_add_test(tc, dots_spent_comes_with_the_first_page);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
