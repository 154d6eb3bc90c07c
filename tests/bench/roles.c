/*
 * What each connection does, whatever the server: the roles of osbench.h.
 * Everything here runs on the connection's worker thread.
 */
#include "osbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "proto.h"

/* Which messages a subscriber has seen, as a sliding bitmap: the server
 * delivers in order, so a window of a few thousand sequence numbers past
 * the oldest missing one is plenty, and costs 512 bytes per subscriber
 * instead of a bit per message. A message that arrives after the window
 * slid past it counts as a duplicate (and its slot as missing). */
#define WIN_BITS 4096u

struct subwin {
	uint64_t base;     /* every seq below base was seen (or given up) */
	uint64_t distinct; /* messages seen, each once */
	uint64_t bits[WIN_BITS / 64];
};

#define BIT_GET(s, q) (((s)->bits[((q) % WIN_BITS) / 64] >> ((q) % 64)) & 1u)
#define BIT_SET(s, q) ((s)->bits[((q) % WIN_BITS) / 64] |= UINT64_C(1) << ((q) % 64))
#define BIT_CLR(s, q) ((s)->bits[((q) % WIN_BITS) / 64] &= ~(UINT64_C(1) << ((q) % 64)))

/* Returns 1 when seq is new. */
static int
win_add(struct subwin *s, uint64_t seq)
{
	if (seq < s->base)
		return 0;
	if (seq - s->base >= WIN_BITS) {
		uint64_t nb = seq - WIN_BITS + 1;

		if (nb - s->base >= WIN_BITS)
			memset(s->bits, 0, sizeof s->bits);
		else
			for (uint64_t q = s->base; q < nb; q++)
				BIT_CLR(s, q);
		s->base = nb;
	}
	if (BIT_GET(s, seq))
		return 0;
	BIT_SET(s, seq);
	while (BIT_GET(s, s->base)) {
		BIT_CLR(s, s->base);
		s->base++;
	}
	return 1;
}

/* The publisher keeps the send time of each request in flight, by rid. */
#define PUB_RING 65536u

struct pubstate {
	uint64_t t0;           /* when the run began; the end is t0 + duration */
	uint64_t start;        /* t0 plus this publisher's turn */
	uint64_t sent, acked;  /* acked: read by the main thread (atomic) */
	int done;
	uint64_t sent_ns[PUB_RING];
};

/*
 * A message's sequence number carries its publisher's source number in the
 * bits above SRC_SHIFT, so that a subscriber of one round recognises a
 * message published to another (rounds). With one publisher (fanout) the
 * source is 0 and the number is just the count.
 */
#define SRC_SHIFT 40
#define SEQ_MASK  ((UINT64_C(1) << SRC_SHIFT) - 1)

static void
note_reply_error(struct worker *w, const char *what, const char *p, size_t n)
{
	worker_error(w, "%s failed: %.*s", what, (int)(n > 150 ? 150 : n), p);
}

/* The body: the marker first, so that a cheap scan finds it, then filler
 * up to the configured size. */
static size_t
make_body(struct bench *b, char *buf, size_t cap, const char *kind, uint64_t seq,
	  uint64_t ns)
{
	int n = snprintf(buf, cap, "osb#%s#%llu#%llu# %s", b->tag, (unsigned long long)seq,
			 (unsigned long long)ns, kind);
	size_t len = n < 0 ? 0 : (size_t)n;

	if (len >= cap)
		len = cap - 1;
	for (; len < (size_t)b->o.size && len + 1 < cap; len++)
		buf[len] = (char)('a' + len % 26);
	buf[len] = '\0';
	return len;
}

static int
npubs(const struct bench *b)
{
	return b->npubs > 0 ? b->npubs : 1;
}

/* This publisher's share of --messages: an even split, the remainder to
 * the first ones. */
static uint64_t
pub_limit(const struct conn *c)
{
	const struct bench *b = c->w->b;
	uint64_t n = (uint64_t)npubs(b);

	if (!b->o.messages)
		return UINT64_MAX;
	return b->o.messages / n + (c->src < b->o.messages % n);
}

static void
pub_finish(struct conn *c, uint64_t now)
{
	struct bench *b = c->w->b;
	uint64_t end = __atomic_load_n(&b->pub_end_ns, __ATOMIC_RELAXED);

	c->pub->done = 1;
	while (end < now && !__atomic_compare_exchange_n(&b->pub_end_ns, &end, now, 0,
							 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	__atomic_add_fetch(&b->pub_done, 1, __ATOMIC_RELEASE);
}

/* post.create when the scenario asked for it and the server has it,
 * otherwise the proto's publish (chat.send for openstrat). */
static int64_t
pub_send(struct conn *c, const char *body, size_t n)
{
	const struct bench *b = c->w->b;

	if (b->o.op && !strcmp(b->o.op, "post") && b->proto->post && !b->proto->peer)
		return b->proto->post(c, c->target, body, n);
	return b->proto->publish(c, c->target, body, n);
}

/* Sends what is due; returns the ms until the next is due. */
static int
pub_pump(struct conn *c, uint64_t now)
{
	struct worker *w = c->w;
	struct bench *b = w->b;
	struct pubstate *p = c->pub;
	uint64_t limit = pub_limit(c), target, window, zero = 0;
	double rate = b->o.rate / npubs(b);
	char body[8192];
	int wait_ms = 50;

	if (p->done || c->state != CS_OPEN || bench_phase(b) != PH_RUN)
		return 50;
	if (!p->start) {
		/* Publishers sharing a rate take turns: each starts its share
		 * of the period later, so that together they send evenly
		 * rather than all at once; all stop at t0 + duration. */
		p->t0 = now;
		p->start = now;
		if (b->o.rate > 0)
			p->start += (uint64_t)((double)c->src * 1e9 / b->o.rate);
		__atomic_compare_exchange_n(&b->pub_start_ns, &zero, p->start, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
	if (now < p->start) {
		uint64_t ms = (p->start - now + 999999) / 1000000;

		return ms < 50 ? (int)ms : 50;
	}
	if (!b->o.messages && now - p->t0 >= (uint64_t)(b->o.duration * 1e9)) {
		pub_finish(c, now);
		return 50;
	}
	target = limit;
	if (rate > 0) {
		uint64_t due = (uint64_t)((double)(now - p->start) * rate / 1e9) + 1;

		if (due < target)
			target = due;
	}
	window = (uint64_t)b->o.window;
	if (!window || window > PUB_RING)
		window = PUB_RING;
	c->corked = 1;
	while (p->sent < target) {
		uint64_t t = now_ns();
		size_t n;
		int64_t rid;

		if (p->sent - p->acked >= window) {
			ST_ADD(w, pub_stalls, 1);
			break;
		}
		n = make_body(b, body, sizeof body, "chat",
			      (uint64_t)c->src << SRC_SHIFT | p->sent, t);
		rid = pub_send(c, body, n);
		if (rid < 0)
			break;
		p->sent_ns[(uint64_t)rid % PUB_RING] = t;
		p->sent++;
		ST_ADD(w, pub_sent, 1);
	}
	c->corked = 0;
	if (conn_flush(c))
		return 50;
	if (p->sent >= limit) {
		pub_finish(c, now);
		return 50;
	}
	if (rate > 0 && p->sent - p->acked < window) {
		uint64_t next = p->start + (uint64_t)((double)p->sent * 1e9 / rate);

		wait_ms = next <= now ? 0 : (int)((next - now + 999999) / 1000000);
		if (wait_ms > 50)
			wait_ms = 50;
	}
	return wait_ms;
}

static void
writer_send(struct conn *c, uint64_t now)
{
	struct bench *b = c->w->b;
	char body[8192];
	size_t n = make_body(b, body, sizeof body, "comment", (uint64_t)c->next_rid, now);

	c->t_sent = now;
	c->wait_rid = b->proto->write(c, c->target, body, n);
	if (c->wait_rid >= 0)
		ST_ADD(c->w, requests, 1);
}

void
role_open(struct conn *c, uint64_t now)
{
	struct worker *w = c->w;
	struct bench *b = w->b;

	switch (c->role) {
	case ROLE_HELLO:
		c->t_sent = now;
		c->wait_rid = b->proto->hello(c);
		if (c->wait_rid >= 0)
			ST_ADD(w, requests, 1);
		break;
	case ROLE_SUB:
		c->win = calloc(1, sizeof *c->win);
		if (!c->win) {
			worker_error(w, "out of memory");
			return;
		}
		c->t_sent = now;
		c->wait_rid = b->proto->subscribe(c, c->target);
		break;
	case ROLE_PUB:
	case ROLE_WRITER:
		break;
	}
}

static void
find_publishers(struct worker *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nconns; i++)
		n += w->conns[i]->role == ROLE_PUB;
	w->pubs = calloc(n + 1, sizeof *w->pubs);
	if (!w->pubs) {
		worker_error(w, "out of memory");
		return;
	}
	for (size_t i = 0; i < w->nconns; i++) {
		struct conn *c = w->conns[i];

		if (c->role != ROLE_PUB)
			continue;
		c->pub = calloc(1, sizeof *c->pub);
		if (!c->pub) {
			worker_error(w, "out of memory");
			continue;
		}
		w->pubs[w->npubs++] = c;
	}
}

void
role_phase(struct worker *w, int phase, uint64_t now)
{
	/* A worker may see a later phase without the one before it. */
	if (!w->pubs && phase >= PH_CONNECT && phase < PH_EXIT)
		find_publishers(w);
	if (phase == PH_RUN)
		for (size_t i = 0; i < w->nconns; i++) {
			struct conn *c = w->conns[i];

			if (c->role == ROLE_WRITER && c->state == CS_OPEN && c->wait_rid < 0)
				writer_send(c, now);
		}
	if (phase == PH_EXIT) {
		free(w->pubs);
		w->pubs = NULL;
		w->npubs = 0;
	}
}

int
role_tick(struct worker *w, uint64_t now)
{
	int wait_ms = 50;

	for (size_t i = 0; i < w->npubs; i++) {
		int t = pub_pump(w->pubs[i], now);

		if (t < wait_ms)
			wait_ms = t;
	}
	return wait_ms;
}

void
role_reply(struct conn *c, int64_t rid, int ok, const char *p, size_t n, uint64_t now)
{
	struct worker *w = c->w;
	struct bench *b = w->b;

	switch (c->role) {
	case ROLE_HELLO:
		if (rid != c->wait_rid)
			break;
		c->wait_rid = -1;
		hist_record(&w->h_reply, now - c->t_sent);
		if (ok) {
			ST_ADD(w, replies_ok, 1);
		} else {
			ST_ADD(w, replies_err, 1);
			note_reply_error(w, "hello", p, n);
		}
		break;
	case ROLE_SUB:
		if (rid != c->wait_rid)
			break;
		c->wait_rid = -1;
		if (ok) {
			ST_ADD(w, subscribed, 1);
		} else {
			ST_ADD(w, sub_err, 1);
			note_reply_error(w, "subscribe", p, n);
		}
		break;
	case ROLE_PUB: {
		struct pubstate *ps = c->pub;

		if (!ps || rid < 1 || (uint64_t)rid > ps->sent)
			break;
		__atomic_store_n(&ps->acked, ps->acked + 1, __ATOMIC_RELAXED);
		hist_record(&w->h_reply, now - ps->sent_ns[(uint64_t)rid % PUB_RING]);
		if (ok) {
			ST_ADD(w, pub_ok, 1);
		} else {
			ST_ADD(w, pub_err, 1);
			note_reply_error(w, "publish", p, n);
		}
		if (b->o.rate <= 0)
			pub_pump(c, now);
		break;
	}
	case ROLE_WRITER:
		if (rid != c->wait_rid)
			break;
		c->wait_rid = -1;
		if (ok) {
			ST_ADD(w, replies_ok, 1);
		} else {
			ST_ADD(w, replies_err, 1);
			note_reply_error(w, "write", p, n);
		}
		if (__atomic_load_n(&b->measuring, __ATOMIC_RELAXED)) {
			hist_record(&w->h_reply, now - c->t_sent);
			if (ok) {
				ST_ADD(w, measured_ok, 1);
				ST_ADD(w, node_measured_ok[c->node], 1);
			}
		}
		if (bench_phase(b) == PH_RUN)
			writer_send(c, now);
		break;
	}
}

/* The measurement window a message sent at ts belongs to, or -1 (before
 * the first, or no windows). */
static int
window_of(const struct bench *b, uint64_t ts)
{
	int n = __atomic_load_n(&b->nwin, __ATOMIC_ACQUIRE);

	while (n-- > 0)
		if (ts >= __atomic_load_n(&b->win_start[n], __ATOMIC_RELAXED))
			return n;
	return -1;
}

void
role_delivery(struct conn *c, const char *p, size_t n, uint64_t now)
{
	struct worker *w = c->w;
	uint64_t seq, ts, lat;
	int k;

	if (c->role != ROLE_SUB || !c->win || !jscan_marker(p, n, w->b->tag, &seq, &ts)) {
		ST_ADD(w, events_other, 1);
		return;
	}
	if (seq >> SRC_SHIFT != c->src) {
		/* Another round's message: the server delivered it to a
		 * connection that never subscribed to that round. */
		ST_ADD(w, cross, 1);
		worker_error(w, "connection %u (source %u) got a message of source %llu",
			     c->idx, c->src, (unsigned long long)(seq >> SRC_SHIFT));
		return;
	}
	if (!w->st.first_delivery_ns)
		ST_SET(w, first_delivery_ns, now);
	ST_SET(w, last_delivery_ns, now);
	ST_ADD(w, deliveries, 1);
	ST_ADD(w, node_deliveries[c->node], 1);
	lat = now > ts ? now - ts : 0;
	hist_record(&w->h_delivery, lat);
	hist_record(&w->h_node[c->node], lat);
	if ((k = window_of(w->b, ts)) >= 0) {
		hist_record(&w->h_win[k], lat);
		ST_ADD(w, win_deliveries[k], 1);
	}
	if (win_add(c->win, seq & SEQ_MASK)) {
		ST_ADD(w, distinct, 1);
		ST_ADD(w, node_distinct[c->node], 1);
		__atomic_store_n(&c->win->distinct, c->win->distinct + 1, __ATOMIC_RELAXED);
	} else {
		ST_ADD(w, dups, 1);
		ST_ADD(w, node_dups[c->node], 1);
	}
}

uint64_t
role_sub_distinct(const struct conn *c)
{
	return c->role == ROLE_SUB && c->win ? __atomic_load_n(&c->win->distinct, __ATOMIC_RELAXED)
					     : 0;
}

uint64_t
role_pub_acked(const struct conn *c)
{
	return c->role == ROLE_PUB && c->pub ? __atomic_load_n(&c->pub->acked, __ATOMIC_RELAXED)
					     : 0;
}
