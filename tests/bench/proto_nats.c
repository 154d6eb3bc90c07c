/*
 * nats-server's WebSocket listener, a comparison peer: the NATS client
 * protocol (CONNECT, SUB, PUB, PING and PONG) in masked binary frames.
 *
 *   subscribe  SUB round.N sid, then PING: subscribed when the PONG comes
 *              (the server answers in order, so the SUB is in place)
 *   publish    PUB round.N len + payload, on a connection that asked for
 *              verbose mode: the server answers every operation with +OK,
 *              in order, which is the publisher's acknowledgement
 *   hello      PING, answered by PONG
 *
 * Only publishers are verbose, so that subscribers get no +OK traffic. A
 * delivery is MSG round.N sid len + payload; the payload is the body roles.c
 * built, marker first, so role_delivery reads it as it reads openstrat's.
 * NATS persists nothing and has no accounts here (run.sh starts it without
 * authorization).
 */
#include "osbench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Operation lines are short; INFO is the longest, well under this. */
#define NATS_MAX_LINE   (64u << 10)
/* A payload is at most the server's max_payload (1 MiB by default). */
#define NATS_MAX_PEND   (64u << 20)
#define PING_RING       16u

struct nats {
	struct nats_rx rx;
	int verbose;
	unsigned ok_skip;       /* +OKs still owed for CONNECT, not for a request */
	int64_t ok_rid;         /* the publish the next +OK acknowledges */
	uint32_t next_sid;
	int64_t pings[PING_RING]; /* rids waiting for a PONG, oldest first */
	uint32_t ping_head, ping_n;
	/* A reply's callback may end the connection (a failed send) while the
	 * parser still walks rx: the release then waits for the parser. */
	int busy, dead;
};

/* ---- the parser ---- */

static int
digits(const char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (!n || n > 12)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = x;
	return 0;
}

/* The last space-separated token of line[0..n), as a number: the payload
 * length of MSG (and the total length of HMSG). */
static int
last_number(const char *line, size_t n, uint64_t *v)
{
	size_t e = n, s;

	while (e > 0 && (line[e - 1] == ' ' || line[e - 1] == '\t'))
		e--;
	s = e;
	while (s > 0 && line[s - 1] != ' ' && line[s - 1] != '\t')
		s--;
	return s == 0 ? -1 : digits(line + s, e - s, v);
}

static int
starts(const char *line, size_t n, const char *word)
{
	size_t k = strlen(word);

	return n >= k && !memcmp(line, word, k) &&
	       (n == k || line[k] == ' ' || line[k] == '\t');
}

/* One operation at p[0..n): returns the bytes it takes, 0 when it is not
 * complete yet, -1 when it breaks the protocol. */
static long
parse_one(const char *p, size_t n, nats_fn fn, void *arg)
{
	const char *nl = memchr(p, '\n', n < NATS_MAX_LINE ? n : NATS_MAX_LINE);
	size_t ll, rest;
	uint64_t len;

	if (!nl)
		return n >= NATS_MAX_LINE ? -1 : 0;
	rest = (size_t)(nl - p) + 1;
	ll = (size_t)(nl - p);
	if (ll && p[ll - 1] == '\r')
		ll--;
	if (starts(p, ll, "MSG") || starts(p, ll, "HMSG")) {
		if (last_number(p, ll, &len) || len > NATS_MAX_PEND)
			return -1;
		if (n < rest + len + 2)
			return 0;
		if (p[rest + len] != '\r' || p[rest + len + 1] != '\n')
			return -1;
		/* With headers off (CONNECT) the server sends no HMSG; were it
		 * to, the payload would start with the headers. */
		fn(arg, NATS_MSG, p + rest, (size_t)len);
		return (long)(rest + len + 2);
	}
	if (starts(p, ll, "PING"))
		fn(arg, NATS_PING, p, 0);
	else if (starts(p, ll, "PONG"))
		fn(arg, NATS_PONG, p, 0);
	else if (starts(p, ll, "+OK"))
		fn(arg, NATS_OK, p, 0);
	else if (starts(p, ll, "-ERR"))
		fn(arg, NATS_ERR, p + 4, ll - 4);
	else if (starts(p, ll, "INFO"))
		fn(arg, NATS_INFO, p + 4, ll - 4);
	else
		return -1;
	return (long)rest;
}

/* Parses p[0..n) as far as it goes; returns the bytes used, -1 on error.
 * *found counts the operations. */
static long
parse_all(const char *p, size_t n, nats_fn fn, void *arg, long *found)
{
	size_t off = 0;

	while (off < n) {
		long k = parse_one(p + off, n - off, fn, arg);

		if (k < 0)
			return -1;
		if (k == 0)
			break;
		off += (size_t)k;
		(*found)++;
	}
	return (long)off;
}

static int
keep(struct nats_rx *rx, const char *p, size_t n)
{
	if (!n)
		return 0;
	if (rx->len + n > NATS_MAX_PEND)
		return -1;
	if (rx->len + n > rx->cap) {
		size_t cap = rx->cap ? rx->cap : 512;
		char *q;

		while (cap < rx->len + n)
			cap *= 2;
		q = realloc(rx->pend, cap);
		if (!q)
			return -1;
		rx->pend = q;
		rx->cap = (uint32_t)cap;
	}
	memcpy(rx->pend + rx->len, p, n);
	rx->len += (uint32_t)n;
	return 0;
}

long
nats_feed(struct nats_rx *rx, const char *p, size_t n, nats_fn fn, void *arg)
{
	long found = 0, used;

	if (!rx->len) {
		/* The usual case: whole operations, parsed where they lie. */
		used = parse_all(p, n, fn, arg, &found);
		if (used < 0 || keep(rx, p + used, n - (size_t)used))
			return -1;
		return found;
	}
	/* The end of an operation that began in an earlier frame. */
	if (keep(rx, p, n))
		return -1;
	used = parse_all(rx->pend, rx->len, fn, arg, &found);
	if (used < 0)
		return -1;
	rx->len -= (uint32_t)used;
	memmove(rx->pend, rx->pend + used, rx->len);
	if (!rx->len && rx->cap > (64u << 10)) {
		free(rx->pend);
		rx->pend = NULL;
		rx->cap = 0;
	}
	return found;
}

void
nats_rx_free(struct nats_rx *rx)
{
	free(rx->pend);
	memset(rx, 0, sizeof *rx);
}

/* ---- requests ---- */

static int
send_ops(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
send_ops(struct conn *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		return -1;
	return conn_binary(c, buf, (size_t)n);
}

static int
nats_open(struct conn *c)
{
	struct nats *s = calloc(1, sizeof *s);

	if (!s)
		return -1;
	c->ps = s;
	/* The server sends INFO first, but takes CONNECT at once. Echo off:
	 * a publisher does not hear itself, as in openstrat's scenario. */
	s->verbose = c->role == ROLE_PUB;
	s->ok_skip = (unsigned)s->verbose;
	s->ok_rid = c->next_rid;
	return send_ops(c, "CONNECT {\"verbose\":%s,\"pedantic\":false,\"protocol\":1,"
			   "\"echo\":false,\"headers\":false,\"lang\":\"c\","
			   "\"version\":\"osbench\",\"name\":\"osbench\"}\r\n",
			s->verbose ? "true" : "false");
}

static void
nats_release(struct conn *c)
{
	struct nats *s = c->ps;

	c->ps = NULL;
	if (s->busy) {
		s->dead = 1; /* nats_on_text frees it */
		return;
	}
	nats_rx_free(&s->rx);
	free(s);
}

/* Queues ops on c, then PING; the PONG is the reply to the returned rid. */
static int64_t
ping_request(struct conn *c, const char *ops)
{
	struct nats *s = c->ps;
	char buf[256];
	int n = snprintf(buf, sizeof buf, "%sPING\r\n", ops);
	int64_t rid;

	if (!s || s->ping_n == PING_RING || n < 0 || (size_t)n >= sizeof buf)
		return -1;
	if (conn_binary(c, buf, (size_t)n))
		return -1;
	rid = c->next_rid++;
	s->pings[(s->ping_head + s->ping_n++) % PING_RING] = rid;
	return rid;
}

static int64_t
nats_hello(struct conn *c)
{
	return ping_request(c, "");
}

static int64_t
nats_subscribe(struct conn *c, int64_t round)
{
	struct nats *s = c->ps;
	char sub[96];

	if (!s || s->verbose)
		return -1; /* its +OK would be taken for a publish's */
	snprintf(sub, sizeof sub, "SUB round.%lld %u\r\n", (long long)round, ++s->next_sid);
	return ping_request(c, sub);
}

static int64_t
nats_publish(struct conn *c, int64_t round, const char *body, size_t n)
{
	struct nats *s = c->ps;
	char buf[10240];
	int h;

	if (!s || !s->verbose)
		return -1; /* nothing would acknowledge it */
	h = snprintf(buf, sizeof buf, "PUB round.%lld %zu\r\n", (long long)round, n);
	if (h < 0 || (size_t)h + n + 2 > sizeof buf)
		return -1;
	memcpy(buf + h, body, n);
	memcpy(buf + h + n, "\r\n", 2);
	if (conn_binary(c, buf, (size_t)h + n + 2))
		return -1;
	return c->next_rid++;
}

static int64_t
nats_write(struct conn *c, int64_t post, const char *body, size_t n)
{
	(void)post, (void)body, (void)n;
	worker_error(c->w, "nats has no persisted writes");
	return -1;
}

/* ---- replies and deliveries ---- */

struct ctx {
	struct conn *c;
	struct nats *s;
	uint64_t now;
};

static void
on_op(void *arg, int op, const char *p, size_t n)
{
	struct ctx *x = arg;
	struct conn *c = x->c;
	struct nats *s = x->s;

	if (s->dead)
		return;
	switch (op) {
	case NATS_MSG:
		role_delivery(c, p, n, x->now);
		break;
	case NATS_PING:
		send_ops(c, "PONG\r\n");
		break;
	case NATS_PONG:
		if (!s->ping_n) {
			ST_ADD(c->w, events_other, 1);
			break;
		}
		s->ping_n--;
		role_reply(c, s->pings[s->ping_head++ % PING_RING], 1, p, n, x->now);
		s->ping_head %= PING_RING;
		break;
	case NATS_OK:
		if (s->ok_skip)
			s->ok_skip--;
		else if (s->verbose)
			role_reply(c, s->ok_rid++, 1, p, n, x->now);
		else
			ST_ADD(c->w, events_other, 1);
		break;
	case NATS_ERR:
		/* In verbose mode an error takes the place of the +OK of the
		 * operation it refuses; otherwise it precedes a close. */
		if (s->verbose && !s->ok_skip) {
			role_reply(c, s->ok_rid++, 0, p, n, x->now);
		} else {
			ST_ADD(c->w, bad_msgs, 1);
			worker_error(c->w, "nats-server: -ERR%.*s", (int)(n > 120 ? 120 : n), p);
		}
		break;
	case NATS_INFO:
		ST_ADD(c->w, events_other, 1);
		break;
	}
}

static void
nats_on_text(struct conn *c, const char *p, size_t n, uint64_t now)
{
	struct nats *s = c->ps;
	struct ctx x = {c, s, now};
	long k;

	if (!s)
		return;
	s->busy = 1;
	k = nats_feed(&s->rx, p, n, on_op, &x);
	s->busy = 0;
	if (s->dead) {
		nats_rx_free(&s->rx);
		free(s);
		return;
	}
	if (k < 0) {
		ST_ADD(c->w, bad_msgs, 1);
		worker_error(c->w, "connection %u: bad NATS protocol from the server", c->idx);
		nats_rx_free(&s->rx);
	} else {
		ST_ADD(c->w, objs_in, (uint64_t)k);
	}
}

const struct proto proto_nats = {
	.name = "nats",
	.path = "/",
	.subprotocol = NULL,
	.peer = 1,
	.open = nats_open,
	.release = nats_release,
	.hello = nats_hello,
	.subscribe = nats_subscribe,
	.publish = nats_publish,
	.write = nats_write,
	.on_text = nats_on_text,
};
