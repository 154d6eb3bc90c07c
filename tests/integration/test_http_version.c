/*
 * Every answer to an HTTP/1.1 request is an HTTP/1.1 response, refused
 * WebSocket upgrades included: stock WebSocket clients reject an HTTP/1.0
 * status line to their HTTP/1.1 upgrade and then cannot tell the user
 * why they were refused. Raw sockets, so that what is checked is the very
 * status line on the wire, the headers, the JSON error body and the
 * closed connection after a refusal.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "osclient.h"

static struct osx_server srv;
static char tok[OSX_TOKEN_MAX];

static void
setup(void)
{
	ck_assert_int_eq(osx_server_start(&srv, NULL), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok, sizeof tok), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_int_eq(st, 0);
}

/* One response as it came over the wire. */
struct raw_resp {
	char head[8192];      /* status line and headers, NUL-terminated */
	char body[4096];      /* NUL-terminated */
	size_t body_len;
};

static int
dial(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

/* Reads what arrives within the deadline: the byte count, 0 at the end of
 * the connection (a reset counts as one), -2 on timeout. */
static ssize_t
read_some(int fd, char *buf, size_t len, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	long long left = deadline - osx_now_ms();
	ssize_t n;

	if (left <= 0 || poll(&p, 1, (int)left) <= 0)
		return -2;
	n = recv(fd, buf, len, 0);
	if (n < 0 && errno == ECONNRESET)
		return 0;
	ck_assert_msg(n >= 0, "recv: %s", strerror(errno));
	return n;
}

/* The value of header name in head (case-insensitive), copied to out; NULL
 * when absent. */
static const char *
header(const char *head, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);

	for (const char *l = strstr(head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
		const char *v = l + 2, *eol = strstr(v, "\r\n");

		if (!eol || strncasecmp(v, name, nl) || v[nl] != ':')
			continue;
		v += nl + 1;
		while (*v == ' ')
			v++;
		snprintf(out, outsz, "%.*s", (int)(eol - v), v);
		return out;
	}
	return NULL;
}

/* Sends req and reads one whole response (head, then Content-Length bytes
 * of body); the connection is left as the server left it. */
static void
exchange(int fd, const char *req, struct raw_resp *r, const char *what)
{
	long long deadline = osx_now_ms() + OSX_TIMEOUT_MS;
	char buf[sizeof r->head + sizeof r->body], v[32];
	size_t have = 0, head_len, want;
	char *end;
	ssize_t n;

	memset(r, 0, sizeof *r);
	ck_assert_msg(send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req),
		      "%s: send failed", what);
	while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
		n = read_some(fd, buf + have, sizeof buf - have - 1, deadline);
		ck_assert_msg(n > 0, "%s: %s after %zu bytes", what,
			      n ? "no complete head in time" : "closed before the head", have);
		have += (size_t)n;
	}
	head_len = (size_t)(end - buf) + 2;
	ck_assert_msg(head_len < sizeof r->head, "%s: head too long", what);
	memcpy(r->head, buf, head_len);
	ck_assert_msg(header(r->head, "content-length", v, sizeof v) != NULL,
		      "%s: no Content-Length in\n%s", what, r->head);
	want = strtoul(v, NULL, 10);
	ck_assert_msg(want < sizeof r->body, "%s: Content-Length %zu", what, want);
	while (have - (head_len + 2) < want) {
		n = read_some(fd, buf + have, sizeof buf - have - 1, deadline);
		ck_assert_msg(n > 0, "%s: body cut short at %zu of %zu bytes", what,
			      have - (head_len + 2), want);
		have += (size_t)n;
	}
	ck_assert_msg(have - (head_len + 2) == want, "%s: %zu bytes after a body of %zu",
		      what, have - (head_len + 2), want);
	memcpy(r->body, buf + head_len + 2, want);
	r->body_len = want;
}

/* 1 when the server ends the connection with nothing more sent, and does
 * so at once: well before its 10 s keep-alive timeout would. */
static int
closed_by_server(int fd)
{
	char c;

	return read_some(fd, &c, 1, osx_now_ms() + 5000) == 0;
}

static void
assert_status_line(const struct raw_resp *r, const char *version, int status,
		   const char *what)
{
	char want[32];

	snprintf(want, sizeof want, "%s %d ", version, status);
	ck_assert_msg(!strncmp(r->head, want, strlen(want)),
		      "%s: status line \"%.*s\" (want \"%s...\")", what,
		      (int)strcspn(r->head, "\r\n"), r->head, want);
}

/* What every response of the server carries (docs/PROTOCOL.md). */
static void
assert_security_headers(const struct raw_resp *r, const char *what)
{
	char v[1024];

	ck_assert_msg(header(r->head, "content-security-policy", v, sizeof v) &&
			      strstr(v, "frame-ancestors 'none'"),
		      "%s: no CSP with frame-ancestors 'none' in\n%s", what, r->head);
	ck_assert_msg(header(r->head, "x-content-type-options", v, sizeof v) &&
			      !strcasecmp(v, "nosniff"),
		      "%s: no X-Content-Type-Options: nosniff in\n%s", what, r->head);
	ck_assert_msg(header(r->head, "x-frame-options", v, sizeof v) && !strcasecmp(v, "DENY"),
		      "%s: no X-Frame-Options: DENY in\n%s", what, r->head);
	ck_assert_msg(header(r->head, "referrer-policy", v, sizeof v) &&
			      !strcasecmp(v, "no-referrer"),
		      "%s: no Referrer-Policy in\n%s", what, r->head);
	ck_assert_msg(header(r->head, "cross-origin-opener-policy", v, sizeof v) &&
			      header(r->head, "permissions-policy", v, sizeof v),
		      "%s: no COOP or Permissions-Policy in\n%s", what, r->head);
}

static void
assert_json_error(const struct raw_resp *r, const char *code, const char *what)
{
	char v[128];
	cJSON *j = cJSON_Parse(r->body);

	ck_assert_msg(header(r->head, "content-type", v, sizeof v) &&
			      !strncmp(v, "application/json", 16),
		      "%s: Content-Type %s", what, header(r->head, "content-type", v, sizeof v));
	ck_assert_msg(j && osx_errcode(j) && !strcmp(osx_errcode(j), code),
		      "%s: body %s (want error %s)", what, r->body, code);
	ck_assert_msg(osx_jstr(j, "error.message") && *osx_jstr(j, "error.message"),
		      "%s: no error message in %s", what, r->body);
	cJSON_Delete(j);
}

/* An upgrade request. protocols NULL: no Sec-WebSocket-Protocol header;
 * origin and token NULL: none. */
static void
upgrade_req(char *out, size_t outsz, const char *version, const char *path,
	    const char *protocols, const char *origin, const char *token)
{
	char proto[128] = "", org[128] = "", auth[OSX_TOKEN_MAX + 40] = "";

	if (protocols)
		snprintf(proto, sizeof proto, "Sec-WebSocket-Protocol: %s\r\n", protocols);
	if (origin)
		snprintf(org, sizeof org, "Origin: %s\r\n", origin);
	if (token)
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
	snprintf(out, outsz,
		 "GET %s %s\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		 "Sec-WebSocket-Version: 13\r\n%s%s%s\r\n",
		 path, version, srv.port, proto, org, auth);
}

/* A refused HTTP/1.1 upgrade: HTTP/1.1 STATUS, the JSON error, the
 * security headers, Connection: close, and then the connection closes. */
static void
assert_refusal(const char *req, int status, const char *code, const char *what)
{
	struct raw_resp r;
	char v[64];
	int fd = dial();

	exchange(fd, req, &r, what);
	assert_status_line(&r, "HTTP/1.1", status, what);
	assert_security_headers(&r, what);
	assert_json_error(&r, code, what);
	ck_assert_msg(header(r.head, "connection", v, sizeof v) && !strcasecmp(v, "close"),
		      "%s: no Connection: close in\n%s", what, r.head);
	ck_assert_msg(closed_by_server(fd), "%s: the connection stayed open", what);
	close(fd);
}

START_TEST(refused_upgrades_are_http11)
{
	char req[2048], revoked[OSX_TOKEN_MAX];

	upgrade_req(req, sizeof req, "HTTP/1.1", "/ws", "openstrat.v1", NULL, NULL);
	assert_refusal(req, 401, "unauthorized", "upgrade without a session");

	upgrade_req(req, sizeof req, "HTTP/1.1", "/ws", "openstrat.v1",
		    "https://evil.example", tok);
	assert_refusal(req, 403, "forbidden", "upgrade from a foreign Origin");

	ck_assert_int_eq(osx_login(srv.port, "anna", OSX_PASSWORD, revoked, sizeof revoked),
			 200);
	ck_assert_int_eq(osx_logout(srv.port, revoked), 204);
	upgrade_req(req, sizeof req, "HTTP/1.1", "/ws", "openstrat.v1", NULL, revoked);
	assert_refusal(req, 401, "unauthorized", "upgrade with a signed-out token");

	upgrade_req(req, sizeof req, "HTTP/1.1", "/websocket", "openstrat.v1", NULL, tok);
	assert_refusal(req, 404, "not_found", "upgrade on /websocket");

	upgrade_req(req, sizeof req, "HTTP/1.1", "/ws", NULL, NULL, tok);
	assert_refusal(req, 400, "bad_request", "upgrade without a subprotocol");

	upgrade_req(req, sizeof req, "HTTP/1.1", "/ws", "chat", NULL, tok);
	assert_refusal(req, 400, "bad_request", "upgrade with subprotocol chat");
}
END_TEST

/* An upgrade refused on a connection kept alive by an earlier request
 * still closes it, as its Connection: close says. */
START_TEST(refusal_after_keep_alive_closes)
{
	struct raw_resp r;
	char req[2048], v[64];
	int fd = dial();

	exchange(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", &r, "keep-alive healthz");
	assert_status_line(&r, "HTTP/1.1", 200, "keep-alive healthz");
	upgrade_req(req, sizeof req, "HTTP/1.1", "/ws", "openstrat.v1", NULL, NULL);
	exchange(fd, req, &r, "upgrade after keep-alive");
	assert_status_line(&r, "HTTP/1.1", 401, "upgrade after keep-alive");
	assert_json_error(&r, "unauthorized", "upgrade after keep-alive");
	ck_assert_msg(header(r.head, "connection", v, sizeof v) && !strcasecmp(v, "close"),
		      "upgrade after keep-alive: no Connection: close in\n%s", r.head);
	ck_assert_msg(closed_by_server(fd), "upgrade after keep-alive: the connection stayed open");
	close(fd);
}
END_TEST

/* An HTTP/1.0 upgrade is refused too, in a version an HTTP/1.0 client reads. */
START_TEST(http10_upgrade_refused)
{
	struct raw_resp r;
	char req[2048];
	int fd = dial();

	upgrade_req(req, sizeof req, "HTTP/1.0", "/ws", "openstrat.v1", NULL, NULL);
	exchange(fd, req, &r, "HTTP/1.0 upgrade");
	assert_status_line(&r, "HTTP/1.0", 401, "HTTP/1.0 upgrade");
	assert_json_error(&r, "unauthorized", "HTTP/1.0 upgrade");
	ck_assert_msg(closed_by_server(fd), "HTTP/1.0 upgrade: the connection stayed open");
	close(fd);
}
END_TEST

/* The other answers: static 404, the API's errors, 405, /healthz. */
START_TEST(other_responses_are_http11)
{
	static const struct {
		const char *req;
		int status;
		const char *code; /* the JSON error, or NULL */
	} cases[] = {
		{"GET /no-such-file.js HTTP/1.1\r\n", 404, "not_found"},
		{"GET /api/no-such-endpoint HTTP/1.1\r\n", 404, "not_found"},
		{"GET /api/login HTTP/1.1\r\n", 405, "bad_request"},
		{"PUT /api/login HTTP/1.1\r\nContent-Length: 0\r\n", 405, "bad_request"},
		{"POST /api/login HTTP/1.1\r\nContent-Length: 1\r\n", 400, "bad_request"},
		{"GET /healthz HTTP/1.1\r\n", 200, NULL},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct raw_resp r;
		char req[512], what[64];
		int fd = dial();

		snprintf(req, sizeof req, "%sHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n%s",
			 cases[i].req, srv.port, strstr(cases[i].req, "Length: 1") ? "{" : "");
		snprintf(what, sizeof what, "%.*s", (int)strcspn(cases[i].req, "\r"),
			 cases[i].req);
		exchange(fd, req, &r, what);
		assert_status_line(&r, "HTTP/1.1", cases[i].status, what);
		assert_security_headers(&r, what);
		if (cases[i].code)
			assert_json_error(&r, cases[i].code, what);
		else
			ck_assert_msg(!strcmp(r.body, "{\"ok\":true}"), "%s: body %s", what, r.body);
		close(fd);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("http_version");
	TCase *tc = tcase_create("http_version");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, refused_upgrades_are_http11);
	tcase_add_test(tc, refusal_after_keep_alive_closes);
	tcase_add_test(tc, http10_upgrade_refused);
	tcase_add_test(tc, other_responses_are_http11);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
