/*
 * A blocking HTTP/1.1 client: one request per connection, Connection: close.
 */
#include "osx_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Decodes a chunked body from src; 1 done (out filled), 0 need more,
 * -1 malformed. */
static int
dechunk(const char *src, size_t len, struct osx_buf *out)
{
	size_t off = 0;

	out->len = 0;
	for (;;) {
		const char *eol = NULL;
		unsigned long sz;
		char *end;

		for (size_t i = off; i + 1 < len; i++)
			if (src[i] == '\r' && src[i + 1] == '\n') {
				eol = src + i;
				break;
			}
		if (!eol)
			return 0;
		sz = strtoul(src + off, &end, 16);
		if (end == src + off)
			return -1;
		off = (size_t)(eol - src) + 2;
		if (sz == 0) {
			/* Trailers end with an empty line. */
			for (;;) {
				const char *e = NULL;

				for (size_t i = off; i + 1 < len; i++)
					if (src[i] == '\r' && src[i + 1] == '\n') {
						e = src + i;
						break;
					}
				if (!e)
					return 0;
				if (e == src + off)
					return 1;
				off = (size_t)(e - src) + 2;
			}
		}
		if (len - off < sz + 2)
			return 0;
		osx__buf_add(out, src + off, sz);
		off += sz + 2;
	}
}

void
osx_http_free(struct osx_http_resp *resp)
{
	if (!resp)
		return;
	free(resp->head);
	free(resp->body);
	osx__free_headers(resp->headers, resp->nheaders);
	memset(resp, 0, sizeof *resp);
}

static int
exchange(int port, const void *req, size_t reqlen, int head_only,
	 struct osx_http_resp *resp)
{
	long long deadline = osx__deadline(0);
	struct osx_buf in = {0}, body = {0};
	size_t head_len = 0;
	int fd, done = 0, chunked = 0, status = -1;
	long long clen = -1;

	memset(resp, 0, sizeof *resp);
	fd = osx__connect(port, deadline);
	if (fd < 0) {
		fprintf(stderr, "osx_http: connect to port %d: %s\n", port, strerror(errno));
		return -1;
	}
	if (osx__write_all(fd, req, reqlen, deadline)) {
		/* The server may answer and close before reading everything
		 * (e.g. a body over its limit): read what it said. */
		if (errno != EPIPE && errno != ECONNRESET) {
			fprintf(stderr, "osx_http: send: %s\n", strerror(errno));
			close(fd);
			return -1;
		}
	}
	osx__buf_add(&in, "", 0);
	while (!done) {
		struct pollfd pf = {fd, POLLIN, 0};
		char chunk[16384];
		ssize_t r;
		int pr = poll(&pf, 1, osx__left(deadline));

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			fprintf(stderr, "osx_http: timed out waiting for the response\n");
			break;
		}
		r = recv(fd, chunk, sizeof chunk, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			/* EOF (or reset): close-delimited body ends here. */
			if (head_len && clen < 0 && !chunked) {
				osx__buf_add(&body, in.data + head_len, in.len - head_len);
				done = 1;
			}
			break;
		}
		osx__buf_add(&in, chunk, (size_t)r);
		if (!head_len) {
			char *e = strstr(in.data, "\r\n\r\n");
			const char *v;

			if (!e)
				continue;
			head_len = (size_t)(e - in.data) + 4;
			resp->head = strndup(in.data, head_len);
			if (sscanf(in.data, "HTTP/%*d.%*d %d", &resp->status) != 1) {
				fprintf(stderr, "osx_http: bad status line\n");
				break;
			}
			osx__parse_headers(resp->head, &resp->headers, &resp->nheaders);
			v = osx_http_header(resp, "Transfer-Encoding");
			chunked = v && strcasestr(v, "chunked");
			v = osx_http_header(resp, "Content-Length");
			if (v && !chunked)
				clen = strtoll(v, NULL, 10);
			if (head_only || resp->status == 204 || resp->status == 304 ||
			    resp->status / 100 == 1)
				clen = 0;
		}
		if (chunked) {
			int d = dechunk(in.data + head_len, in.len - head_len, &body);

			if (d < 0) {
				fprintf(stderr, "osx_http: bad chunked body\n");
				break;
			}
			done = d;
		} else if (clen >= 0 && in.len - head_len >= (size_t)clen) {
			osx__buf_add(&body, in.data + head_len, (size_t)clen);
			done = 1;
		}
	}
	close(fd);
	if (done) {
		osx__buf_add(&body, "", 0);
		resp->body = body.data;
		resp->body_len = body.len;
		status = resp->status;
	} else {
		osx__buf_free(&body);
		osx_http_free(resp);
	}
	osx__buf_free(&in);
	if (osx__trace() && status >= 0)
		fprintf(stderr, "osx_http: <- %d %.*s\n", status,
			(int)(resp->body_len > 300 ? 300 : resp->body_len), resp->body);
	return status;
}

int
osx_http_raw(int port, const void *request, size_t len,
	     struct osx_http_resp *resp)
{
	return exchange(port, request, len, !strncmp(request, "HEAD ", 5), resp);
}

int
osx_http(int port, const char *method, const char *path,
	 const char *extra_headers, const char *body, struct osx_http_resp *resp)
{
	struct osx_buf req = {0};
	char line[512];
	int rc;

	snprintf(line, sizeof line,
		 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
		 "User-Agent: osclient\r\n",
		 method, path, port);
	osx__buf_add(&req, line, strlen(line));
	if (extra_headers)
		osx__buf_add(&req, extra_headers, strlen(extra_headers));
	if (body) {
		snprintf(line, sizeof line, "Content-Length: %zu\r\n", strlen(body));
		osx__buf_add(&req, line, strlen(line));
		if (!extra_headers || !strcasestr(extra_headers, "content-type:"))
			osx__buf_add(&req, "Content-Type: application/json\r\n", 32);
	}
	osx__buf_add(&req, "\r\n", 2);
	if (body)
		osx__buf_add(&req, body, strlen(body));
	if (osx__trace())
		fprintf(stderr, "osx_http: -> %s %s %s\n", method, path, body ? body : "");
	rc = exchange(port, req.data, req.len, !strcmp(method, "HEAD"), resp);
	osx__buf_free(&req);
	return rc;
}

const char *
osx_http_header(const struct osx_http_resp *resp, const char *name)
{
	return osx__find_header(resp->headers, resp->nheaders, name, 0);
}

const char *
osx_http_header_n(const struct osx_http_resp *resp, const char *name, size_t i)
{
	return osx__find_header(resp->headers, resp->nheaders, name, i);
}

cJSON *
osx_http_json(const struct osx_http_resp *resp)
{
	if (!resp->body)
		return NULL;
	return cJSON_ParseWithLength(resp->body, resp->body_len);
}

int
osx_login(int port, const char *username, const char *password, char *token,
	  size_t tokensz)
{
	struct osx_http_resp r;
	cJSON *req = cJSON_CreateObject(), *body;
	char *text;
	int st;

	cJSON_AddStringToObject(req, "username", username);
	cJSON_AddStringToObject(req, "password", password);
	text = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	st = osx_http(port, "POST", "/api/login", NULL, text, &r);
	free(text);
	if (st == 200 && token) {
		const char *t;

		body = osx_http_json(&r);
		t = osx_jstr(body, "token");
		if (t && strlen(t) < tokensz) {
			strcpy(token, t);
		} else {
			fprintf(stderr, "osx_login: 200 without a usable token: %s\n", r.body);
			st = -1;
		}
		cJSON_Delete(body);
	}
	osx_http_free(&r);
	return st;
}

int
osx_logout(int port, const char *token)
{
	struct osx_http_resp r;
	char hdr[OSX_TOKEN_MAX + 64];
	int st;

	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", token);
	st = osx_http(port, "POST", "/api/logout", hdr, "", &r);
	osx_http_free(&r);
	return st;
}
