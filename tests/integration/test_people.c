/*
 * Customers in the room and moderation, against the real binary: invites
 * from the protocol and the command line, accepting them, revoking access
 * on a live connection, flags, auto-hiding, hiding and restoring, and the
 * audit log.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_emp[OSX_TOKEN_MAX], tok_admin[OSX_TOKEN_MAX];
static char tok_e2[OSX_TOKEN_MAX], tok_e3[OSX_TOKEN_MAX];

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", "--flag-threshold", "3", NULL};

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp", "employee", tok_emp, sizeof tok_emp), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp2", "employee", tok_e2, sizeof tok_e2), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp3", "employee", tok_e3, sizeof tok_e3), 0);
	ck_assert_int_eq(osx_user_new(&srv, "root", "admin", tok_admin, sizeof tok_admin), 0);
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

static long long
open_round(struct osx_ws *m, const char *audience)
{
	cJSON *r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Service desk\","
				     "\"audience\":\"%s\",\"vote_mode\":\"updown\"}", audience),
		      "round.create");
	long long id = osx_jint(r, "round.id", 0);

	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", id), "open"));
	return id;
}

static int
accept_invite(const char *token, const char *user, const char *org, char *session,
	      struct osx_http_resp *resp)
{
	char body[600];

	snprintf(body, sizeof body,
		 "{\"token\":\"%s\",\"username\":\"%s\",\"password\":\"customer-pass-1\","
		 "\"display_name\":\"Clara J\",\"org\":\"%s\"}", token, user, org);
	int st = osx_http(srv.port, "POST", "/api/invite/accept",
			  "Content-Type: application/json\r\n", body, resp);
	cJSON *j = osx_http_json(resp);

	if (session && osx_jstr(j, "token"))
		snprintf(session, OSX_TOKEN_MAX, "%s", osx_jstr(j, "token"));
	cJSON_Delete(j);
	return st;
}

START_TEST(customer_invite_round_trip)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *cu;
	char token[128], session[OSX_TOKEN_MAX] = "", path[200];
	struct osx_http_resp resp;
	long long invited, internal, other;
	cJSON *r, *j;

	ck_assert_ptr_nonnull(m);
	invited = open_round(m, "invited");
	internal = open_round(m, "internal");
	other = open_round(m, "invited");
	cJSON_Delete(osx_ws_call(m, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				       "\"title\":\"Staff only\",\"body\":\"x\"}", internal));

	/* Customer invites must name an invited round. */
	r = osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\"}");
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\",\"round\":%lld}",
			internal);
	ck_assert_str_eq(osx_errcode(r), "conflict");
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"employee\",\"round\":%lld}",
			invited);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"invite.create\",\"role\":\"customer\",\"round\":%lld}",
			   invited), "invite.create");
	snprintf(token, sizeof token, "%s", osx_jstr(r, "token"));
	ck_assert_int_eq(strlen(token), 43);
	snprintf(path, sizeof path, "/invite/%s", token);
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "url"), path));
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "url"), "http://127.0.0.1:"));
	cJSON_Delete(r);

	/* The link opens the web client. */
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 200);
	ck_assert_ptr_nonnull(strstr(osx_http_header(&resp, "content-type"), "text/html"));
	osx_http_free(&resp);
	/* What the invite page learns first. */
	snprintf(path, sizeof path, "/api/invite?token=%s", token);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 200);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_jstr(j, "role"), "customer");
	ck_assert_int_eq(osx_jint(j, "round.id", 0), invited);
	cJSON_Delete(j);
	osx_http_free(&resp);

	/* A taken username: 409, and the invite stays usable. */
	ck_assert_int_eq(accept_invite(token, "EMP", "Nordbank", NULL, &resp), 409);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_errcode(j), "username_taken");
	cJSON_Delete(j);
	osx_http_free(&resp);
	/* Accepting signs in, in the round. */
	ck_assert_int_eq(accept_invite(token, "clara", "Nordbank", session, &resp), 200);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_jstr(j, "user.role"), "customer");
	ck_assert_str_eq(osx_jstr(j, "user.org"), "Nordbank");
	ck_assert_int_eq(osx_jint(j, "round", 0), invited);
	ck_assert_ptr_nonnull(strstr(osx_http_header(&resp, "set-cookie"), "os_session="));
	cJSON_Delete(j);
	osx_http_free(&resp);
	/* Single use: 410 invite_used. */
	ck_assert_int_eq(accept_invite(token, "clara2", "Nordbank", NULL, &resp), 410);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_errcode(j), "invite_used");
	cJSON_Delete(j);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 410);
	osx_http_free(&resp);
	/* The password works for an ordinary sign-in too. */
	ck_assert_int_eq(osx_login(srv.port, "clara", "customer-pass-1", NULL, 0), 200);

	/* Exactly the invited round, nothing else. */
	cu = osx_ws_open(srv.port, session);
	ck_assert_ptr_nonnull(cu);
	r = ok(osx_ws_call(cu, 0, "{\"op\":\"rounds.list\"}"), "rounds.list");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "rounds")), 1);
	ck_assert_int_eq(osx_jint(r, "rounds.0.id", 0), invited);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(cu, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", invited),
			"subscribe invited"));
	r = osx_ws_call(cu, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", other);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = osx_ws_call(cu, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", internal);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = osx_ws_call(cu, 0, "{\"op\":\"invite.create\",\"role\":\"customer\",\"round\":%lld}",
			invited);
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	/* A customer's post shows who speaks: name and organisation. */
	r = ok(osx_ws_call(cu, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				  "\"title\":\"Tell us first\",\"body\":\"Before our customers do\"}",
			   invited), "customer idea");
	ck_assert_str_eq(osx_jstr(r, "post.author.org"), "Nordbank");
	ck_assert_str_eq(osx_jstr(r, "post.author.role"), "customer");
	{
		long long post = osx_jint(r, "post.id", 0);

		cJSON_Delete(r);
		r = ok(osx_ws_call(cu, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", post),
		       "customer vote");
		ck_assert_int_eq(osx_jint(r, "tally.by_role.customer.up", 0), 1);
		ck_assert_int_eq(osx_jint(r, "tally.by_role.employee.up", -1), 0);
	}
	cJSON_Delete(r);

	/* Invited into a further round, then revoked there: at once. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.members\",\"round\":%lld}", invited), "members");
	{
		long long uid = osx_jint(r, "members.0.id", 0);
		cJSON *ev;

		ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "members")), 1);
		cJSON_Delete(r);
		cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"member.add\",\"round\":%lld,"
						  "\"user\":%lld}", other, uid), "member.add"));
		cJSON_Delete(ok(osx_ws_call(cu, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}",
					    other), "subscribe further round"));
		cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"member.revoke\",\"round\":%lld,"
						  "\"user\":%lld}", invited, uid), "member.revoke"));
		ev = osx_ws_wait_event(cu, "access.revoked", 3000);
		ck_assert_msg(ev != NULL, "the open connection was not told");
		ck_assert_int_eq(osx_jint(ev, "round", 0), invited);
		cJSON_Delete(ev);
		/* ...and then closed, so that nothing of that round reaches it
		 * again; the client comes back with what it may still see. */
		ck_assert_int_eq(osx_ws_wait_close(cu, 5000), 1008);
		osx_ws_close(cu);
		cu = osx_ws_open(srv.port, session);
		ck_assert_ptr_nonnull(cu);
		r = osx_ws_call(cu, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", invited);
		ck_assert_str_eq(osx_errcode(r), "not_found");
		cJSON_Delete(r);
		r = osx_ws_call(cu, 0, "{\"op\":\"chat.history\",\"round\":%lld}", invited);
		ck_assert_str_eq(osx_errcode(r), "not_found");
		cJSON_Delete(r);
		cJSON_Delete(ok(osx_ws_call(cu, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}",
					    other), "subscribe the round still open to them"));
		cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"chat.send\",\"round\":%lld,"
						  "\"body\":\"welcome\"}", other), "chat other"));
		ev = osx_ws_wait_event(cu, "chat.message", 3000);
		ck_assert_ptr_nonnull(ev);
		cJSON_Delete(ev);
		/* Staff are not members of rounds. */
		r = osx_ws_call(m, 0, "{\"op\":\"member.add\",\"round\":%lld,\"user\":1}", other);
		ck_assert_str_eq(osx_errcode(r), "bad_request");
		cJSON_Delete(r);
	}
	osx_ws_close(cu);
	osx_ws_close(m);
}
END_TEST

START_TEST(cli_invites_and_expiry)
{
	struct osx_cli_result res;
	struct osx_http_resp resp;
	char token[128], session[OSX_TOKEN_MAX];
	cJSON *j;

	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "invite", "create", "--db", srv.db,
				 "--role", "employee", (char *)NULL), 0);
	snprintf(token, sizeof token, "%.43s", res.out);
	osx_cli_free(&res);
	ck_assert_int_eq(accept_invite(token, "newbie", "Northwind", session, &resp), 200);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_jstr(j, "user.role"), "employee");
	cJSON_Delete(j);
	osx_http_free(&resp);
	/* Usage errors exit 2, runtime ones 1. */
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "invite", "create", "--db", srv.db,
				 "--role", "customer", (char *)NULL), 2);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "invite", "create", "--db", srv.db,
				 "--role", "admin", (char *)NULL), 2);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "invite", "create", "--db", srv.db,
				 "--role", "customer", "--round", "424242", (char *)NULL), 1);
	/* An expired invite: 410 invite_expired. The database is shared with
	 * the command line, so age one by hand. */
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "invite", "create", "--db", srv.db,
				 "--role", "employee", "--expires-hours", "1", (char *)NULL), 0);
	snprintf(token, sizeof token, "%.43s", res.out);
	osx_cli_free(&res);
	{
		char sql[200];

		snprintf(sql, sizeof sql, "UPDATE invites SET expires_at = 1 WHERE used_at IS NULL");
		ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "init", "--db", srv.db, (char *)NULL), 0);
		/* The engine's own shell: sqlite3, or psql on PostgreSQL. */
		ck_assert_int_eq(system(osx_pg() ? "command -v psql >/dev/null"
						 : "command -v sqlite3 >/dev/null"), 0);
		char cmd[700];
		snprintf(cmd, sizeof cmd, osx_pg() ? "psql -q '%s' -c '%s'" : "sqlite3 '%s' '%s'",
			 srv.db, sql);
		ck_assert_int_eq(system(cmd), 0);
	}
	ck_assert_int_eq(accept_invite(token, "late", "Northwind", NULL, &resp), 410);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_errcode(j), "invite_expired");
	cJSON_Delete(j);
	osx_http_free(&resp);
	ck_assert_int_eq(accept_invite("not-a-token", "late", "Northwind", NULL, &resp), 404);
	osx_http_free(&resp);
}
END_TEST

static long long
flag(struct osx_ws *ws, const char *target, long long id, const char *want)
{
	cJSON *r = osx_ws_call(ws, 0, "{\"op\":\"flag.create\",\"target\":\"%s\",\"id\":%lld,"
				      "\"reason\":\"off-topic and rude\"}", target, id);
	long long hidden = osx_jbool(r, "hidden");

	if (want)
		ck_assert_msg(osx_errcode(r) && !strcmp(osx_errcode(r), want),
			      "flag: want %s, got %s", want, osx_jtext(r));
	else
		ck_assert_msg(osx_ok(r), "flag: %s", osx_jtext(r));
	cJSON_Delete(r);
	return hidden;
}

START_TEST(flags_hide_and_moderators_decide)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *e1 = osx_ws_open(srv.port, tok_emp),
		      *e2 = osx_ws_open(srv.port, tok_e2), *e3 = osx_ws_open(srv.port, tok_e3),
		      *root = osx_ws_open(srv.port, tok_admin);
	long long round, post, comment, chat;
	cJSON *r, *ev;

	ck_assert(m && e1 && e2 && e3 && root);
	round = open_round(m, "internal");
	r = ok(osx_ws_call(e1, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				  "\"title\":\"Rude idea\",\"body\":\"something rude\"}", round), "post");
	post = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	r = ok(osx_ws_call(e1, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"rude too\"}",
			   post), "comment");
	comment = osx_jint(r, "comment.id", 0);
	cJSON_Delete(r);
	r = ok(osx_ws_call(e1, 0, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"rude chat\"}",
			   round), "chat");
	chat = osx_jint(r, "chat.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(e3, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe"));
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe"));

	/* The chat message and the comment first: once the post is hidden,
	 * its comments are out of reach for employees too. */
	flag(e2, "chat", chat, NULL);
	flag(e3, "comment", comment, NULL);
	/* One flag per person per item. */
	ck_assert_int_eq(flag(e2, "post", post, NULL), 0);
	flag(e2, "post", post, "conflict");
	ck_assert_int_eq(flag(e3, "post", post, NULL), 0);
	flag(e1, "post", 999999, "not_found");
	r = osx_ws_call(e1, 0, "{\"op\":\"flag.create\",\"target\":\"round\",\"id\":1,\"reason\":\"x\"}");
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	/* The third distinct flag hides it, live. */
	ck_assert_int_eq(flag(root, "post", post, NULL), 1);
	ev = osx_ws_wait_event(e3, "post.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post.id", 0), post);
	ck_assert_str_eq(osx_jstr(ev, "post.status"), "hidden");
	/* The hidden text is not sent again to those who may not read it... */
	ck_assert_str_eq(osx_jstr(ev, "post.title"), "");
	ck_assert_str_eq(osx_jstr(ev, "post.body"), "");
	cJSON_Delete(ev);
	/* ...while moderators get it, marked. */
	ev = osx_ws_wait_event(m, "post.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "post.title"), "Rude idea");
	ck_assert_str_eq(osx_jstr(ev, "post.status"), "hidden");
	cJSON_Delete(ev);
	/* Gone for employees, visible and marked for moderators. */
	r = osx_ws_call(e3, 0, "{\"op\":\"post.get\",\"post\":%lld}", post);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = ok(osx_ws_call(e3, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "sub");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "posts")), 0);
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "sub");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "posts")), 1);
	ck_assert_str_eq(osx_jstr(r, "posts.0.status"), "hidden");
	cJSON_Delete(r);

	/* The queue, newest first, with text, reasons and counts. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"mod.queue\",\"round\":%lld}", round), "mod.queue");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "items")), 3);
	ck_assert_str_eq(osx_jstr(r, "items.0.target"), "post");
	ck_assert_int_eq(osx_jint(r, "items.0.count", 0), 3);
	ck_assert_str_eq(osx_jstr(r, "items.0.title"), "Rude idea");
	ck_assert_str_eq(osx_jstr(r, "items.0.reasons.0"), "off-topic and rude");
	ck_assert_int_eq(osx_jbool(r, "items.0.hidden"), 1);
	ck_assert_str_eq(osx_jstr(r, "items.0.author.username"), "emp");
	ck_assert_str_eq(osx_jstr(r, "items.1.target"), "comment");
	ck_assert_str_eq(osx_jstr(r, "items.1.body"), "rude too");
	ck_assert_int_eq(osx_jbool(r, "items.1.hidden"), 0);
	ck_assert_str_eq(osx_jstr(r, "items.2.target"), "chat");
	cJSON_Delete(r);
	r = osx_ws_call(e1, 0, "{\"op\":\"mod.queue\"}");
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);

	/* A moderator restores the post (it comes back live) and hides the
	 * chat message and the comment. */
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"mod.hide\",\"target\":\"post\",\"id\":%lld,"
					  "\"hidden\":false}", post), "restore"));
	ev = osx_ws_wait_event(e3, "post.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(osx_jstr(ev, "post.status"), "open");
	cJSON_Delete(ev);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"mod.hide\",\"target\":\"chat\",\"id\":%lld,"
					  "\"hidden\":true,\"reason\":\"rude\"}", chat), "hide chat"));
	ev = osx_ws_wait_event(e3, "chat.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "chat.id", 0), chat);
	ck_assert_int_eq(osx_jbool(ev, "chat.hidden"), 1);
	cJSON_Delete(ev);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"mod.hide\",\"target\":\"comment\",\"id\":%lld,"
					  "\"hidden\":true}", comment), "hide comment"));
	ev = osx_ws_wait_event(e3, "comment.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jbool(ev, "comment.hidden"), 1);
	cJSON_Delete(ev);
	r = ok(osx_ws_call(e3, 0, "{\"op\":\"chat.history\",\"round\":%lld}", round), "history");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "messages")), 0);
	cJSON_Delete(r);
	r = ok(osx_ws_call(e3, 0, "{\"op\":\"post.get\",\"post\":%lld}", post), "post.get");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "comments")), 0);
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.get\",\"post\":%lld}", post), "post.get mod");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "comments")), 1);
	ck_assert_int_eq(osx_jbool(r, "comments.0.hidden"), 1);
	cJSON_Delete(r);
	/* A decided item leaves the queue; restored items are not hidden
	 * again by the flags that were already decided. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"mod.queue\"}"), "queue");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "items")), 0);
	cJSON_Delete(r);
	r = osx_ws_call(e1, 0, "{\"op\":\"mod.hide\",\"target\":\"post\",\"id\":%lld,"
			       "\"hidden\":true}", post);
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);

	/* Everything above is in the audit log, for admins only. */
	r = ok(osx_ws_call(root, 0, "{\"op\":\"audit.list\",\"limit\":50}"), "audit");
	{
		const cJSON *e;
		int autohide = 0, restore = 0, hide = 0, flags = 0;

		cJSON_ArrayForEach(e, osx_jget(r, "entries")) {
			const char *a = osx_jstr(e, "action");

			autohide += !strcmp(a, "mod.autohide");
			restore += !strcmp(a, "mod.restore");
			hide += !strcmp(a, "mod.hide");
			flags += !strcmp(a, "flag.create");
		}
		ck_assert_int_eq(autohide, 1);
		ck_assert_int_eq(restore, 1);
		ck_assert_int_eq(hide, 2);
		ck_assert_int_eq(flags, 5);
		ck_assert_str_eq(osx_jstr(r, "entries.0.action"), "mod.hide");
		ck_assert_str_eq(osx_jstr(r, "entries.0.actor.username"), "mgr");
	}
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"audit.list\"}");
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(e1);
	osx_ws_close(e2);
	osx_ws_close(e3);
	osx_ws_close(root);
}
END_TEST

static int
online_has_name(const cJSON *ev, void *arg)
{
	const cJSON *list = osx_jget(ev, "online");
	const cJSON *u;

	cJSON_ArrayForEach(u, list)
		if (osx_jstr(u, "display_name") && !strcmp(osx_jstr(u, "display_name"), arg))
			return 1;
	return 0;
}

/* user.settings: the choice is stored, every open connection of the user
 * carries it at once (and is told), the room sees the new name, nobody
 * else learns the language, and the next sign-in brings it back. */
START_TEST(settings_follow_the_user_everywhere)
{
	struct osx_ws *a = osx_ws_open(srv.port, tok_emp);
	struct osx_ws *b = osx_ws_open(srv.port, tok_emp);
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr);
	struct osx_http_resp resp;
	long long round;
	cJSON *r, *ev;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(m);
	round = open_round(m, "internal");
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe m"));
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe a"));
	r = ok(osx_ws_call(a, 0, "{\"op\":\"hello\"}"), "hello");
	ck_assert(cJSON_IsNull(osx_jget(r, "user.lang")));
	cJSON_Delete(r);

	r = ok(osx_ws_call(a, 0, "{\"op\":\"user.settings\",\"lang\":\"sv\","
				 "\"display_name\":\"  Emma Ek  \"}"), "user.settings");
	ck_assert_str_eq(osx_jstr(r, "user.lang"), "sv");
	ck_assert_str_eq(osx_jstr(r, "user.display_name"), "Emma Ek");
	cJSON_Delete(r);

	/* The other connection is told, and carries the new settings. */
	ev = osx_ws_wait_event(b, "user.updated", 0);
	ck_assert_msg(ev != NULL, "no user.updated on the user's other connection");
	ck_assert_str_eq(osx_jstr(ev, "user.lang"), "sv");
	ck_assert_str_eq(osx_jstr(ev, "user.display_name"), "Emma Ek");
	cJSON_Delete(ev);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"hello\"}"), "hello b");
	ck_assert_str_eq(osx_jstr(r, "user.lang"), "sv");
	ck_assert_str_eq(osx_jstr(r, "user.display_name"), "Emma Ek");
	cJSON_Delete(r);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				 "\"title\":\"Named\",\"body\":\"b\"}", round), "post");
	ck_assert_str_eq(osx_jstr(r, "post.author.display_name"), "Emma Ek");
	ck_assert_ptr_null(osx_jget(r, "post.author.lang"));
	cJSON_Delete(r);

	/* The room sees the new name; the language stays hers. */
	ev = osx_ws_wait_event_if(m, "presence", online_has_name, "Emma Ek", 0);
	ck_assert_msg(ev != NULL, "the room did not see the new name");
	cJSON_Delete(ev);
	ck_assert_int_eq(osx_ws_no_event(m, "user.updated", 300), 1);
	ev = osx_ws_wait_event(m, "post.created", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_null(osx_jget(ev, "post.author.lang"));
	cJSON_Delete(ev);

	/* Signing in again brings the choice back. */
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/login", NULL,
				  "{\"username\":\"emp\",\"password\":\"" OSX_PASSWORD "\"}", &resp),
			 200);
	r = osx_http_json(&resp);
	ck_assert_str_eq(osx_jstr(r, "user.lang"), "sv");
	ck_assert_str_eq(osx_jstr(r, "user.display_name"), "Emma Ek");
	cJSON_Delete(r);
	osx_http_free(&resp);

	/* null clears it; a bad value is refused and changes nothing. */
	r = osx_ws_call(b, 0, "{\"op\":\"user.settings\",\"lang\":\"fi\",\"display_name\":\"X\"}");
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = ok(osx_ws_call(b, 0, "{\"op\":\"user.settings\",\"lang\":null}"), "clear");
	ck_assert(cJSON_IsNull(osx_jget(r, "user.lang")));
	ck_assert_str_eq(osx_jstr(r, "user.display_name"), "Emma Ek");
	cJSON_Delete(r);
	osx_ws_close(a);
	osx_ws_close(b);
	osx_ws_close(m);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("people");
	TCase *tc = tcase_create("people");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, customer_invite_round_trip);
	tcase_add_test(tc, cli_invites_and_expiry);
	tcase_add_test(tc, flags_hide_and_moderators_decide);
	tcase_add_test(tc, settings_follow_the_user_everywhere);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
