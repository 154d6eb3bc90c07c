/*
 * Revisions in the open over the WebSocket: comments anchored to a
 * paragraph's words, a plan revised with everyone in the round seeing the
 * new version and the comments following their words, comments edited by
 * their authors, and bad requests that change nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_a[OSX_TOKEN_MAX], tok_b[OSX_TOKEN_MAX],
	tok_admin[OSX_TOKEN_MAX];

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", "--conn-rate-limit", "0", NULL};

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_a, sizeof tok_a), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_b, sizeof tok_b), 0);
	ck_assert_int_eq(osx_user_new(&srv, "root", "admin", tok_admin, sizeof tok_admin), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_msg(st == 0, "the server should exit 0 on SIGTERM, got %d", st);
}

static cJSON *
ok(cJSON *reply, const char *what)
{
	ck_assert_msg(reply && osx_ok(reply), "%s failed: %s", what, osx_jtext(reply));
	return reply;
}

/* Expects error code, with the message naming field. */
static void
refused(cJSON *reply, const char *code, const char *field)
{
	ck_assert_msg(reply && !osx_ok(reply), "expected %s: %s", code, osx_jtext(reply));
	ck_assert_str_eq(osx_errcode(reply), code);
	if (field)
		ck_assert_msg(strstr(osx_jstr(reply, "error.message"), field) != NULL,
			      "message should name %s: %s", field, osx_jtext(reply));
	cJSON_Delete(reply);
}

static long long
count(struct osx_ws *ws, const char *op, long long post, const char *list)
{
	cJSON *r = ok(osx_ws_call(ws, 0, "{\"op\":\"%s\",\"post\":%lld}", op, post), op);
	long long n = cJSON_GetArraySize(osx_jget(r, list));

	cJSON_Delete(r);
	return n;
}

START_TEST(revise_in_the_open)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b), *root = osx_ws_open(srv.port, tok_admin);
	long long round, plan, cid;
	cJSON *r, *ev;

	ck_assert(m && a && b && root);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"R\",\"audience\":"
				 "\"internal\",\"vote_mode\":\"updown\"}"), "round.create");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", round), "open"));
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe a"));
	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe b"));
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"plan\","
				 "\"title\":\"Growth\",\"body\":\"# Goal\\n\\nWe grow in the "
				 "Nordics first.\\nThen south.\\n\\nWe hire.\"}", round),
	       "post.create");
	plan = osx_jint(r, "post.id", 0);
	ck_assert_int_eq(osx_jint(r, "post.blocks", 0), 3);
	ck_assert_int_eq(osx_jint(r, "post.revision", 0), 1);
	ck_assert(cJSON_IsNull(osx_jget(r, "post.edited_at")));
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "post.body_html"), "<p data-block=\"1\">"));
	cJSON_Delete(r);

	/* Bad anchors: named, and nothing stored. */
	refused(osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\","
				  "\"anchor\":{\"block\":3,\"quote\":\"We\"}}", plan),
		"bad_request", "anchor.block");
	refused(osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\","
				  "\"anchor\":{\"block\":0,\"quote\":\"Nordics\"}}", plan),
		"bad_request", "anchor.quote");
	refused(osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\","
				  "\"anchor\":{\"block\":1}}", plan),
		"bad_request", "anchor.quote");
	refused(osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\","
				  "\"anchor\":\"Goal\"}", plan),
		"bad_request", "anchor");
	ck_assert_int_eq(count(a, "post.get", plan, "comments"), 0);

	/* A comment on a sentence reaches the other reader with its anchor. */
	r = ok(osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"Why not "
				 "Germany?\",\"anchor\":{\"block\":1,\"quote\":\"Nordics first. "
				 "Then\"}}", plan), "anchored comment");
	cid = osx_jint(r, "comment.id", 0);
	ck_assert_int_eq(osx_jint(r, "comment.anchor.block", -1), 1);
	cJSON_Delete(r);
	ev = osx_ws_wait_event(b, "comment.created", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "comment.anchor.block", -1), 1);
	ck_assert_str_eq(osx_jstr(ev, "comment.anchor.quote"), "Nordics first. Then");
	cJSON_Delete(ev);

	/* Who may not revise, and bad revisions: nothing changes. */
	refused(osx_ws_call(a, 0, "{\"op\":\"post.update\",\"post\":%lld,\"title\":\"Mine\"}", plan),
		"forbidden", NULL);
	refused(osx_ws_call(m, 0, "{\"op\":\"post.update\",\"post\":%lld}", plan), "bad_request",
		"title");
	refused(osx_ws_call(m, 0, "{\"op\":\"post.update\",\"post\":%lld,\"body\":\"  \"}", plan),
		"bad_request", "body");
	refused(osx_ws_call(m, 0, "{\"op\":\"post.update\",\"post\":%lld,\"title\":7}", plan),
		"bad_request", "title");
	ck_assert_int_eq(count(b, "post.revisions", plan, "revisions"), 1);
	ck_assert_int_eq(osx_ws_no_event(b, "post.updated", 200), 1);

	/* The manager revises: everyone sees the new version, and the
	 * comment follows its words one block down. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.update\",\"post\":%lld,\"body\":\"Intro "
				 "zeppelin.\\n\\n# Goal\\n\\nWe grow in the Nordics first. Then "
				 "south.\"}", plan), "post.update");
	ck_assert_int_eq(osx_jint(r, "post.revision", 0), 2);
	ck_assert(cJSON_IsString(osx_jget(r, "post.edited_at")));
	cJSON_Delete(r);
	ev = osx_ws_wait_event(b, "comment.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "comment.id", 0), cid);
	ck_assert_int_eq(osx_jint(ev, "comment.anchor.block", -1), 2);
	cJSON_Delete(ev);
	ev = osx_ws_wait_event(b, "post.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post.revision", 0), 2);
	ck_assert_int_eq(osx_jint(ev, "post.blocks", 0), 3);
	ck_assert_ptr_nonnull(strstr(osx_jstr(ev, "post.body"), "zeppelin"));
	ck_assert_ptr_null(osx_jget(ev, "post.my_vote"));
	cJSON_Delete(ev);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"post.revisions\",\"post\":%lld}", plan), "revisions");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "revisions")), 2);
	ck_assert_int_eq(osx_jint(r, "revisions.0.revision", 0), 1);
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "revisions.0.body"), "We hire."));
	ck_assert_int_eq(osx_jint(r, "revisions.1.revision", 0), 2);
	ck_assert_str_eq(osx_jstr(r, "revisions.1.author.username"), "mgr");
	cJSON_Delete(r);
	/* Search follows the new text. */
	r = ok(osx_ws_call(b, 0, "{\"op\":\"search\",\"q\":\"zeppelin\"}"), "search");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "results")), 1);
	cJSON_Delete(r);

	/* The words go: the comment stays, outdated. */
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"post.update\",\"post\":%lld,\"body\":\"All "
					  "new.\"}", plan), "post.update 3"));
	ev = osx_ws_wait_event(b, "comment.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert(cJSON_IsNull(osx_jget(ev, "comment.anchor.block")));
	ck_assert(osx_jbool(ev, "comment.anchor.outdated"));
	cJSON_Delete(ev);
	ck_assert_int_eq(count(b, "post.get", plan, "comments"), 1);

	/* Comment edits: the author only; live to the others; the old text
	 * for moderators. */
	refused(osx_ws_call(b, 0, "{\"op\":\"comment.update\",\"comment\":%lld,\"body\":\"x\"}",
			    cid), "forbidden", NULL);
	refused(osx_ws_call(a, 0, "{\"op\":\"comment.update\",\"comment\":%lld,\"body\":\"\"}",
			    cid), "bad_request", "body");
	refused(osx_ws_call(a, 0, "{\"op\":\"comment.update\",\"comment\":%lld}", cid),
		"bad_request", "body");
	r = ok(osx_ws_call(a, 0, "{\"op\":\"comment.update\",\"comment\":%lld,\"body\":\"Why "
				 "not Poland?\"}", cid), "comment.update");
	ck_assert(cJSON_IsString(osx_jget(r, "comment.edited_at")));
	cJSON_Delete(r);
	ev = osx_ws_wait_event(b, "comment.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "comment.body"), "Why not Poland?");
	ck_assert(cJSON_IsString(osx_jget(ev, "comment.edited_at")));
	cJSON_Delete(ev);
	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"flag.create\",\"target\":\"comment\","
					  "\"id\":%lld,\"reason\":\"changed\"}", cid), "flag"));
	r = ok(osx_ws_call(m, 0, "{\"op\":\"mod.queue\"}"), "mod.queue");
	ck_assert_str_eq(osx_jstr(r, "items.0.edits.0.body"), "Why not Germany?");
	ck_assert(cJSON_IsString(osx_jget(r, "items.0.edits.0.edited_at")));
	cJSON_Delete(r);
	r = ok(osx_ws_call(root, 0, "{\"op\":\"audit.list\"}"), "audit.list");
	ck_assert_str_eq(osx_jstr(r, "entries.1.action"), "comment.edit");
	ck_assert_str_eq(osx_jstr(r, "entries.1.detail"), "Why not Germany?");
	cJSON_Delete(r);

	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
	osx_ws_close(root);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("revise");
	TCase *tc = tcase_create("live");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, revise_in_the_open);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
