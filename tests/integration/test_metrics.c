/*
 * GET /metrics against the real binary: the counters move by exactly what
 * a client did (sign-ins, a WebSocket session with a few requests and
 * errors, its close), the text passes Prometheus's own checker (promtool
 * check metrics, lint included), and serve --metrics-allow takes only
 * exact addresses. Who may read the metrics is decided by the TCP peer:
 * the server listens on 127.0.0.1 as always, and a client socket bound to
 * one of the machine's other addresses reaches it as a non-loopback peer
 * (skipped, with a note, on a machine that has none). The decision itself,
 * for every form of address, is tested in tests/unit/test_metrics_allow.c.
 */
#include <arpa/inet.h>
#include <check.h>
#include <ifaddrs.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX];

static void
setup(void)
{
	ck_assert_int_eq(osx_server_start(&srv, NULL), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_int_eq(st, 0);
}

/* Runs promtool check metrics on text; fails the test on any error or
 * lint warning (promtool prints them and exits non-zero). */
static void
promtool_check(const char *text)
{
	char path[] = "/tmp/openstrat-metrics-XXXXXX", cmd[128], out[4096];
	size_t n = 0, got;
	FILE *f, *p;
	int fd = mkstemp(path), st;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof cmd, "promtool check metrics < %s 2>&1", path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (n < sizeof out - 1 && (got = fread(out + n, 1, sizeof out - 1 - n, p)) > 0)
		n += got;
	out[n] = '\0';
	st = pclose(p);
	unlink(path);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 127,
		      "promtool is missing (contrib/setup.sh --test installs it)");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && n == 0,
		      "promtool check metrics (exit %d):\n%s", WEXITSTATUS(st), out);
}

/* GET /metrics from loopback: 200, the exposition format's type, text that
 * promtool accepts. Returns the text (caller frees). */
static char *
scrape(void)
{
	struct osx_http_resp r;
	const char *ct;
	char *text;

	ck_assert_int_eq(osx_http(srv.port, "GET", "/metrics", NULL, NULL, &r), 200);
	ct = osx_http_header(&r, "content-type");
	ck_assert_msg(ct && !strcmp(ct, "text/plain; version=0.0.4; charset=utf-8"),
		      "content-type: %s", ct ? ct : "(none)");
	text = strdup(r.body);
	ck_assert_ptr_nonnull(text);
	osx_http_free(&r);
	promtool_check(text);
	return text;
}

/* The value of the series key (name with its labels, exactly as
 * rendered), or NAN when the text has no such line. */
static double
value(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');

		if (!strncmp(line, key, n) && line[n] == ' ')
			return strtod(line + n + 1, NULL);
		if (!eol)
			break;
		line = eol + 1;
	}
	return NAN;
}

/* How much key moved from before to after; both must have it. */
static double
delta(const char *before, const char *after, const char *key)
{
	double a = value(before, key), b = value(after, key);

	ck_assert_msg(!isnan(a) && !isnan(b), "no series %s", key);
	return b - a;
}

#define ASSERT_DELTA(before, after, key, want)                                          \
	do {                                                                             \
		double d_ = delta(before, after, key);                                   \
		ck_assert_msg(d_ == (want), "%s moved by %g, expected %g", key, d_,     \
			      (double)(want));                                           \
	} while (0)

/* The series of a request counter. */
static const char *
req(const char *op, const char *outcome)
{
	static char buf[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "openstrat_ws_requests_total{op=\"%s\",outcome=\"%s\"}",
		 op, outcome);
	return buf[i];
}

/* An IPv4 address of this machine that is not loopback, in out; 0, or -1
 * when there is none. */
static int
other_local_address(char *out, size_t outsz)
{
	struct ifaddrs *ifs, *i;
	int rc = -1;

	if (getifaddrs(&ifs))
		return -1;
	for (i = ifs; i && rc; i = i->ifa_next) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;

		if (!a || a->sin_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK) ||
		    !(i->ifa_flags & IFF_UP) || (ntohl(a->sin_addr.s_addr) >> 24) == 127)
			continue;
		if (inet_ntop(AF_INET, &a->sin_addr, out, (socklen_t)outsz))
			rc = 0;
	}
	freeifaddrs(ifs);
	return rc;
}

/*
 * One HTTP request to 127.0.0.1:port from a socket bound to the source
 * address src, so that the server's peer is src. headers: complete lines
 * or "". Returns the status, with the body (after the blank line) in
 * body; -1 on failure.
 */
static int
request_from(const char *src, const char *method, const char *path, const char *headers,
	     char *body, size_t bodysz)
{
	struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};
	struct timeval tv = {.tv_sec = 10};
	char req[512], resp[65536];
	size_t n = 0;
	ssize_t got;
	const char *sep;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, src, &from.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	to.sin_port = htons((uint16_t)srv.port);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	snprintf(req, sizeof req,
		 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s%s\r\n%s",
		 method, path, srv.port, headers,
		 strcmp(method, "POST") ? "" : "Content-Length: 2\r\n",
		 strcmp(method, "POST") ? "" : "{}");
	if (bind(fd, (struct sockaddr *)&from, sizeof from) ||
	    connect(fd, (struct sockaddr *)&to, sizeof to) ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	while (n < sizeof resp - 1 && (got = read(fd, resp + n, sizeof resp - 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	resp[n] = '\0';
	sep = strstr(resp, "\r\n\r\n");
	if (sscanf(resp, "HTTP/1.1 %d", &status) != 1 || !sep)
		return -1;
	snprintf(body, bodysz, "%s", sep + 4);
	return status;
}

/* A peer that is not loopback and not allowed finds no /metrics, in the
 * very words of an unknown path, whatever it claims in X-Forwarded-For
 * (even as a trusted proxy); named by --metrics-allow it reads them. */
START_TEST(other_peers_get_not_found)
{
	static const char *const not_found =
		"{\"error\":{\"code\":\"not_found\",\"message\":\"no such endpoint\"}}";
	char addr[INET_ADDRSTRLEN], body[65536], unknown[4096];
	const char *extra[5];

	if (other_local_address(addr, sizeof addr)) {
		fprintf(stderr, "test_metrics: no address but loopback here; "
				"other_peers_get_not_found not run\n");
		return;
	}
	extra[0] = "--trusted-proxy";
	extra[1] = addr;
	extra[2] = NULL;
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	ck_assert_int_eq(osx_server_start(&srv, extra), 0);

	ck_assert_int_eq(request_from(addr, "GET", "/api/nope", "", unknown, sizeof unknown), 404);
	ck_assert_str_eq(unknown, not_found);
	ck_assert_int_eq(request_from(addr, "GET", "/metrics", "", body, sizeof body), 404);
	ck_assert_str_eq(body, unknown);
	ck_assert_int_eq(request_from(addr, "GET", "/metrics", "X-Forwarded-For: 127.0.0.1\r\n",
				      body, sizeof body),
			 404);
	ck_assert_str_eq(body, unknown);
	ck_assert_int_eq(request_from(addr, "POST", "/metrics", "", body, sizeof body), 404);
	ck_assert_str_eq(body, unknown);
	free(scrape()); /* loopback reads them meanwhile */

	extra[0] = "--metrics-allow";
	extra[1] = addr;
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(request_from(addr, "GET", "/metrics", "", body, sizeof body), 200);
	ck_assert_ptr_nonnull(strstr(body, "\nopenstrat_ws_connections 0\n"));
	promtool_check(body);
}
END_TEST

START_TEST(counters_move_by_what_was_done)
{
	static const char *const signin_outcomes[] = {"throttled", "busy", "bad_request",
						      "error"};
	char *before, *mid, *after, *closed = NULL;
	struct osx_ws *ws;
	int status = 0;
	cJSON *r;

	before = scrape();

	/* Sign-ins: one right, one wrong. */
	ck_assert_int_eq(osx_login(srv.port, "mgr", OSX_PASSWORD, NULL, 0), 200);
	ck_assert_int_eq(osx_login(srv.port, "mgr", "wrong-password", NULL, 0), 401);

	/* A WebSocket session: six requests, three of them errors. */
	ws = osx_ws_open(srv.port, tok_mgr);
	ck_assert_ptr_nonnull(ws);
	r = osx_ws_call(ws, 0, "{\"op\":\"hello\"}");
	ck_assert(osx_ok(r));
	cJSON_Delete(r);
	r = osx_ws_call(ws, 0,
			"{\"op\":\"round.create\",\"title\":\"Q3\",\"audience\":\"internal\","
			"\"vote_mode\":\"updown\"}");
	ck_assert_msg(osx_ok(r), "%s", osx_jtext(r));
	cJSON_Delete(r);
	/* Whoever may see a new round hears of it, its creator included. */
	r = osx_ws_wait_event(ws, "round.updated", 3000);
	ck_assert_ptr_nonnull(r);
	cJSON_Delete(r);
	r = osx_ws_call(ws, 0, "{\"op\":\"round.create\",\"title\":7}");
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(ws, 0, "{\"op\":\"no.such.op\"}");
	ck_assert_str_eq(osx_errcode(r), "unknown_op");
	cJSON_Delete(r);
	r = osx_ws_call(ws, 0, "{\"op\":\"post.get\",\"post\":424242}");
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	r = osx_ws_call(ws, 0, "{\"op\":\"hello\"}");
	ck_assert(osx_ok(r));
	cJSON_Delete(r);
	/* Nothing but the six replies and that event came. */
	ck_assert_int_eq(osx_ws_pump(ws, 100), 0);

	/* An upgrade without a valid session. */
	ck_assert_ptr_null(osx_ws_connect(srv.port,
					  &(struct osx_ws_opts){.token = "not-a-session"},
					  &status));
	ck_assert_int_eq(status, 401);

	mid = scrape();
	ck_assert_double_eq(value(mid, "openstrat_ws_connections"), 1);
	ASSERT_DELTA(before, mid, "openstrat_ws_connections_accepted_total", 1);
	ASSERT_DELTA(before, mid, "openstrat_ws_upgrades_refused_total", 1);
	ASSERT_DELTA(before, mid, "openstrat_ws_messages_in_total", 6);
	ASSERT_DELTA(before, mid, "openstrat_ws_messages_out_total", 7);
	ck_assert_double_ge(delta(before, mid, "openstrat_ws_frames_sent_total"), 1);
	ck_assert_double_ge(delta(before, mid, "openstrat_ws_sent_bytes_total"), 6 * 20);
	ck_assert_double_eq(value(mid, "openstrat_ws_queue_messages"), 0);
	ck_assert_double_eq(value(mid, "openstrat_ws_queue_bytes"), 0);

	ASSERT_DELTA(before, mid, req("hello", "ok"), 2);
	ASSERT_DELTA(before, mid, req("round.create", "ok"), 1);
	ck_assert_double_eq(value(mid, req("round.create", "bad_request")), 1);
	ck_assert_double_eq(value(mid, req("unknown", "unknown_op")), 1);
	ck_assert_double_eq(value(mid, req("post.get", "not_found")), 1);
	ASSERT_DELTA(before, mid, req("post.get", "ok"), 0);
	/* Outcomes that did not happen are not listed. */
	ck_assert(isnan(value(mid, req("hello", "internal"))));
	ASSERT_DELTA(before, mid, "openstrat_ws_reply_latency_seconds_count", 6);
	ASSERT_DELTA(before, mid, "openstrat_ws_reply_latency_seconds_bucket{le=\"+Inf\"}", 6);
	ck_assert_double_gt(delta(before, mid, "openstrat_ws_reply_latency_seconds_sum"), 0);

	/* Groups: the sign-in's session, the round, and the refused
	 * round.create (its operation opened a group and was rolled back:
	 * an empty group is committed too). Only the two from the WebSocket
	 * went through the sync thread. */
	ASSERT_DELTA(before, mid, "openstrat_store_group_commits_total", 3);
	ASSERT_DELTA(before, mid, "openstrat_store_group_writes_count", 3);
	ASSERT_DELTA(before, mid, "openstrat_store_group_writes_sum", 2);
	ASSERT_DELTA(before, mid, "openstrat_store_group_writes_bucket{le=\"1\"}", 3);
	ASSERT_DELTA(before, mid, "openstrat_store_group_commit_failures_total", 0);
	ASSERT_DELTA(before, mid, "openstrat_store_fsync_seconds_count", 2);
	ASSERT_DELTA(before, mid, "openstrat_store_fsync_failures_total", 0);

	ASSERT_DELTA(before, mid, "openstrat_signins_total{outcome=\"ok\"}", 1);
	ASSERT_DELTA(before, mid, "openstrat_signins_total{outcome=\"bad_credentials\"}", 1);
	for (size_t i = 0; i < sizeof signin_outcomes / sizeof *signin_outcomes; i++) {
		char key[96];

		snprintf(key, sizeof key, "openstrat_signins_total{outcome=\"%s\"}",
			 signin_outcomes[i]);
		ASSERT_DELTA(before, mid, key, 0);
	}
	ASSERT_DELTA(before, mid, "openstrat_http_requests_total{route=\"login\",status=\"2xx\"}", 1);
	ck_assert_double_eq(
		value(mid, "openstrat_http_requests_total{route=\"login\",status=\"4xx\"}"), 1);
	ASSERT_DELTA(before, mid, "openstrat_http_requests_total{route=\"metrics\",status=\"2xx\"}",
		     1);
	ck_assert_double_eq(value(mid, "openstrat_password_jobs"), 0);

	/* The files and the process. */
	ck_assert_double_gt(value(mid, "openstrat_database_bytes{file=\"main\"}"), 4096);
	ck_assert_double_gt(value(mid, "openstrat_database_bytes{file=\"wal\"}"), 0);
	ck_assert_double_gt(value(mid, "process_resident_memory_bytes"), 1 << 20);
	ck_assert_double_gt(value(mid, "process_open_fds"), 3);
	ck_assert_double_ge(value(mid, "process_cpu_seconds_total"), 0);
	ck_assert_double_le(fabs(value(mid, "process_start_time_seconds") - (double)time(NULL)),
			    600);
	ck_assert_double_eq(value(mid, "openstrat_build_info{version=\"0.1.0\"}"), 1);

	/* The connection goes: the gauge follows (the server sees the close
	 * shortly after the client). */
	osx_ws_close(ws);
	for (int i = 0; i < 100; i++) {
		free(closed);
		closed = scrape();
		if (value(closed, "openstrat_ws_connections") == 0)
			break;
		osx_sleep_ms(50);
	}
	ck_assert_double_eq(value(closed, "openstrat_ws_connections"), 0);
	after = closed;
	ASSERT_DELTA(mid, after, "openstrat_ws_connections_accepted_total", 0);
	ASSERT_DELTA(mid, after, "openstrat_ws_messages_in_total", 0);
	free(before);
	free(mid);
	free(after);
}
END_TEST

/* The peer decides, not X-Forwarded-For, even from a trusted proxy; and
 * /metrics takes GET only. */
START_TEST(forwarded_for_is_not_the_peer)
{
	static const char *const extra[] = {"--trusted-proxy", "127.0.0.1", NULL};
	struct osx_http_resp r;
	cJSON *j;

	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_http(srv.port, "GET", "/metrics",
				  "X-Forwarded-For: 198.51.100.7\r\n", NULL, &r),
			 200);
	osx_http_free(&r);
	ck_assert_int_eq(osx_http(srv.port, "POST", "/metrics", NULL, "{}", &r), 405);
	j = osx_http_json(&r);
	ck_assert_str_eq(osx_errcode(j), "bad_request");
	cJSON_Delete(j);
	osx_http_free(&r);
}
END_TEST

START_TEST(metrics_allow_option)
{
	static const char *const bad[] = {"10.0.0.0/8", "localhost", "127.0.0.1:9100",
					  "[::1]", "", "192.0.2.1,", "fe80::1%lo", "1.2.3"};
	static const char *const good[] = {"--metrics-allow", "192.0.2.10, 2001:db8::10",
					   "--metrics-allow=198.51.100.3", NULL};
	struct osx_cli_result res;
	char *text;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(osx_cli(&res, NULL, NULL, "serve", "--db", srv.db, "--port", "0",
					 "--metrics-allow", "192.0.2.1", "--metrics-allow", bad[i],
					 (char *)NULL),
				 2);
		ck_assert_msg(strstr(res.err, "--metrics-allow") &&
				      strstr(res.err, "not an IPv4 or IPv6 address"),
			      "'%s': %s", bad[i], res.err);
		ck_assert_msg(!strstr(res.out, "listening"), "'%s': it served", bad[i]);
		osx_cli_free(&res);
	}
	/* Good values: it serves, and loopback still reads the metrics. */
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	ck_assert_int_eq(osx_server_start(&srv, good), 0);
	text = scrape();
	ck_assert(!isnan(value(text, "openstrat_ws_connections")));
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, counters_move_by_what_was_done);
	tcase_add_test(tc, forwarded_for_is_not_the_peer);
	tcase_add_test(tc, metrics_allow_option);
	tcase_add_test(tc, other_peers_get_not_found);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
