/*
 * A blocking RFC 6455 client for the openstrat.v1 protocol. Every read goes
 * through one place (pump) that answers pings, notes the close frame and
 * turns text messages into queued JSON objects (a batch array becomes
 * several); the waits then pick what they want from the queue in arrival
 * order and leave the rest.
 */
#include "osx_int.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

struct qitem {
	cJSON *j;
	struct qitem *next;
};

struct osx_ws {
	int fd;
	int id;                  /* for traces */
	struct osx_buf rx;       /* bytes read, not yet parsed into frames */
	struct osx_buf msg;      /* the message being assembled */
	int msg_active;
	int msg_opcode;
	struct qitem *head, *tail;
	size_t nq;
	int closed;              /* close frame seen or connection gone */
	int close_code;
	char close_reason[128];
	int sent_close;
	unsigned long batches;
	double next_rid;
	char protocol[64];
	struct osx_header *hdrs;
	size_t nhdrs;
};

static _Atomic int next_id;

static void
trace(struct osx_ws *ws, const char *dir, const char *p, size_t n)
{
	if (osx__trace())
		fprintf(stderr, "osx_ws[%d] %s %.*s%s\n", ws->id, dir,
			(int)(n > 600 ? 600 : n), p, n > 600 ? "..." : "");
}

static void
queue_push(struct osx_ws *ws, cJSON *j)
{
	struct qitem *it = malloc(sizeof *it);

	if (!it) {
		cJSON_Delete(j);
		return;
	}
	it->j = j;
	it->next = NULL;
	if (ws->tail)
		ws->tail->next = it;
	else
		ws->head = it;
	ws->tail = it;
	ws->nq++;
}

/* Finds the first queued item for which match() holds; removes it when
 * take, and returns its JSON (owned by the caller when taken). */
typedef int (*matcher)(const cJSON *j, const void *arg);

static cJSON *
queue_find(struct osx_ws *ws, matcher match, const void *arg, int take)
{
	struct qitem *prev = NULL;

	for (struct qitem *it = ws->head; it; prev = it, it = it->next) {
		cJSON *j;

		if (!match(it->j, arg))
			continue;
		j = it->j;
		if (!take)
			return j;
		if (prev)
			prev->next = it->next;
		else
			ws->head = it->next;
		if (ws->tail == it)
			ws->tail = prev;
		ws->nq--;
		free(it);
		return j;
	}
	return NULL;
}

void
osx_ws_clear(struct osx_ws *ws)
{
	while (ws->head) {
		struct qitem *it = ws->head;

		ws->head = it->next;
		cJSON_Delete(it->j);
		free(it);
	}
	ws->tail = NULL;
	ws->nq = 0;
}

size_t
osx_ws_queued(const struct osx_ws *ws)
{
	return ws->nq;
}

unsigned long
osx_ws_batches(const struct osx_ws *ws)
{
	return ws->batches;
}

int
osx_ws_closed(const struct osx_ws *ws)
{
	return ws->closed;
}

const char *
osx_ws_close_reason(const struct osx_ws *ws)
{
	return ws->close_reason;
}

const char *
osx_ws_protocol(const struct osx_ws *ws)
{
	return ws->protocol;
}

const char *
osx_ws_header(const struct osx_ws *ws, const char *name)
{
	return osx__find_header(ws->hdrs, ws->nhdrs, name, 0);
}

/* Sending. */

int
osx_ws_send_frame_rsv(struct osx_ws *ws, int opcode, int fin, int rsv,
		      const void *payload, size_t len)
{
	unsigned char hdr[14], mask[4];
	size_t hl = 0;
	unsigned char *buf;
	const unsigned char *p = payload;
	int rc;

	if (ws->fd < 0)
		return -1;
	hdr[hl++] = (unsigned char)((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f));
	if (len < 126) {
		hdr[hl++] = (unsigned char)(0x80 | len);
	} else if (len <= 0xffff) {
		hdr[hl++] = 0x80 | 126;
		hdr[hl++] = (unsigned char)(len >> 8);
		hdr[hl++] = (unsigned char)len;
	} else {
		hdr[hl++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			hdr[hl++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	randombytes_buf(mask, sizeof mask);
	memcpy(hdr + hl, mask, 4);
	hl += 4;
	buf = malloc(hl + len);
	if (!buf)
		return -1;
	memcpy(buf, hdr, hl);
	for (size_t i = 0; i < len; i++)
		buf[hl + i] = p[i] ^ mask[i & 3];
	rc = osx__write_all(ws->fd, buf, hl + len, osx__deadline(0));
	free(buf);
	if (rc && osx__trace())
		fprintf(stderr, "osx_ws[%d] send failed: %s\n", ws->id, strerror(errno));
	return rc;
}

int
osx_ws_send_frame(struct osx_ws *ws, int opcode, int fin, const void *payload,
		  size_t len)
{
	return osx_ws_send_frame_rsv(ws, opcode, fin, 0, payload, len);
}

int
osx_ws_send_text(struct osx_ws *ws, const char *text)
{
	trace(ws, "->", text, strlen(text));
	return osx_ws_send_frame(ws, OSX_OP_TEXT, 1, text, strlen(text));
}

int
osx_ws_send_json(struct osx_ws *ws, const cJSON *obj)
{
	char *t = cJSON_PrintUnformatted(obj);
	int rc;

	if (!t)
		return -1;
	rc = osx_ws_send_text(ws, t);
	free(t);
	return rc;
}

static void
send_close(struct osx_ws *ws, int code)
{
	unsigned char p[2] = {(unsigned char)(code >> 8), (unsigned char)code};

	if (ws->sent_close)
		return;
	ws->sent_close = 1;
	osx_ws_send_frame(ws, OSX_OP_CLOSE, 1, p, code > 0 ? 2 : 0);
}

/* Receiving. */

static void
deliver(struct osx_ws *ws, int opcode, const char *p, size_t n)
{
	cJSON *j;

	trace(ws, "<-", p, n);
	if (opcode == OSX_OP_BINARY) {
		fprintf(stderr, "osx_ws[%d]: the server sent a binary message (%zu bytes)\n",
			ws->id, n);
		queue_push(ws, cJSON_CreateString("(binary message)"));
		return;
	}
	j = cJSON_ParseWithLength(p, n);
	if (cJSON_IsArray(j)) {
		ws->batches++;
		while (cJSON_GetArraySize(j) > 0)
			queue_push(ws, cJSON_DetachItemFromArray(j, 0));
		cJSON_Delete(j);
	} else if (cJSON_IsObject(j)) {
		queue_push(ws, j);
	} else {
		char *raw = strndup(p, n);

		cJSON_Delete(j);
		fprintf(stderr, "osx_ws[%d]: a text message that is not a JSON object "
			"or array: %.200s\n", ws->id, raw ? raw : "");
		queue_push(ws, cJSON_CreateString(raw ? raw : ""));
		free(raw);
	}
}

/* Parses the complete frames in rx. */
static void
parse_frames(struct osx_ws *ws)
{
	while (!ws->closed) {
		const unsigned char *b = (const unsigned char *)ws->rx.data;
		size_t have = ws->rx.len, hl = 2;
		uint64_t len;
		int fin, op, masked;
		unsigned char mask[4] = {0};
		unsigned char *pl;

		if (have < 2)
			return;
		fin = b[0] & 0x80;
		op = b[0] & 0x0f;
		masked = b[1] & 0x80;
		len = b[1] & 0x7f;
		if (len == 126) {
			if (have < 4)
				return;
			len = (uint64_t)b[2] << 8 | b[3];
			hl = 4;
		} else if (len == 127) {
			if (have < 10)
				return;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | b[2 + i];
			hl = 10;
		}
		if (masked) {
			if (have < hl + 4)
				return;
			fprintf(stderr, "osx_ws[%d]: the server sent a masked frame "
				"(RFC 6455 5.1 forbids it)\n", ws->id);
			memcpy(mask, b + hl, 4);
			hl += 4;
		}
		if (have - hl < len)
			return;
		pl = (unsigned char *)ws->rx.data + hl;
		if (masked)
			for (uint64_t i = 0; i < len; i++)
				pl[i] ^= mask[i & 3];
		switch (op) {
		case OSX_OP_PING:
			trace(ws, "<- ping", (const char *)pl, (size_t)len);
			if (!ws->sent_close)
				osx_ws_send_frame(ws, OSX_OP_PONG, 1, pl, (size_t)len);
			break;
		case OSX_OP_PONG:
			break;
		case OSX_OP_CLOSE:
			ws->closed = 1;
			ws->close_code = len >= 2 ? (pl[0] << 8 | pl[1]) : 1005;
			if (len > 2)
				snprintf(ws->close_reason, sizeof ws->close_reason, "%.*s",
					 (int)(len - 2), (const char *)pl + 2);
			if (osx__trace())
				fprintf(stderr, "osx_ws[%d] <- close %d \"%s\"\n", ws->id,
					ws->close_code, ws->close_reason);
			send_close(ws, ws->close_code == 1005 ? 0 : ws->close_code);
			break;
		case OSX_OP_TEXT:
		case OSX_OP_BINARY:
		case OSX_OP_CONT:
			if (op == OSX_OP_CONT && !ws->msg_active) {
				fprintf(stderr, "osx_ws[%d]: continuation without a message\n",
					ws->id);
				break;
			}
			if (op != OSX_OP_CONT) {
				if (ws->msg_active)
					fprintf(stderr, "osx_ws[%d]: new message inside a "
						"fragmented one\n", ws->id);
				ws->msg.len = 0;
				ws->msg_active = 1;
				ws->msg_opcode = op;
			}
			osx__buf_add(&ws->msg, pl, (size_t)len);
			if (fin) {
				ws->msg_active = 0;
				deliver(ws, ws->msg_opcode, ws->msg.data, ws->msg.len);
				ws->msg.len = 0;
			}
			break;
		default:
			fprintf(stderr, "osx_ws[%d]: unknown opcode %d from the server\n",
				ws->id, op);
			break;
		}
		osx__buf_consume(&ws->rx, hl + (size_t)len);
	}
}

/* Reads once (waiting until deadline) and parses. 1 read something,
 * 0 timeout, -1 closed. */
static int
pump(struct osx_ws *ws, long long deadline)
{
	char chunk[65536];

	if (ws->closed)
		return -1;
	for (;;) {
		struct pollfd pf = {ws->fd, POLLIN, 0};
		int r = poll(&pf, 1, osx__left(deadline));
		ssize_t got;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got = recv(ws->fd, chunk, sizeof chunk, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0) {
			if (osx__trace())
				fprintf(stderr, "osx_ws[%d] connection ended (%s)\n", ws->id,
					got ? strerror(errno) : "EOF");
			ws->closed = 1;
			ws->close_code = 1006;
			return -1;
		}
		osx__buf_add(&ws->rx, chunk, (size_t)got);
		parse_frames(ws);
		return 1;
	}
}

static cJSON *
wait_for(struct osx_ws *ws, matcher match, const void *arg, int take,
	 long long deadline)
{
	for (;;) {
		cJSON *j = queue_find(ws, match, arg, take);

		if (j)
			return j;
		if (pump(ws, deadline) <= 0)
			return queue_find(ws, match, arg, take);
	}
}

int
osx_ws_pump(struct osx_ws *ws, int ms)
{
	long long deadline = osx_now_ms() + (ms > 0 ? ms : 0);

	while (pump(ws, deadline) > 0)
		;
	return ws->closed ? -1 : (int)ws->nq;
}

static int
match_any(const cJSON *j, const void *arg)
{
	(void)j;
	(void)arg;
	return 1;
}

static int
match_rid(const cJSON *j, const void *arg)
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(j, "rid");

	return cJSON_IsNumber(rid) && !cJSON_HasObjectItem(j, "ev") &&
	       rid->valuedouble == *(const double *)arg;
}

struct ev_match {
	const char *name;
	int (*pred)(const cJSON *, void *);
	void *arg;
};

static int
match_event(const cJSON *j, const void *arg)
{
	const struct ev_match *m = arg;
	const char *ev = osx_jstr(j, "ev");

	if (!ev || (m->name && strcmp(ev, m->name)))
		return 0;
	return !m->pred || m->pred(j, m->arg);
}

cJSON *
osx_ws_recv(struct osx_ws *ws, int timeout_ms)
{
	return wait_for(ws, match_any, NULL, 1, osx__deadline(timeout_ms));
}

cJSON *
osx_ws_wait_reply(struct osx_ws *ws, double rid, int timeout_ms)
{
	cJSON *j = wait_for(ws, match_rid, &rid, 1, osx__deadline(timeout_ms));

	if (!j)
		fprintf(stderr, "osx_ws[%d]: no reply for rid %.0f (%s)\n", ws->id, rid,
			ws->closed ? "connection closed" : "timeout");
	return j;
}

cJSON *
osx_ws_request(struct osx_ws *ws, cJSON *req, int timeout_ms)
{
	double rid = ++ws->next_rid;

	cJSON_DeleteItemFromObjectCaseSensitive(req, "rid");
	cJSON_AddNumberToObject(req, "rid", rid);
	if (osx_ws_send_json(ws, req)) {
		fprintf(stderr, "osx_ws[%d]: could not send %s\n", ws->id, osx_jtext(req));
		return NULL;
	}
	return osx_ws_wait_reply(ws, rid, timeout_ms);
}

cJSON *
osx_ws_call(struct osx_ws *ws, int timeout_ms, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;
	cJSON *req, *rep;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	text = malloc((size_t)n + 1);
	if (!text)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	req = cJSON_Parse(text);
	if (!cJSON_IsObject(req)) {
		fprintf(stderr, "osx_ws_call: not a JSON object: %s\n", text);
		cJSON_Delete(req);
		free(text);
		return NULL;
	}
	free(text);
	rep = osx_ws_request(ws, req, timeout_ms);
	cJSON_Delete(req);
	return rep;
}

cJSON *
osx_ws_wait_event_if(struct osx_ws *ws, const char *name,
		     int (*pred)(const cJSON *ev, void *arg), void *arg,
		     int timeout_ms)
{
	struct ev_match m = {name, pred, arg};

	return wait_for(ws, match_event, &m, 1, osx__deadline(timeout_ms));
}

cJSON *
osx_ws_wait_event(struct osx_ws *ws, const char *name, int timeout_ms)
{
	return osx_ws_wait_event_if(ws, name, NULL, NULL, timeout_ms);
}

int
osx_ws_no_event(struct osx_ws *ws, const char *name, int within_ms)
{
	struct ev_match m = {name, NULL, NULL};
	long long deadline = osx_now_ms() + (within_ms > 0 ? within_ms : 0);

	return wait_for(ws, match_event, &m, 0, deadline) == NULL;
}

int
osx_ws_wait_close(struct osx_ws *ws, int timeout_ms)
{
	long long deadline = osx__deadline(timeout_ms);

	while (!ws->closed)
		if (pump(ws, deadline) == 0)
			return -1;
	return ws->close_code;
}

/* Connecting. */

static void
ws_free(struct osx_ws *ws)
{
	if (ws->fd >= 0)
		close(ws->fd);
	osx_ws_clear(ws);
	osx__buf_free(&ws->rx);
	osx__buf_free(&ws->msg);
	osx__free_headers(ws->hdrs, ws->nhdrs);
	free(ws);
}

/* 1 when the comma-separated list has item (case-insensitive). */
static int
list_has(const char *list, const char *item)
{
	size_t il = strlen(item);

	while (list && *list) {
		size_t n;

		while (*list == ' ' || *list == ',' || *list == '\t')
			list++;
		n = strcspn(list, ", \t");
		if (n == il && !strncasecmp(list, item, n))
			return 1;
		list += n;
	}
	return 0;
}

/* The body of a refused upgrade: what follows the head in rx, then the
 * socket, up to Content-Length or the close. */
static void
read_refusal(struct osx_ws *ws, const char *head, int status, long long deadline,
	     struct osx_http_resp *r)
{
	struct osx_buf body = {0};
	const char *v;
	long long clen = -1;

	r->status = status;
	r->head = strdup(head);
	osx__parse_headers(head, &r->headers, &r->nheaders);
	v = osx_http_header(r, "Content-Length");
	if (v)
		clen = strtoll(v, NULL, 10);
	osx__buf_add(&body, ws->rx.data, ws->rx.len);
	while (clen < 0 || body.len < (size_t)clen) {
		struct pollfd pf = {ws->fd, POLLIN, 0};
		char chunk[4096];
		ssize_t got;
		int pr = poll(&pf, 1, osx__left(deadline));

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			break;
		got = recv(ws->fd, chunk, sizeof chunk, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			break;
		osx__buf_add(&body, chunk, (size_t)got);
	}
	if (clen >= 0 && body.len > (size_t)clen)
		body.len = (size_t)clen;
	osx__buf_add(&body, "", 0);
	r->body = body.data;
	r->body_len = body.len;
}

struct osx_ws *
osx_ws_connect(int port, const struct osx_ws_opts *opts, int *http_status)
{
	static const struct osx_ws_opts none;
	const struct osx_ws_opts *o = opts ? opts : &none;
	const char *protocols = o->protocols ? o->protocols : "openstrat.v1";
	long long deadline = osx__deadline(o->timeout_ms);
	unsigned char key[16], sha[20];
	char key64[32], accept_want[64], line[1024], *head = NULL;
	struct osx_buf req = {0};
	struct osx_ws *ws;
	int status = 0, dummy;
	const char *v;

	if (!http_status)
		http_status = &dummy;
	*http_status = 0;
	if (o->refusal)
		memset(o->refusal, 0, sizeof *o->refusal);
	if (sodium_init() < 0)
		return NULL;
	ws = calloc(1, sizeof *ws);
	if (!ws)
		return NULL;
	ws->id = ++next_id;
	ws->fd = osx__connect(port, deadline);
	if (ws->fd < 0) {
		fprintf(stderr, "osx_ws: connect to port %d: %s\n", port, strerror(errno));
		ws_free(ws);
		return NULL;
	}
	randombytes_buf(key, sizeof key);
	sodium_bin2base64(key64, sizeof key64, key, sizeof key,
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof line,
		 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
		 "Sec-WebSocket-Version: 13\r\nUser-Agent: osclient\r\n",
		 o->path ? o->path : "/ws", port, key64);
	osx__buf_add(&req, line, strlen(line));
	if (*protocols) {
		snprintf(line, sizeof line, "Sec-WebSocket-Protocol: %s\r\n", protocols);
		osx__buf_add(&req, line, strlen(line));
	}
	if (o->token) {
		snprintf(line, sizeof line, "Authorization: Bearer %s\r\n", o->token);
		osx__buf_add(&req, line, strlen(line));
	}
	if (o->cookie) {
		snprintf(line, sizeof line, "Cookie: %s\r\n", o->cookie);
		osx__buf_add(&req, line, strlen(line));
	}
	if (o->origin) {
		snprintf(line, sizeof line, "Origin: %s\r\n", o->origin);
		osx__buf_add(&req, line, strlen(line));
	}
	if (o->extra_headers)
		osx__buf_add(&req, o->extra_headers, strlen(o->extra_headers));
	osx__buf_add(&req, "\r\n", 2);
	if (osx__write_all(ws->fd, req.data, req.len, deadline)) {
		fprintf(stderr, "osx_ws: send the upgrade: %s\n", strerror(errno));
		goto fail;
	}
	trace(ws, "-> upgrade", req.data, req.len);

	/* The head; whatever follows it is already WebSocket. */
	osx__buf_add(&ws->rx, "", 0);
	for (;;) {
		char *e = strstr(ws->rx.data, "\r\n\r\n");
		struct pollfd pf = {ws->fd, POLLIN, 0};
		char chunk[4096];
		ssize_t got;
		int r;

		if (e) {
			size_t hl = (size_t)(e - ws->rx.data) + 4;

			head = strndup(ws->rx.data, hl);
			osx__buf_consume(&ws->rx, hl);
			break;
		}
		r = poll(&pf, 1, osx__left(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "osx_ws: no upgrade answer in time\n");
			goto fail;
		}
		got = recv(ws->fd, chunk, sizeof chunk, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0) {
			fprintf(stderr, "osx_ws: the server closed the connection without "
				"an HTTP answer to the upgrade\n");
			goto fail;
		}
		osx__buf_add(&ws->rx, chunk, (size_t)got);
	}
	trace(ws, "<- upgrade", head, strlen(head));
	if (sscanf(head, "HTTP/%*d.%*d %d", &status) != 1) {
		fprintf(stderr, "osx_ws: bad status line: %.80s\n", head);
		status = 0;
		goto fail;
	}
	*http_status = status;
	if (status != 101) {
		if (osx__trace())
			fprintf(stderr, "osx_ws: upgrade refused with %d\n", status);
		if (o->refusal)
			read_refusal(ws, head, status, deadline, o->refusal);
		goto fail;
	}
	osx__parse_headers(head, &ws->hdrs, &ws->nhdrs);
	v = osx_ws_header(ws, "Upgrade");
	if (!v || strcasecmp(v, "websocket")) {
		fprintf(stderr, "osx_ws: 101 without Upgrade: websocket\n");
		goto fail;
	}
	v = osx_ws_header(ws, "Connection");
	if (!v || !list_has(v, "upgrade")) {
		fprintf(stderr, "osx_ws: 101 without Connection: Upgrade\n");
		goto fail;
	}
	snprintf(line, sizeof line, "%s%s", key64, WS_GUID);
	osx__sha1(line, strlen(line), sha);
	sodium_bin2base64(accept_want, sizeof accept_want, sha, sizeof sha,
			  sodium_base64_VARIANT_ORIGINAL);
	v = osx_ws_header(ws, "Sec-WebSocket-Accept");
	if (!v || strcmp(v, accept_want)) {
		fprintf(stderr, "osx_ws: bad Sec-WebSocket-Accept \"%s\" (want %s)\n",
			v ? v : "", accept_want);
		goto fail;
	}
	v = osx_ws_header(ws, "Sec-WebSocket-Protocol");
	if (v) {
		if (!*protocols || !list_has(protocols, v) || strchr(v, ',')) {
			fprintf(stderr, "osx_ws: the server chose subprotocol \"%s\", "
				"which was not offered (\"%s\")\n", v, protocols);
			goto fail;
		}
		snprintf(ws->protocol, sizeof ws->protocol, "%s", v);
	}
	free(head);
	osx__buf_free(&req);
	parse_frames(ws);
	return ws;
fail:
	free(head);
	osx__buf_free(&req);
	ws_free(ws);
	return NULL;
}

struct osx_ws *
osx_ws_open(int port, const char *token)
{
	struct osx_ws_opts o = {.token = token};
	int st;
	struct osx_ws *ws = osx_ws_connect(port, &o, &st);

	if (!ws)
		fprintf(stderr, "osx_ws_open: upgrade failed (HTTP %d)\n", st);
	return ws;
}

void
osx_ws_close(struct osx_ws *ws)
{
	if (!ws)
		return;
	if (!ws->closed && ws->fd >= 0) {
		long long deadline = osx_now_ms() + 2000;

		send_close(ws, 1000);
		while (!ws->closed && pump(ws, deadline) > 0)
			;
	}
	ws_free(ws);
}

void
osx_ws_drop(struct osx_ws *ws)
{
	if (ws)
		ws_free(ws);
}
