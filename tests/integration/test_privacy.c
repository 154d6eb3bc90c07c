/*
 * Customers' privacy, against the real binary: two customers of two
 * organisations in one invited round see staff and each other's words,
 * but not each other's names or organisations, in replies (snapshot,
 * post.get, chat.history, members) and in live events (posts, comments,
 * chat, presence), unless the round's customers_see_each_other is on.
 * Staff always see everyone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX];

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", NULL};

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_int_eq(st, 0);
}

static cJSON *
ok(cJSON *reply, const char *what)
{
	ck_assert_msg(reply && osx_ok(reply), "%s: %s", what, osx_jtext(reply));
	return reply;
}

/* A customer of org invited into round, signed in on a socket. */
static struct osx_ws *
customer(struct osx_ws *m, long long round, const char *user, const char *name,
	 const char *org)
{
	struct osx_http_resp resp;
	char body[700], token[128];
	cJSON *r = ok(osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\","
					"\"round\":%lld}", round), "invite.create");
	struct osx_ws *ws;
	cJSON *j;

	snprintf(token, sizeof token, "%s", osx_jstr(r, "token"));
	cJSON_Delete(r);
	snprintf(body, sizeof body,
		 "{\"token\":\"%s\",\"username\":\"%s\",\"password\":\"customer-pass-1\","
		 "\"display_name\":\"%s\",\"org\":\"%s\"}", token, user, name, org);
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/invite/accept",
				  "Content-Type: application/json\r\n", body, &resp), 200);
	j = osx_http_json(&resp);
	ws = osx_ws_open(srv.port, osx_jstr(j, "token"));
	cJSON_Delete(j);
	osx_http_free(&resp);
	ck_assert_ptr_nonnull(ws);
	return ws;
}

/* 1 when the JSON text of j mentions s. */
static int
mentions(const cJSON *j, const char *s)
{
	char *t = cJSON_PrintUnformatted(j);
	int found;

	ck_assert_ptr_nonnull(t);
	found = strstr(t, s) != NULL;
	free(t);
	return found;
}

#define SEES_ALFA(j) (mentions(j, "anna_u") || mentions(j, "Anna Alfasdottir") || \
		      mentions(j, "AlfaCorp"))
#define SEES_BETA(j) (mentions(j, "bert_u") || mentions(j, "Bert Betason") || \
		      mentions(j, "BetaCorp"))

static int
counts_four(const cJSON *ev, void *arg)
{
	return osx_jint(ev, "online_count", 0) == 4;
}

START_TEST(customers_of_two_orgs_stay_apart)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a, *b, *a2;
	long long round, post, bpost;
	cJSON *r, *ev;

	ck_assert_ptr_nonnull(m);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Service desk\","
				 "\"audience\":\"invited\",\"vote_mode\":\"updown\"}"), "round.create");
	round = osx_jint(r, "round.id", 0);
	ck_assert(cJSON_IsFalse(osx_jget(r, "round.customers_see_each_other")));
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", round), "open"));
	a = customer(m, round, "anna_u", "Anna Alfasdottir", "AlfaCorp");
	b = customer(m, round, "bert_u", "Bert Betason", "BetaCorp");
	a2 = customer(m, round, "ada_u", "Ada Alfa", "AlfaCorp");
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"mgr subscribe"));
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"a subscribe"));
	cJSON_Delete(ok(osx_ws_call(a2, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"a2 subscribe"));
	/* Presence: Bert's snapshot lists Anna online, anonymously. */
	r = ok(osx_ws_call(b, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
	       "b subscribe");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "online")), 4);
	ck_assert_msg(!SEES_ALFA(r), "b's snapshot: %s", osx_jtext(r));
	ck_assert_msg(mentions(r, "\"anonymous\":true"), "%s", osx_jtext(r));
	ck_assert_msg(mentions(r, "\"username\":\"mgr\""), "staff by name: %s", osx_jtext(r));
	cJSON_Delete(r);
	/* ... and the presence event Anna gets does not name Bert. */
	ev = osx_ws_wait_event_if(a, "presence", counts_four, NULL, 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_msg(!SEES_BETA(ev), "a's presence: %s", osx_jtext(ev));
	ck_assert_msg(mentions(ev, "Ada Alfa"), "own organisation by name: %s", osx_jtext(ev));
	cJSON_Delete(ev);
	ev = osx_ws_wait_event_if(m, "presence", counts_four, NULL, 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_msg(SEES_BETA(ev) && SEES_ALFA(ev), "staff presence: %s", osx_jtext(ev));
	cJSON_Delete(ev);

	/* Anna posts: Bert sees the idea, not who wrote it; staff and Ada do. */
	r = ok(osx_ws_call(a, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				 "\"title\":\"Faster refunds\",\"body\":\"Please\"}", round),
	       "a posts");
	post = osx_jint(r, "post.id", 0);
	ck_assert_str_eq(osx_jstr(r, "post.author.org"), "AlfaCorp");
	cJSON_Delete(r);
	ev = osx_ws_wait_event(b, "post.created", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "post.title"), "Faster refunds");
	ck_assert_msg(!SEES_ALFA(ev), "b's post.created: %s", osx_jtext(ev));
	ck_assert(cJSON_IsTrue(osx_jget(ev, "post.author.anonymous")));
	ck_assert_str_eq(osx_jstr(ev, "post.author.role"), "customer");
	ck_assert_str_eq(osx_jstr(ev, "post.author.display_name"), "");
	cJSON_Delete(ev);
	ev = osx_ws_wait_event(m, "post.created", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "post.author.org"), "AlfaCorp");
	ck_assert_ptr_null(osx_jget(ev, "post.author.anonymous"));
	cJSON_Delete(ev);
	ev = osx_ws_wait_event(a2, "post.created", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "post.author.display_name"), "Anna Alfasdottir");
	cJSON_Delete(ev);

	/* Bert comments and posts: Anna sees neither name nor organisation. */
	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					  "\"body\":\"Agreed\"}", post), "b comments"));
	ev = osx_ws_wait_event(a, "comment.created", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "comment.body"), "Agreed");
	ck_assert_msg(!SEES_BETA(ev), "a's comment.created: %s", osx_jtext(ev));
	cJSON_Delete(ev);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				 "\"title\":\"Open hours\",\"body\":\"Longer\"}", round), "b posts");
	bpost = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	ev = osx_ws_wait_event(a, "post.created", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_msg(!SEES_BETA(ev), "a's post.created: %s", osx_jtext(ev));
	cJSON_Delete(ev);
	/* Chat both ways. */
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"chat.send\",\"round\":%lld,"
					  "\"body\":\"Hello all\"}", round), "a chats"));
	ev = osx_ws_wait_event(b, "chat.message", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "chat.body"), "Hello all");
	ck_assert_msg(!SEES_ALFA(ev), "b's chat.message: %s", osx_jtext(ev));
	cJSON_Delete(ev);

	/* What Bert reads afterwards. */
	r = ok(osx_ws_call(b, 0, "{\"op\":\"post.get\",\"post\":%lld}", post), "b post.get");
	ck_assert_msg(!SEES_ALFA(r), "b's post.get: %s", osx_jtext(r));
	ck_assert_msg(mentions(r, "Bert Betason"), "own comment by name: %s", osx_jtext(r));
	cJSON_Delete(r);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"chat.history\",\"round\":%lld}", round), "history");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "messages")), 1);
	ck_assert_msg(!SEES_ALFA(r), "b's chat.history: %s", osx_jtext(r));
	cJSON_Delete(r);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "resub");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "posts")), 2);
	ck_assert_msg(!SEES_BETA(r), "a's snapshot: %s", osx_jtext(r));
	ck_assert_msg(mentions(r, "Anna Alfasdottir"), "own post by name: %s", osx_jtext(r));
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"round.members\",\"round\":%lld}", round);
	if (osx_ok(r))
		ck_assert_msg(!SEES_BETA(r), "a's members: %s", osx_jtext(r));
	cJSON_Delete(r);
	/* Staff see everyone. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.get\",\"post\":%lld}", post), "m post.get");
	ck_assert_msg(SEES_ALFA(r) && SEES_BETA(r), "staff: %s", osx_jtext(r));
	cJSON_Delete(r);

	/* With the setting on, customers see each other. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
				 "\"customers_see_each_other\":true}", round), "setting on");
	ck_assert(cJSON_IsTrue(osx_jget(r, "round.customers_see_each_other")));
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
			      "\"customers_see_each_other\":1}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"post.get\",\"post\":%lld}", post), "b post.get on");
	ck_assert_str_eq(osx_jstr(r, "post.author.org"), "AlfaCorp");
	cJSON_Delete(r);
	osx_ws_clear(a);
	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					  "\"body\":\"Me too\"}", bpost), "b comments again"));
	ev = osx_ws_wait_event(a, "comment.created", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "comment.author.org"), "BetaCorp");
	ck_assert_str_eq(osx_jstr(ev, "comment.author.display_name"), "Bert Betason");
	cJSON_Delete(ev);
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"chat.send\",\"round\":%lld,"
					  "\"body\":\"Hi Bert\"}", round), "a chats again"));
	ev = osx_ws_wait_event(b, "chat.message", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "chat.author.org"), "AlfaCorp");
	cJSON_Delete(ev);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "b on");
	ck_assert_msg(SEES_ALFA(r), "b's snapshot, setting on: %s", osx_jtext(r));
	cJSON_Delete(r);
	osx_ws_close(a);
	osx_ws_close(a2);
	osx_ws_close(b);
	osx_ws_close(m);
}
END_TEST


/* POST /api/invite/accept with org (NULL: without the field); the HTTP
 * status, and the reply in *j (caller frees). */
static int
accept_with_org(const char *token, const char *user, const char *org, cJSON **j)
{
	struct osx_http_resp resp;
	char body[700], orgf[200] = "";
	int st;

	if (org)
		snprintf(orgf, sizeof orgf, ",\"org\":\"%s\"", org);
	snprintf(body, sizeof body,
		 "{\"token\":\"%s\",\"username\":\"%s\",\"password\":\"customer-pass-1\","
		 "\"display_name\":\"Some One\"%s}", token, user, orgf);
	st = osx_http(srv.port, "POST", "/api/invite/accept",
		      "Content-Type: application/json\r\n", body, &resp);
	*j = osx_http_json(&resp);
	osx_http_free(&resp);
	return st;
}

/* GET /api/invite?token=T. */
static cJSON *
invite_info(const char *token)
{
	struct osx_http_resp resp;
	char path[200];
	cJSON *j;

	snprintf(path, sizeof path, "/api/invite?token=%s", token);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 200);
	j = osx_http_json(&resp);
	osx_http_free(&resp);
	return j;
}

START_TEST(the_invite_fixes_the_organisation)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr);
	struct osx_cli_result res;
	char token[128], free_token[128], cli_token[128], roundarg[32], long_org[100];
	long long round;
	cJSON *r, *j;

	ck_assert_ptr_nonnull(m);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Pilot\","
				 "\"audience\":\"invited\",\"vote_mode\":\"updown\"}"), "round.create");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	/* An org that is empty or too long is refused. */
	r = osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\",\"round\":%lld,"
			      "\"org\":\"  \"}", round);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "error.message"), "'org'"));
	cJSON_Delete(r);
	memset(long_org, 'x', 81);
	long_org[81] = 0;
	r = osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\",\"round\":%lld,"
			      "\"org\":\"%s\"}", round, long_org);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\",\"round\":%lld,"
				 "\"org\":\" Nordbank \"}", round), "invite with org");
	snprintf(token, sizeof token, "%s", osx_jstr(r, "token"));
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\","
				 "\"round\":%lld}", round), "invite without org");
	snprintf(free_token, sizeof free_token, "%s", osx_jstr(r, "token"));
	cJSON_Delete(r);

	/* The invite page learns the organisation. */
	j = invite_info(token);
	ck_assert_str_eq(osx_jstr(j, "org"), "Nordbank");
	cJSON_Delete(j);
	j = invite_info(free_token);
	ck_assert(cJSON_IsNull(osx_jget(j, "org")));
	cJSON_Delete(j);

	/* Another organisation is refused, and the invite stays usable. */
	ck_assert_int_eq(accept_with_org(token, "nils", "Sparebank", &j), 400);
	ck_assert_str_eq(osx_errcode(j), "bad_request");
	ck_assert_ptr_nonnull(strstr(osx_jstr(j, "error.message"), "'org'"));
	cJSON_Delete(j);
	/* Without org (or with the same) the invite's is taken. */
	ck_assert_int_eq(accept_with_org(token, "nils", NULL, &j), 200);
	ck_assert_str_eq(osx_jstr(j, "user.org"), "Nordbank");
	cJSON_Delete(j);
	/* An invite without one lets the customer say. */
	ck_assert_int_eq(accept_with_org(free_token, "free", "Own AS", &j), 200);
	ck_assert_str_eq(osx_jstr(j, "user.org"), "Own AS");
	cJSON_Delete(j);

	/* The command line. */
	snprintf(roundarg, sizeof roundarg, "%lld", round);
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "invite", "create", "--db", srv.db, "--role",
				 "customer", "--round", roundarg, "--org", "Fjordkraft",
				 (char *)NULL), 0);
	snprintf(cli_token, sizeof cli_token, "%.43s", res.out);
	osx_cli_free(&res);
	j = invite_info(cli_token);
	ck_assert_str_eq(osx_jstr(j, "org"), "Fjordkraft");
	cJSON_Delete(j);
	ck_assert_int_eq(accept_with_org(cli_token, "frida", "Fjordkraft", &j), 200);
	ck_assert_str_eq(osx_jstr(j, "user.org"), "Fjordkraft");
	cJSON_Delete(j);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "invite", "create", "--db", srv.db, "--role",
				 "customer", "--round", roundarg, "--org", " ", (char *)NULL), 2);
	osx_ws_close(m);
}
END_TEST

static int
is_round(const cJSON *ev, void *arg)
{
	return osx_jint(ev, "round.id", 0) == *(long long *)arg;
}

/* Round lists are live: whoever may see a round hears of its creation and
 * phase changes without subscribing to it; nobody else does. */
START_TEST(round_changes_reach_everyone_who_may_see_the_round)
{
	char tok_mgr2[OSX_TOKEN_MAX], tok_emp[OSX_TOKEN_MAX];
	struct osx_ws *m, *m2, *e, *cu;
	long long internal, invited;
	cJSON *r, *ev;

	ck_assert_int_eq(osx_user_new(&srv, "mgr2", "manager", tok_mgr2, sizeof tok_mgr2), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp", "employee", tok_emp, sizeof tok_emp), 0);
	m = osx_ws_open(srv.port, tok_mgr);
	m2 = osx_ws_open(srv.port, tok_mgr2);
	e = osx_ws_open(srv.port, tok_emp);
	ck_assert(m && m2 && e);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Guests\","
				 "\"audience\":\"invited\",\"vote_mode\":\"updown\"}"), "invited");
	invited = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cu = customer(m, invited, "cust_u", "Cust", "Kunde AS");
	r = ok(osx_ws_call(e, 0, "{\"op\":\"hello\"}"), "hello");
	cJSON_Delete(r);
	r = ok(osx_ws_call(cu, 0, "{\"op\":\"hello\"}"), "hello");
	cJSON_Delete(r);
	osx_ws_clear(m2);
	osx_ws_clear(e);

	/* A draft: the other manager hears of it, the employee does not. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Next year\","
				 "\"audience\":\"internal\",\"vote_mode\":\"updown\"}"), "internal");
	internal = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	ev = osx_ws_wait_event_if(m2, "round.updated", is_round, &internal, 3000);
	ck_assert_msg(ev != NULL, "the other manager did not hear of the new draft");
	ck_assert_str_eq(osx_jstr(ev, "round.phase"), "draft");
	ck_assert_str_eq(osx_jstr(ev, "round.title"), "Next year");
	cJSON_Delete(ev);
	ck_assert(osx_ws_no_event(e, "round.updated", 300));
	/* Opened: the employee hears of it, without subscribing. */
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", internal), "open"));
	ev = osx_ws_wait_event_if(e, "round.updated", is_round, &internal, 3000);
	ck_assert_msg(ev != NULL, "the employee did not hear the round open");
	ck_assert_str_eq(osx_jstr(ev, "round.phase"), "open");
	cJSON_Delete(ev);
	/* The customer is not in that round: nothing. In theirs: told. */
	ck_assert(osx_ws_no_event(cu, "round.updated", 300));
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", invited), "open invited"));
	ev = osx_ws_wait_event_if(cu, "round.updated", is_round, &invited, 3000);
	ck_assert_msg(ev != NULL, "the invited customer did not hear the round open");
	cJSON_Delete(ev);
	ck_assert(osx_ws_no_event(cu, "round.updated", 300));
	osx_ws_close(cu);
	osx_ws_close(e);
	osx_ws_close(m2);
	osx_ws_close(m);
}
END_TEST

/* Notices name their actor as the round lets the recipient see them: Bert's
 * reply reaches Anna as "a customer" (the event and her list), her
 * colleague Ada's by name; once the round shows customers to each other,
 * Bert's by name too. */
START_TEST(notices_do_not_name_another_orgs_customer)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a, *b, *a2;
	long long round, post;
	cJSON *r, *ev;

	ck_assert_ptr_nonnull(m);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Billing\","
				 "\"audience\":\"invited\",\"vote_mode\":\"updown\"}"), "round.create");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", round), "open"));
	a = customer(m, round, "anna_u", "Anna Alfasdottir", "AlfaCorp");
	b = customer(m, round, "bert_u", "Bert Betason", "BetaCorp");
	a2 = customer(m, round, "ada_u", "Ada Alfa", "AlfaCorp");
	r = ok(osx_ws_call(a, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				 "\"title\":\"Paper invoices\",\"body\":\"Please keep them\"}", round),
	       "a posts");
	post = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	osx_ws_clear(a);

	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					  "\"body\":\"We would rather not\"}", post), "b replies"));
	ev = osx_ws_wait_event(a, "notification", 3000);
	ck_assert_msg(ev != NULL, "anna got no notice of the reply");
	ck_assert_msg(!SEES_BETA(ev), "the notice names bert: %s", osx_jtext(ev));
	ck_assert(cJSON_IsTrue(osx_jget(ev, "notification.actor.anonymous")));
	cJSON_Delete(ev);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"notifications.list\"}"), "list");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "items")), 1);
	ck_assert_msg(!SEES_BETA(r), "the list names bert: %s", osx_jtext(r));
	cJSON_Delete(r);

	/* Her own organisation: by name. */
	cJSON_Delete(ok(osx_ws_call(a2, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					   "\"body\":\"Agreed\"}", post), "a2 replies"));
	ev = osx_ws_wait_event(a, "notification", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "notification.actor.display_name"), "Ada Alfa");
	cJSON_Delete(ev);

	/* The round shows customers to each other: now bert by name. */
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"customers_see_each_other\":true}", round), "show all"));
	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					  "\"body\":\"Still not\"}", post), "b again"));
	ev = osx_ws_wait_event(a, "notification", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "notification.actor.display_name"), "Bert Betason");
	cJSON_Delete(ev);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"notifications.list\"}"), "list again");
	ck_assert_msg(SEES_BETA(r), "the round shows all, the list should: %s", osx_jtext(r));
	cJSON_Delete(r);
	osx_ws_close(a2);
	osx_ws_close(b);
	osx_ws_close(a);
	osx_ws_close(m);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("privacy");
	TCase *tc = tcase_create("privacy");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, customers_of_two_orgs_stay_apart);
	tcase_add_test(tc, the_invite_fixes_the_organisation);
	tcase_add_test(tc, round_changes_reach_everyone_who_may_see_the_round);
	tcase_add_test(tc, notices_do_not_name_another_orgs_customer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
