/*
 * The live forum against the real binary: several clients in one round,
 * events, threads, votes, dots, chat, presence, isolation, a slow reader,
 * and SIGKILL in the middle of a write burst.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_a[OSX_TOKEN_MAX], tok_b[OSX_TOKEN_MAX],
	tok_c[OSX_TOKEN_MAX], tok_cust[OSX_TOKEN_MAX], tok_admin[OSX_TOKEN_MAX];

static void
start(const char *const *extra)
{
	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_a, sizeof tok_a), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_b, sizeof tok_b), 0);
	ck_assert_int_eq(osx_user_new(&srv, "cleo", "employee", tok_c, sizeof tok_c), 0);
	ck_assert_int_eq(osx_user_new(&srv, "cust", "customer", tok_cust, sizeof tok_cust), 0);
	ck_assert_int_eq(osx_user_new(&srv, "root", "admin", tok_admin, sizeof tok_admin), 0);
}

static void
setup(void)
{
	/* No rate limits: several tests publish in bulk on purpose. */
	static const char *const extra[] = {"--rate-limit", "0", "--conn-rate-limit", "0", NULL};

	start(extra);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_msg(st == 0, "the server should exit 0 on SIGTERM, got %d", st);
}

static cJSON *
call_ok(struct osx_ws *ws, const char *what, cJSON *reply)
{
	ck_assert_msg(reply != NULL, "%s: no reply", what);
	ck_assert_msg(osx_ok(reply), "%s failed: %s", what, osx_jtext(reply));
	return reply;
}

/* Creates a round as the manager and moves it to phase (NULL: stay draft). */
static long long
make_round(struct osx_ws *mgr, const char *mode, int dots, const char *audience,
	   const char *phase)
{
	cJSON *r = call_ok(mgr, "round.create",
			   osx_ws_call(mgr, 0,
				       "{\"op\":\"round.create\",\"title\":\"Strategy 2027\","
				       "\"description\":\"Where next\",\"audience\":\"%s\","
				       "\"vote_mode\":\"%s\",\"dots_per_member\":%d}",
				       audience, mode, dots));
	long long id = osx_jint(r, "round.id", 0);

	ck_assert_str_eq(osx_jstr(r, "round.phase"), "draft");
	cJSON_Delete(r);
	if (phase) {
		r = call_ok(mgr, "round.update",
			    osx_ws_call(mgr, 0, "{\"op\":\"round.update\",\"round\":%lld,"
						"\"phase\":\"%s\"}", id, phase));
		ck_assert_str_eq(osx_jstr(r, "round.phase"), phase);
		cJSON_Delete(r);
	}
	return id;
}

static void
subscribe(struct osx_ws *ws, long long round)
{
	cJSON_Delete(call_ok(ws, "round.subscribe",
			     osx_ws_call(ws, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}",
					 round)));
}

static long long
post_idea(struct osx_ws *ws, long long round, const char *title)
{
	cJSON *r = call_ok(ws, "post.create",
			   osx_ws_call(ws, 0,
				       "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				       "\"title\":\"%s\",\"body\":\"Some *detail*\"}",
				       round, title));
	long long id = osx_jint(r, "post.id", 0);

	cJSON_Delete(r);
	return id;
}

START_TEST(post_reaches_everyone)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b), *c = osx_ws_open(srv.port, tok_c);
	long long round, id;
	cJSON *ev;

	ck_assert(m && a && b && c);
	round = make_round(m, "updown", 0, "internal", "open");
	subscribe(a, round);
	subscribe(b, round);
	subscribe(c, round);
	id = post_idea(a, round, "Shared customer timeline");
	ck_assert_int_gt(id, 0);
	/* B and C see it live, and so does its author. */
	struct osx_ws *all[] = {a, b, c};
	for (int i = 0; i < 3; i++) {
		ev = osx_ws_wait_event(all[i], "post.created", 3000);
		ck_assert_msg(ev != NULL, "client %d got no post.created", i);
		ck_assert_int_eq(osx_jint(ev, "round", 0), round);
		ck_assert_int_eq(osx_jint(ev, "post.id", 0), id);
		ck_assert_str_eq(osx_jstr(ev, "post.title"), "Shared customer timeline");
		ck_assert_str_eq(osx_jstr(ev, "post.author.username"), "anna");
		ck_assert_str_eq(osx_jstr(ev, "post.kind"), "idea");
		ck_assert_str_eq(osx_jstr(ev, "post.body_html"), "<p data-block=\"0\">Some <em>detail</em></p>\n");
		/* my_vote is personal: never in a broadcast. */
		ck_assert_ptr_null(osx_jget(ev, "post.my_vote"));
		cJSON_Delete(ev);
	}
	/* The manager did not subscribe: no events. */
	ck_assert_int_eq(osx_ws_no_event(m, "post.created", 300), 1);
	/* After unsubscribing, C hears nothing more. */
	cJSON_Delete(call_ok(c, "unsubscribe",
			     osx_ws_call(c, 0, "{\"op\":\"round.unsubscribe\",\"round\":%lld}",
					 round)));
	post_idea(b, round, "Second idea");
	ev = osx_ws_wait_event(a, "post.created", 3000);
	ck_assert_ptr_nonnull(ev);
	cJSON_Delete(ev);
	ck_assert_int_eq(osx_ws_no_event(c, "post.created", 300), 1);
	/* A late subscriber gets both in its snapshot, oldest first. */
	{
		cJSON *snap = call_ok(m, "subscribe", osx_ws_call(m, 0,
			"{\"op\":\"round.subscribe\",\"round\":%lld}", round));

		ck_assert_int_eq(cJSON_GetArraySize(osx_jget(snap, "posts")), 2);
		ck_assert_str_eq(osx_jstr(snap, "posts.0.title"), "Shared customer timeline");
		ck_assert_str_eq(osx_jstr(snap, "posts.1.title"), "Second idea");
		ck_assert_int_eq(osx_jint(snap, "posts.0.my_vote", 9), 0);
		ck_assert_ptr_nonnull(osx_jget(snap, "priorities"));
		cJSON_Delete(snap);
	}
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
	osx_ws_close(c);
}
END_TEST

START_TEST(threaded_replies)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b);
	long long round, post, other, c1, c2;
	cJSON *r, *ev;

	ck_assert(m && a && b);
	round = make_round(m, "updown", 0, "internal", "open");
	subscribe(b, round);
	post = post_idea(a, round, "Invoices first");
	other = post_idea(a, round, "Another");
	r = call_ok(a, "comment", osx_ws_call(a, 0,
		"{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"Top level\"}", post));
	c1 = osx_jint(r, "comment.id", 0);
	ck_assert(cJSON_IsNull(osx_jget(r, "comment.parent")));
	cJSON_Delete(r);
	r = call_ok(b, "reply", osx_ws_call(b, 0,
		"{\"op\":\"comment.create\",\"post\":%lld,\"parent\":%lld,\"body\":\"A reply\"}",
		post, c1));
	c2 = osx_jint(r, "comment.id", 0);
	ck_assert_int_eq(osx_jint(r, "comment.parent", 0), c1);
	cJSON_Delete(r);
	r = call_ok(a, "reply to reply", osx_ws_call(a, 0,
		"{\"op\":\"comment.create\",\"post\":%lld,\"parent\":%lld,\"body\":\"Deeper\"}",
		post, c2));
	cJSON_Delete(r);
	/* A parent from another post is refused and writes nothing. */
	r = osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"parent\":%lld,"
			      "\"body\":\"Wrong thread\"}", other, c1);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	/* Subscribers saw the three comments, with their parents. */
	ev = osx_ws_wait_event(b, "comment.created", 3000);
	ck_assert_int_eq(osx_jint(ev, "comment.id", 0), c1);
	cJSON_Delete(ev);
	ev = osx_ws_wait_event(b, "comment.created", 3000);
	ck_assert_int_eq(osx_jint(ev, "comment.parent", 0), c1);
	cJSON_Delete(ev);
	ev = osx_ws_wait_event(b, "comment.created", 3000);
	ck_assert_int_eq(osx_jint(ev, "comment.parent", 0), c2);
	cJSON_Delete(ev);
	ck_assert_int_eq(osx_ws_no_event(b, "comment.created", 300), 1);
	/* post.get gives the thread, oldest first, and the count. */
	r = call_ok(b, "post.get", osx_ws_call(b, 0, "{\"op\":\"post.get\",\"post\":%lld}", post));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "comments")), 3);
	ck_assert_str_eq(osx_jstr(r, "comments.0.body"), "Top level");
	ck_assert_int_eq(osx_jint(r, "comments.1.parent", 0), c1);
	ck_assert_int_eq(osx_jint(r, "comments.2.parent", 0), c2);
	ck_assert_int_eq(osx_jint(r, "post.comment_count", 0), 3);
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
}
END_TEST

static double
score_of(cJSON *j, const char *path)
{
	return osx_jnum(j, path, -1);
}

START_TEST(updown_votes_and_wilson)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b), *c = osx_ws_open(srv.port, tok_c);
	long long round, post;
	cJSON *r, *ev;

	ck_assert(m && a && b && c);
	round = make_round(m, "updown", 0, "internal", "open");
	subscribe(c, round);
	post = post_idea(a, round, "Vote on me");
	r = call_ok(a, "vote", osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", post));
	ck_assert_int_eq(osx_jint(r, "tally.up", -1), 1);
	ck_assert_int_eq(osx_jint(r, "my_vote", -9), 1);
	ck_assert(fabs(score_of(r, "tally.score") - 0.206549) < 1e-5);
	cJSON_Delete(r);
	r = call_ok(b, "vote", osx_ws_call(b, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", post));
	ck_assert_int_eq(osx_jint(r, "tally.up", -1), 2);
	cJSON_Delete(r);
	/* Changing a vote replaces it: still one vote per person. */
	r = call_ok(b, "change", osx_ws_call(b, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":-1}", post));
	ck_assert_int_eq(osx_jint(r, "tally.up", -1), 1);
	ck_assert_int_eq(osx_jint(r, "tally.down", -1), 1);
	ck_assert(fabs(score_of(r, "tally.score") - 0.094531) < 1e-5);
	ck_assert_int_eq(osx_jint(r, "tally.by_role.employee.down", -1), 1);
	cJSON_Delete(r);
	r = call_ok(m, "manager vote", osx_ws_call(m, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", post));
	ck_assert_int_eq(osx_jint(r, "tally.by_role.manager.up", -1), 1);
	ck_assert_int_eq(osx_jint(r, "tally.by_role.employee.up", -1), 1);
	cJSON_Delete(r);
	/* Withdrawing. */
	r = call_ok(b, "withdraw", osx_ws_call(b, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":0}", post));
	ck_assert_int_eq(osx_jint(r, "tally.down", -1), 0);
	ck_assert_int_eq(osx_jint(r, "tally.up", -1), 2);
	ck_assert_int_eq(osx_jint(r, "my_vote", -9), 0);
	cJSON_Delete(r);
	/* Bad values change nothing. */
	r = osx_ws_call(b, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":2}", post);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(b, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":2}", post);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	/* The subscriber's last tally is the final state (events may be
	 * coalesced, but the latest always arrives). */
	{
		cJSON *last = NULL;

		while ((ev = osx_ws_wait_event(c, "vote.tally", 700))) {
			cJSON_Delete(last);
			last = ev;
		}
		ck_assert_ptr_nonnull(last);
		ck_assert_int_eq(osx_jint(last, "post", 0), post);
		ck_assert_int_eq(osx_jint(last, "tally.up", -1), 2);
		ck_assert_int_eq(osx_jint(last, "tally.down", -1), 0);
		ck_assert_ptr_null(osx_jget(last, "my_vote"));
		ck_assert(fabs(score_of(last, "tally.score") - 0.342372) < 1e-5);
		cJSON_Delete(last);
	}
	/* my_vote is personal in the snapshot. */
	r = call_ok(a, "sub", osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round));
	ck_assert_int_eq(osx_jint(r, "posts.0.my_vote", -9), 1);
	cJSON_Delete(r);
	r = call_ok(b, "sub", osx_ws_call(b, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round));
	ck_assert_int_eq(osx_jint(r, "posts.0.my_vote", -9), 0);
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
	osx_ws_close(c);
}
END_TEST

START_TEST(dots_budget)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a);
	long long round, p1, p2;
	cJSON *r;

	ck_assert(m && a);
	round = make_round(m, "dots", 5, "internal", "open");
	p1 = post_idea(a, round, "One");
	p2 = post_idea(a, round, "Two");
	r = call_ok(a, "3 dots", osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":3}", p1));
	ck_assert_int_eq(osx_jint(r, "tally.dots", -1), 3);
	ck_assert_int_eq(osx_jint(r, "tally.score", -1), 3);
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":3}", p2);
	ck_assert_str_eq(osx_errcode(r), "conflict");
	cJSON_Delete(r);
	r = call_ok(a, "2 dots", osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":2}", p2));
	cJSON_Delete(r);
	/* Moving dots: lowering p1 frees budget for p2. */
	r = call_ok(a, "1 dot", osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":1}", p1));
	cJSON_Delete(r);
	r = call_ok(a, "4 dots", osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":4}", p2));
	ck_assert_int_eq(osx_jint(r, "tally.dots", -1), 4);
	ck_assert_int_eq(osx_jint(r, "my_vote", -1), 4);
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":6}", p1);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", p1);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = call_ok(a, "sub", osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round));
	ck_assert_int_eq(osx_jint(r, "round.dots_per_member", 0), 5);
	ck_assert_int_eq(osx_jint(r, "posts.0.my_vote", -1) + osx_jint(r, "posts.1.my_vote", -1), 5);
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
}
END_TEST

START_TEST(chat_history_order)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b);
	long long round, first_id = 0;
	cJSON *r, *ev;
	char body[32];

	ck_assert(m && a && b);
	round = make_round(m, "updown", 0, "internal", "open");
	subscribe(b, round);
	for (int i = 0; i < 12; i++) {
		snprintf(body, sizeof body, "message %d", i);
		r = call_ok(i % 2 ? a : m, "chat", osx_ws_call(i % 2 ? a : m, 0,
			"{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"%s\"}", round, body));
		if (!i)
			first_id = osx_jint(r, "chat.id", 0);
		cJSON_Delete(r);
	}
	for (int i = 0; i < 12; i++) {
		ev = osx_ws_wait_event(b, "chat.message", 3000);
		ck_assert_ptr_nonnull(ev);
		snprintf(body, sizeof body, "message %d", i);
		ck_assert_str_eq(osx_jstr(ev, "chat.body"), body);
		cJSON_Delete(ev);
	}
	r = call_ok(b, "history", osx_ws_call(b, 0,
		"{\"op\":\"chat.history\",\"round\":%lld,\"limit\":5}", round));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "messages")), 5);
	ck_assert_str_eq(osx_jstr(r, "messages.0.body"), "message 7");
	ck_assert_str_eq(osx_jstr(r, "messages.4.body"), "message 11");
	{
		long long before = osx_jint(r, "messages.0.id", 0);

		cJSON_Delete(r);
		r = call_ok(b, "older", osx_ws_call(b, 0,
			"{\"op\":\"chat.history\",\"round\":%lld,\"before\":%lld,\"limit\":200}",
			round, before));
		ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "messages")), 7);
		ck_assert_int_eq(osx_jint(r, "messages.0.id", 0), first_id);
		ck_assert_str_eq(osx_jstr(r, "messages.6.body"), "message 6");
	}
	cJSON_Delete(r);
	r = osx_ws_call(b, 0, "{\"op\":\"chat.history\",\"round\":%lld,\"limit\":201}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
}
END_TEST

static int
online_has(const cJSON *ev, void *arg)
{
	const cJSON *list = osx_jget(ev, "online"), *u;
	int want = arg != NULL, found = 0;

	cJSON_ArrayForEach(u, list)
		if (!strcmp(osx_jstr(u, "username"), "bert"))
			found = 1;
	return found == want;
}

START_TEST(presence_join_and_leave)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b);
	long long round;
	cJSON *r, *ev;

	ck_assert(m && a && b);
	round = make_round(m, "updown", 0, "internal", "open");
	subscribe(a, round);
	r = call_ok(b, "sub", osx_ws_call(b, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "online")), 2);
	cJSON_Delete(r);
	ev = osx_ws_wait_event_if(a, "presence", online_has, (void *)1, 3000);
	ck_assert_msg(ev != NULL, "A never saw B come online");
	ck_assert_int_eq(osx_jint(ev, "round", 0), round);
	cJSON_Delete(ev);
	/* B's connection drops: A sees B leave. */
	osx_ws_drop(b);
	ev = osx_ws_wait_event_if(a, "presence", online_has, NULL, 5000);
	ck_assert_msg(ev != NULL, "A never saw B go offline");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(ev, "online")), 1);
	ck_assert_str_eq(osx_jstr(ev, "online.0.username"), "anna");
	cJSON_Delete(ev);
	osx_ws_close(m);
	osx_ws_close(a);
}
END_TEST

START_TEST(non_members_learn_nothing)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *cu = osx_ws_open(srv.port, tok_cust);
	long long internal, draft, post, draft_post;
	cJSON *r;

	ck_assert(m && a && cu);
	internal = make_round(m, "updown", 0, "internal", "open");
	draft = make_round(m, "updown", 0, "internal", NULL);
	post = post_idea(a, internal, "Internal idea");
	/* Not even a manager posts in a draft: plans need an open round. */
	r = osx_ws_call(m, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"plan\","
			      "\"title\":\"Draft plan\",\"body\":\"x\"}", draft);
	ck_assert_str_eq(osx_errcode(r), "phase_closed");
	cJSON_Delete(r);
	r = call_ok(m, "a second draft", osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"D2\","
		"\"audience\":\"internal\",\"vote_mode\":\"updown\"}"));
	draft_post = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);

	/* A customer sees none of the internal rounds; every probe answers
	 * not_found, exactly as for a round that does not exist. */
	const char *probes[] = {
		"{\"op\":\"round.subscribe\",\"round\":%lld}",
		"{\"op\":\"chat.history\",\"round\":%lld}",
		"{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"hi\"}",
		"{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\",\"title\":\"t\",\"body\":\"b\"}",
	};
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		long long ids[] = {internal, draft, 999999};

		for (int k = 0; k < 3; k++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			r = osx_ws_call(cu, 0, probes[i], ids[k]);
#pragma GCC diagnostic pop
			ck_assert_msg(osx_errcode(r) && !strcmp(osx_errcode(r), "not_found"),
				      "customer probe %zu on %lld: %s", i, ids[k], osx_jtext(r));
			cJSON_Delete(r);
		}
	}
	r = osx_ws_call(cu, 0, "{\"op\":\"post.get\",\"post\":%lld}", post);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = osx_ws_call(cu, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", post);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = osx_ws_call(cu, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\"}", post);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = call_ok(cu, "rounds.list", osx_ws_call(cu, 0, "{\"op\":\"rounds.list\"}"));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "rounds")), 0);
	cJSON_Delete(r);

	/* An employee does not see drafts, and cannot tell them from
	 * nothing. */
	r = osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", draft_post);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = call_ok(a, "rounds.list", osx_ws_call(a, 0, "{\"op\":\"rounds.list\"}"));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "rounds")), 1);
	ck_assert_int_eq(osx_jint(r, "rounds.0.id", 0), internal);
	cJSON_Delete(r);
	/* Nor may an employee create or steer rounds. */
	r = osx_ws_call(a, 0, "{\"op\":\"round.create\",\"title\":\"Mine\",\"audience\":\"internal\","
			      "\"vote_mode\":\"updown\"}");
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"closed\"}", internal);
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(cu);
}
END_TEST

START_TEST(phases_are_enforced_live)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *root = osx_ws_open(srv.port, tok_admin);
	long long round, post;
	cJSON *r, *ev;

	ck_assert(m && a && root);
	round = make_round(m, "updown", 0, "internal", "open");
	subscribe(a, round);
	post = post_idea(a, round, "Before voting");
	/* a heard the round open too (round lists are live): from here on. */
	osx_ws_clear(a);
	cJSON_Delete(call_ok(m, "to voting", osx_ws_call(m, 0,
		"{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"voting\"}", round)));
	ev = osx_ws_wait_event(a, "round.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "round.phase"), "voting");
	cJSON_Delete(ev);
	r = osx_ws_call(a, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
			      "\"title\":\"Late\",\"body\":\"x\"}", round);
	ck_assert_str_eq(osx_errcode(r), "phase_closed");
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\"}", post);
	ck_assert_str_eq(osx_errcode(r), "phase_closed");
	cJSON_Delete(r);
	cJSON_Delete(call_ok(a, "vote in voting", osx_ws_call(a, 0,
		"{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", post)));
	cJSON_Delete(call_ok(m, "close", osx_ws_call(m, 0,
		"{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"closed\"}", round)));
	r = osx_ws_call(a, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":-1}", post);
	ck_assert_str_eq(osx_errcode(r), "phase_closed");
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"x\"}", round);
	ck_assert_str_eq(osx_errcode(r), "phase_closed");
	cJSON_Delete(r);
	/* The round's manager may reopen a closed round (and close it again). */
	cJSON_Delete(call_ok(m, "reopen", osx_ws_call(m, 0,
		"{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}", round)));
	cJSON_Delete(call_ok(m, "close again", osx_ws_call(m, 0,
		"{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"closed\"}", round)));
	/* Admins may still write in a closed round. */
	cJSON_Delete(call_ok(root, "admin chat", osx_ws_call(root, 0,
		"{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"Closing words\"}", round)));
	r = osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"draft\"}", round);
	ck_assert_str_eq(osx_errcode(r), "phase_closed");
	cJSON_Delete(r);
	r = osx_ws_call(root, 0, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"draft\"}", round);
	ck_assert_str_eq(osx_errcode(r), "conflict");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(root);
}
END_TEST

START_TEST(limits_and_rate_limit)
{
	static const char *const extra[] = {"--rate-limit", "5", NULL};
	struct osx_ws *m, *a, *root;
	long long round;
	cJSON *r;
	char *big;
	int limited = 0, ok = 0;

	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	start(extra);
	m = osx_ws_open(srv.port, tok_mgr);
	a = osx_ws_open(srv.port, tok_a);
	root = osx_ws_open(srv.port, tok_admin);
	ck_assert(m && a && root);
	round = make_round(m, "updown", 0, "internal", "open");
	/* 1,000 characters of chat are fine, 1,001 are not (é is 2 bytes but
	 * one character). */
	big = malloc(4096);
	for (int i = 0; i < 1000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[2000] = '\0';
	r = osx_ws_call(a, 0, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"%s\"}", round, big);
	ck_assert_msg(osx_ok(r), "1000 characters: %s", osx_jtext(r));
	cJSON_Delete(r);
	strcat(big, "x");
	r = osx_ws_call(a, 0, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"%s\"}", round, big);
	ck_assert_str_eq(osx_errcode(r), "too_large");
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"  \\n \"}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	free(big);
	/* The rate limit: 5 writes a minute; one went above. */
	for (int i = 0; i < 8; i++) {
		r = osx_ws_call(a, 0, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"n%d\"}", round, i);
		if (osx_ok(r))
			ok++;
		else if (!strcmp(osx_errcode(r), "rate_limited"))
			limited++;
		cJSON_Delete(r);
	}
	ck_assert_int_eq(ok, 4);
	ck_assert_int_eq(limited, 4);
	/* Nothing was written for the refused ones. */
	r = call_ok(a, "history", osx_ws_call(a, 0, "{\"op\":\"chat.history\",\"round\":%lld,\"limit\":200}", round));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "messages")), 5);
	cJSON_Delete(r);
	/* Other users have their own budget; admins are never limited. */
	cJSON_Delete(call_ok(m, "manager chat", osx_ws_call(m, 0,
		"{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"hello\"}", round)));
	for (int i = 0; i < 10; i++)
		cJSON_Delete(call_ok(root, "admin chat", osx_ws_call(root, 0,
			"{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"a%d\"}", round, i)));
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(root);
}
END_TEST

/* A subscriber that stops reading must not hold anyone else up, and must
 * not make the server's memory grow without bound. */
START_TEST(slow_reader_is_dropped)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *slow = osx_ws_open(srv.port, tok_b);
	enum { N = 12000, WINDOW = 200 };
	long long round;
	char *body = malloc(1100), req[1400];
	int sent = 0, acked = 0, seen = 0, code;

	ck_assert(m && a && slow && body);
	round = make_round(m, "updown", 0, "internal", "open");
	subscribe(a, round);
	subscribe(slow, round);
	memset(body, 'x', 990);
	body[990] = '\0';
	/* Pipelined chat messages (about 13 MB in all) from the manager; A
	 * reads everything, the slow one reads nothing. */
	while (acked < N) {
		cJSON *msg;

		while (sent < N && sent - acked < WINDOW) {
			snprintf(req, sizeof req, "{\"op\":\"chat.send\",\"rid\":%d,\"round\":%lld,"
				 "\"body\":\"%d %s\"}", sent + 1, round, sent, body);
			ck_assert_int_eq(osx_ws_send_text(m, req), 0);
			sent++;
		}
		msg = osx_ws_recv(m, 10000);
		ck_assert_msg(msg != NULL, "publisher stalled at %d acks", acked);
		if (osx_jget(msg, "rid")) {
			ck_assert_msg(osx_ok(msg), "chat.send failed: %s", osx_jtext(msg));
			acked++;
		}
		cJSON_Delete(msg);
		while ((msg = osx_ws_wait_event(a, "chat.message", 1))) {
			seen++;
			cJSON_Delete(msg);
		}
		osx_ws_clear(a);
	}
	while (seen < N) {
		cJSON *msg = osx_ws_wait_event(a, "chat.message", 5000);

		ck_assert_msg(msg != NULL, "the reader got %d of %d messages", seen, N);
		seen++;
		cJSON_Delete(msg);
	}
	/* The slow reader was cut off with 1008 (or, its buffers full, its
	 * connection simply reset). */
	code = osx_ws_wait_close(slow, 20000);
	ck_assert_msg(code == 1008 || code == 1006, "slow reader close code %d", code);
	/* The server is well and A still gets events. */
	cJSON_Delete(call_ok(m, "chat", osx_ws_call(m, 0,
		"{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"after\"}", round)));
	{
		cJSON *ev = osx_ws_wait_event(a, "chat.message", 3000);

		ck_assert_ptr_nonnull(ev);
		ck_assert_str_eq(osx_jstr(ev, "chat.body"), "after");
		cJSON_Delete(ev);
	}
	/* The operator sees it in the metrics, once. */
	{
		struct osx_http_resp r;

		ck_assert_int_eq(osx_http(srv.port, "GET", "/metrics", NULL, NULL, &r), 200);
		ck_assert_msg(strstr(r.body, "\nopenstrat_ws_slow_readers_dropped_total 1\n"),
			      "the slow reader is not counted once");
		osx_http_free(&r);
	}
	free(body);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_drop(slow);
}
END_TEST

struct writer {
	int port;
	const char *token;
	long long post;
	long long *ids;
	int n;
	int cap;
};

static void *
write_until_dead(void *arg)
{
	struct writer *w = arg;
	struct osx_ws *ws = osx_ws_open(w->port, w->token);

	while (ws && w->n < w->cap) {
		cJSON *r = osx_ws_call(ws, 3000, "{\"op\":\"comment.create\",\"post\":%lld,"
					     "\"body\":\"burst %d\"}", w->post, w->n);

		if (!r || !osx_ok(r)) {
			cJSON_Delete(r);
			break;
		}
		w->ids[w->n++] = osx_jint(r, "comment.id", 0);
		cJSON_Delete(r);
	}
	osx_ws_drop(ws);
	return NULL;
}

START_TEST(sigkill_loses_no_acknowledged_write)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a);
	const char *toks[] = {tok_a, tok_b, tok_c, tok_mgr};
	struct writer w[4];
	pthread_t th[4];
	long long round, post;
	int total = 0;
	cJSON *r;

	ck_assert(m && a);
	round = make_round(m, "updown", 0, "internal", "open");
	post = post_idea(a, round, "Burst target");
	osx_ws_close(m);
	osx_ws_close(a);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){srv.port, toks[i], post, calloc(100000, sizeof(long long)),
				       0, 100000};
		pthread_create(&th[i], NULL, write_until_dead, &w[i]);
	}
	osx_sleep_ms(1200);
	osx_server_kill(&srv);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		total += w[i].n;
	}
	ck_assert_msg(total > 20, "only %d writes were acknowledged before the kill", total);

	/* The file survived whole, its search index too (which only the
	 * program can read: it has the tokenizer)... */
	{
		struct osx_cli_result res;

		/* (On PostgreSQL check needs the attachments folder.) */
		int rc = srv.files_dir[0]
				 ? osx_cli(&res, NULL, NULL, "check", "--db", srv.db, "--files",
					   srv.files_dir, (char *)NULL)
				 : osx_cli(&res, NULL, NULL, "check", "--db", srv.db, (char *)NULL);

		ck_assert_msg(rc == 0, "openstrat check: %s%s", res.out, res.err);
		osx_cli_free(&res);
	}
	/* ...and every acknowledged comment is there after a restart. */
	ck_assert_int_eq(osx_server_restart(&srv), 0);
	a = osx_ws_open(srv.port, tok_a);
	ck_assert_ptr_nonnull(a);
	r = call_ok(a, "post.get", osx_ws_call(a, 0, "{\"op\":\"post.get\",\"post\":%lld}", post));
	{
		const cJSON *comments = osx_jget(r, "comments"), *c;
		int n = cJSON_GetArraySize(comments);
		char *have = calloc((size_t)n + 1, 1);

		ck_assert_int_ge(n, total);
		for (int i = 0; i < 4; i++)
			for (int k = 0; k < w[i].n; k++) {
				int found = 0;

				cJSON_ArrayForEach(c, comments)
					if (osx_jint(c, "id", 0) == w[i].ids[k])
						found = 1;
				ck_assert_msg(found, "acknowledged comment %lld is gone",
					      w[i].ids[k]);
			}
		free(have);
	}
	cJSON_Delete(r);
	for (int i = 0; i < 4; i++)
		free(w[i].ids);
	osx_ws_close(a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("forum");
	TCase *tc = tcase_create("live");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, post_reaches_everyone);
	tcase_add_test(tc, threaded_replies);
	tcase_add_test(tc, updown_votes_and_wilson);
	tcase_add_test(tc, dots_budget);
	tcase_add_test(tc, chat_history_order);
	tcase_add_test(tc, presence_join_and_leave);
	tcase_add_test(tc, non_members_learn_nothing);
	tcase_add_test(tc, phases_are_enforced_live);
	tcase_add_test(tc, limits_and_rate_limit);
	tcase_add_test(tc, slow_reader_is_dropped);
	tcase_add_test(tc, sigkill_loses_no_acknowledged_write);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
