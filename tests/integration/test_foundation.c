/*
 * Foundation integration tests: the real binary, started on --port 0, seen
 * from outside through the contract (docs/PROTOCOL.md): the command line,
 * static files and their security headers, login and logout, the WebSocket
 * upgrade's authentication, the envelope, the frame limits and a clean
 * shutdown; and, where marked, the choices the server documents in the
 * second part of docs/PROTOCOL.md (which clients may rely on too). Each
 * test starts its own server in its own temp directory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "osclient.h"

static struct osx_server S;

static void
setup(void)
{
	memset(&S, 0, sizeof S);
}

static void
teardown(void)
{
	osx_server_cleanup(&S);
}

static void
start(void)
{
	ck_assert_msg(osx_server_start(&S, NULL) == 0, "the server did not start");
}

/* Every test ends here: the contract says SIGTERM exits 0. */
static void
stop_clean(void)
{
	int rc = osx_server_stop(&S);

	ck_assert_msg(rc == 0, "server exit status after SIGTERM: %d (want 0)", rc);
}

static void
add_user(const char *name, const char *role, const char *display, const char *org)
{
	char pw[128];

	snprintf(pw, sizeof pw, "%s-password-1", name);
	ck_assert_msg(osx_user_add(&S, name, pw, role, display, org) == 0,
		      "user add %s (%s) failed", name, role);
}

static void
login_ok(const char *name, char *token, size_t tokensz)
{
	char pw[128];
	int st;

	snprintf(pw, sizeof pw, "%s-password-1", name);
	st = osx_login(S.port, name, pw, token, tokensz);
	ck_assert_msg(st == 200, "login %s: HTTP %d (want 200)", name, st);
}

/* The HTTP status of an upgrade with these options (101 on success). */
static int
upgrade_status(const struct osx_ws_opts *o)
{
	int st = -1;
	struct osx_ws *ws = osx_ws_connect(S.port, o, &st);

	osx_ws_close(ws);
	return st;
}

/* POST /api/login with a raw body; returns the status, body parsed. */
static int
login_raw(const char *body, cJSON **json, struct osx_http_resp *keep)
{
	struct osx_http_resp r;
	int st = osx_http(S.port, "POST", "/api/login", NULL, body, &r);

	if (json)
		*json = osx_http_json(&r);
	if (keep)
		*keep = r;
	else
		osx_http_free(&r);
	return st;
}

static int
login_json(const char *user, const char *pass, cJSON **json,
	   struct osx_http_resp *keep)
{
	cJSON *b = cJSON_CreateObject();
	char *t;
	int st;

	cJSON_AddStringToObject(b, "username", user);
	cJSON_AddStringToObject(b, "password", pass);
	t = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	st = login_raw(t, json, keep);
	free(t);
	return st;
}

static struct osx_ws *
open_ws(const char *token)
{
	int st = -1;
	struct osx_ws_opts o = {.token = token};
	struct osx_ws *ws = osx_ws_connect(S.port, &o, &st);

	ck_assert_msg(ws != NULL, "WebSocket upgrade with a valid token: HTTP %d", st);
	return ws;
}

/* A server with one logged-in employee and an open WebSocket. */
static struct osx_ws *
start_with_ws(void)
{
	char tok[OSX_TOKEN_MAX];

	start();
	add_user("alice", "employee", "Alice", "Acme");
	login_ok("alice", tok, sizeof tok);
	return open_ws(tok);
}

static void
assert_hello_works(struct osx_ws *ws)
{
	cJSON *r = osx_ws_call(ws, 0, "{\"op\":\"hello\"}");

	ck_assert_msg(r != NULL, "no reply to hello (closed: %d, code %d)",
		      osx_ws_closed(ws), osx_ws_closed(ws) ? osx_ws_wait_close(ws, 1) : 0);
	ck_assert_msg(osx_ok(r), "hello failed: %s", osx_jtext(r));
	cJSON_Delete(r);
}

static void
assert_error_reply(cJSON *r, double rid, const char *code)
{
	ck_assert_msg(r != NULL, "no reply (want error %s)", code);
	ck_assert_msg(osx_jbool(r, "ok") == 0, "want ok:false, got %s", osx_jtext(r));
	ck_assert_msg(osx_errcode(r) && !strcmp(osx_errcode(r), code),
		      "want error code %s, got %s", code, osx_jtext(r));
	ck_assert_msg(osx_jstr(r, "error.message") != NULL,
		      "error without a message string: %s", osx_jtext(r));
	if (rid == rid) /* NaN: no rid check */
		ck_assert_msg(osx_jnum(r, "rid", -1e300) == rid,
			      "want rid %.0f, got %s", rid, osx_jtext(r));
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

START_TEST(cli_init_creates_and_is_idempotent)
{
	struct osx_cli_result r;
	struct stat sb;
	int rc;

	ck_assert_int_eq(osx_server_init(&S), 0);
	ck_assert_msg(stat(S.db, &sb) == 0 && sb.st_size > 0,
		      "init did not create a non-empty database at %s", S.db);
	add_user("keeper", "admin", NULL, NULL);

	rc = osx_cli(&r, NULL, NULL, "init", "--db", S.db, (char *)NULL);
	ck_assert_msg(rc == 0, "init on an existing db: exit %d (%s)", rc, r.err);
	osx_cli_free(&r);

	/* The second init kept the data. */
	ck_assert_int_eq(osx_server_serve(&S, NULL), 0);
	login_ok("keeper", NULL, 0);
	stop_clean();
}
END_TEST

START_TEST(cli_usage_and_runtime_errors)
{
	struct osx_cli_result r;
	int rc;

	ck_assert_int_eq(osx_server_init(&S), 0);

	rc = osx_cli(&r, NULL, NULL, "frobnicate", (char *)NULL);
	ck_assert_msg(rc == 2, "unknown subcommand: exit %d (want 2)", rc);
	osx_cli_free(&r);

	rc = osx_cli(&r, NULL, NULL, (char *)NULL);
	ck_assert_msg(rc == 2, "no subcommand: exit %d (want 2)", rc);
	osx_cli_free(&r);

	rc = osx_cli(&r, NULL, NULL, "init", (char *)NULL);
	ck_assert_msg(rc == 2, "init without --db: exit %d (want 2)", rc);
	osx_cli_free(&r);

	rc = osx_cli(&r, NULL, NULL, "init", "--db", S.db, "--bogus-flag", (char *)NULL);
	ck_assert_msg(rc == 2, "init with an unknown option: exit %d (want 2)", rc);
	osx_cli_free(&r);

	/* A database that cannot be created is a runtime failure with a
	 * one-line reason. */
	rc = osx_cli(&r, NULL, NULL, "init", "--db", "/nonexistent-osx-dir/sub/os.db",
		     (char *)NULL);
	ck_assert_msg(rc == 1, "init in a missing directory: exit %d (want 1)", rc);
	ck_assert_msg(r.err[0] != '\0', "no reason on stderr");
	osx_cli_free(&r);

	/* An address that is not this machine's: serve says it cannot listen
	 * and exits 1, instead of serving nothing while saying it listens. */
	rc = osx_cli(&r, NULL, NULL, "serve", "--db", S.db, "--listen", "192.0.2.1",
		     "--port", "0", (char *)NULL);
	ck_assert_msg(rc == 1, "serve on a foreign address: exit %d (want 1)", rc);
	ck_assert_msg(strstr(r.err, "cannot listen on 192.0.2.1") != NULL,
		      "no reason on stderr: %s", r.err);
	ck_assert_msg(strstr(r.out, "listening") == NULL, "it said it listens: %s", r.out);
	osx_cli_free(&r);

	rc = osx_cli(&r, NULL, NULL, "serve", "--db", S.db, "--event-loop", "select",
		     (char *)NULL);
	ck_assert_msg(rc == 2, "serve --event-loop select: exit %d (want 2)", rc);
	osx_cli_free(&r);
}
END_TEST

/* A mistyped --db path is refused: serve creates no database (only init,
 * demo and serve --demo do), so it cannot silently serve an empty one. */
START_TEST(cli_serve_refuses_missing_db)
{
	struct osx_cli_result r;
	struct stat sb;
	char path[sizeof S.dir + 32];
	int rc;

	ck_assert_int_eq(osx_server_init(&S), 0);
	snprintf(path, sizeof path, "%s/mistyped.db", S.dir);
	rc = osx_cli(&r, NULL, NULL, "serve", "--db", path, "--port", "0", (char *)NULL);
	ck_assert_msg(rc == 1, "serve on a missing database: exit %d (want 1)", rc);
	ck_assert_msg(strstr(r.err, "run openstrat init first") != NULL,
		      "no reason on stderr: %s", r.err);
	ck_assert_msg(strstr(r.out, "listening") == NULL, "it said it listens: %s", r.out);
	osx_cli_free(&r);
	ck_assert_msg(stat(path, &sb) != 0, "serve created %s", path);
}
END_TEST

/* Every command explains itself: COMMAND --help (or -h) prints its usage
 * on stdout and exits 0 without touching anything; openstrat --help lists
 * the commands. */
START_TEST(cli_help_for_every_command)
{
	static const struct {
		const char *args[5];
		const char *usage; /* how stdout starts */
	} cases[] = {
		{{"serve", "--help"}, "usage: openstrat serve --db PATH"},
		{{"serve", "-h"}, "usage: openstrat serve --db PATH"},
		{{"init", "--help"}, "usage: openstrat init --db PATH"},
		{{"user", "--help"}, "usage: openstrat user add --db PATH"},
		{{"user", "add", "--help"}, "usage: openstrat user add --db PATH"},
		{{"user", "disable", "--help"}, "usage: openstrat user disable --db PATH"},
		{{"user", "enable", "--help"}, "usage: openstrat user enable --db PATH"},
		{{"invite", "--help"}, "usage: openstrat invite create --db PATH"},
		{{"invite", "create", "--help"}, "usage: openstrat invite create --db PATH"},
		{{"export", "--help"}, "usage: openstrat export --db PATH"},
		{{"backup", "--help"}, "usage: openstrat backup --db PATH"},
		{{"demo", "--help"}, "usage: openstrat demo --db PATH"},
		{{"check", "--help"}, "usage: openstrat check --db PATH"},
		/* --help wins over the missing required options around it. */
		{{"export", "--round", "1", "--help"}, "usage: openstrat export --db PATH"},
	};
	static const char *const commands[] = {"serve", "init", "user", "invite", "demo",
					       "export", "backup", "check"};
	struct osx_cli_result r;
	int rc;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rc = osx_cliv(&r, NULL, NULL, cases[i].args);
		ck_assert_msg(rc == 0, "%s %s: exit %d (want 0): %s", cases[i].args[0],
			      cases[i].args[1], rc, r.err);
		ck_assert_msg(!strncmp(r.out, cases[i].usage, strlen(cases[i].usage)),
			      "%s %s printed \"%s\", want \"%s...\"", cases[i].args[0],
			      cases[i].args[1], r.out, cases[i].usage);
		ck_assert_msg(r.err[0] == '\0', "%s %s wrote to stderr: %s", cases[i].args[0],
			      cases[i].args[1], r.err);
		osx_cli_free(&r);
	}

	rc = osx_cli(&r, NULL, NULL, "--help", (char *)NULL);
	ck_assert_int_eq(rc, 0);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		char line[32];

		snprintf(line, sizeof line, "\n  %s ", commands[i]);
		ck_assert_msg(strstr(r.out, line) != NULL, "--help does not list %s: %s",
			      commands[i], r.out);
	}
	osx_cli_free(&r);
}
END_TEST

START_TEST(cli_user_add_short_password)
{
	struct osx_cli_result r;
	const char *env[] = {"OPENSTRAT_PASSWORD=seven77", NULL};
	cJSON *j = NULL;
	int rc, st;

	start();
	rc = osx_cli(&r, NULL, env, "user", "add", "--db", S.db, "--username", "shorty",
		     "--role", "employee", (char *)NULL);
	ck_assert_msg(rc == 1, "7-character password: exit %d (want 1)", rc);
	ck_assert_msg(r.err[0] != '\0', "no reason on stderr");
	osx_cli_free(&r);

	/* Nothing was created: the login fails as for any unknown user. */
	st = login_json("shorty", "seven77", &j, NULL);
	ck_assert_msg(st == 401, "login after a refused user add: HTTP %d (want 401)", st);
	ck_assert_str_eq(osx_errcode(j) ? osx_errcode(j) : "", "bad_credentials");
	cJSON_Delete(j);

	/* And the name is still free: exactly 8 characters is enough. */
	ck_assert_int_eq(osx_user_add(&S, "shorty", "eight888", "employee", NULL, NULL), 0);
	st = osx_login(S.port, "shorty", "eight888", NULL, 0);
	ck_assert_msg(st == 200, "login with an 8-character password: HTTP %d", st);
	stop_clean();
}
END_TEST

START_TEST(cli_user_add_bad_role)
{
	int rc, st;

	start();
	rc = osx_user_add(&S, "rolf", "rolf-password-1", "superuser", NULL, NULL);
	ck_assert_msg(rc == 2, "role superuser: exit %d (want 2, a usage error)", rc);
	rc = osx_user_add(&S, "rolf", "rolf-password-1", "", NULL, NULL);
	ck_assert_msg(rc == 2, "empty role: exit %d (want 2)", rc);
	st = osx_login(S.port, "rolf", "rolf-password-1", NULL, 0);
	ck_assert_msg(st == 401, "login after a refused user add: HTTP %d (want 401)", st);

	/* Every contract role is accepted. */
	add_user("r_admin", "admin", NULL, NULL);
	add_user("r_manager", "manager", NULL, NULL);
	add_user("r_employee", "employee", NULL, NULL);
	add_user("r_customer", "customer", NULL, NULL);
	stop_clean();
}
END_TEST

START_TEST(cli_user_add_duplicate)
{
	int rc, st;

	start();
	add_user("bob", "employee", "Bob", NULL);
	rc = osx_user_add(&S, "bob", "other-password-2", "manager", "Bobby", NULL);
	ck_assert_msg(rc == 1, "duplicate username: exit %d (want 1)", rc);

	/* The first account is unchanged. */
	st = osx_login(S.port, "bob", "other-password-2", NULL, 0);
	ck_assert_msg(st == 401, "login with the duplicate's password: HTTP %d (want 401)", st);
	{
		cJSON *j = NULL;

		st = login_json("bob", "bob-password-1", &j, NULL);
		ck_assert_int_eq(st, 200);
		ck_assert_str_eq(osx_jstr(j, "user.role"), "employee");
		ck_assert_str_eq(osx_jstr(j, "user.display_name"), "Bob");
		cJSON_Delete(j);
	}
	stop_clean();
}
END_TEST

/* docs/PROTOCOL.md: usernames are 1 to 32 of [A-Za-z0-9._-], starting with
 * a letter or digit, unique regardless of case; user add exits 2 for a
 * malformed one. */
START_TEST(cli_user_add_username_rules)
{
	static const char *bad[] = {
		"", "-dash", ".dot", "_under", "with space", "semi;colon", "slash/x",
		"abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
		"caf\xc3\xa9",
	};
	int rc;

	start();
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		rc = osx_user_add(&S, bad[i], "valid-password-1", "employee", NULL, NULL);
		ck_assert_msg(rc == 2, "username \"%s\": exit %d (want 2)", bad[i], rc);
		ck_assert_int_eq(osx_login(S.port, bad[i], "valid-password-1", NULL, 0) == 200, 0);
	}
	rc = osx_user_add(&S, "abcdefghijklmnopqrstuvwxyz012345", "valid-password-1",
			  "employee", NULL, NULL);
	ck_assert_msg(rc == 0, "a 32-character username: exit %d (want 0)", rc);
	rc = osx_user_add(&S, "J.Doe_2-x", "valid-password-1", "employee", NULL, NULL);
	ck_assert_msg(rc == 0, "username J.Doe_2-x: exit %d (want 0)", rc);
	rc = osx_user_add(&S, "j.doe_2-X", "other-password-2", "employee", NULL, NULL);
	ck_assert_msg(rc == 1, "a username differing only in case: exit %d (want 1)", rc);
	ck_assert_int_eq(osx_login(S.port, "J.Doe_2-x", "valid-password-1", NULL, 0), 200);
	stop_clean();
}
END_TEST

START_TEST(cli_user_add_password_on_stdin)
{
	struct osx_cli_result r;
	cJSON *j = NULL;
	int rc, st;

	start();
	rc = osx_cli(&r, "stdin-password-9\n", NULL, "user", "add", "--db", S.db,
		     "--username", "carol", "--role", "manager", "--display-name",
		     "Carol Example", "--org", "Strategy Office", (char *)NULL);
	ck_assert_msg(rc == 0, "user add with the password on stdin: exit %d (%s)", rc, r.err);
	osx_cli_free(&r);

	st = login_json("carol", "stdin-password-9", &j, NULL);
	ck_assert_msg(st == 200, "login with the stdin password: HTTP %d", st);
	ck_assert_str_eq(osx_jstr(j, "user.username"), "carol");
	ck_assert_str_eq(osx_jstr(j, "user.role"), "manager");
	ck_assert_str_eq(osx_jstr(j, "user.display_name"), "Carol Example");
	ck_assert_str_eq(osx_jstr(j, "user.org"), "Strategy Office");
	cJSON_Delete(j);

	/* The newline ended the line; it is not part of the password. */
	st = osx_login(S.port, "carol", "stdin-password-9\n", NULL, 0);
	ck_assert_msg(st == 401, "password with the newline: HTTP %d (want 401)", st);

	/* A short password on stdin is refused too. */
	rc = osx_cli(&r, "short\n", NULL, "user", "add", "--db", S.db, "--username",
		     "dave", "--role", "employee", (char *)NULL);
	ck_assert_msg(rc == 1, "short password on stdin: exit %d (want 1)", rc);
	osx_cli_free(&r);
	stop_clean();
}
END_TEST

/* ------------------------------------------------------------------ */
/* Serving                                                             */
/* ------------------------------------------------------------------ */

START_TEST(serve_prints_one_line)
{
	char want[128], *out;

	start();
	snprintf(want, sizeof want, "openstrat: listening on http://127.0.0.1:%d\n", S.port);
	stop_clean();
	out = osx_server_stdout(&S);
	ck_assert_msg(!strcmp(out, want), "stdout of serve was \"%s\", want exactly \"%s\"",
		      out, want);
	free(out);
}
END_TEST

/* With --demo too, stdout carries the listening line alone; the demo
 * accounts (on stderr) work. */
START_TEST(serve_demo_prints_one_line)
{
	static const char *const demo[] = {"--demo", NULL};
	char want[128], *out;

	ck_assert_int_eq(osx_server_start(&S, demo), 0);
	ck_assert_int_eq(osx_login(S.port, "maria", "openstrat-demo", NULL, 0), 200);
	snprintf(want, sizeof want, "openstrat: listening on http://127.0.0.1:%d\n", S.port);
	stop_clean();
	out = osx_server_stdout(&S);
	ck_assert_msg(!strcmp(out, want), "stdout of serve --demo was \"%s\"", out);
	free(out);
	out = osx_server_log(&S);
	ck_assert_ptr_nonnull(strstr(out, "openstrat: demo accounts"));
	free(out);
}
END_TEST

/* --demo-lang fills the demo in that language: the same accounts sign in,
 * and the rounds and the people's names are Norwegian. */
START_TEST(serve_demo_in_norwegian)
{
	static const char *const demo[] = {"--demo", "--demo-lang", "nb", NULL};
	char token[128], *log;
	const char *title;
	struct osx_ws *ws;
	cJSON *r;
	int found = 0;

	ck_assert_int_eq(osx_server_start(&S, demo), 0);
	ck_assert_int_eq(osx_login(S.port, "erik", "openstrat-demo", token, sizeof token), 200);
	ws = osx_ws_open(S.port, token);
	ck_assert_ptr_nonnull(ws);
	/* An employee sees both rounds, and the strategy round is
	 * Norwegian. */
	r = osx_ws_call(ws, 0, "{\"op\":\"rounds.list\"}");
	ck_assert_msg(r && osx_ok(r), "rounds.list: %s", osx_jtext(r));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "rounds")), 2);
	for (int i = 0; i < 2; i++) {
		char path[32];

		snprintf(path, sizeof path, "rounds.%d.title", i);
		title = osx_jstr(r, path);
		ck_assert_ptr_nonnull(title);
		found += strstr(title, "Strategi 2027") && strstr(title, "kundene");
	}
	ck_assert_msg(found == 1, "rounds of the Norwegian demo: %s", osx_jtext(r));
	cJSON_Delete(r);
	osx_ws_close(ws);
	stop_clean();
	log = osx_server_log(&S);
	ck_assert_msg(strstr(log, "  maria    manager   Maria Hansen, Fjordvik Systemer\n"),
		      "the accounts printed: %s", log);
	free(log);
}
END_TEST

/* The value of one CSP directive (malloc'd), or NULL. */
static char *
csp_directive(const char *csp, const char *name)
{
	const char *p = csp;
	size_t nl = strlen(name);

	while (*p) {
		size_t n = strcspn(p, ";");
		const char *d = p;

		while (d < p + n && (*d == ' ' || *d == '\t'))
			d++;
		if ((size_t)(p + n - d) >= nl && !strncasecmp(d, name, nl) &&
		    (d + nl == p + n || d[nl] == ' '))
			return strndup(d + nl, (size_t)(p + n - d - nl));
		p += n;
		if (*p == ';')
			p++;
	}
	return NULL;
}

START_TEST(healthz)
{
	struct osx_http_resp r;
	cJSON *j;

	start();
	ck_assert_int_eq(osx_http(S.port, "GET", "/healthz", NULL, NULL, &r), 200);
	/* docs/PROTOCOL.md: 200 {"ok": true}. */
	j = osx_http_json(&r);
	ck_assert_msg(osx_ok(j), "healthz body: %s", r.body);
	cJSON_Delete(j);
	osx_http_free(&r);
	stop_clean();
}
END_TEST

/* docs/PROTOCOL.md: every response carries the security headers; API
 * responses also Cache-Control: no-store. */
static void
assert_security_headers(const struct osx_http_resp *r, const char *what)
{
	const char *v = osx_http_header(r, "Content-Security-Policy");
	char *fa;

	ck_assert_msg(v != NULL, "%s: no Content-Security-Policy", what);
	fa = csp_directive(v, "frame-ancestors");
	ck_assert_msg(fa && strstr(fa, "'none'"), "%s: CSP without frame-ancestors 'none': %s",
		      what, v);
	free(fa);
	v = osx_http_header(r, "X-Content-Type-Options");
	ck_assert_msg(v && !strcasecmp(v, "nosniff"), "%s: X-Content-Type-Options %s", what,
		      v ? v : "(absent)");
	v = osx_http_header(r, "X-Frame-Options");
	ck_assert_msg(v && !strcasecmp(v, "DENY"), "%s: X-Frame-Options %s", what,
		      v ? v : "(absent)");
	v = osx_http_header(r, "Referrer-Policy");
	ck_assert_msg(v && !strcasecmp(v, "no-referrer"), "%s: Referrer-Policy %s", what,
		      v ? v : "(absent)");
	ck_assert_msg(osx_http_header(r, "Cross-Origin-Opener-Policy") != NULL,
		      "%s: no Cross-Origin-Opener-Policy", what);
	ck_assert_msg(osx_http_header(r, "Permissions-Policy") != NULL,
		      "%s: no Permissions-Policy", what);
}

START_TEST(security_headers_everywhere)
{
	static const struct {
		const char *method, *path, *body;
		int status, api;
	} reqs[] = {
		{"GET", "/", NULL, 200, 0},
		{"GET", "/round/3", NULL, 200, 0},
		{"GET", "/healthz", NULL, 200, 0},
		{"GET", "/no-such-file.js", NULL, 404, 0},
		{"POST", "/api/login", "{\"username\":\"x\",\"password\":\"yyyyyyyy\"}", 401, 1},
		{"POST", "/api/login", "{", 400, 1},
		{"GET", "/api/no-such-endpoint", NULL, 404, 1},
	};

	start();
	for (size_t i = 0; i < sizeof reqs / sizeof *reqs; i++) {
		struct osx_http_resp r;
		char what[128];
		int st = osx_http(S.port, reqs[i].method, reqs[i].path, NULL, reqs[i].body, &r);

		snprintf(what, sizeof what, "%s %s", reqs[i].method, reqs[i].path);
		ck_assert_msg(st == reqs[i].status, "%s: HTTP %d (want %d)", what, st,
			      reqs[i].status);
		assert_security_headers(&r, what);
		if (reqs[i].api) {
			const char *cc = osx_http_header(&r, "Cache-Control");

			ck_assert_msg(cc && strstr(cc, "no-store"), "%s: Cache-Control %s", what,
				      cc ? cc : "(absent)");
		}
		osx_http_free(&r);
	}
	stop_clean();
}
END_TEST

/* docs/PROTOCOL.md: 405 for a method an endpoint does not take, 404 for an
 * unknown /api/ path, 413 for a body over 64 KiB; all with JSON errors. */
START_TEST(http_api_errors)
{
	struct osx_http_resp r;
	cJSON *j;
	char *big;
	int st;

	start();
	st = osx_http(S.port, "GET", "/api/login", NULL, NULL, &r);
	j = osx_http_json(&r);
	ck_assert_msg(st == 405, "GET /api/login: HTTP %d (want 405)", st);
	ck_assert_str_eq(osx_errcode(j) ? osx_errcode(j) : "(none)", "bad_request");
	cJSON_Delete(j);
	osx_http_free(&r);

	st = osx_http(S.port, "POST", "/api/no-such-endpoint", NULL, "{}", &r);
	j = osx_http_json(&r);
	ck_assert_msg(st == 404, "POST /api/no-such-endpoint: HTTP %d (want 404)", st);
	ck_assert_str_eq(osx_errcode(j) ? osx_errcode(j) : "(none)", "not_found");
	cJSON_Delete(j);
	osx_http_free(&r);

	big = malloc(70001);
	memset(big, ' ', 70000);
	memcpy(big, "{\"username\":\"a\",\"password\":\"bbbbbbbb\"}",
	       strlen("{\"username\":\"a\",\"password\":\"bbbbbbbb\"}"));
	big[70000] = '\0';
	st = osx_http(S.port, "POST", "/api/login", NULL, big, &r);
	j = osx_http_json(&r);
	ck_assert_msg(st == 413, "POST /api/login with 70000 bytes: HTTP %d (want 413)", st);
	ck_assert_str_eq(osx_errcode(j) ? osx_errcode(j) : "(none)", "too_large");
	cJSON_Delete(j);
	osx_http_free(&r);
	free(big);

	/* The server is still fine. */
	ck_assert_int_eq(osx_http(S.port, "GET", "/healthz", NULL, NULL, &r), 200);
	osx_http_free(&r);
	stop_clean();
}
END_TEST

START_TEST(index_security_headers)
{
	struct osx_http_resp r;
	const char *csp, *v;
	char *scripts;
	int st;

	start();
	st = osx_http(S.port, "GET", "/", NULL, NULL, &r);
	ck_assert_msg(st == 200, "GET /: HTTP %d (want 200)", st);
	ck_assert_msg(r.body_len > 0, "GET / gave an empty body");

	csp = osx_http_header(&r, "Content-Security-Policy");
	ck_assert_msg(csp != NULL, "no Content-Security-Policy on /");
	scripts = csp_directive(csp, "script-src");
	if (!scripts)
		scripts = csp_directive(csp, "default-src");
	ck_assert_msg(scripts != NULL, "CSP restricts no scripts: %s", csp);
	ck_assert_msg(!strstr(scripts, "'unsafe-inline'"),
		      "CSP script-src allows 'unsafe-inline': %s", csp);
	free(scripts);

	v = osx_http_header(&r, "X-Content-Type-Options");
	ck_assert_msg(v && !strcasecmp(v, "nosniff"), "X-Content-Type-Options: %s",
		      v ? v : "(absent)");
	v = osx_http_header(&r, "X-Frame-Options");
	ck_assert_msg(v && !strcasecmp(v, "DENY"), "X-Frame-Options: %s", v ? v : "(absent)");
	v = osx_http_header(&r, "Referrer-Policy");
	ck_assert_msg(v && *v, "no Referrer-Policy on /");
	osx_http_free(&r);
	stop_clean();
}
END_TEST

/*
 * Nothing outside web/ is served. A path without an extension may get the
 * application shell (the client routes by path), which is no leak: the
 * answer must then be exactly what GET / gives. Paths naming real files
 * next to web/ (the source tree, the database) must not be served at all.
 */
START_TEST(path_traversal)
{
	static const char *shell_ok[] = {
		"/../etc/passwd",
		"/../../../../../../etc/passwd",
		"/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/static/../../../../../../etc/passwd",
		"/./../../../../../../etc/passwd",
		"//etc/passwd",
		"/..\\..\\..\\..\\etc\\passwd",
		"/%252e%252e/%252e%252e/etc/passwd",
	};
	/* Relative to OPENSTRAT_WEB (the source web/): real files with a known
	 * first line. */
	static const struct {
		const char *path;
		const char *marker;
	} files[] = {
		{"/../CMakeLists.txt", "cmake_minimum_required"},
		{"/%2e%2e/CMakeLists.txt", "cmake_minimum_required"},
		{"/..%2fCMakeLists.txt", "cmake_minimum_required"},
		{"/..%5cCMakeLists.txt", "cmake_minimum_required"},
		{"/../schema/001_init.sql", "CREATE"},
		{"/../tests/integration/test_foundation.c", "Foundation integration"},
		{"/.%2e/.%2e/CMakeLists.txt", "cmake_minimum_required"},
		{"/index.html/../../CMakeLists.txt", "cmake_minimum_required"},
	};
	struct osx_http_resp shell;
	char req[1024];
	int st;

	start();
	st = osx_http(S.port, "GET", "/", NULL, NULL, &shell);
	ck_assert_msg(st == 200, "GET /: HTTP %d", st);
	for (size_t i = 0; i < sizeof shell_ok / sizeof *shell_ok; i++) {
		struct osx_http_resp r;

		/* Raw, so that no client normalizes the path. */
		snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n",
			 shell_ok[i], S.port);
		st = osx_http_raw(S.port, req, strlen(req), &r);
		ck_assert_msg(st == 400 || st == 403 || st == 404 ||
			      (st == 200 && r.body_len == shell.body_len &&
			       !memcmp(r.body, shell.body, r.body_len)),
			      "GET %s: HTTP %d, %zu bytes (want 400, 403, 404 or the app "
			      "shell)", shell_ok[i], st, r.body_len);
		ck_assert_msg(!r.body || !strstr(r.body, "root:"),
			      "GET %s leaked /etc/passwd", shell_ok[i]);
		osx_http_free(&r);
	}
	for (size_t i = 0; i < sizeof files / sizeof *files + 1; i++) {
		struct osx_http_resp r;
		char dbpath[512];
		const char *path = dbpath, *marker = "SQLite format 3";

		if (i < sizeof files / sizeof *files) {
			path = files[i].path;
			marker = files[i].marker;
		} else {
			/* The database, by absolute path from the root. */
			snprintf(dbpath, sizeof dbpath, "/../../../../../../../..%s", S.db);
		}
		snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n",
			 path, S.port);
		st = osx_http_raw(S.port, req, strlen(req), &r);
		ck_assert_msg(st == 400 || st == 403 || st == 404,
			      "GET %s: HTTP %d (want 400, 403 or 404)", path, st);
		ck_assert_msg(!r.body || !memmem(r.body, r.body_len, marker, strlen(marker)),
			      "GET %s leaked the file", path);
		osx_http_free(&r);
	}
	osx_http_free(&shell);
	stop_clean();
}
END_TEST

/* ------------------------------------------------------------------ */
/* Login                                                               */
/* ------------------------------------------------------------------ */

static int
is_base64url(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '='))
			return 0;
	return 1;
}

/* 1 when the ;-separated cookie attributes include attr (case-insensitive,
 * whole attribute). */
static int
cookie_has(const char *cookie, const char *attr)
{
	const char *p = strchr(cookie, ';');

	while (p && *p) {
		size_t n;

		p++;
		while (*p == ' ')
			p++;
		n = strcspn(p, ";");
		while (n && p[n - 1] == ' ')
			n--;
		if (n == strlen(attr) && !strncasecmp(p, attr, n))
			return 1;
		p = strchr(p, ';');
	}
	return 0;
}

START_TEST(login_ok_shape_and_cookie)
{
	struct osx_http_resp r;
	cJSON *j = NULL;
	const cJSON *id;
	const char *tok, *cookie;
	char want[OSX_TOKEN_MAX + 16];
	int st;

	start();
	add_user("alice", "employee", "Alice Example", "Acme Ops");
	st = login_json("alice", "alice-password-1", &j, &r);
	ck_assert_msg(st == 200, "login: HTTP %d (want 200)", st);
	ck_assert_msg(j != NULL, "login body is not JSON: %s", r.body);

	id = osx_jget(j, "user.id");
	ck_assert_msg(cJSON_IsNumber(id) && id->valuedouble >= 1 &&
		      id->valuedouble == (double)(long long)id->valuedouble,
		      "user.id is not a positive integer: %s", osx_jtext(j));
	ck_assert_str_eq(osx_jstr(j, "user.username"), "alice");
	ck_assert_str_eq(osx_jstr(j, "user.display_name"), "Alice Example");
	ck_assert_str_eq(osx_jstr(j, "user.role"), "employee");
	ck_assert_str_eq(osx_jstr(j, "user.org"), "Acme Ops");
	ck_assert_msg(!osx_jget(j, "user.password") && !osx_jget(j, "user.password_hash"),
		      "the login reply carries a password field: %s", osx_jtext(j));

	tok = osx_jstr(j, "token");
	ck_assert_msg(tok != NULL, "no token: %s", osx_jtext(j));
	/* 32 random bytes in base64url: 43 characters (44 padded). */
	ck_assert_msg((strlen(tok) == 43 || strlen(tok) == 44) && is_base64url(tok),
		      "token \"%s\" is not 32 bytes of base64url", tok);

	cookie = osx_http_header(&r, "Set-Cookie");
	ck_assert_msg(cookie != NULL, "no Set-Cookie on login");
	snprintf(want, sizeof want, "os_session=%s", tok);
	ck_assert_msg(!strncmp(cookie, want, strlen(want)) &&
		      (cookie[strlen(want)] == ';' || cookie[strlen(want)] == '\0'),
		      "Set-Cookie \"%s\" does not set os_session to the token", cookie);
	ck_assert_msg(cookie_has(cookie, "HttpOnly"), "cookie without HttpOnly: %s", cookie);
	ck_assert_msg(cookie_has(cookie, "SameSite=Strict"),
		      "cookie without SameSite=Strict: %s", cookie);
	ck_assert_msg(cookie_has(cookie, "Path=/"), "cookie without Path=/: %s", cookie);
	ck_assert_msg(!cookie_has(cookie, "Secure"), "Secure cookie on plain http: %s", cookie);

	/* Each login is a new session. */
	{
		cJSON *j2 = NULL;

		ck_assert_int_eq(login_json("alice", "alice-password-1", &j2, NULL), 200);
		ck_assert_msg(osx_jstr(j2, "token") && strcmp(osx_jstr(j2, "token"), tok),
			      "two logins gave the same token");
		cJSON_Delete(j2);
	}
	cJSON_Delete(j);
	osx_http_free(&r);
	stop_clean();
}
END_TEST

START_TEST(login_bad_credentials)
{
	struct osx_http_resp r1, r2;
	cJSON *wrong = NULL, *unknown = NULL;
	int st;

	start();
	add_user("alice", "employee", NULL, NULL);

	st = login_json("alice", "not-her-password", &wrong, &r1);
	ck_assert_msg(st == 401, "wrong password: HTTP %d (want 401)", st);
	st = login_json("nobody", "not-her-password", &unknown, &r2);
	ck_assert_msg(st == 401, "unknown user: HTTP %d (want 401)", st);

	ck_assert_str_eq(osx_errcode(wrong) ? osx_errcode(wrong) : "(none)", "bad_credentials");
	ck_assert_str_eq(osx_errcode(unknown) ? osx_errcode(unknown) : "(none)",
			 "bad_credentials");
	ck_assert_msg(osx_jstr(wrong, "error.message") != NULL, "no error.message");
	/* The same answer: nothing tells whether the user exists. */
	{
		char *a = cJSON_PrintUnformatted(wrong), *b = cJSON_PrintUnformatted(unknown);

		ck_assert_msg(!strcmp(a, b), "wrong password: %s; unknown user: %s", a, b);
		free(a);
		free(b);
	}
	ck_assert_msg(!osx_http_header(&r1, "Set-Cookie"), "Set-Cookie on a failed login");
	ck_assert_msg(!osx_jget(wrong, "token"), "token on a failed login");
	cJSON_Delete(wrong);
	cJSON_Delete(unknown);
	osx_http_free(&r1);
	osx_http_free(&r2);
	stop_clean();
}
END_TEST

START_TEST(login_malformed)
{
	static const char *bodies[] = {
		"{not json",
		"",
		"[]",
		"\"alice\"",
		"{\"username\": \"alice\"}",
		"{\"password\": \"alice-password-1\"}",
		"{\"username\": 5, \"password\": \"alice-password-1\"}",
		"{\"username\": \"alice\", \"password\": null}",
	};

	start();
	add_user("alice", "employee", NULL, NULL);
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		cJSON *j = NULL;
		int st = login_raw(bodies[i], &j, NULL);

		ck_assert_msg(st == 400, "login body '%s': HTTP %d (want 400)", bodies[i], st);
		ck_assert_msg(osx_errcode(j) && !strcmp(osx_errcode(j), "bad_request"),
			      "login body '%s': %s (want bad_request)", bodies[i],
			      osx_jtext(j));
		cJSON_Delete(j);
	}
	/* None of that hurt the account. */
	login_ok("alice", NULL, 0);
	stop_clean();
}
END_TEST

START_TEST(login_rate_limited)
{
	int st = 0, i, got401 = 0;
	cJSON *j = NULL;

	start();
	add_user("victim", "employee", NULL, NULL);
	for (i = 0; i < 20; i++) {
		cJSON_Delete(j);
		j = NULL;
		st = login_json("victim", "guess-number-x", &j, NULL);
		if (st == 429)
			break;
		ck_assert_msg(st == 401, "failure %d: HTTP %d (want 401 or 429)", i + 1, st);
		got401++;
	}
	ck_assert_msg(st == 429, "20 failed logins for one user were never throttled");
	ck_assert_msg(got401 >= 1, "throttled before any failure");
	ck_assert_str_eq(osx_errcode(j) ? osx_errcode(j) : "(none)", "rate_limited");
	cJSON_Delete(j);
	/* docs/PROTOCOL.md: a 429 carries Retry-After (seconds). */
	{
		struct osx_http_resp r;
		const char *ra;

		st = login_json("victim", "guess-number-x", NULL, &r);
		ck_assert_int_eq(st, 429);
		ra = osx_http_header(&r, "Retry-After");
		ck_assert_msg(ra && atoi(ra) >= 1 && strspn(ra, "0123456789") == strlen(ra),
			      "Retry-After: %s", ra ? ra : "(absent)");
		osx_http_free(&r);
	}

	/* Another account is not locked out by the attack on this one. */
	add_user("bystander", "employee", NULL, NULL);
	login_ok("bystander", NULL, 0);
	stop_clean();
}
END_TEST

/* ------------------------------------------------------------------ */
/* WebSocket upgrade                                                   */
/* ------------------------------------------------------------------ */

START_TEST(ws_without_session_is_401)
{
	struct osx_ws_opts o = {0};
	int st;

	start();
	add_user("alice", "employee", NULL, NULL);
	st = upgrade_status(&o);
	ck_assert_msg(st == 401, "upgrade without a session: HTTP %d (want 401)", st);

	o.token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	st = upgrade_status(&o);
	ck_assert_msg(st == 401, "upgrade with a made-up token: HTTP %d (want 401)", st);

	o.token = NULL;
	o.cookie = "os_session=garbage";
	st = upgrade_status(&o);
	ck_assert_msg(st == 401, "upgrade with a made-up cookie: HTTP %d (want 401)", st);
	stop_clean();
}
END_TEST

START_TEST(ws_bearer_hello)
{
	char tok[OSX_TOKEN_MAX];
	cJSON *login = NULL, *r;
	struct osx_ws *ws;
	const char *ver;

	start();
	add_user("alice", "manager", "Alice Example", "Acme Ops");
	ck_assert_int_eq(login_json("alice", "alice-password-1", &login, NULL), 200);
	snprintf(tok, sizeof tok, "%s", osx_jstr(login, "token"));

	ws = open_ws(tok);
	ck_assert_str_eq(osx_ws_protocol(ws), "openstrat.v1");
	r = osx_ws_call(ws, 0, "{\"op\":\"hello\"}");
	ck_assert_msg(r != NULL, "no reply to hello");
	ck_assert_msg(osx_ok(r), "hello: %s", osx_jtext(r));
	ck_assert_msg(cJSON_Compare(osx_jget(r, "user"), osx_jget(login, "user"), 1),
		      "hello user %s differs from the login user", osx_jtext(osx_jget(r, "user")));
	ck_assert_int_eq(osx_jint(r, "user.id", -1), osx_jint(login, "user.id", -2));
	ck_assert_str_eq(osx_jstr(r, "user.username"), "alice");
	ck_assert_str_eq(osx_jstr(r, "user.role"), "manager");
	ver = osx_jstr(r, "server.version");
	ck_assert_msg(ver && *ver, "no server.version: %s", osx_jtext(r));
	/* docs/PROTOCOL.md adds server.protocol. */
	ck_assert_str_eq(osx_jstr(r, "server.protocol") ? osx_jstr(r, "server.protocol") : "",
			 "openstrat.v1");
	cJSON_Delete(r);
	cJSON_Delete(login);
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

START_TEST(ws_cookie_session)
{
	char tok[OSX_TOKEN_MAX], cookie[OSX_TOKEN_MAX + 64];
	struct osx_ws_opts o = {0};
	struct osx_ws *ws;
	cJSON *r;
	int st;

	start();
	add_user("alice", "employee", NULL, NULL);
	login_ok("alice", tok, sizeof tok);

	snprintf(cookie, sizeof cookie, "os_session=%s", tok);
	o.cookie = cookie;
	ws = osx_ws_connect(S.port, &o, &st);
	ck_assert_msg(ws != NULL, "upgrade with the session cookie: HTTP %d", st);
	r = osx_ws_call(ws, 0, "{\"op\":\"hello\"}");
	ck_assert_msg(osx_ok(r), "hello: %s", osx_jtext(r));
	ck_assert_str_eq(osx_jstr(r, "user.username"), "alice");
	cJSON_Delete(r);
	osx_ws_close(ws);

	/* Among other cookies, as a browser sends it. */
	snprintf(cookie, sizeof cookie, "theme=dark; os_session=%s; lang=en", tok);
	st = upgrade_status(&o);
	ck_assert_msg(st == 101, "session cookie among others: HTTP %d (want 101)", st);
	stop_clean();
}
END_TEST

START_TEST(ws_origin_check)
{
	char tok[OSX_TOKEN_MAX], other[64];
	struct osx_ws_opts o = {0};
	int st;

	start();
	add_user("alice", "employee", NULL, NULL);
	login_ok("alice", tok, sizeof tok);
	o.token = tok;

	o.origin = "https://evil.example";
	st = upgrade_status(&o);
	ck_assert_msg(st == 403, "Origin https://evil.example: HTTP %d (want 403)", st);

	snprintf(other, sizeof other, "http://127.0.0.1:%d", S.port == 1 ? 2 : S.port - 1);
	o.origin = other;
	st = upgrade_status(&o);
	ck_assert_msg(st == 403, "Origin %s (another port): HTTP %d (want 403)", other, st);

	o.origin = "null";
	st = upgrade_status(&o);
	ck_assert_msg(st == 403, "Origin null: HTTP %d (want 403)", st);

	o.origin = S.origin;
	st = upgrade_status(&o);
	ck_assert_msg(st == 101, "Origin %s (our own): HTTP %d (want 101)", S.origin, st);

	/* A cross-site page with a stolen cookie is refused too. */
	{
		char cookie[OSX_TOKEN_MAX + 16];
		struct osx_ws_opts c = {0};

		snprintf(cookie, sizeof cookie, "os_session=%s", tok);
		c.cookie = cookie;
		c.origin = "https://evil.example";
		st = upgrade_status(&c);
		ck_assert_msg(st == 403, "cookie + evil Origin: HTTP %d (want 403)", st);
	}
	stop_clean();
}
END_TEST

/* docs/PROTOCOL.md: upgrades on other paths get 404, upgrades that do not
 * offer openstrat.v1 get 400, and refusals carry JSON errors. */
static void
assert_refusal(const struct osx_ws_opts *base, int want, const char *code,
	       const char *what)
{
	struct osx_ws_opts o = *base;
	struct osx_http_resp r;
	struct osx_ws *ws;
	cJSON *j;
	int st = -1;

	o.refusal = &r;
	ws = osx_ws_connect(S.port, &o, &st);
	osx_ws_close(ws);
	ck_assert_msg(st == want, "%s: HTTP %d (want %d)", what, st, want);
	j = osx_http_json(&r);
	ck_assert_msg(osx_errcode(j) && !strcmp(osx_errcode(j), code),
		      "%s: body %s (want error %s)", what, r.body ? r.body : "(none)", code);
	cJSON_Delete(j);
	osx_http_free(&r);
}

START_TEST(ws_upgrade_refusals)
{
	char tok[OSX_TOKEN_MAX];
	struct osx_ws_opts o = {0};
	struct osx_ws *ws;
	int st;

	start();
	add_user("alice", "employee", NULL, NULL);
	login_ok("alice", tok, sizeof tok);

	assert_refusal(&o, 401, "unauthorized", "no session");
	o.token = tok;
	o.origin = "https://evil.example";
	assert_refusal(&o, 403, "forbidden", "evil Origin");
	o.origin = NULL;

	o.path = "/websocket";
	assert_refusal(&o, 404, "not_found", "path /websocket");
	o.path = "/ws/";
	assert_refusal(&o, 404, "not_found", "path /ws/");
	o.path = NULL;

	o.protocols = "";
	assert_refusal(&o, 400, "bad_request", "no subprotocol");
	o.protocols = "chat";
	assert_refusal(&o, 400, "bad_request", "subprotocol chat");
	o.protocols = "openstrat.v10";
	assert_refusal(&o, 400, "bad_request", "subprotocol openstrat.v10");
	o.protocols = "xopenstrat.v1";
	assert_refusal(&o, 400, "bad_request", "subprotocol xopenstrat.v1");

	/* openstrat.v1 among others is chosen. */
	o.protocols = "chat, openstrat.v1";
	ws = osx_ws_connect(S.port, &o, &st);
	ck_assert_msg(ws != NULL, "subprotocols \"chat, openstrat.v1\": HTTP %d", st);
	ck_assert_str_eq(osx_ws_protocol(ws), "openstrat.v1");
	assert_hello_works(ws);
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

/* ------------------------------------------------------------------ */
/* Envelope                                                            */
/* ------------------------------------------------------------------ */

START_TEST(envelope_malformed_json)
{
	struct osx_ws *ws = start_with_ws();
	static const char *bad[] = {"{not json", "{\"op\":\"hello\",", "", "nul"};
	cJSON *r;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_int_eq(osx_ws_send_text(ws, bad[i]), 0);
		r = osx_ws_recv(ws, 0);
		ck_assert_msg(r != NULL, "no reply to malformed JSON '%s' (closed: %d)", bad[i],
			      osx_ws_closed(ws));
		assert_error_reply(r, 0.0 / 0.0, "bad_request");
		cJSON_Delete(r);
		ck_assert_msg(!osx_ws_closed(ws), "malformed JSON closed the connection");
	}
	assert_hello_works(ws);
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

START_TEST(envelope_unknown_op)
{
	struct osx_ws *ws = start_with_ws();
	cJSON *r;

	ck_assert_int_eq(osx_ws_send_text(ws, "{\"op\":\"nope\",\"rid\":5}"), 0);
	r = osx_ws_wait_reply(ws, 5, 0);
	assert_error_reply(r, 5, "unknown_op");
	cJSON_Delete(r);
	assert_hello_works(ws);
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

START_TEST(envelope_bad_requests)
{
	struct osx_ws *ws = start_with_ws();
	static const struct {
		const char *text;
		double rid;
	} cases[] = {
		{"{\"rid\":6}", 6},                 /* no op */
		{"{\"op\":5,\"rid\":7}", 7},        /* op not a string */
		{"{\"op\":null,\"rid\":8}", 8},
		{"{\"op\":\"hello\",\"rid\":\"9\"}", 0.0 / 0.0}, /* rid not a number */
		{"[{\"op\":\"hello\",\"rid\":10}]", 0.0 / 0.0},  /* clients send objects */
		{"42", 0.0 / 0.0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		cJSON *r;

		ck_assert_int_eq(osx_ws_send_text(ws, cases[i].text), 0);
		r = osx_ws_recv(ws, 0);
		ck_assert_msg(r != NULL, "no reply to %s (closed: %d)", cases[i].text,
			      osx_ws_closed(ws));
		assert_error_reply(r, cases[i].rid, "bad_request");
		cJSON_Delete(r);
	}
	ck_assert_msg(!osx_ws_closed(ws), "a bad request closed the connection");

	/* docs/PROTOCOL.md: a rid that is not a number is echoed as sent. */
	{
		cJSON *r;

		ck_assert_int_eq(osx_ws_send_text(ws, "{\"op\":\"hello\",\"rid\":\"abc\"}"), 0);
		r = osx_ws_recv(ws, 0);
		assert_error_reply(r, 0.0 / 0.0, "bad_request");
		ck_assert_msg(osx_jstr(r, "rid") && !strcmp(osx_jstr(r, "rid"), "abc"),
			      "rid \"abc\" was not echoed: %s", osx_jtext(r));
		cJSON_Delete(r);
	}
	assert_hello_works(ws);
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

START_TEST(envelope_rid_echo)
{
	struct osx_ws *ws = start_with_ws();
	static const char *rids[] = {"123456789", "0", "-42", "4294967296", "1"};

	for (size_t i = 0; i < sizeof rids / sizeof *rids; i++) {
		char msg[128];
		cJSON *r;
		const cJSON *rid;

		snprintf(msg, sizeof msg, "{\"op\":\"hello\",\"rid\":%s}", rids[i]);
		ck_assert_int_eq(osx_ws_send_text(ws, msg), 0);
		r = osx_ws_recv(ws, 0);
		ck_assert_msg(r != NULL, "no reply to %s", msg);
		rid = osx_jget(r, "rid");
		ck_assert_msg(cJSON_IsNumber(rid) && rid->valuedouble == strtod(rids[i], NULL),
			      "rid %s came back as %s", rids[i], osx_jtext(r));
		ck_assert_msg(osx_ok(r), "hello with rid %s: %s", rids[i], osx_jtext(r));
		cJSON_Delete(r);
	}
	/* Replies come back in order, one per request. */
	for (int i = 0; i < 20; i++) {
		char msg[64];

		snprintf(msg, sizeof msg, "{\"op\":\"hello\",\"rid\":%d}", 1000 + i);
		ck_assert_int_eq(osx_ws_send_text(ws, msg), 0);
	}
	for (int i = 0; i < 20; i++) {
		cJSON *r = osx_ws_recv(ws, 0);

		ck_assert_msg(r != NULL, "reply %d of 20 missing", i);
		ck_assert_int_eq(osx_jint(r, "rid", -1), 1000 + i);
		cJSON_Delete(r);
	}
	ck_assert_msg(osx_ws_no_event(ws, NULL, 200) && osx_ws_queued(ws) == 0,
		      "more than one reply per request");
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

/* ------------------------------------------------------------------ */
/* Frames                                                              */
/* ------------------------------------------------------------------ */

/* {"op":"hello","rid":RID} padded with spaces to exactly len bytes. */
static char *
padded_hello(size_t len, int rid)
{
	char *m = malloc(len + 1);
	int n = snprintf(m, len + 1, "{\"op\":\"hello\",\"rid\":%d}", rid);

	memset(m + n, ' ', len - (size_t)n);
	m[len] = '\0';
	return m;
}

START_TEST(frame_at_limit_ok)
{
	struct osx_ws *ws = start_with_ws();
	char *m = padded_hello(64 * 1024, 77);
	cJSON *r;

	ck_assert_int_eq(osx_ws_send_text(ws, m), 0);
	r = osx_ws_wait_reply(ws, 77, 0);
	ck_assert_msg(r != NULL, "a message of exactly 64 KiB got no reply (close %d)",
		      osx_ws_closed(ws) ? osx_ws_wait_close(ws, 1) : 0);
	ck_assert_msg(osx_ok(r), "hello: %s", osx_jtext(r));
	cJSON_Delete(r);
	free(m);
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

START_TEST(frame_too_large)
{
	struct osx_ws *ws = start_with_ws();
	char *m = padded_hello(64 * 1024 + 1, 78);
	int code;

	osx_ws_send_text(ws, m); /* the server may close before it has read it all */
	code = osx_ws_wait_close(ws, 0);
	ck_assert_msg(code == 1009, "a 64 KiB + 1 message: close code %d (want 1009)", code);
	ck_assert_msg(osx_ws_wait_reply(ws, 78, 1) == NULL, "an oversized message was answered");
	free(m);
	osx_ws_drop(ws);

	/* Much larger, too. */
	{
		char tok[OSX_TOKEN_MAX];
		size_t big = 1u << 20;

		login_ok("alice", tok, sizeof tok);
		ws = open_ws(tok);
		m = padded_hello(big, 79);
		osx_ws_send_text(ws, m);
		code = osx_ws_wait_close(ws, 0);
		ck_assert_msg(code == 1009, "a 1 MiB message: close code %d (want 1009)", code);
		free(m);
		osx_ws_drop(ws);
	}
	stop_clean();
}
END_TEST

START_TEST(frame_fragments_too_large)
{
	struct osx_ws *ws = start_with_ws();
	char *m = padded_hello(80000, 80);
	size_t part = 20000;
	int code;

	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_TEXT, 0, m, part), 0);
	for (size_t off = part; off < 80000; off += part) {
		int fin = off + part >= 80000;

		if (osx_ws_send_frame(ws, OSX_OP_CONT, fin, m + off, part))
			break; /* closed already */
	}
	code = osx_ws_wait_close(ws, 0);
	ck_assert_msg(code == 1009, "80000 bytes in 4 fragments: close code %d (want 1009)",
		      code);
	free(m);
	osx_ws_drop(ws);
	stop_clean();
}
END_TEST

START_TEST(frame_fragmented_ok)
{
	struct osx_ws *ws = start_with_ws();
	const char *a = "{\"op\":\"hel", *b = "lo\",\"ri", *c = "d\":81}";
	/* "é" (C3 A9) split across two fragments is valid UTF-8 as a message. */
	const char *d = "{\"op\":\"hello\",\"rid\":82,\"x\":\"\xc3", *e = "\xa9\"}";
	cJSON *r;

	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_TEXT, 0, a, strlen(a)), 0);
	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_CONT, 0, b, strlen(b)), 0);
	/* A control frame may come between fragments. */
	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_PING, 1, "p", 1), 0);
	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_CONT, 1, c, strlen(c)), 0);
	r = osx_ws_wait_reply(ws, 81, 0);
	ck_assert_msg(r != NULL, "no reply to a fragmented hello (close %d)",
		      osx_ws_closed(ws) ? osx_ws_wait_close(ws, 1) : 0);
	ck_assert_msg(osx_ok(r), "fragmented hello: %s", osx_jtext(r));
	cJSON_Delete(r);

	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_TEXT, 0, d, strlen(d)), 0);
	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_CONT, 1, e, strlen(e)), 0);
	r = osx_ws_wait_reply(ws, 82, 0);
	ck_assert_msg(r != NULL, "a character split across fragments was refused (close %d)",
		      osx_ws_closed(ws) ? osx_ws_wait_close(ws, 1) : 0);
	ck_assert_msg(osx_ok(r), "hello: %s", osx_jtext(r));
	cJSON_Delete(r);

	/* Many small fragments under the cap. */
	{
		char *m = padded_hello(60000, 83);

		for (size_t off = 0; off < 60000; off += 1000)
			ck_assert_int_eq(osx_ws_send_frame(ws, off ? OSX_OP_CONT : OSX_OP_TEXT,
							   off + 1000 >= 60000, m + off, 1000), 0);
		r = osx_ws_wait_reply(ws, 83, 0);
		ck_assert_msg(r != NULL && osx_ok(r), "60000 bytes in 60 fragments: %s",
			      osx_jtext(r));
		cJSON_Delete(r);
		free(m);
	}
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

START_TEST(frame_invalid_utf8)
{
	static const char *bad[] = {
		"{\"op\":\"hello\",\"rid\":1,\"x\":\"\xff\xfe\"}",     /* never valid */
		"{\"op\":\"hello\",\"rid\":1,\"x\":\"\xc0\xaf\"}",     /* overlong '/' */
		"{\"op\":\"hello\",\"rid\":1,\"x\":\"\xed\xa0\x80\"}", /* a surrogate */
		"{\"op\":\"hello\",\"rid\":1,\"x\":\"\xf4\x90\x80\x80\"}", /* > U+10FFFF */
		"{\"op\":\"hello\",\"rid\":1,\"x\":\"\xe2\x82\"}",     /* truncated */
	};
	char tok[OSX_TOKEN_MAX];

	start();
	add_user("alice", "employee", NULL, NULL);
	login_ok("alice", tok, sizeof tok);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct osx_ws *ws = open_ws(tok);
		int code;

		ck_assert_int_eq(osx_ws_send_text(ws, bad[i]), 0);
		code = osx_ws_wait_close(ws, 0);
		ck_assert_msg(code == 1007, "invalid UTF-8 case %zu: close code %d (want 1007)",
			      i, code);
		ck_assert_msg(osx_ws_wait_reply(ws, 1, 1) == NULL,
			      "invalid UTF-8 case %zu was answered", i);
		osx_ws_drop(ws);
	}
	stop_clean();
}
END_TEST

START_TEST(frame_binary)
{
	struct osx_ws *ws = start_with_ws();
	const char *m = "{\"op\":\"hello\",\"rid\":84}";
	int code;

	ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_BINARY, 1, m, strlen(m)), 0);
	code = osx_ws_wait_close(ws, 0);
	ck_assert_msg(code == 1003, "a binary frame: close code %d (want 1003)", code);
	ck_assert_msg(osx_ws_wait_reply(ws, 84, 1) == NULL, "a binary frame was answered");
	osx_ws_drop(ws);
	stop_clean();
}
END_TEST

/* ------------------------------------------------------------------ */
/* Logout                                                              */
/* ------------------------------------------------------------------ */

START_TEST(logout_bearer)
{
	char tok[OSX_TOKEN_MAX], other[OSX_TOKEN_MAX];
	struct osx_ws_opts o = {0};
	int st;

	start();
	add_user("alice", "employee", NULL, NULL);
	login_ok("alice", tok, sizeof tok);
	login_ok("alice", other, sizeof other);
	o.token = tok;
	ck_assert_int_eq(upgrade_status(&o), 101);

	st = osx_logout(S.port, tok);
	ck_assert_msg(st == 204, "logout: HTTP %d (want 204)", st);
	st = upgrade_status(&o);
	ck_assert_msg(st == 401, "upgrade with a logged-out token: HTTP %d (want 401)", st);

	/* Again: harmless. */
	st = osx_logout(S.port, tok);
	ck_assert_msg(st == 204 || st == 401, "second logout: HTTP %d (want 204 or 401)", st);

	/* Only that session ended. */
	o.token = other;
	st = upgrade_status(&o);
	ck_assert_msg(st == 101, "the user's other session after logout: HTTP %d (want 101)",
		      st);
	login_ok("alice", NULL, 0);
	stop_clean();
}
END_TEST

START_TEST(logout_cookie)
{
	char tok[OSX_TOKEN_MAX], hdr[OSX_TOKEN_MAX + 64];
	struct osx_http_resp r;
	struct osx_ws_opts o = {0};
	int st;

	start();
	add_user("alice", "employee", NULL, NULL);
	login_ok("alice", tok, sizeof tok);

	snprintf(hdr, sizeof hdr, "Cookie: os_session=%s\r\n", tok);
	st = osx_http(S.port, "POST", "/api/logout", hdr, "", &r);
	ck_assert_msg(st == 204, "logout with the cookie: HTTP %d (want 204)", st);
	/* docs/PROTOCOL.md: logout also clears the cookie. */
	{
		const char *c = osx_http_header(&r, "Set-Cookie");

		ck_assert_msg(c && !strncmp(c, "os_session=;", 12) && cookie_has(c, "Max-Age=0"),
			      "logout Set-Cookie: %s (want os_session=; ... Max-Age=0)",
			      c ? c : "(absent)");
	}
	osx_http_free(&r);

	o.token = tok;
	st = upgrade_status(&o);
	ck_assert_msg(st == 401, "upgrade after cookie logout: HTTP %d (want 401)", st);

	st = osx_http(S.port, "POST", "/api/logout", hdr, "", &r);
	ck_assert_msg(st == 204 || st == 401, "second logout: HTTP %d (want 204 or 401)", st);
	osx_http_free(&r);

	/* Without any session at all: harmless too. */
	st = osx_http(S.port, "POST", "/api/logout", NULL, "", &r);
	ck_assert_msg(st == 204 || st == 401, "logout without a session: HTTP %d", st);
	osx_http_free(&r);
	stop_clean();
}
END_TEST

/* ------------------------------------------------------------------ */
/* Lifecycle                                                           */
/* ------------------------------------------------------------------ */

START_TEST(sigterm_with_client_connected)
{
	struct osx_ws *ws = start_with_ws();
	int code;

	assert_hello_works(ws);
	stop_clean();
	/* The client learns that the server went (a close frame or EOF). */
	code = osx_ws_wait_close(ws, 2000);
	ck_assert_msg(code != -1, "the client's connection stayed open after the server exited");
	osx_ws_drop(ws);
}
END_TEST

START_TEST(restart_keeps_users_and_sessions)
{
	char tok[OSX_TOKEN_MAX];
	struct osx_ws *ws;
	cJSON *r;

	start();
	add_user("alice", "employee", NULL, NULL);
	login_ok("alice", tok, sizeof tok);

	/* A crash loses no account and no session. */
	osx_server_kill(&S);
	ck_assert_int_eq(osx_server_restart(&S), 0);
	ws = open_ws(tok);
	r = osx_ws_call(ws, 0, "{\"op\":\"hello\"}");
	ck_assert_msg(osx_ok(r), "hello after a restart: %s", osx_jtext(r));
	ck_assert_str_eq(osx_jstr(r, "user.username"), "alice");
	cJSON_Delete(r);
	osx_ws_close(ws);
	login_ok("alice", NULL, 0);
	stop_clean();

	/* And a clean stop + start as well. */
	ck_assert_int_eq(osx_server_restart(&S), 0);
	ws = open_ws(tok);
	assert_hello_works(ws);
	osx_ws_close(ws);
	stop_clean();
}
END_TEST

static Suite *
foundation_suite(void)
{
	Suite *s = suite_create("foundation");
	struct {
		const char *name;
		const TTest *tests[16];
	} cases[] = {
		{"cli", {cli_init_creates_and_is_idempotent, cli_usage_and_runtime_errors,
			 cli_user_add_short_password, cli_user_add_bad_role,
			 cli_user_add_duplicate, cli_user_add_username_rules,
			 cli_user_add_password_on_stdin, cli_serve_refuses_missing_db,
			 cli_help_for_every_command}},
		{"http", {serve_prints_one_line, serve_demo_prints_one_line, serve_demo_in_norwegian,
			  healthz, index_security_headers, security_headers_everywhere,
			  http_api_errors, path_traversal}},
		{"login", {login_ok_shape_and_cookie, login_bad_credentials, login_malformed,
			   login_rate_limited}},
		{"upgrade", {ws_without_session_is_401, ws_bearer_hello, ws_cookie_session,
			     ws_origin_check, ws_upgrade_refusals}},
		{"envelope", {envelope_malformed_json, envelope_unknown_op,
			      envelope_bad_requests, envelope_rid_echo}},
		{"frames", {frame_at_limit_ok, frame_too_large, frame_fragments_too_large,
			    frame_fragmented_ok, frame_invalid_utf8, frame_binary}},
		{"logout", {logout_bearer, logout_cookie}},
		{"lifecycle", {sigterm_with_client_connected, restart_keeps_users_and_sessions}},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 60);
		for (size_t j = 0; j < 16 && cases[i].tests[j]; j++)
			tcase_add_test(tc, cases[i].tests[j]);
		suite_add_tcase(s, tc);
	}
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (!getenv("OPENSTRAT_BIN")) {
		fprintf(stderr, "OPENSTRAT_BIN must name the openstrat binary "
			"(ctest sets it)\n");
		return EXIT_FAILURE;
	}
	sr = srunner_create(foundation_suite());

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
