/*
 * HTTP: the API routes (login, logout, health), the static web client with
 * security headers, and the gate in front of the WebSocket upgrade.
 */
#include "transport/internal.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "auth/directory.h"
#include "auth/password.h"
#include "base/err.h"
#include "base/lang.h"
#include "base/log.h"
#include "dispatch/render.h"
#include "export/export.h"
#include "forum/invites.h"
#include "forum/notify.h"
#include "forum/users.h"
#include "store/rounds.h"
#include "transport/cluster.h"
#include "transport/files_http.h"
#include "transport/http_body.h"
#include "transport/metrics_allow.h"
#include "transport/proxy.h"

enum route { R_NONE, R_LOGIN, R_LOGOUT, R_HEALTH, R_STATIC, R_NOT_FOUND,
	     R_METHOD, R_INVITE_INFO, R_INVITE_ACCEPT, R_EXPORT, R_METRICS, R_UNSUBSCRIBE,
	     R_PASSWORD, R_RESET, R_RESET_INFO, R_FILES_UPLOAD, R_FILE, R_COUNT };

_Static_assert(R_COUNT <= METRICS_HTTP_ROUTES, "raise METRICS_HTTP_ROUTES");

const char *
http_route_name(int route)
{
	static const char *const names[R_COUNT] = {
		[R_LOGIN] = "login",          [R_LOGOUT] = "logout",
		[R_HEALTH] = "healthz",       [R_STATIC] = "static",
		[R_NOT_FOUND] = "unknown",    [R_METHOD] = "wrong_method",
		[R_INVITE_INFO] = "invite",   [R_INVITE_ACCEPT] = "invite_accept",
		[R_EXPORT] = "export",        [R_METRICS] = "metrics",
		[R_UNSUBSCRIBE] = "unsubscribe", [R_PASSWORD] = "password",
		[R_RESET] = "password_reset", [R_RESET_INFO] = "password_reset_info",
		[R_FILES_UPLOAD] = "files_upload", [R_FILE] = "file"};

	return route >= 0 && route < R_COUNT ? names[route] : NULL;
}

struct http_pss {
	struct server *srv;
	struct lws *wsi;
	enum route route;
	int is_post;
	char path[512];
	char addr[PROXY_ADDR_LEN]; /* the client's: the peer's, or a trusted proxy's word */
	struct os_buf body;
	int body_too_large;

	/* The response, written in HTTP_WRITEABLE. */
	int responding;
	int status;
	const char *ctype;
	char extra[512];       /* extra header lines, each ending in CRLF */
	char *resp;
	size_t resp_len, resp_off;
	int headers_sent;

	/* A login or an invite acceptance waiting for its password job. */
	struct pw_job *job;
	struct pwpool *job_pool;   /* the pool job is in */
	struct login_attempt login;
	struct invite_claim claim;
	struct reset_claim reset;
	struct password_change change;
	struct user signed_in;     /* the account signed_in_reply() opens */
	char unsub_token[OS_TOKEN_STR_LEN]; /* POST /api/unsubscribe's, "" if malformed */

	/* POST /api/files and GET /files/ID/NAME (files_http.c). */
	struct upload *upload;
	struct fileserve *fileserve;
};

size_t
http_pss_size(void)
{
	return sizeof(struct http_pss);
}

static void
pss_reset(struct http_pss *p)
{
	if (p->job && p->job_pool)
		pwpool_cancel(p->job_pool, p->job);
	upload_free(p->upload);
	fileserve_free(p->fileserve);
	os_buf_free(&p->body);
	free(p->resp);
	invite_claim_clear(&p->claim);
	sodium_memzero(&p->reset, sizeof p->reset);
	memset(p, 0, sizeof *p);
}

/* Queues a response and asks for a writable callback; takes body. */
static void
respond(struct http_pss *p, int status, const char *ctype, char *body, size_t len)
{
	metrics_http(&p->srv->metrics, p->route, status);
	p->responding = 1;
	p->status = status;
	p->ctype = ctype;
	p->resp = body;
	p->resp_len = len;
	p->resp_off = 0;
	p->headers_sent = 0;
	lws_callback_on_writable(p->wsi);
}

static void
respond_json(struct http_pss *p, int status, cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	if (!s) {
		respond(p, 500, "application/json", NULL, 0);
		return;
	}
	respond(p, status, "application/json", s, strlen(s));
}

/* Appends one header line (name: value) to the response. */
static void
add_extra(struct http_pss *p, const char *name, const char *value)
{
	size_t n = strlen(p->extra);

	snprintf(p->extra + n, sizeof p->extra - n, "%s: %s\r\n", name, value);
}

/* Sends an answer decided in http_body.c; takes its body. */
static void
respond_answer(struct http_pss *p, struct http_answer *a)
{
	if (a->retry_after) {
		char v[16];

		snprintf(v, sizeof v, "%d", a->retry_after);
		add_extra(p, "retry-after", v);
	}
	respond(p, a->status, "application/json", a->body, a->len);
	a->body = NULL;
	http_answer_clear(a);
}

static void
respond_error(struct http_pss *p, int err, const char *message)
{
	struct http_answer a = {0};

	http_answer_error(&a, err, message);
	respond_answer(p, &a);
}

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

/*
 * The head of a response up to its last header: the status line, the
 * security headers, the server's name, Content-Type (when ctype is not
 * NULL) and Content-Length. lws_add_http_header_status() would take the
 * version from what lws notes in lws_http_action(), which a WebSocket
 * upgrade never reaches: a refused upgrade would say HTTP/1.0 to an
 * HTTP/1.1 client, and strict clients reject that. So the status line is
 * written here, in the request's own version.
 */
static int
add_head(struct lws *wsi, int status, const char *ctype, size_t len,
	 unsigned char **q, unsigned char *end)
{
	const struct lws_protocol_vhost_options *h;
	char ver[16], line[64];
	int n;

	if (lws_hdr_copy(wsi, ver, sizeof ver, WSI_TOKEN_HTTP) <= 0) {
		/* No request line (HTTP/2): lws writes :status. */
		if (lws_add_http_header_status(wsi, (unsigned)status, q, end))
			return -1;
	} else {
		n = snprintf(line, sizeof line, "%s %d %s",
			     strcmp(ver, "HTTP/1.1") ? "HTTP/1.0" : "HTTP/1.1", status,
			     reason_phrase(status));
		if (lws_add_http_header_by_name(wsi, NULL, (unsigned char *)line, n, q, end))
			return -1;
		for (h = server_http_headers; h; h = h->next)
			if (lws_add_http_header_by_name(wsi, (const unsigned char *)h->name,
							(const unsigned char *)h->value,
							(int)strlen(h->value), q, end))
				return -1;
		if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_SERVER,
						 (const unsigned char *)SERVER_NAME,
						 (int)strlen(SERVER_NAME), q, end))
			return -1;
	}
	if (ctype && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
						  (const unsigned char *)ctype,
						  (int)strlen(ctype), q, end))
		return -1;
	return lws_add_http_header_content_length(wsi, len, q, end) ? -1 : 0;
}

int
http_head(struct lws *wsi, int status, const char *ctype, size_t len, unsigned char **q,
	  unsigned char *end)
{
	return add_head(wsi, status, ctype, len, q, end);
}

/* Writes the headers and as much of the body as fits in one write, then
 * the rest in later writable callbacks. */
static int
write_response(struct lws *wsi, struct http_pss *p)
{
	unsigned char buf[LWS_PRE + 16384];
	unsigned char *start = buf + LWS_PRE, *q = start, *end = buf + sizeof buf - 1;
	size_t chunk;
	int final;

	if (!p->headers_sent) {
		if (add_head(wsi, p->status, p->ctype, p->resp_len, &q, end))
			return -1;
		if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
						(const unsigned char *)"no-store", 8, &q, end))
			return -1;
		for (char *line = p->extra; *line;) {
			char *colon = strchr(line, ':'), *eol = strstr(line, "\r\n");
			char name[64];

			if (!colon || !eol || colon > eol ||
			    (size_t)(colon - line) + 2 > sizeof name)
				break;
			snprintf(name, sizeof name, "%.*s:", (int)(colon - line), line);
			colon++;
			while (*colon == ' ')
				colon++;
			if (lws_add_http_header_by_name(wsi, (unsigned char *)name,
							(unsigned char *)colon,
							(int)(eol - colon), &q, end))
				return -1;
			line = eol + 2;
		}
		if (lws_finalize_http_header(wsi, &q, end))
			return -1;
		p->headers_sent = 1;
	}
	chunk = p->resp_len - p->resp_off;
	if (chunk > (size_t)(end - q))
		chunk = (size_t)(end - q);
	if (chunk)
		memcpy(q, p->resp + p->resp_off, chunk);
	q += chunk;
	p->resp_off += chunk;
	final = p->resp_off == p->resp_len;
	if (lws_write(wsi, start, (size_t)(q - start),
		      final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)(q - start))
		return -1;
	if (!final) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	free(p->resp);
	p->resp = NULL;
	p->responding = 0;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Writes a whole small response at once, from any HTTP callback (used where
 * libwebsockets expects the answer before the callback returns). With
 * hang_up, the response says Connection: close: the caller hangs up.
 * Returns 1 once written, -1 on failure. */
static int
respond_now(struct lws *wsi, int status, const char *message_code,
	    const char *message, int hang_up)
{
	unsigned char buf[LWS_PRE + 2048];
	unsigned char *start = buf + LWS_PRE, *q = start, *end = buf + sizeof buf - 1;
	char body[512];
	int n = snprintf(body, sizeof body,
			 "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
			 message_code, message);

	if (add_head(wsi, status, "application/json", (size_t)n, &q, end) ||
	    (hang_up && lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
						     (const unsigned char *)"close", 5,
						     &q, end)) ||
	    lws_finalize_http_header(wsi, &q, end) || end - q < n)
		return -1;
	memcpy(q, body, (size_t)n);
	q += n;
	if (lws_write(wsi, start, (size_t)(q - start), LWS_WRITE_HTTP_FINAL) !=
	    (int)(q - start))
		return -1;
	return 1;
}

int
http_request_token(struct lws *wsi, char *out, size_t outsz)
{
	char auth[256];
	size_t max = outsz;

	if (lws_http_cookie_get(wsi, "os_session", out, &max) == 0 && max > 0) {
		out[max < outsz ? max : outsz - 1] = '\0';
		return 0;
	}
	if (lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) > 7 &&
	    !strncasecmp(auth, "Bearer ", 7)) {
		const char *t = auth + 7;

		while (*t == ' ')
			t++;
		snprintf(out, outsz, "%s", t);
		return 0;
	}
	return -1;
}

int
http_origin_ok(struct server *s, struct lws *wsi)
{
	char origin[256], host[256], mine[300];

	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0)
		return 0;
	if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <= 0)
		return -1;
	if (s->origin[0])
		return strcasecmp(origin, s->origin) ? -1 : 0;
	if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
		return -1;
	snprintf(mine, sizeof mine, "%s://%s", s->secure ? "https" : "http", host);
	return strcasecmp(origin, mine) ? -1 : 0;
}

/* 1 when the comma-separated list names proto as one whole item. */
static int
offers_protocol(const char *list, const char *proto)
{
	size_t n = strlen(proto);

	for (const char *p = list; *p;) {
		const char *end;
		size_t len;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && !memcmp(p, proto, n))
			return 1;
		p = end;
	}
	return 0;
}

/* Refuses a WebSocket upgrade: the answer, then the connection is closed
 * (-1 makes lws hang up once the answer is sent, also on a connection that
 * was kept alive). */
static int
refuse_upgrade(struct lws *wsi, int status, const char *code, const char *message)
{
	respond_now(wsi, status, code, message, 1);
	return -1;
}

/* The WebSocket gate: the right path and subprotocol, an acceptable
 * Origin and a live session, else an HTTP answer that says which. */
static int
confirm_upgrade(struct server *s, struct lws *wsi, const char *up)
{
	char uri[64], token[128], protos[256];
	struct user u;
	int rc;

	if (strcasecmp(up, "websocket"))
		return refuse_upgrade(wsi, 400, "bad_request", "unsupported upgrade");
	if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 ||
	    strcmp(uri, "/ws"))
		return refuse_upgrade(wsi, 404, "not_found", "the WebSocket endpoint is /ws");
	if (lws_hdr_copy(wsi, protos, sizeof protos, WSI_TOKEN_PROTOCOL) <= 0 ||
	    !offers_protocol(protos, "openstrat.v1"))
		return refuse_upgrade(wsi, 400, "bad_request",
				      "the WebSocket subprotocol must be openstrat.v1");
	if (http_origin_ok(s, wsi))
		return refuse_upgrade(wsi, 403, "forbidden", "cross-origin WebSocket refused");
	if (http_request_token(wsi, token, sizeof token))
		return refuse_upgrade(wsi, 401, "unauthorized", "sign in first");
	rc = session_resolve(s->st, &s->policy, token, 0, &u);
	sodium_memzero(token, sizeof token);
	if (rc == OS_EINTERNAL)
		return refuse_upgrade(wsi, 500, "internal", "the server failed");
	if (rc)
		return refuse_upgrade(wsi, 401, "unauthorized", "the session is not valid");
	return 0;
}

static const struct {
	const char *ext;
	const char *type;
} mime[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".webmanifest", "application/manifest+json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".txt", "text/plain; charset=utf-8"},
};

static const char *
mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof mime / sizeof mime[0]; i++)
		if (!strcasecmp(dot, mime[i].ext))
			return mime[i].type;
	return NULL;
}

/* Only plain relative paths of safe characters are served: no "..", no
 * hidden files, nothing outside web/. */
static int
safe_path(const char *path)
{
	if (path[0] != '/')
		return 0;
	for (const char *p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!(isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_'))
			return 0;
		if (c == '/' && (p[1] == '.' || p[1] == '/'))
			return 0;
	}
	return 1;
}

static int
static_not_found(struct server *s, struct lws *wsi)
{
	metrics_http(&s->metrics, R_STATIC, 404);
	return respond_now(wsi, 404, "not_found", "no such file", 0) > 0 &&
			       lws_http_transaction_completed(wsi)
		       ? -1
		       : 0;
}

static int
serve_static(struct server *s, struct lws *wsi, const char *path)
{
	char file[4700];
	const char *last = strrchr(path, '/'), *type;
	struct stat sb;
	int n;

	if (!safe_path(path))
		return static_not_found(s, wsi);
	/* The client routes by path (/round/3, /invite/TOKEN): anything that
	 * does not name a file gets the application. */
	if (!strcmp(path, "/") || !last || !strchr(last, '.'))
		path = "/index.html";
	snprintf(file, sizeof file, "%s%s", s->web_dir, path);
	type = mime_of(file);
	if (!type || stat(file, &sb) || !S_ISREG(sb.st_mode))
		return static_not_found(s, wsi);
	n = lws_serve_http_file(wsi, file, type,
				!strcmp(path, "/index.html")
					? "cache-control: no-cache\r\n"
					: "cache-control: max-age=300\r\n",
				!strcmp(path, "/index.html") ? 25 : 28);
	if (n < 0)
		return -1;
	metrics_http(&s->metrics, R_STATIC, 200);
	if (n > 0 && lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

/* Signs p->signed_in in: a new session, committed, and the contract's
 * answer with the token and the cookie. round (not 0) is added for the
 * client to open. Returns 0, or the error answered. */
static int
signed_in_reply(struct http_pss *p, int64_t round)
{
	struct server *s = p->srv;
	char token[OS_TOKEN_STR_LEN], cookie[256];
	cJSON *o;
	int rc;

	rc = store_op_begin(s->st);
	if (rc == OS_OK) {
		rc = session_create(s->st, &s->policy, p->signed_in.id, token);
		store_op_end(s->st, rc == OS_OK);
	}
	if (rc == OS_OK && store_commit(s->st) != OS_OK)
		rc = OS_EINTERNAL;
	/* Anything else written in this turn was committed with the session:
	 * deliver what waited for that. */
	server_flush(s);
	if (rc) {
		respond_error(p, OS_EINTERNAL, NULL);
		return OS_EINTERNAL;
	}
	o = cJSON_CreateObject();
	{
		/* The person's own USER: with their language and email. */
		struct account a;

		if (store_account_by_id(s->st, p->signed_in.id, &a) == OS_OK)
			cJSON_AddItemToObject(o, "user", render_account(&a, 0));
		else
			cJSON_AddItemToObject(o, "user", render_user_self(&p->signed_in));
	}
	cJSON_AddStringToObject(o, "token", token);
	if (round)
		cJSON_AddNumberToObject(o, "round", (double)round);
	snprintf(cookie, sizeof cookie,
		 "os_session=%s; HttpOnly; SameSite=Strict; Path=/%s", token,
		 s->secure ? "; Secure" : "");
	add_extra(p, "set-cookie", cookie);
	sodium_memzero(token, sizeof token);
	respond_json(p, 200, o);
	return OS_OK;
}

static void
login_done(void *arg, int result, const char *new_hash)
{
	struct http_pss *p = arg;
	struct server *s = p->srv;
	struct http_answer a = {0};
	int rc;

	p->job = NULL;
	rc = http_body_login_checked(s->st, s->throttle, p->addr, &p->login, result,
				     new_hash, os_now_ms(), &a);
	if (rc) {
		metrics_signin(&s->metrics, rc);
		respond_answer(p, &a);
		return;
	}
	p->signed_in = p->login.user;
	metrics_signin(&s->metrics, signed_in_reply(p, 0));
}

/* A directory sign-in on a worker: what it needs and what it finds. The
 * job owns it (the connection may be gone when it runs). */
struct dir_job {
	const struct directory *dir;
	char username[OS_USERNAME_SZ * 2];  /* as login_attempt's name */
	struct dir_entry entry;
};

static int
dir_work(void *ctx, char *password)
{
	struct dir_job *j = ctx;

	/* One argon2id verification, as a local sign-in costs: a name the
	 * directory does not know answers no sooner than a wrong password,
	 * here or for a local account. */
	(void)password_verify(password, password_dummy_hash());
	return directory_authenticate(j->dir, j->username, password, &j->entry);
}

static void
dir_done(void *arg, int result, void *ctx)
{
	struct http_pss *p = arg;
	struct server *s = p->srv;
	struct dir_job *j = ctx;
	struct http_answer a = {0};

	p->job = NULL;
	if (http_body_login_directory(s->forum, s->st, s->throttle, p->addr, &p->login,
				      result, j->entry.display_name, j->entry.email,
				      j->entry.role, directory_org(s->opts.directory),
				      os_now_ms(), &a)) {
		respond_answer(p, &a);
		return;
	}
	p->signed_in = p->login.user;
	signed_in_reply(p, 0);
}

static int
start_login_check(void *arg, const char *password, const char *hash)
{
	struct http_pss *p = arg;
	int err = OS_EINTERNAL;

	if (p->login.via_directory) {
		struct dir_job *j = calloc(1, sizeof *j);

		if (!j)
			return OS_ENOMEM;
		j->dir = p->srv->opts.directory;
		snprintf(j->username, sizeof j->username, "%s", p->login.name);
		p->job_pool = p->srv->dirpool;
		p->job = pwpool_submit_work(p->job_pool, password, dir_work, j, free,
					    dir_done, p, &err);
		return p->job ? OS_OK : err;
	}
	p->job_pool = p->srv->pw;
	p->job = pwpool_submit(p->job_pool, password, hash, login_done, p, &err);
	return p->job ? OS_OK : err;
}

/* POST /api/login {username, password}. */
static void
handle_login(struct http_pss *p)
{
	struct server *s = p->srv;
	struct http_answer a = {0};
	int rc;

	rc = http_body_login(s->st, s->throttle, p->addr, os_now_ms(),
			     s->opts.directory != NULL, p->body.data, p->body.len,
			     start_login_check, p, &p->login, &a);
	if (rc) {
		metrics_signin(&s->metrics, rc);
		respond_answer(p, &a);
	}
}

static void
handle_logout(struct http_pss *p)
{
	struct server *s = p->srv;
	char token[128];

	if (http_request_token(p->wsi, token, sizeof token) == 0) {
		unsigned char hash[32];

		session_token_hash(token, hash);
		if (store_op_begin(s->st) == OS_OK)
			store_op_end(s->st, session_revoke(s->st, token) == OS_OK);
		sodium_memzero(token, sizeof token);
		if (store_commit(s->st) != OS_OK) {
			server_flush(s);
			respond_error(p, OS_EINTERNAL, NULL);
			return;
		}
		/* The other nodes close the session's sockets now. */
		cluster_session_ended(s, hash);
		server_flush(s);
	}
	snprintf(p->extra, sizeof p->extra,
		 "set-cookie: os_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s\r\n",
		 s->secure ? "; Secure" : "");
	respond(p, 204, NULL, NULL, 0);
}

/* The token of /api/unsubscribe?token=T into p->unsub_token when it has the
 * shape of one (base64url, 43 characters); "" otherwise. */
static void
read_unsub_token(struct http_pss *p)
{
	char arg[OS_TOKEN_STR_LEN + 16];
	const char *t = lws_get_urlarg_by_name(p->wsi, "token=", arg, (int)sizeof arg);

	p->unsub_token[0] = '\0';
	if (!t || strlen(t) != OS_TOKEN_STR_LEN - 1 ||
	    strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
		    OS_TOKEN_STR_LEN - 1)
		return;
	memcpy(p->unsub_token, t, OS_TOKEN_STR_LEN);
}

/*
 * One-click unsubscribe (RFC 8058): POST /api/unsubscribe?token=T sets the
 * token's user's notify to off, without a session; the token can do
 * nothing else. GET only shows a page whose button makes that POST, so
 * that a mail scanner following links unsubscribes nobody.
 */
static void
handle_unsubscribe(struct http_pss *p)
{
	struct server *s = p->srv;
	int rc;

	if (!p->unsub_token[0]) {
		respond_error(p, OS_ENOTFOUND, "unknown unsubscribe link");
		return;
	}
	rc = store_op_begin(s->st);
	if (rc == OS_OK) {
		rc = notify_unsubscribe(s->forum, p->unsub_token);
		store_op_end(s->st, rc == OS_OK);
	}
	if (rc == OS_OK && store_commit(s->st) != OS_OK)
		rc = OS_EINTERNAL;
	server_flush(s);
	if (rc == OS_ENOTFOUND) {
		respond_error(p, rc, "unknown unsubscribe link");
		return;
	}
	if (rc) {
		respond_error(p, OS_EINTERNAL, NULL);
		return;
	}
	os_info("unsubscribe: a user turned mail off by the link");
	{
		char *ok = strdup("{\"ok\":true,\"notify\":\"off\"}");

		respond(p, 200, "application/json", ok, ok ? strlen(ok) : 0);
	}
}

static void
unsubscribe_page(struct http_pss *p)
{
	char *page;

	if (!p->unsub_token[0]) {
		respond_error(p, OS_ENOTFOUND, "unknown unsubscribe link");
		return;
	}
	/* The token is base64url: nothing in it needs escaping. */
	page = malloc(1024);
	if (page)
		snprintf(page, 1024,
			 "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
			 "<title>openstrat</title></head><body>"
			 "<form method=\"post\" action=\"/api/unsubscribe?token=%s\">"
			 "<p>Stop the mails from openstrat? / Stoppe e-postene? / "
			 "Sluta skicka mejlen? / Stop mails?</p>"
			 "<button type=\"submit\">Unsubscribe</button></form></body></html>",
			 p->unsub_token);
	respond(p, 200, "text/html; charset=utf-8", page, page ? strlen(page) : 0);
}

/* GET /api/invite?token=T: what the invite page shows before the form. */
static void
handle_invite_info(struct http_pss *p)
{
	struct server *s = p->srv;
	char arg[OS_TOKEN_STR_LEN + 16];
	const char *token;
	struct invite inv;
	cJSON *o;
	int rc;

	token = lws_get_urlarg_by_name(p->wsi, "token=", arg, (int)sizeof arg);
	if (!token) {
		respond_error(p, OS_EBADREQ, "the invite token is missing");
		return;
	}
	rc = invites_check(s->forum, token, &inv);
	if (rc) {
		struct http_answer a = {0};

		http_answer_invite_error(&a, rc);
		respond_answer(p, &a);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "role", os_role_name(inv.role));
	render_time(o, "expires_at", inv.expires_at, 0);
	if (inv.has_org)
		cJSON_AddStringToObject(o, "org", inv.org);
	else
		cJSON_AddNullToObject(o, "org");
	if (inv.round) {
		struct round r;

		if (store_round_get(s->st, inv.round, &r) == OS_OK) {
			cJSON *ro = cJSON_AddObjectToObject(o, "round");

			cJSON_AddNumberToObject(ro, "id", (double)r.id);
			cJSON_AddStringToObject(ro, "title", r.title);
			round_clear(&r);
		}
	}
	respond_json(p, 200, o);
}

static void
invite_hashed(void *arg, int result, const char *new_hash)
{
	struct http_pss *p = arg;
	struct server *s = p->srv;
	struct http_answer a = {0};
	int64_t round;

	p->job = NULL;
	if (http_body_invite_hashed(s->forum, s->st, &p->claim, result, new_hash,
				    &p->signed_in, &round, &a)) {
		respond_answer(p, &a);
		return;
	}
	signed_in_reply(p, round);
}

static int
start_invite_hash(void *arg, const char *password, const char *hash)
{
	struct http_pss *p = arg;
	int err = OS_EINTERNAL;

	p->job_pool = p->srv->pw;
	p->job = pwpool_submit(p->job_pool, password, hash, invite_hashed, p, &err);
	return p->job ? OS_OK : err;
}

/* POST /api/invite/accept {token, username, password, display_name, org}. */
static void
handle_invite_accept(struct http_pss *p)
{
	struct server *s = p->srv;
	struct http_answer a = {0};

	if (http_body_invite(s->forum, s->st, p->body.data, p->body.len,
			     start_invite_hash, p, &p->claim, &a))
		respond_answer(p, &a);
}

/* GET /api/password/reset?token=T: whose link it is, before the form. */
static void
handle_reset_info(struct http_pss *p)
{
	char arg[OS_TOKEN_STR_LEN + 16];
	struct password_reset r;
	struct account acc;
	const char *token;
	cJSON *o;
	int rc;

	token = lws_get_urlarg_by_name(p->wsi, "token=", arg, (int)sizeof arg);
	if (!token) {
		respond_error(p, OS_EBADREQ, "the token is missing");
		return;
	}
	rc = users_reset_check(p->srv->forum, token, &r, &acc);
	sodium_memzero(arg, sizeof arg);
	if (rc) {
		struct http_answer a = {0};

		http_answer_reset_error(&a, rc);
		respond_answer(p, &a);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "username", acc.user.username);
	cJSON_AddStringToObject(o, "display_name", acc.user.display_name);
	render_time(o, "expires_at", r.expires_at, 0);
	respond_json(p, 200, o);
}

static void
reset_hashed(void *arg, int result, const char *new_hash)
{
	struct http_pss *p = arg;
	struct server *s = p->srv;
	struct http_answer a = {0};

	p->job = NULL;
	if (http_body_reset_hashed(s->forum, s->st, &p->reset, result, new_hash,
				   &p->signed_in, &a)) {
		respond_answer(p, &a);
		return;
	}
	signed_in_reply(p, 0);
}

static int
start_reset_hash(void *arg, const char *password, const char *hash)
{
	struct http_pss *p = arg;
	int err = OS_EINTERNAL;

	p->job_pool = p->srv->pw;
	p->job = pwpool_submit(p->job_pool, password, hash, reset_hashed, p, &err);
	return p->job ? OS_OK : err;
}

/* POST /api/password/reset {token, password}. */
static void
handle_reset(struct http_pss *p)
{
	struct http_answer a = {0};

	if (http_body_reset(p->srv->forum, p->body.data, p->body.len, start_reset_hash, p,
			    &p->reset, &a))
		respond_answer(p, &a);
}

static void
password_changed(void *arg, int result, const char *new_hash)
{
	struct http_pss *p = arg;
	struct server *s = p->srv;
	struct http_answer a = {0};
	int rc;

	p->job = NULL;
	if (http_body_password_changed(s->forum, s->st, s->throttle, p->addr, &p->change,
				       result, new_hash, os_now_ms(), &a)) {
		respond_answer(p, &a);
		return;
	}
	rc = store_commit(s->st);
	server_flush(s);
	if (rc) {
		respond_error(p, OS_EINTERNAL, NULL);
		return;
	}
	respond(p, 204, NULL, NULL, 0);
}

static int
start_password_change(void *arg, const char *old_password, const char *hash,
		      const char *new_password)
{
	struct http_pss *p = arg;
	int err = OS_EINTERNAL;

	p->job_pool = p->srv->pw;
	p->job = pwpool_submit_change(p->job_pool, old_password, hash, new_password,
				      password_changed, p, &err);
	return p->job ? OS_OK : err;
}

/* POST /api/password {old, new}, signed in. */
static void
handle_password(struct http_pss *p)
{
	struct server *s = p->srv;
	struct http_answer a = {0};
	unsigned char session[32];
	char token[128];
	struct user u;
	int rc;

	if (http_request_token(p->wsi, token, sizeof token)) {
		if (p->body.data)
			sodium_memzero(p->body.data, p->body.len);
		respond_error(p, OS_EUNAUTH, "sign in first");
		return;
	}
	rc = session_resolve(s->st, &s->policy, token, 0, &u);
	session_token_hash(token, session);
	sodium_memzero(token, sizeof token);
	if (rc) {
		if (p->body.data)
			sodium_memzero(p->body.data, p->body.len);
		respond_error(p, rc == OS_EUNAUTH ? OS_EUNAUTH : OS_EINTERNAL,
			      rc == OS_EUNAUTH ? "sign in first" : NULL);
		return;
	}
	if (http_body_password(s->st, s->throttle, p->addr, os_now_ms(), &u, session,
			       p->body.data, p->body.len, start_password_change, p, &p->change,
			       &a))
		respond_answer(p, &a);
}

/* GET /api/export?round=ID&format=csv|json|md|xlsx[&lang=en|nb|sv|da], for
 * managers and admins with a session cookie or a bearer token. */
static void
handle_export(struct http_pss *p)
{
	struct server *s = p->srv;
	char token[128], arg[64], disp[96];
	const char *v;
	long long round;
	enum os_lang lang = OS_LANG_EN;
	struct user u;
	size_t len;
	char *body;
	int rc, format;

	if (http_request_token(p->wsi, token, sizeof token) ||
	    session_resolve(s->st, &s->policy, token, 0, &u)) {
		sodium_memzero(token, sizeof token);
		respond_error(p, OS_EUNAUTH, "sign in first");
		return;
	}
	sodium_memzero(token, sizeof token);
	v = lws_get_urlarg_by_name(p->wsi, "round=", arg, (int)sizeof arg);
	if (!v || os_parse_int(v, 1, INT64_MAX, &round)) {
		respond_error(p, OS_EBADREQ, "give the round: ?round=ID");
		return;
	}
	v = lws_get_urlarg_by_name(p->wsi, "format=", arg, (int)sizeof arg);
	format = v ? export_format_parse(v) : -1;
	if (format < 0) {
		respond_error(p, OS_EBADREQ, "format is csv, json, md or xlsx");
		return;
	}
	v = lws_get_urlarg_by_name(p->wsi, "lang=", arg, (int)sizeof arg);
	if (v && os_lang_parse(v, &lang)) {
		respond_error(p, OS_EBADREQ, "lang is en, nb, sv or da");
		return;
	}
	rc = export_round(s->forum, &u, round, format, lang, &body, &len);
	if (rc == OS_EFORBIDDEN) {
		respond_error(p, rc, "exports are for managers and admins");
		return;
	}
	if (rc) {
		respond_error(p, rc, NULL);
		return;
	}
	snprintf(disp, sizeof disp, "attachment; filename=\"openstrat-round-%lld.%s\"",
		 round, export_extension(format));
	add_extra(p, "content-disposition", disp);
	respond(p, 200, export_content_type(format), body, len);
}

/*
 * GET /metrics is for loopback peers and the --metrics-allow addresses,
 * judged by the TCP peer alone: X-Forwarded-For could be forged, and a
 * proxy on this host is a loopback peer itself. Everyone else is answered
 * as for a path that does not exist.
 */
static enum route
metrics_gate(struct server *s, struct lws *wsi, int is_post)
{
	char peer[PROXY_ADDR_LEN];

	peer[0] = '\0';
	lws_get_peer_simple(wsi, peer, sizeof peer);
	if (!metrics_peer_allowed(s->opts.metrics_allow, peer))
		return R_NOT_FOUND;
	return is_post ? R_METHOD : R_METRICS;
}

static void
handle_metrics(struct http_pss *p)
{
	size_t len = 0;
	char *text = metrics_render(p->srv, &len);

	if (!text) {
		respond_error(p, OS_ENOMEM, NULL);
		return;
	}
	respond(p, 200, METRICS_CONTENT_TYPE, text, len);
}

/* Sends a small answer at once, saying Connection: close, from any HTTP
 * callback; the caller then returns -1 to hang up (an upload refused while
 * its body still streams in). Takes a's body. */
static int
answer_now_and_close(struct http_pss *p, struct http_answer *a)
{
	unsigned char buf[LWS_PRE + 2048];
	unsigned char *start = buf + LWS_PRE, *q = start, *end = buf + sizeof buf - 1;

	metrics_http(&p->srv->metrics, p->route, a->status);
	if (!add_head(p->wsi, a->status, "application/json", a->len, &q, end) &&
	    !lws_add_http_header_by_token(p->wsi, WSI_TOKEN_CONNECTION,
					  (const unsigned char *)"close", 5, &q, end) &&
	    !lws_finalize_http_header(p->wsi, &q, end) && (size_t)(end - q) >= a->len) {
		memcpy(q, a->body, a->len);
		q += a->len;
		lws_write(p->wsi, start, (size_t)(q - start), LWS_WRITE_HTTP_FINAL);
	}
	http_answer_clear(a);
	return -1;
}

/* An upload's answer, once its file is stored (or not). */
static void
upload_done(void *arg, struct http_answer *a)
{
	respond_answer(arg, a);
}

static void
run_post(struct http_pss *p)
{
	if (p->body_too_large) {
		respond_error(p, OS_ETOOLARGE, "the request body is too large");
		return;
	}
	switch (p->route) {
	case R_LOGIN:
		handle_login(p);
		break;
	case R_LOGOUT:
		handle_logout(p);
		break;
	case R_INVITE_ACCEPT:
		handle_invite_accept(p);
		break;
	case R_UNSUBSCRIBE:
		handle_unsubscribe(p);
		break;
	case R_PASSWORD:
		handle_password(p);
		break;
	case R_RESET:
		handle_reset(p);
		break;
	default:
		respond_error(p, OS_ENOTFOUND, "no such endpoint");
		break;
	}
}

/*
 * The client's address, for the throttle: the TCP peer's, unless the peer is
 * a trusted proxy (--trusted-proxy) whose X-Forwarded-For ends in an
 * address. A trusted proxy that sends none is told about once: every
 * client behind it then shares the proxy's address.
 */
static void
client_addr(struct server *s, struct lws *wsi, char *out, size_t outsz)
{
	static int warned;
	char peer[PROXY_ADDR_LEN], xff[4096];
	int n = -1;

	peer[0] = '\0';
	lws_get_peer_simple(wsi, peer, sizeof peer);
	/* Several X-Forwarded-For lines come joined with commas, in order. */
	if (proxy_list_has(s->opts.trusted_proxies, peer))
		n = lws_hdr_copy(wsi, xff, sizeof xff, WSI_TOKEN_X_FORWARDED_FOR);
	if (proxy_client_addr(s->opts.trusted_proxies, peer, n > 0 ? xff : NULL, out,
			      outsz) < 0 &&
	    !warned) {
		warned = 1;
		os_warn("a request from the trusted proxy %s had no usable X-Forwarded-For; "
			"using the proxy's address", peer);
	}
}

static enum route
route_of(const char *path, int is_post)
{
	if (!strcmp(path, "/api/login"))
		return is_post ? R_LOGIN : R_METHOD;
	if (!strcmp(path, "/api/logout"))
		return is_post ? R_LOGOUT : R_METHOD;
	if (!strcmp(path, "/healthz"))
		return is_post ? R_METHOD : R_HEALTH;
	if (!strcmp(path, "/api/invite/accept"))
		return is_post ? R_INVITE_ACCEPT : R_METHOD;
	if (!strcmp(path, "/api/invite"))
		return is_post ? R_METHOD : R_INVITE_INFO;
	if (!strcmp(path, "/api/unsubscribe"))
		return R_UNSUBSCRIBE;
	if (!strcmp(path, "/api/export"))
		return is_post ? R_METHOD : R_EXPORT;
	if (!strcmp(path, "/metrics"))
		return R_METRICS;
	if (!strcmp(path, "/api/password"))
		return is_post ? R_PASSWORD : R_METHOD;
	if (!strcmp(path, "/api/password/reset"))
		return is_post ? R_RESET : R_RESET_INFO;
	if (!strcmp(path, "/api/files"))
		return is_post ? R_FILES_UPLOAD : R_METHOD;
	if (!strncmp(path, "/files/", 7))
		return is_post ? R_METHOD : R_FILE;
	if (!strncmp(path, "/api/", 5) || !strcmp(path, "/api"))
		return R_NOT_FOUND;
	return is_post ? R_METHOD : R_STATIC;
}

int
http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	      void *in, size_t len)
{
	struct http_pss *p = user;
	struct server *s = the_server;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* A worker finished a password or directory job, or stored
		 * an uploaded file. */
		if (s && s->pw)
			pwpool_drain(s->pw);
		if (s && s->filepool)
			pwpool_drain(s->filepool);
		if (s && s->dirpool)
			pwpool_drain(s->dirpool);
		return 0;

	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
		int rc = confirm_upgrade(s, wsi, in ? (const char *)in : "");

		s->metrics.ws_refused += rc != 0;
		return rc;
	}

	case LWS_CALLBACK_HTTP:
		pss_reset(p);
		p->srv = s;
		p->wsi = wsi;
		snprintf(p->path, sizeof p->path, "%s", (const char *)in);
		client_addr(s, wsi, p->addr, sizeof p->addr);
		p->is_post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
		if (!p->is_post && lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
			/* Only GET (and HEAD, which lws maps to GET) and POST. */
			metrics_http(&s->metrics, R_METHOD, 405);
			return respond_now(wsi, 405, "bad_request", "method not allowed", 0) > 0 &&
					       lws_http_transaction_completed(wsi)
				       ? -1
				       : 0;
		}
		p->route = route_of(p->path, p->is_post);
		if (p->route == R_METRICS)
			p->route = metrics_gate(s, wsi, p->is_post);
		switch (p->route) {
		case R_HEALTH: {
			/* A node cut off from the other nodes still serves its
			 * own clients, but the balancer should send new ones
			 * elsewhere. */
			int degraded = cluster_degraded(s);
			char *ok = strdup(degraded ? "{\"ok\":false,\"degraded\":\"nats\"}"
						   : "{\"ok\":true}");

			respond(p, degraded ? 503 : 200, "application/json", ok,
				ok ? strlen(ok) : 0);
			return 0;
		}
		case R_STATIC:
			return serve_static(s, wsi, p->path);
		case R_INVITE_INFO:
			handle_invite_info(p);
			return 0;
		case R_EXPORT:
			handle_export(p);
			return 0;
		case R_UNSUBSCRIBE:
			read_unsub_token(p);
			if (!p->is_post)
				unsubscribe_page(p);
			return 0;
		case R_METRICS:
			handle_metrics(p);
			return 0;
		case R_RESET_INFO:
			handle_reset_info(p);
			return 0;
		case R_FILES_UPLOAD: {
			struct http_answer a = {0};

			if (upload_begin(s, wsi, &p->upload, &a))
				return answer_now_and_close(p, &a);
			return 0;
		}
		case R_FILE: {
			struct http_answer a = {0};
			int rc = fileserve_begin(s, wsi, p->path, R_FILE, &p->fileserve, &a);

			if (rc == -1)
				respond_answer(p, &a);
			if (rc == -2)
				return -1;
			if (rc == 1)
				return lws_http_transaction_completed(wsi) ? -1 : 0;
			return 0;
		}
		case R_NOT_FOUND:
			if (p->is_post)
				return 0; /* answer once the body is consumed */
			respond_error(p, OS_ENOTFOUND, "no such endpoint");
			return 0;
		case R_METHOD:
			if (p->is_post) {
				/* Answer once the body is consumed. */
				return 0;
			}
			respond_error(p, OS_EBADREQ, "method not allowed");
			p->status = 405;
			return 0;
		default:
			return 0; /* a POST: wait for its body */
		}

	case LWS_CALLBACK_HTTP_BODY:
		if (p->route == R_FILES_UPLOAD) {
			struct http_answer a = {0};

			if (p->upload && upload_body(p->upload, in, len, &a))
				return answer_now_and_close(p, &a);
			return 0;
		}
		if (p->body.len + len > HTTP_BODY_MAX) {
			p->body_too_large = 1;
			return 0;
		}
		if (len && os_buf_add(&p->body, in, len))
			return -1;
		return 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (p->route == R_FILES_UPLOAD) {
			struct http_answer a = {0};

			if (!p->upload)
				respond_error(p, OS_EINTERNAL, NULL);
			else if (upload_end(p->upload, upload_done, p, &a))
				respond_answer(p, &a);
			return 0;
		}
		if (p->route == R_METHOD || p->route == R_NOT_FOUND) {
			respond_error(p, p->route == R_METHOD ? OS_EBADREQ : OS_ENOTFOUND,
				      p->route == R_METHOD ? "method not allowed"
							   : "no such endpoint");
			if (p->route == R_METHOD)
				p->status = 405;
			return 0;
		}
		run_post(p);
		return 0;

	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (p && p->fileserve) {
			int rc = fileserve_write(p->fileserve, wsi);

			if (rc < 0)
				return -1;
			if (rc == 1) {
				fileserve_free(p->fileserve);
				p->fileserve = NULL;
				return lws_http_transaction_completed(wsi) ? -1 : 0;
			}
			return 0;
		}
		if (!p || !p->responding)
			return 0;
		return write_response(wsi, p);

	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (p)
			pss_reset(p);
		return 0;

	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}
