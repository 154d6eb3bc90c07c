/*
 * People and passwords against the real binary: the staff list import on
 * the command line, the people admin over the protocol (listing, role
 * changes that reach open connections at once, the last admin), reset
 * links over HTTP (one use, expiring), and changing one's own password
 * (the other sessions end and their sockets close).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_admin[OSX_TOKEN_MAX], tok_mgr[OSX_TOKEN_MAX], tok_emp[OSX_TOKEN_MAX];

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", NULL};

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "root", "admin", tok_admin, sizeof tok_admin), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp", "employee", tok_emp, sizeof tok_emp), 0);
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

static void
want_error(cJSON *reply, const char *code, const char *what)
{
	ck_assert_msg(reply && osx_errcode(reply) && !strcmp(osx_errcode(reply), code),
		      "%s: want %s, got %s", what, code, osx_jtext(reply));
	cJSON_Delete(reply);
}

/* Runs SQL on the server's database, as an operator with the sqlite3
 * shell would (the database is shared; WAL lets both in). */
static void
sql(const char *stmt)
{
	sqlite3 *db;
	char *err = NULL;

	ck_assert_int_eq(sqlite3_open(srv.db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_exec(db, stmt, NULL, NULL, &err) == SQLITE_OK, "%s: %s", stmt,
		      err ? err : "?");
	sqlite3_close(db);
}

static long long
count(const char *query)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n = -1;

	ck_assert_int_eq(sqlite3_open(srv.db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, query, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static long long
user_id(struct osx_ws *ws, const char *name)
{
	cJSON *r = ok(osx_ws_call(ws, 0, "{\"op\":\"users.list\",\"query\":\"%s\"}", name),
		      "users.list");
	long long id = 0;
	const cJSON *u;

	cJSON_ArrayForEach(u, osx_jget(r, "users"))
		if (!strcmp(osx_jstr(u, "username"), name))
			id = osx_jint(u, "id", 0);
	cJSON_Delete(r);
	ck_assert_msg(id > 0, "no user %s", name);
	return id;
}

static char *
write_file(const char *name, const char *text)
{
	static char path[400];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", srv.dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(cli_import_good_bad_and_dry)
{
	struct osx_cli_result res;
	struct osx_ws *root;
	const char *path;
	long long before;
	cJSON *r;

	/* A bad file: every bad line named, nothing written, exit 1. */
	before = count("SELECT count(*) FROM users");
	path = write_file("bad.csv", "username,display_name,email,role,org\r\n"
				     "ok1,Ok One,ok1@example.com,,Sales\r\n"
				     "no good,X,,,\r\n"
				     "ok2,Ok Two,not-mail,,\r\n"
				     "OK1,Again,,,\r\n"
				     "ok3,\"Three\",,emperor,\r\n");
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "user", "import", "--db", srv.db, "--csv",
				 path, (char *)NULL), 1);
	ck_assert_msg(strstr(res.err, "openstrat: line 3: the username may only have") &&
			      strstr(res.err, "openstrat: line 4: the email address is not valid\n") &&
			      strstr(res.err, "openstrat: line 5: the username 'ok1' is on line 2 "
					      "already\n") &&
			      strstr(res.err, "openstrat: line 6: unknown role"),
		      "%s", res.err);
	ck_assert_ptr_null(strstr(res.err, "line 2:"));
	ck_assert_str_eq(res.out, "");
	osx_cli_free(&res);
	ck_assert_int_eq(count("SELECT count(*) FROM users"), before);

	/* A dry run of a good file: the counts, nothing written. */
	path = write_file("good.csv", "\xEF\xBB\xBFusername,display_name,email,role,org\n"
				      "emp,Emma Employee,emma@example.com,employee,Sales\n"
				      "ok1,\"One, Ok\",ok1@example.com,,Sales\n"
				      "ok2,Ok Two,,manager,\"R&D\"\n"
				      "mgr,mgr,,manager,\n");
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "user", "import", "--db", srv.db, "--csv",
				 path, "--dry-run", (char *)NULL), 0);
	ck_assert_str_eq(res.out, "openstrat: imported 4: created 2, updated 1, unchanged 1 "
				  "(a dry run: nothing was written)\n");
	osx_cli_free(&res);
	ck_assert_int_eq(count("SELECT count(*) FROM users"), before);

	/* For real. */
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "user", "import", "--db", srv.db, "--csv",
				 path, (char *)NULL), 0);
	ck_assert_str_eq(res.out, "openstrat: imported 4: created 2, updated 1, unchanged 1\n");
	osx_cli_free(&res);
	ck_assert_int_eq(count("SELECT count(*) FROM users"), before + 2);
	root = osx_ws_open(srv.port, tok_admin);
	ck_assert_ptr_nonnull(root);
	r = ok(osx_ws_call(root, 0, "{\"op\":\"users.list\",\"query\":\"ok\"}"), "users.list");
	ck_assert_int_eq(osx_jint(r, "total", 0), 2);
	ck_assert_str_eq(osx_jstr(r, "users.0.username"), "ok1");
	ck_assert_str_eq(osx_jstr(r, "users.0.display_name"), "One, Ok");
	ck_assert_str_eq(osx_jstr(r, "users.0.email"), "ok1@example.com");
	ck_assert_str_eq(osx_jstr(r, "users.0.source"), "local");
	ck_assert_int_eq(osx_jbool(r, "users.0.disabled"), 0);
	ck_assert(cJSON_IsNull(osx_jget(r, "users.0.last_seen_at")));
	ck_assert_str_eq(osx_jstr(r, "users.1.role"), "manager");
	cJSON_Delete(r);
	/* An imported account has no password: no sign-in works, not even an
	 * empty one. */
	ck_assert_int_eq(osx_login(srv.port, "ok1", "", NULL, 0), 401);
	ck_assert_int_eq(osx_login(srv.port, "ok1", "whatever-it-is", NULL, 0), 401);
	/* The existing employee's password is untouched. */
	ck_assert_int_eq(osx_login(srv.port, "emp", OSX_PASSWORD, NULL, 0), 200);
	osx_ws_close(root);

	/* The command line cannot disable the last admin either. */
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "user", "disable", "--db", srv.db,
				 "--username", "root", (char *)NULL), 1);
	ck_assert_ptr_nonnull(strstr(res.err, "last enabled admin"));
	osx_cli_free(&res);
	ck_assert_int_eq(count("SELECT disabled FROM users WHERE username = 'root'"), 0);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "user", "import", "--db", srv.db, (char *)NULL),
			 2);
}
END_TEST

START_TEST(people_admin_and_email_privacy)
{
	struct osx_ws *root = osx_ws_open(srv.port, tok_admin), *emp = osx_ws_open(srv.port, tok_emp);
	long long emp_id, round;
	cJSON *r;

	ck_assert(root && emp);
	emp_id = user_id(root, "emp");
	r = ok(osx_ws_call(root, 0, "{\"op\":\"user.update\",\"user\":%lld,\"email\":"
				    "\"emma@example.com\",\"display_name\":\"Emma\"}", emp_id),
	       "user.update");
	ck_assert_str_eq(osx_jstr(r, "user.email"), "emma@example.com");
	ck_assert_str_eq(osx_jstr(r, "user.display_name"), "Emma");
	cJSON_Delete(r);
	cJSON_Delete(osx_ws_wait_event(emp, "user.updated", 3000));
	/* Their own hello has it. */
	r = ok(osx_ws_call(emp, 0, "{\"op\":\"hello\"}"), "hello");
	ck_assert_str_eq(osx_jstr(r, "user.email"), "emma@example.com");
	cJSON_Delete(r);
	/* Nobody else's USER does: authors, presence. */
	r = ok(osx_ws_call(root, 0, "{\"op\":\"round.create\",\"title\":\"T\",\"audience\":"
				    "\"internal\",\"vote_mode\":\"updown\"}"), "round");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(root, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					     "\"phase\":\"open\"}", round), "open"));
	r = ok(osx_ws_call(emp, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				   "\"title\":\"Mine\",\"body\":\"b\"}", round), "post");
	ck_assert_ptr_null(osx_jget(r, "post.author.email"));
	cJSON_Delete(r);
	r = ok(osx_ws_call(root, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "sub");
	ck_assert_ptr_null(osx_jget(r, "posts.0.author.email"));
	ck_assert_str_eq(osx_jstr(r, "posts.0.author.username"), "emp");
	cJSON_Delete(r);
	/* Only admins list and change people. */
	want_error(osx_ws_call(emp, 0, "{\"op\":\"users.list\"}"), "forbidden", "emp list");
	want_error(osx_ws_call(emp, 0, "{\"op\":\"user.update\",\"user\":%lld,\"role\":\"admin\"}",
			       emp_id), "forbidden", "emp promotes self");
	/* Bad input is refused and changes nothing. */
	want_error(osx_ws_call(root, 0, "{\"op\":\"users.list\",\"limit\":201}"), "bad_request",
		   "limit");
	want_error(osx_ws_call(root, 0, "{\"op\":\"users.list\",\"limit\":0}"), "bad_request",
		   "limit 0");
	want_error(osx_ws_call(root, 0, "{\"op\":\"users.list\",\"role\":\"boss\"}"),
		   "bad_request", "role");
	want_error(osx_ws_call(root, 0, "{\"op\":\"user.update\",\"user\":%lld}", emp_id),
		   "bad_request", "nothing to change");
	want_error(osx_ws_call(root, 0, "{\"op\":\"user.update\",\"user\":%lld,\"email\":\"x@\"}",
			       emp_id), "bad_request", "email");
	want_error(osx_ws_call(root, 0, "{\"op\":\"user.update\",\"user\":999999,\"org\":\"x\"}"),
		   "not_found", "no such user");
	/* The last admin: not by their own hand either. */
	r = osx_ws_call(root, 0, "{\"op\":\"user.update\",\"user\":%lld,\"role\":\"manager\"}",
			user_id(root, "root"));
	ck_assert_str_eq(osx_errcode(r), "conflict");
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "error.message"), "last enabled admin"));
	cJSON_Delete(r);
	/* Paging and the total. */
	r = ok(osx_ws_call(root, 0, "{\"op\":\"users.list\",\"limit\":2,\"offset\":1}"), "page");
	ck_assert_int_eq(osx_jint(r, "total", 0), 3);
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "users")), 2);
	ck_assert_str_eq(osx_jstr(r, "users.0.username"), "mgr");
	ck_assert_ptr_nonnull(osx_jget(r, "users.0.last_seen_at"));
	ck_assert(!cJSON_IsNull(osx_jget(r, "users.0.last_seen_at")));
	cJSON_Delete(r);
	r = ok(osx_ws_call(root, 0, "{\"op\":\"users.list\",\"role\":\"employee\","
				    "\"disabled\":false}"), "filter");
	ck_assert_int_eq(osx_jint(r, "total", 0), 1);
	cJSON_Delete(r);
	osx_ws_close(root);
	osx_ws_close(emp);
}
END_TEST

START_TEST(role_change_reaches_open_connections)
{
	struct osx_ws *root = osx_ws_open(srv.port, tok_admin), *emp = osx_ws_open(srv.port, tok_emp);
	long long emp_id, internal, draft;
	cJSON *r, *ev;

	ck_assert(root && emp);
	emp_id = user_id(root, "emp");
	r = ok(osx_ws_call(root, 0, "{\"op\":\"round.create\",\"title\":\"Staff\",\"audience\":"
				    "\"internal\",\"vote_mode\":\"updown\"}"), "round");
	internal = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(root, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					     "\"phase\":\"open\"}", internal), "open"));
	r = ok(osx_ws_call(root, 0, "{\"op\":\"round.create\",\"title\":\"Draft\",\"audience\":"
				    "\"internal\",\"vote_mode\":\"updown\"}"), "draft");
	draft = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);

	/* Promoted: a manager at once, on the same connection. */
	want_error(osx_ws_call(emp, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", draft),
		   "not_found", "draft as employee");
	cJSON_Delete(ok(osx_ws_call(root, 0, "{\"op\":\"user.update\",\"user\":%lld,"
					     "\"role\":\"manager\"}", emp_id), "promote"));
	ev = osx_ws_wait_event(emp, "user.updated", 3000);
	ck_assert_msg(ev != NULL, "no user.updated");
	ck_assert_str_eq(osx_jstr(ev, "user.role"), "manager");
	cJSON_Delete(ev);
	cJSON_Delete(ok(osx_ws_call(emp, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", draft),
			"draft as manager"));
	cJSON_Delete(ok(osx_ws_call(emp, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}",
				    internal), "internal"));

	/* Demoted to customer: out of both rounds at once, told which. */
	cJSON_Delete(ok(osx_ws_call(root, 0, "{\"op\":\"user.update\",\"user\":%lld,"
					     "\"role\":\"customer\"}", emp_id), "demote"));
	ev = osx_ws_wait_event(emp, "user.updated", 3000);
	ck_assert_msg(ev != NULL, "no user.updated");
	ck_assert_str_eq(osx_jstr(ev, "user.role"), "customer");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(ev, "unsubscribed")), 2);
	cJSON_Delete(ev);
	osx_ws_clear(emp);
	/* Nothing of the rounds reaches it any more. */
	cJSON_Delete(ok(osx_ws_call(root, 0, "{\"op\":\"chat.send\",\"round\":%lld,"
					     "\"body\":\"staff only\"}", internal), "chat"));
	ck_assert_int_eq(osx_ws_no_event(emp, "chat.message", 500), 1);
	want_error(osx_ws_call(emp, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", internal),
		   "not_found", "internal as customer");
	want_error(osx_ws_call(emp, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				       "\"title\":\"x\",\"body\":\"y\"}", internal),
		   "not_found", "post as customer");
	/* And the audit log says who did it. */
	r = ok(osx_ws_call(root, 0, "{\"op\":\"audit.list\"}"), "audit");
	ck_assert_str_eq(osx_jstr(r, "entries.0.action"), "user.update");
	ck_assert_str_eq(osx_jstr(r, "entries.0.detail"), "emp: role manager -> customer");
	ck_assert_str_eq(osx_jstr(r, "entries.0.actor.username"), "root");
	cJSON_Delete(r);
	osx_ws_close(root);
	osx_ws_close(emp);
}
END_TEST

static int
post_json(const char *path, const char *token, const char *body, struct osx_http_resp *resp)
{
	char hdr[OSX_TOKEN_MAX + 80];

	if (token)
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n"
					  "Content-Type: application/json\r\n", token);
	else
		snprintf(hdr, sizeof hdr, "Content-Type: application/json\r\n");
	return osx_http(srv.port, "POST", path, hdr, body, resp);
}

static void
want_http(int status, const char *code, struct osx_http_resp *resp, int got)
{
	cJSON *j = osx_http_json(resp);

	ck_assert_msg(got == status, "want %d, got %d: %s", status, got, resp->body);
	if (code)
		ck_assert_str_eq(osx_errcode(j), code);
	cJSON_Delete(j);
	osx_http_free(resp);
}

/* The token of a reset link made by root for user. */
static void
reset_link(struct osx_ws *root, long long user, char *token, size_t sz)
{
	cJSON *r = ok(osx_ws_call(root, 0, "{\"op\":\"password.reset\",\"user\":%lld}", user),
		      "password.reset");
	const char *url = osx_jstr(r, "url"), *slash = strstr(url, "/reset/");
	char base[128];

	snprintf(base, sizeof base, "%s/reset/", srv.base_url);
	ck_assert_msg(!strncmp(url, base, strlen(base)), "%s", url);
	ck_assert_ptr_nonnull(osx_jstr(r, "expires_at"));
	snprintf(token, sz, "%s", slash + 7);
	ck_assert_int_eq(strlen(token), 43);
	cJSON_Delete(r);
}

START_TEST(reset_links)
{
	struct osx_ws *root = osx_ws_open(srv.port, tok_admin), *old;
	struct osx_http_resp resp;
	char token[128], token2[128], body[300], path[200], session[OSX_TOKEN_MAX];
	long long emp_id;
	cJSON *j;

	ck_assert_ptr_nonnull(root);
	emp_id = user_id(root, "emp");
	old = osx_ws_open(srv.port, tok_emp);
	ck_assert_ptr_nonnull(old);
	reset_link(root, emp_id, token, sizeof token);
	/* The page opens the web client, and learns whose link it is. */
	snprintf(path, sizeof path, "/reset/%s", token);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 200);
	osx_http_free(&resp);
	snprintf(path, sizeof path, "/api/password/reset?token=%s", token);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 200);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_jstr(j, "username"), "emp");
	cJSON_Delete(j);
	osx_http_free(&resp);

	/* Too short: 400, and the link still works. */
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"password\":\"short\"}", token);
	want_http(400, "bad_request", &resp, post_json("/api/password/reset", NULL, body, &resp));
	want_http(400, "bad_request", &resp,
		  post_json("/api/password/reset", NULL, "{\"token\":1}", &resp));
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"password\":\"brand-new-pass\"}", token);
	ck_assert_int_eq(post_json("/api/password/reset", NULL, body, &resp), 200);
	j = osx_http_json(&resp);
	ck_assert_str_eq(osx_jstr(j, "user.username"), "emp");
	snprintf(session, sizeof session, "%s", osx_jstr(j, "token"));
	ck_assert_ptr_nonnull(strstr(osx_http_header(&resp, "set-cookie"), "os_session="));
	cJSON_Delete(j);
	osx_http_free(&resp);
	/* Signed in with the new session; every old one ended, its socket
	 * closed at once (the periodic session check takes up to 5 s). */
	ck_assert_int_eq(osx_ws_wait_close(old, 1000), 1008);
	osx_ws_close(old);
	old = osx_ws_open(srv.port, session);
	ck_assert_ptr_nonnull(old);
	osx_ws_close(old);
	ck_assert_int_eq(osx_login(srv.port, "emp", "brand-new-pass", NULL, 0), 200);
	ck_assert_int_eq(osx_login(srv.port, "emp", OSX_PASSWORD, NULL, 0), 401);
	/* One use. */
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"password\":\"another-pass-1\"}", token);
	want_http(410, "reset_used", &resp, post_json("/api/password/reset", NULL, body, &resp));
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 410);
	osx_http_free(&resp);
	/* Unknown. */
	want_http(404, "not_found", &resp,
		  post_json("/api/password/reset", NULL,
			    "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
			    "\"password\":\"another-pass-1\"}", &resp));
	/* Expired (24 hours, made older by hand). */
	reset_link(root, emp_id, token2, sizeof token2);
	sql("UPDATE password_resets SET expires_at = created_at WHERE used_at IS NULL");
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"password\":\"another-pass-1\"}", token2);
	want_http(410, "reset_expired", &resp, post_json("/api/password/reset", NULL, body, &resp));
	ck_assert_int_eq(count("SELECT max(expires_at - created_at) FROM password_resets"),
			 24LL * 3600 * 1000);
	ck_assert_int_eq(osx_login(srv.port, "emp", "brand-new-pass", NULL, 0), 200);
	/* Only the hash of a link is kept. */
	ck_assert_int_eq(count("SELECT count(*) FROM password_resets WHERE length(token_hash) = 32"),
			 2);
	/* Only admins make them. */
	{
		struct osx_ws *m = osx_ws_open(srv.port, tok_mgr);

		want_error(osx_ws_call(m, 0, "{\"op\":\"password.reset\",\"user\":%lld}", emp_id),
			   "forbidden", "manager reset");
		osx_ws_close(m);
	}
	osx_ws_close(root);
}
END_TEST

START_TEST(password_change)
{
	char other[OSX_TOKEN_MAX], third[OSX_TOKEN_MAX];
	struct osx_ws *mine, *elsewhere, *again;
	struct osx_http_resp resp;
	cJSON *r;

	/* emp is signed in three times: tok_emp, other, third. */
	ck_assert_int_eq(osx_login(srv.port, "emp", OSX_PASSWORD, other, sizeof other), 200);
	ck_assert_int_eq(osx_login(srv.port, "emp", OSX_PASSWORD, third, sizeof third), 200);
	mine = osx_ws_open(srv.port, tok_emp);
	elsewhere = osx_ws_open(srv.port, other);
	again = osx_ws_open(srv.port, third);
	ck_assert(mine && elsewhere && again);

	want_http(401, "unauthorized", &resp,
		  post_json("/api/password", NULL, "{\"old\":\"a\",\"new\":\"bbbbbbbbbb\"}", &resp));
	want_http(400, "bad_request", &resp, post_json("/api/password", tok_emp, "{\"old\":1}",
						       &resp));
	want_http(401, "bad_credentials", &resp,
		  post_json("/api/password", tok_emp,
			    "{\"old\":\"not-my-password\",\"new\":\"fresh-password-9\"}", &resp));
	want_http(400, "bad_request", &resp,
		  post_json("/api/password", tok_emp,
			    "{\"old\":\"" OSX_PASSWORD "\",\"new\":\"short\"}", &resp));
	/* Nothing changed, nobody was signed out. */
	ck_assert_int_eq(osx_ws_no_event(elsewhere, NULL, 200), 1);
	ck_assert(!osx_ws_closed(elsewhere));
	ck_assert_int_eq(osx_login(srv.port, "emp", OSX_PASSWORD, NULL, 0), 200);

	ck_assert_int_eq(post_json("/api/password", tok_emp,
				   "{\"old\":\"" OSX_PASSWORD "\",\"new\":\"fresh-password-9\"}",
				   &resp), 204);
	osx_http_free(&resp);
	/* The other sessions' sockets close at once (1008)... */
	ck_assert_int_eq(osx_ws_wait_close(elsewhere, 1000), 1008);
	ck_assert_int_eq(osx_ws_wait_close(again, 1000), 1008);
	/* ...and those sessions are gone; this one goes on. */
	ck_assert_ptr_null(osx_ws_open(srv.port, other));
	r = ok(osx_ws_call(mine, 0, "{\"op\":\"hello\"}"), "hello on the changing session");
	cJSON_Delete(r);
	ck_assert_int_eq(osx_login(srv.port, "emp", "fresh-password-9", NULL, 0), 200);
	ck_assert_int_eq(osx_login(srv.port, "emp", OSX_PASSWORD, NULL, 0), 401);
	ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE action = 'password.change'"),
			 1);
	osx_ws_close(mine);
	osx_ws_close(elsewhere);
	osx_ws_close(again);
}
END_TEST

START_TEST(password_attempts_are_throttled)
{
	struct osx_http_resp resp;
	int st = 0;

	for (int i = 0; i < 5; i++)
		want_http(401, "bad_credentials", &resp,
			  post_json("/api/password", tok_mgr,
				    "{\"old\":\"guess-guess\",\"new\":\"fresh-password-9\"}",
				    &resp));
	st = post_json("/api/password", tok_mgr,
		       "{\"old\":\"" OSX_PASSWORD "\",\"new\":\"fresh-password-9\"}", &resp);
	ck_assert_int_eq(st, 429);
	ck_assert_ptr_nonnull(osx_http_header(&resp, "retry-after"));
	osx_http_free(&resp);
	/* Held back: the right password did not change it. */
	ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE action = 'password.change'"),
			 0);
}
END_TEST

START_TEST(directory_accounts_keep_their_password_there)
{
	struct osx_ws *root = osx_ws_open(srv.port, tok_admin);
	struct osx_http_resp resp;

	ck_assert_ptr_nonnull(root);
	sql("UPDATE users SET source = 'directory' WHERE username = 'emp'");
	want_http(409, "conflict", &resp,
		  post_json("/api/password", tok_emp,
			    "{\"old\":\"" OSX_PASSWORD "\",\"new\":\"fresh-password-9\"}", &resp));
	want_error(osx_ws_call(root, 0, "{\"op\":\"password.reset\",\"user\":%lld}",
			       user_id(root, "emp")), "conflict", "reset of a directory account");
	ck_assert_int_eq(count("SELECT count(*) FROM password_resets"), 0);
	osx_ws_close(root);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("accounts");
	TCase *tc = tcase_create("accounts");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, cli_import_good_bad_and_dry);
	tcase_add_test(tc, people_admin_and_email_privacy);
	tcase_add_test(tc, role_change_reaches_open_connections);
	tcase_add_test(tc, reset_links);
	tcase_add_test(tc, password_change);
	tcase_add_test(tc, password_attempts_are_throttled);
	tcase_add_test(tc, directory_accounts_keep_their_password_there);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
