/*
 * Needs over the wire: a need made, linked and deleted by one manager
 * reaches everyone in the round at once; what leadership learns about
 * customer organisations (insights, orgs.list) stays with leadership, and
 * a customer never learns another organisation's name from needs or from
 * what became of their own ideas.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", NULL};

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_int_eq(st, 0);
}

static cJSON *
ok(cJSON *r, const char *what)
{
	ck_assert_msg(r && osx_ok(r), "%s: %s", what, osx_jtext(r));
	return r;
}

static long long
id_of(cJSON *r, const char *path)
{
	long long id = osx_jint(r, path, 0);

	cJSON_Delete(r);
	ck_assert_int_gt(id, 0);
	return id;
}

static long long
open_round(struct osx_ws *m, const char *audience)
{
	long long id = id_of(ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"R\","
					    "\"audience\":\"%s\",\"vote_mode\":\"updown\"}",
					    audience), "round"), "round.id");

	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
				       "\"phase\":\"open\"}", id), "open"));
	return id;
}

static long long
idea(struct osx_ws *ws, long long round, const char *title)
{
	return id_of(ok(osx_ws_call(ws, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":"
				       "\"idea\",\"title\":\"%s\",\"body\":\"b\"}", round, title),
			"idea"), "post.id");
}

static void
expect_error(cJSON *r, const char *code)
{
	ck_assert_msg(r && !osx_ok(r) && !strcmp(osx_errcode(r), code), "want %s, got %s", code,
		      osx_jtext(r));
	cJSON_Delete(r);
}

START_TEST(need_updates_reach_the_round_live)
{
	char tm[OSX_TOKEN_MAX], te[OSX_TOKEN_MAX];
	struct osx_ws *m, *e;
	long long round, other, p1, p2, need;
	cJSON *r, *ev;

	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tm, sizeof tm), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp", "employee", te, sizeof te), 0);
	m = osx_ws_open(srv.port, tm);
	e = osx_ws_open(srv.port, te);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(e);
	round = open_round(m, "internal");
	other = open_round(m, "internal");
	p1 = idea(e, round, "Ship weekly");
	p2 = idea(e, other, "Elsewhere");
	cJSON_Delete(ok(osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe"));
	osx_ws_clear(e);

	need = id_of(ok(osx_ws_call(m, 0, "{\"op\":\"need.create\",\"round\":%lld,\"title\":"
				       "\"Faster delivery\",\"description\":\"Weeks *now*\"}",
				       round), "need.create"), "need.id");
	ev = osx_ws_wait_event(e, "need.updated", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "round", 0), round);
	ck_assert_int_eq(osx_jint(ev, "need.id", 0), need);
	ck_assert_str_eq(osx_jstr(ev, "need.title"), "Faster delivery");
	ck_assert_ptr_nonnull(strstr(osx_jstr(ev, "need.description_html"), "<em>now</em>"));
	cJSON_Delete(ev);

	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"need.link\",\"need\":%lld,\"post\":%lld}",
				       need, p1), "link"));
	ev = osx_ws_wait_event(e, "need.updated", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "need.posts.0", 0), p1);
	cJSON_Delete(ev);

	/* Bad input: a clear error, no change, no event. */
	expect_error(osx_ws_call(m, 0, "{\"op\":\"need.link\",\"need\":%lld,\"post\":%lld}", need,
				 p2), "bad_request");
	expect_error(osx_ws_call(m, 0, "{\"op\":\"need.link\",\"need\":%lld,\"post\":%lld,"
				    "\"priority\":1}", need, p1), "bad_request");
	expect_error(osx_ws_call(m, 0, "{\"op\":\"need.update\",\"need\":%lld,\"title\":\"\"}",
				 need), "bad_request");
	expect_error(osx_ws_call(m, 0, "{\"op\":\"need.update\",\"need\":\"x\"}"), "bad_request");
	expect_error(osx_ws_call(e, 0, "{\"op\":\"need.update\",\"need\":%lld,\"title\":\"Mine\"}",
				 need), "forbidden");
	ck_assert_int_eq(osx_ws_no_event(e, "need.updated", 300), 1);

	/* A second subscriber starts from the needs as they are. */
	r = ok(osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "again");
	ck_assert_str_eq(osx_jstr(r, "needs.0.title"), "Faster delivery");
	ck_assert_int_eq(osx_jint(r, "needs.0.posts.0", 0), p1);
	ck_assert_ptr_null(osx_jget(r, "needs.0.posts.1"));
	cJSON_Delete(r);

	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"need.delete\",\"need\":%lld}", need),
			"delete"));
	ev = osx_ws_wait_event(e, "need.deleted", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "need", 0), need);
	cJSON_Delete(ev);
	r = ok(osx_ws_call(e, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "after");
	ck_assert_ptr_null(osx_jget(r, "needs.0"));
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(e);
}
END_TEST

static struct osx_ws *
customer(const char *name, const char *org, long long *id)
{
	char token[OSX_TOKEN_MAX], body[160];
	struct osx_http_resp resp;
	cJSON *j;

	ck_assert_int_eq(osx_user_add(&srv, name, "customer-pass-1", "customer", name, org), 0);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"customer-pass-1\"}", name);
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/login", NULL, body, &resp), 200);
	j = osx_http_json(&resp);
	snprintf(token, sizeof token, "%s", osx_jstr(j, "token"));
	*id = osx_jint(j, "user.id", 0);
	cJSON_Delete(j);
	osx_http_free(&resp);
	return osx_ws_open(srv.port, token);
}

START_TEST(customers_do_not_learn_other_orgs)
{
	char tm[OSX_TOKEN_MAX];
	struct osx_ws *m, *a, *b;
	long long round, ida, idb, pa, pb, need;
	cJSON *r, *ev;
	char *text;

	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tm, sizeof tm), 0);
	m = osx_ws_open(srv.port, tm);
	a = customer("anna", "Nordbank", &ida);
	b = customer("hugo", "Heliotrope", &idb);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	round = open_round(m, "invited");
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"member.add\",\"round\":%lld,\"user\":%lld}",
				       round, ida), "add a"));
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"member.add\",\"round\":%lld,\"user\":%lld}",
				       round, idb), "add b"));
	pa = idea(a, round, "Open banking");
	pb = idea(b, round, "Open APIs");
	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", pa),
			"vote"));
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe"));
	osx_ws_clear(a);
	need = id_of(ok(osx_ws_call(m, 0, "{\"op\":\"need.create\",\"round\":%lld,\"title\":"
				       "\"Integration\"}", round), "need"), "need.id");
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"need.link\",\"need\":%lld,\"post\":%lld}",
				       need, pa), "link a"));
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"need.link\",\"need\":%lld,\"post\":%lld}",
				       need, pb), "link b"));
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"post.merge\",\"post\":%lld,\"into\":%lld}",
				       pa, pb), "merge"));

	/* Leadership sees both organisations behind the need. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.insights\",\"round\":%lld}", round), "insights");
	ck_assert_str_eq(osx_jstr(r, "needs.0.need.title"), "Integration");
	text = cJSON_PrintUnformatted(r);
	ck_assert_ptr_nonnull(strstr(text, "\"org\":\"Heliotrope\""));
	ck_assert_ptr_nonnull(strstr(text, "\"org\":\"Nordbank\""));
	free(text);
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"orgs.list\"}"), "orgs.list");
	ck_assert_str_eq(osx_jstr(r, "orgs.0.org"), "Heliotrope");
	ck_assert_str_eq(osx_jstr(r, "orgs.1.org"), "Nordbank");
	ck_assert_int_eq(osx_jint(r, "orgs.0.votes", -1), 1);
	ck_assert_int_eq(osx_jint(r, "orgs.1.ideas", -1), 1);
	ck_assert_str_eq(osx_jstr(r, "orgs.1.needs.0.title"), "Integration");
	cJSON_Delete(r);

	/* A customer: no insights, no overview. */
	expect_error(osx_ws_call(a, 0, "{\"op\":\"round.insights\",\"round\":%lld}", round),
		     "forbidden");
	expect_error(osx_ws_call(a, 0, "{\"op\":\"orgs.list\"}"), "forbidden");
	/* What they do see (the needs, live and on subscribing, and what
	 * became of their idea, merged into the other organisation's)
	 * never names the other organisation. */
	ev = osx_ws_wait_event(a, "need.updated", 0);
	ck_assert_ptr_nonnull(ev);
	text = cJSON_PrintUnformatted(ev);
	ck_assert_ptr_null(strstr(text, "Heliotrope"));
	free(text);
	cJSON_Delete(ev);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "sub");
	ck_assert_str_eq(osx_jstr(r, "needs.0.title"), "Integration");
	text = cJSON_PrintUnformatted(r);
	ck_assert_ptr_null(strstr(text, "Heliotrope"));
	free(text);
	cJSON_Delete(r);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"my.ideas\"}"), "my.ideas");
	ck_assert_int_eq(osx_jint(r, "ideas.0.post.id", 0), pa);
	ck_assert_str_eq(osx_jstr(r, "ideas.0.status"), "merged");
	ck_assert_int_eq(osx_jint(r, "ideas.0.merged_into.id", 0), pb);
	ck_assert_str_eq(osx_jstr(r, "ideas.0.merged_into.title"), "Open APIs");
	ck_assert_str_eq(osx_jstr(r, "ideas.0.needs.0.title"), "Integration");
	ck_assert_ptr_null(osx_jget(r, "ideas.1"));
	text = cJSON_PrintUnformatted(r);
	ck_assert_ptr_null(strstr(text, "Heliotrope"));
	ck_assert_ptr_null(strstr(text, "hugo"));
	free(text);
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("needs");
	TCase *tc = tcase_create("needs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, need_updates_reach_the_round_live);
	tcase_add_test(tc, customers_do_not_learn_other_orgs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
