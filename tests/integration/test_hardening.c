/*
 * The attacks a public forum meets and the faults a server meets, against
 * the real binary: cross-site WebSocket hijacking, sessions (rotation,
 * logout, expiry, disabling), brute force, forged X-Forwarded-For and
 * client addresses behind a trusted proxy, floods, endless fragments, slow
 * headers; SIGKILL under mixed load, a full disk, and an online backup.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_a[OSX_TOKEN_MAX];

static void
start(const char *const *extra)
{
	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_a, sizeof tok_a), 0);
}

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", NULL};

	start(extra);
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

static int
sql_exec(const char *db, const char *sql)
{
	sqlite3 *h;
	int rc;

	if (sqlite3_open(db, &h) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(h, 5000);
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
}

/* The file passes PRAGMA integrity_check and its search index agrees with
 * the posts and comments. `openstrat check` does both: only the program
 * has the search tokenizer, without which no other connection can read
 * the index. */
static int
integrity_ok(const char *db)
{
	struct osx_cli_result r;
	int st = osx_cli(&r, NULL, NULL, "check", "--db", db, (char *)NULL);

	if (st != 0)
		fprintf(stderr, "openstrat check %s: %s%s", db, r.out, r.err);
	osx_cli_free(&r);
	return st == 0;
}

START_TEST(cross_site_websocket_hijacking)
{
	const char *bad[] = {"https://evil.example", "null", "http://127.0.0.1",
			     "https://127.0.0.1:%d", "http://127.0.0.1:%d.evil.example",
			     "http://127.0.0.1:%d@evil.example", "http://127.0.0.1:%d0",
			     "http://evil.example/http://127.0.0.1:%d", "http://localhost:%d"};
	char origin[128];
	struct osx_ws_opts o = {.token = tok_a};
	struct osx_ws *ws;
	int status;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(origin, sizeof origin, bad[i], srv.port);
#pragma GCC diagnostic pop
		o.origin = origin;
		status = 0;
		ws = osx_ws_connect(srv.port, &o, &status);
		ck_assert_msg(ws == NULL && status == 403, "Origin %s: HTTP %d", origin, status);
		/* The cookie a browser would add changes nothing. */
		o.token = NULL;
		{
			char cookie[OSX_TOKEN_MAX + 16];

			snprintf(cookie, sizeof cookie, "os_session=%s", tok_a);
			o.cookie = cookie;
			ws = osx_ws_connect(srv.port, &o, &status);
			ck_assert_msg(ws == NULL && status == 403, "cookie, Origin %s: HTTP %d",
				      origin, status);
		}
		o.cookie = NULL;
		o.token = tok_a;
	}
	snprintf(origin, sizeof origin, "http://127.0.0.1:%d", srv.port);
	o.origin = origin;
	ws = osx_ws_connect(srv.port, &o, &status);
	ck_assert_msg(ws != NULL, "the server's own origin was refused (%d)", status);
	osx_ws_close(ws);
}
END_TEST

START_TEST(sessions)
{
	char t1[OSX_TOKEN_MAX], t2[OSX_TOKEN_MAX];
	struct osx_ws *ws, *other;
	struct osx_cli_result res;
	int status;
	struct osx_ws_opts o = {0};

	/* Every sign-in gets a new token. */
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, t1, sizeof t1), 200);
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, t2, sizeof t2), 200);
	ck_assert_str_ne(t1, t2);
	ck_assert_str_ne(t1, tok_a);
	/* Signing out ends that session, and its open sockets within seconds;
	 * the others live on. */
	ws = osx_ws_open(srv.port, t1);
	other = osx_ws_open(srv.port, t2);
	ck_assert(ws && other);
	ck_assert_int_eq(osx_logout(srv.port, t1), 204);
	o.token = t1;
	ck_assert_ptr_null(osx_ws_connect(srv.port, &o, &status));
	ck_assert_int_eq(status, 401);
	ck_assert_int_eq(osx_ws_wait_close(ws, 9000), 1008);
	osx_ws_close(ws);
	cJSON_Delete(ok(osx_ws_call(other, 0, "{\"op\":\"hello\"}"), "other session"));
	/* Idle expiry and absolute expiry. */
	ck_assert_int_eq(sql_exec(srv.db, "UPDATE sessions SET last_seen = 1 WHERE revoked_at IS NULL "
					  "AND id = (SELECT max(id) FROM sessions)"), 0);
	ck_assert_int_eq(osx_ws_wait_close(other, 9000), 1008);
	osx_ws_close(other);
	o.token = t2;
	ck_assert_ptr_null(osx_ws_connect(srv.port, &o, &status));
	ck_assert_int_eq(status, 401);
	ck_assert_int_eq(sql_exec(srv.db, "UPDATE sessions SET expires_at = 1 WHERE revoked_at IS NULL"),
			 0);
	o.token = tok_mgr;
	ck_assert_ptr_null(osx_ws_connect(srv.port, &o, &status));
	ck_assert_int_eq(status, 401);
	/* Disabling a user from the command line closes their sockets within
	 * seconds and refuses their sign-in. */
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, t1, sizeof t1), 200);
	ws = osx_ws_open(srv.port, t1);
	ck_assert_ptr_nonnull(ws);
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "user", "disable", "--db", srv.db, "--username",
				 "anna", (char *)NULL), 0);
	osx_cli_free(&res);
	ck_assert_int_eq(osx_ws_wait_close(ws, 9000), 1008);
	osx_ws_close(ws);
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, NULL, 0), 401);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "user", "enable", "--db", srv.db, "--username",
				 "anna", (char *)NULL), 0);
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, t1, sizeof t1), 200);
}
END_TEST

START_TEST(admin_disables_at_once)
{
	char admin[OSX_TOKEN_MAX], t[OSX_TOKEN_MAX];
	struct osx_ws *root, *victim;
	long long anna;
	cJSON *r;

	ck_assert_int_eq(osx_user_new(&srv, "root", "admin", admin, sizeof admin), 0);
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, t, sizeof t), 200);
	root = osx_ws_open(srv.port, admin);
	victim = osx_ws_open(srv.port, t);
	ck_assert(root && victim);
	r = ok(osx_ws_call(victim, 0, "{\"op\":\"hello\"}"), "hello");
	anna = osx_jint(r, "user.id", 0);
	cJSON_Delete(r);
	r = osx_ws_call(victim, 0, "{\"op\":\"user.disable\",\"user\":%lld}", anna);
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(root, 0, "{\"op\":\"user.disable\",\"user\":%lld}", anna),
			"disable"));
	ck_assert_int_eq(osx_ws_wait_close(victim, 3000), 1008);
	osx_ws_close(victim);
	osx_ws_close(root);
}
END_TEST

START_TEST(brute_force_and_recovery)
{
	struct osx_http_resp resp;
	int limited = 0;

	for (int i = 0; i < 12; i++) {
		int st = osx_login(srv.port, "anna", "wrong-password", NULL, 0);

		ck_assert(st == 401 || st == 429);
		if (st == 429)
			limited++;
	}
	ck_assert_int_gt(limited, 0);
	/* The back-off says how long; after it the real user gets in. */
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/login", NULL,
				  "{\"username\":\"anna\",\"password\":\"" OSX_PASSWORD "\"}", &resp),
			 429);
	ck_assert_ptr_nonnull(osx_http_header(&resp, "retry-after"));
	{
		int wait = atoi(osx_http_header(&resp, "retry-after"));

		osx_http_free(&resp);
		ck_assert_int_le(wait, 60);
		osx_sleep_ms(wait * 1000 + 200);
	}
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, NULL, 0), 200);
	/* Another user is never held up by anna's attacker. */
	ck_assert_int_eq(osx_login(srv.port, "mgr", OSX_PASSWORD, NULL, 0), 200);
}
END_TEST

START_TEST(flood_is_contained)
{
	struct osx_ws *flood = osx_ws_open(srv.port, tok_a), *calm = osx_ws_open(srv.port, tok_mgr);
	int limited = 0, answered = 0;
	long long t0;
	cJSON *r;

	ck_assert(flood && calm);
	for (int i = 0; i < 1000; i++)
		if (osx_ws_send_text(flood, "{\"op\":\"rounds.list\",\"rid\":1}"))
			break;
	/* Others are answered promptly meanwhile. */
	t0 = osx_now_ms();
	cJSON_Delete(ok(osx_ws_call(calm, 2000, "{\"op\":\"hello\"}"), "calm hello"));
	ck_assert_int_lt(osx_now_ms() - t0, 2000);
	while ((r = osx_ws_recv(flood, 2000))) {
		answered++;
		if (osx_errcode(r) && !strcmp(osx_errcode(r), "rate_limited"))
			limited++;
		cJSON_Delete(r);
	}
	ck_assert_msg(limited > 0 || osx_ws_closed(flood),
		      "1000 requests at once: %d answers, none refused", answered);
	osx_ws_drop(flood);
	osx_ws_close(calm);
}
END_TEST

START_TEST(endless_fragments)
{
	struct osx_ws *ws = osx_ws_open(srv.port, tok_a);
	char chunk[4096];
	int code;

	ck_assert_ptr_nonnull(ws);
	memset(chunk, ' ', sizeof chunk);
	chunk[0] = '{';
	/* Fragments that never end, one byte past the cap in all; then stop
	 * sending, so that the close frame is not lost to a reset. */
	osx_ws_send_frame(ws, OSX_OP_TEXT, 0, chunk, sizeof chunk);
	for (int i = 0; i < 15; i++)
		ck_assert_int_eq(osx_ws_send_frame(ws, OSX_OP_CONT, 0, chunk, sizeof chunk), 0);
	osx_ws_send_frame(ws, OSX_OP_CONT, 0, " ", 1);
	code = osx_ws_wait_close(ws, 5000);
	ck_assert_int_eq(code, 1009);
	osx_ws_drop(ws);
}
END_TEST

START_TEST(slow_headers_are_dropped)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long long t0 = osx_now_ms();
	char buf[64];
	ssize_t n;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_gt(write(fd, "GET / HTTP/1.1\r\nHost: x\r\n", 25), 0);
	/* While one client dribbles, others are served. */
	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, NULL, 0), 200);
	{
		struct timeval tv = {.tv_sec = 20};

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	}
	for (;;) {
		if (write(fd, "X-A: b\r\n", 8) < 0)
			break;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
	}
	ck_assert_msg(osx_now_ms() - t0 < 16000, "the slow client lasted %lld ms",
		      osx_now_ms() - t0);
	close(fd);
}
END_TEST

struct load {
	int port;
	const char *token;
	long long post, round;
	long long ids[4000];
	int kinds[4000];
	int n;
};

static void *
mixed_load(void *arg)
{
	struct load *l = arg;
	struct osx_ws *ws = osx_ws_open(l->port, l->token);

	while (ws && l->n < 4000) {
		cJSON *r;
		int kind = l->n % 3;

		if (kind == 0)
			r = osx_ws_call(ws, 3000, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"c%d\"}",
					l->post, l->n);
		else if (kind == 1)
			r = osx_ws_call(ws, 3000, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"m%d\"}",
					l->round, l->n);
		else
			r = osx_ws_call(ws, 3000, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
						  "\"title\":\"t%d\",\"body\":\"b\"}", l->round, l->n);
		if (!r || !osx_ok(r)) {
			cJSON_Delete(r);
			break;
		}
		l->kinds[l->n] = kind;
		l->ids[l->n++] = osx_jint(r, kind == 0 ? "comment.id" : kind == 1 ? "chat.id" : "post.id", 0);
		cJSON_Delete(r);
	}
	osx_ws_drop(ws);
	return NULL;
}

static int
row_exists(const char *db, int kind, long long id)
{
	static const char *const q[] = {"SELECT 1 FROM comments WHERE id = ?",
					"SELECT 1 FROM chat_messages WHERE id = ?",
					"SELECT 1 FROM posts WHERE id = ?"};
	sqlite3 *h;
	sqlite3_stmt *s;
	int yes = 0;

	if (sqlite3_open(db, &h) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(h, q[kind], -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, id);
		yes = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	sqlite3_close(h);
	return yes;
}

START_TEST(sigkill_twenty_times)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr);
	long long round, post;
	cJSON *r;

	ck_assert_ptr_nonnull(m);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Crash\",\"audience\":\"internal\","
				 "\"vote_mode\":\"updown\"}"), "round");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}",
				    round), "open"));
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				 "\"title\":\"Target\",\"body\":\"x\"}", round), "post");
	post = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	osx_ws_close(m);
	for (int iter = 0; iter < 20; iter++) {
		struct load *l = calloc(3, sizeof *l);
		const char *toks[3] = {tok_a, tok_mgr, tok_a};
		pthread_t th[3];
		int acked = 0;

		for (int i = 0; i < 3; i++) {
			l[i].port = srv.port;
			l[i].token = toks[i];
			l[i].post = post;
			l[i].round = round;
			pthread_create(&th[i], NULL, mixed_load, &l[i]);
		}
		/* A different moment every time. */
		osx_sleep_ms(150 + (iter * 37) % 400);
		osx_server_kill(&srv);
		for (int i = 0; i < 3; i++)
			pthread_join(th[i], NULL);
		ck_assert_msg(integrity_ok(srv.db), "integrity check failed after kill %d", iter);
		for (int i = 0; i < 3; i++)
			for (int k = 0; k < l[i].n; k++) {
				ck_assert_msg(row_exists(srv.db, l[i].kinds[k], l[i].ids[k]),
					      "kill %d: acknowledged write %d/%lld lost", iter,
					      l[i].kinds[k], l[i].ids[k]);
				acked++;
			}
		free(l);
		ck_assert_int_eq(osx_server_restart(&srv), 0);
		(void)acked;
	}
}
END_TEST

START_TEST(disk_full_then_recovered)
{
	char dir[] = "/tmp/openstrat-full-XXXXXX", cmd[300];
	static const char *const extra[] = {"--rate-limit", "0", NULL};
	struct osx_ws *m;
	long long round = 0, post = 0;
	int failures = 0;
	cJSON *r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") != 0) {
		/* Honest about what was not tested: say it and fail loudly in CI
		 * rather than pass. */
		ck_abort_msg("cannot mount a small tmpfs here (need root): the disk-full test did "
			     "not run");
	}
	/* The server's database on the small disk. */
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	ck_assert_int_eq(osx_server_init(&srv), 0);
	snprintf(srv.db, sizeof srv.db, "%s/os.db", dir);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "init", "--db", srv.db, (char *)NULL), 0);
	ck_assert_int_eq(osx_server_serve(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	m = osx_ws_open(srv.port, tok_mgr);
	ck_assert_ptr_nonnull(m);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Full\",\"audience\":\"internal\","
				 "\"vote_mode\":\"updown\"}"), "round");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}",
				    round), "open"));
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				 "\"title\":\"Before\",\"body\":\"x\"}", round), "post");
	post = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	/* Fill the disk: writes start failing with internal, and nothing
	 * else. */
	{
		char *body = malloc(4100);

		memset(body, 'x', 4000);
		body[4000] = '\0';
		for (int i = 0; i < 600 && failures < 3; i++) {
			r = osx_ws_call(m, 5000, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"%s\"}",
					post, body);
			ck_assert_ptr_nonnull(r);
			if (!osx_ok(r)) {
				ck_assert_str_eq(osx_errcode(r), "internal");
				failures++;
			}
			cJSON_Delete(r);
		}
		free(body);
	}
	ck_assert_int_ge(failures, 1);
	/* Reads still work. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.get\",\"post\":%lld}", post), "read when full");
	cJSON_Delete(r);
	/* Room again: writes work again. */
	snprintf(cmd, sizeof cmd, "size=64m");
	ck_assert_int_eq(mount("tmpfs", dir, "tmpfs", MS_REMOUNT, cmd), 0);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"after\"}",
				    post), "write after recovery"));
	osx_ws_close(m);
	ck_assert_int_eq(osx_server_stop(&srv), 0);
	ck_assert(integrity_ok(srv.db));
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	/* A fresh server for the teardown to stop. */
	osx_server_cleanup(&srv);
	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
}
END_TEST

static volatile int writing;

static void *
keep_writing(void *arg)
{
	struct load *l = arg;
	struct osx_ws *ws = osx_ws_open(l->port, l->token);

	while (ws && writing && l->n < 4000) {
		cJSON *r = osx_ws_call(ws, 3000, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"b%d\"}",
				       l->round, l->n);

		if (!r || !osx_ok(r)) {
			cJSON_Delete(r);
			break;
		}
		l->n++;
		cJSON_Delete(r);
	}
	osx_ws_close(ws);
	return NULL;
}

START_TEST(online_backup_during_writes)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr);
	struct load *l = calloc(1, sizeof *l);
	char out[400];
	pthread_t th;
	cJSON *r;

	ck_assert(m && l);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Backup\",\"audience\":\"internal\","
				 "\"vote_mode\":\"updown\"}"), "round");
	l->round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	osx_ws_close(m);
	l->port = srv.port;
	l->token = tok_mgr;
	writing = 1;
	pthread_create(&th, NULL, keep_writing, l);
	osx_sleep_ms(300);
	snprintf(out, sizeof out, "%s/backup.db", srv.dir);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "backup", "--db", srv.db, "--out", out,
				 (char *)NULL), 0);
	osx_sleep_ms(200);
	writing = 0;
	pthread_join(th, NULL);
	ck_assert_int_gt(l->n, 10);
	ck_assert(integrity_ok(out));
	/* The copy is a database the program opens. */
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "init", "--db", out, (char *)NULL), 0);
	/* A second backup to the same file is refused, not overwritten. */
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "backup", "--db", srv.db, "--out", out,
				 (char *)NULL), 1);
	free(l);
}
END_TEST


/* ---- client addresses behind a proxy (serve --trusted-proxy) ---- */

/* POST /api/login with headers (complete lines, or NULL). Returns the
 * status; *retry gets Retry-After in seconds (0 when absent). */
static int
login_with(const char *headers, const char *user, const char *password, int *retry)
{
	struct osx_http_resp resp;
	char body[256];
	int st;

	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user,
		 password);
	st = osx_http(srv.port, "POST", "/api/login", headers, body, &resp);
	*retry = 0;
	if (st >= 0 && osx_http_header(&resp, "retry-after"))
		*retry = atoi(osx_http_header(&resp, "retry-after"));
	osx_http_free(&resp);
	return st;
}

/* The same with an X-Forwarded-For line (xff NULL: none). */
static int
login_xff(const char *xff, const char *user, const char *password, int *retry)
{
	char h[300];

	if (!xff)
		return login_with(NULL, user, password, retry);
	snprintf(h, sizeof h, "X-Forwarded-For: %s\r\n", xff);
	return login_with(h, user, password, retry);
}

/* Until when the lockout that lock_out() last saw surely lasts (Retry-After
 * is rounded up, so a second less). */
static long long lock_surely_until_ms;

/*
 * Fails user's sign-in, the i-th attempt carrying xffs[i % n] (n 0: no
 * header), sitting out each back-off, until the server refuses with at
 * least min_wait seconds to wait: then user is locked out, from wherever the
 * server thinks these attempts came from, for more than min_wait - 1
 * seconds. Returns the attempts it took, or -1 when 16 were never refused
 * that long (the failures were not counted together).
 */
static int
lock_out(const char *user, const char *const *xffs, size_t n, int min_wait)
{
	for (int i = 0; i < 16; i++) {
		int retry, st = login_xff(n ? xffs[i % n] : NULL, user, "wrong-password", &retry);

		ck_assert_msg(st == 401 || st == 429, "attempt %d: HTTP %d", i, st);
		if (st == 429 && retry >= min_wait) {
			lock_surely_until_ms = osx_now_ms() + (retry - 1) * 1000LL;
			return i + 1;
		}
		if (st == 429)
			osx_sleep_ms(retry * 1000 + 150);
	}
	return -1;
}

START_TEST(forwarded_for_ignored_without_trusted_proxy)
{
	const char *xffs[16];
	char buf[16][32];
	int retry;

	/* A client that names a new address in every attempt. */
	for (int i = 0; i < 16; i++) {
		snprintf(buf[i], sizeof buf[i], "198.51.100.%d", i + 1);
		xffs[i] = buf[i];
	}
	ck_assert_msg(lock_out("anna", xffs, 16, 2) > 0,
		      "X-Forwarded-For from an untrusted peer split the throttle");
	/* Yet another address in the header changes nothing: still locked. */
	ck_assert_int_eq(login_xff("203.0.113.50", "anna", OSX_PASSWORD, &retry), 429);
	ck_assert_int_eq(login_xff("203.0.113.51, 203.0.113.52", "anna", OSX_PASSWORD, &retry),
			 429);
	ck_assert_int_gt(retry, 0);
}
END_TEST

START_TEST(trusted_proxy_option)
{
	static const char *const bad[] = {"10.0.0.0/8", "localhost", "127.0.0.1:8080",
					  "[::1]", "", "127.0.0.1,", "fe80::1%lo", "1.2.3"};
	struct osx_cli_result res;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(osx_cli(&res, NULL, NULL, "serve", "--db", srv.db, "--port", "0",
					 "--trusted-proxy", "127.0.0.1", "--trusted-proxy", bad[i],
					 (char *)NULL),
				 2);
		ck_assert_msg(strstr(res.err, "--trusted-proxy"), "'%s': %s", bad[i], res.err);
		osx_cli_free(&res);
	}
}
END_TEST

START_TEST(trusted_proxy_list_and_repeat)
{
	static const char *const extra[] = {"--rate-limit", "0", "--trusted-proxy",
					    "192.0.2.1, 127.0.0.1", "--trusted-proxy=::1", NULL};
	int retry;

	/* 127.0.0.1 in the middle of the list is trusted: the client behind
	 * it is not held up by a lockout of the proxy's own address. */
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	start(extra);
	ck_assert_int_gt(lock_out("anna", NULL, 0, 4), 0);
	ck_assert_int_eq(login_xff("198.51.100.2", "anna", OSX_PASSWORD, &retry), 200);
	ck_assert_int_eq(login_xff(NULL, "anna", OSX_PASSWORD, &retry), 429);
}
END_TEST

START_TEST(trusted_proxy_separates_clients)
{
	static const char *const locked[] = {"198.51.100.1"};
	int retry;

	ck_assert_int_gt(lock_out("anna", locked, 1, 4), 0);
	/* The refusals first, while the back-off surely lasts: the address
	 * that failed, whatever the client put left of the proxy's entry, and
	 * in its IPv6 form. */
	ck_assert_int_eq(login_xff("198.51.100.1", "anna", OSX_PASSWORD, &retry), 429);
	ck_assert_int_eq(login_xff("198.51.100.2, 198.51.100.1", "anna", OSX_PASSWORD, &retry),
			 429);
	ck_assert_int_eq(login_xff("::ffff:198.51.100.1", "anna", OSX_PASSWORD, &retry), 429);
	ck_assert_int_eq(login_with("X-Forwarded-For: 198.51.100.2\r\n"
				    "X-Forwarded-For: 198.51.100.1\r\n",
				    "anna", OSX_PASSWORD, &retry),
			 429);
	/* Another client, the same user: signs in. Only the rightmost entry
	 * counts, so a client cannot borrow a locked address either. */
	ck_assert_int_eq(login_xff("198.51.100.2", "anna", OSX_PASSWORD, &retry), 200);
	ck_assert_int_eq(login_xff("198.51.100.1, 198.51.100.3", "anna", OSX_PASSWORD, &retry),
			 200);
	ck_assert_int_eq(login_xff("2001:db8::7", "anna", OSX_PASSWORD, &retry), 200);
	/* The proxy's own address was never locked. */
	ck_assert_int_eq(login_xff(NULL, "anna", OSX_PASSWORD, &retry), 200);
	/* And the lockout was in force all along, the sign-ins of the other
	 * clients did not lift it: asked only while the back-off surely
	 * lasts, since on a loaded machine the hashing above can outlast it. */
	if (osx_now_ms() < lock_surely_until_ms)
		ck_assert_int_eq(login_xff("198.51.100.1", "anna", OSX_PASSWORD, &retry), 429);
	else
		fprintf(stderr, "trusted_proxy_separates_clients: the back-off ended before the "
				"last check; it was not asked\n");
}
END_TEST

START_TEST(trusted_proxy_garbage_falls_back_to_peer)
{
	static const char *const garbage[] = {
		"not-an-address", "198.51.100.7:8080", "[2001:db8::1]", "198.51.100.300",
		"unknown",        "2001:db8::1%eth0",  "1.2.3",        "198.51.100.1 198.51.100.2",
		"198.51.100.1,",  "0x7f.1",            "::ffff:1.2.3.4.5"};
	int retry;

	/* Eleven different forms of garbage are counted as one address: the
	 * proxy's. */
	ck_assert_msg(lock_out("mgr", garbage, sizeof garbage / sizeof garbage[0], 4) > 0,
		      "garbage in X-Forwarded-For was taken as an address");
	ck_assert_int_eq(login_xff(NULL, "mgr", OSX_PASSWORD, &retry), 429);
	ck_assert_int_eq(login_xff("still garbage", "mgr", OSX_PASSWORD, &retry), 429);
	/* A real client address behind the proxy is not the proxy's. */
	ck_assert_int_eq(login_xff("198.51.100.9", "mgr", OSX_PASSWORD, &retry), 200);
	ck_assert_int_eq(login_xff("198.51.100.10", "mgr", "wrong-password", &retry), 401);
	ck_assert_int_eq(login_xff(NULL, "mgr", OSX_PASSWORD, &retry), 429);
}
END_TEST

static void
setup_proxy(void)
{
	static const char *const extra[] = {"--rate-limit", "0", "--trusted-proxy", "127.0.0.1",
					    NULL};

	start(extra);
}

int
main(void)
{
	Suite *s = suite_create("hardening");
	TCase *tc = tcase_create("hardening"), *proxy;
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, cross_site_websocket_hijacking);
	tcase_add_test(tc, sessions);
	tcase_add_test(tc, admin_disables_at_once);
	tcase_add_test(tc, brute_force_and_recovery);
	tcase_add_test(tc, flood_is_contained);
	tcase_add_test(tc, endless_fragments);
	tcase_add_test(tc, slow_headers_are_dropped);
	tcase_add_test(tc, sigkill_twenty_times);
	tcase_add_test(tc, disk_full_then_recovered);
	tcase_add_test(tc, online_backup_during_writes);
	tcase_add_test(tc, forwarded_for_ignored_without_trusted_proxy);
	tcase_add_test(tc, trusted_proxy_option);
	tcase_add_test(tc, trusted_proxy_list_and_repeat);
	suite_add_tcase(s, tc);
	proxy = tcase_create("trusted_proxy");
	tcase_add_checked_fixture(proxy, setup_proxy, teardown);
	tcase_set_timeout(proxy, 240);
	tcase_add_test(proxy, trusted_proxy_separates_clients);
	tcase_add_test(proxy, trusted_proxy_garbage_falls_back_to_peer);
	suite_add_tcase(s, proxy);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
