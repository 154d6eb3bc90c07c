/*
 * The WebSocket side: authentication at the upgrade, message assembly with
 * the contract's limits, dispatch, and the outbound queue that each
 * connection drains in SERVER_WRITEABLE.
 */
#include "transport/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "transport/cluster.h"

#include <cjson/cJSON.h>

struct ws_pss {
	struct conn *c;
};

size_t
ws_pss_size(void)
{
	return sizeof(struct ws_pss);
}

struct msg *
msg_new(const char *json, size_t len)
{
	struct msg *m = malloc(sizeof *m + LWS_PRE + len + 1);

	if (!m)
		return NULL;
	static uint64_t serial;

	m->refs = 1;
	m->len = (uint32_t)len;
	m->serial = ++serial;
	memcpy(m->data + LWS_PRE, json, len);
	m->data[LWS_PRE + len] = '\0';
	return m;
}

struct msg *
msg_ref(struct msg *m)
{
	m->refs++;
	return m;
}

void
msg_unref(struct msg *m)
{
	if (m && --m->refs == 0)
		free(m);
}

struct conn *
conn_ref(struct conn *c)
{
	c->refs++;
	return c;
}

static void
queue_clear(struct conn *c)
{
	while (c->q_count) {
		msg_unref(c->q[c->q_head]);
		c->q_head = (c->q_head + 1) % c->q_cap;
		c->q_count--;
	}
	c->q_bytes = 0;
}

void
conn_unref(struct conn *c)
{
	if (!c || --c->refs > 0)
		return;
	queue_clear(c);
	free(c->q);
	free(c->rx);
	free(c->subs);
	free(c);
}

static void
want_write(struct conn *c)
{
	if (c->wsi && !c->want_write) {
		c->want_write = 1;
		lws_callback_on_writable(c->wsi);
	}
}

void
conn_close(struct conn *c, int code, const char *reason)
{
	if (!c->wsi || c->closing)
		return;
	c->closing = 1;
	c->close_code = code;
	c->close_reason = reason;
	/* Nothing queued matters any more, and a slow reader's queue is what
	 * we want to free. */
	queue_clear(c);
	c->want_write = 0;
	want_write(c);
	/* A reader that has stopped reading never becomes writable: make
	 * sure it goes anyway. */
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, 3);
}

static int close_with(struct lws *wsi, int code, const char *why);

void
conn_close_drained(struct conn *c, int code, const char *reason)
{
	if (!c->wsi || c->closing)
		return;
	c->close_drained = 1;
	c->close_code = code;
	c->close_reason = reason;
	want_write(c);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, 10);
}

/* The i-th message waiting in c's queue (a ring). */
static struct msg *
queue_at(const struct conn *c, size_t i)
{
	return c->q[(c->q_head + i) % c->q_cap];
}

void
conn_send(struct conn *c, struct msg *m)
{
	if (!c->wsi || c->closing || c->close_drained)
		return;
	if (c->q_count >= CONN_QUEUE_MSGS || c->q_bytes + m->len > CONN_QUEUE_BYTES) {
		os_info("ws: dropping slow connection %llu of %s (%zu queued)",
			(unsigned long long)c->id, c->user.username, c->q_count);
		c->srv->metrics.ws_slow++;
		conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "too slow");
		return;
	}
	if (c->q_count == c->q_cap) {
		size_t ncap = c->q_cap ? c->q_cap * 2 : 8;
		struct msg **nq = malloc(ncap * sizeof *nq);

		if (!nq) {
			conn_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
			return;
		}
		for (size_t i = 0; i < c->q_count; i++)
			nq[i] = queue_at(c, i);
		free(c->q);
		c->q = nq;
		c->q_cap = ncap;
		c->q_head = 0;
	}
	c->q[(c->q_head + c->q_count) % c->q_cap] = msg_ref(m);
	c->q_count++;
	c->q_bytes += m->len;
	c->srv->metrics.ws_out++;
	want_write(c);
}

static struct msg *
queue_pop(struct conn *c)
{
	struct msg *m = c->q[c->q_head];

	c->q_head = (c->q_head + 1) % c->q_cap;
	c->q_count--;
	c->q_bytes -= m->len;
	return m;
}

/*
 * The batch frame in the server's scratch buffer fits c when c's queue
 * starts with the same messages and either holds no more of them or the
 * frame had no room for more: then building it again would give the same
 * bytes.
 */
static int
batch_fits(const struct server *s, const struct conn *c)
{
	if (!s->batch_n || c->q_count < s->batch_n)
		return 0;
	if (c->q_count > s->batch_n) {
		const struct msg *next = queue_at(c, s->batch_n);

		/* batch_build() would have added it (see its test) */
		if (s->batch_len - 1 + next->len + 2 <= WS_BATCH_MAX)
			return 0;
	}
	for (size_t i = 0; i < s->batch_n; i++)
		if (queue_at(c, i)->serial != s->batch_serials[i])
			return 0;
	return 1;
}

/* Builds c's next batch frame in scratch ('[' a ',' b ... ']') and
 * remembers which messages it holds. */
static void
batch_build(struct server *s, const struct conn *c)
{
	unsigned char *p = s->scratch + LWS_PRE;
	size_t n = 0, k = 0;

	p[n++] = '[';
	s->batch_n = 0;
	for (; k < c->q_count; k++) {
		struct msg *m = queue_at(c, k);

		if (n + m->len + 2 > WS_BATCH_MAX)
			break;
		if (k == s->batch_cap) {
			size_t ncap = s->batch_cap ? s->batch_cap * 2 : 64;
			uint64_t *nb = realloc(s->batch_serials, ncap * sizeof *nb);

			if (!nb)
				break; /* a shorter frame; batch_fits() knows */
			s->batch_serials = nb;
			s->batch_cap = ncap;
		}
		if (k)
			p[n++] = ',';
		memcpy(p + n, msg_payload(m), m->len);
		n += m->len;
		s->batch_serials[k] = m->serial;
	}
	p[n++] = ']';
	s->batch_len = n;
	s->batch_n = k;
}

static void
sent(struct server *s, size_t len)
{
	s->metrics.ws_frames++;
	s->metrics.ws_bytes += len;
}

/*
 * libwebsockets allows one lws_write() per writable callback. When several
 * messages wait, they go out together as one JSON array frame, which the
 * contract allows; a message too big to share a frame goes alone from its
 * own buffer. A fan-out leaves the same messages queued on every
 * subscriber, so the frame is built once and sent to each.
 */
static int
write_some(struct conn *c)
{
	struct server *s = c->srv;
	struct msg *first;

	if (!c->q_count)
		return c->close_drained ? close_with(c->wsi, c->close_code,
						     c->close_reason ? c->close_reason : "")
					: 0;
	first = c->q[c->q_head];
	if (c->q_count == 1 || first->len + 2 > WS_BATCH_MAX) {
		struct msg *m = queue_pop(c);
		int len = (int)m->len;
		int w = lws_write(c->wsi, msg_payload(m), (size_t)len, LWS_WRITE_TEXT);

		msg_unref(m);
		if (w < len)
			return -1;
		sent(s, (size_t)len);
	} else {
		size_t k, len;

		if (!batch_fits(s, c))
			batch_build(s, c);
		k = s->batch_n;
		len = s->batch_len;
		if (!k) {
			/* Out of memory for the serials: one message alone. */
			struct msg *m = queue_pop(c);
			int mlen = (int)m->len;
			int w = lws_write(c->wsi, msg_payload(m), m->len, LWS_WRITE_TEXT);

			msg_unref(m);
			if (w < mlen)
				return -1;
			sent(s, (size_t)mlen);
		} else {
			while (k--)
				msg_unref(queue_pop(c));
			if (lws_write(c->wsi, s->scratch + LWS_PRE, len, LWS_WRITE_TEXT) <
			    (int)len)
				return -1;
			sent(s, len);
		}
	}
	if (c->q_count || c->close_drained)
		want_write(c);
	return 0;
}

static int
close_with(struct lws *wsi, int code, const char *why)
{
	lws_close_reason(wsi, (enum lws_close_status)code, (unsigned char *)why,
			 strlen(why));
	return -1;
}

static int
authenticate(struct server *s, struct lws *wsi, struct conn *c)
{
	char token[128];

	if (http_request_token(wsi, token, sizeof token))
		return OS_EUNAUTH;
	char host[256];
	int rc;

	if (s->origin[0])
		snprintf(c->base_url, sizeof c->base_url, "%s", s->origin);
	else if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) > 0)
		snprintf(c->base_url, sizeof c->base_url, "%s://%s",
			 s->secure ? "https" : "http", host);
	session_token_hash(token, c->session_hash);
	rc = session_resolve(s->st, &s->policy, token, 1, &c->user);
	if (store_group_open(s->st))
		server_schedule_flush(s);
	return rc;
}

/*
 * A token bucket per connection: a client that sends requests faster than
 * --conn-rate-limit per second (after a burst of twice that) gets
 * rate_limited replies without the work being done; one that keeps going
 * regardless is disconnected. This keeps one flooding connection from
 * taking the event loop from the others.
 */
static int
over_budget(struct conn *c)
{
	int64_t now = os_mono_us();
	double rate = c->srv->opts.conn_rate_limit, burst = 2 * rate;

	if (rate <= 0)
		return 0;
	if (!c->budget_at_us) {
		c->budget = burst;
		c->budget_at_us = now;
	}
	c->budget += (double)(now - c->budget_at_us) * rate / 1e6;
	if (c->budget > burst)
		c->budget = burst;
	c->budget_at_us = now;
	if (c->budget < 1.0)
		return 1;
	c->budget -= 1.0;
	c->refused = 0;
	return 0;
}

static void
refuse(struct conn *c)
{
	struct server *s = c->srv;
	const cJSON *rid;
	cJSON *in;
	size_t len;
	char *reply;

	if (++c->refused > CONN_REFUSE_MAX) {
		s->metrics.ws_flood++;
		conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "too many requests");
		return;
	}
	s->metrics.ws_over_budget++;
	in = cJSON_ParseWithLength(c->rx, c->rx_len);
	rid = cJSON_GetObjectItemCaseSensitive(in, "rid");
	reply = dispatch_error_reply(cJSON_IsNumber(rid), cJSON_IsNumber(rid) ? rid->valuedouble : 0,
				     OS_ERATELIMIT, "too many requests on this connection; slow down",
				     &len);
	cJSON_Delete(in);
	if (reply)
		server_reply(s, c, reply, len, 0);
}

static void
handle_message(struct conn *c)
{
	struct server *s = c->srv;
	size_t out_len = 0;
	int is_write = 0;
	char *reply;

	reply = dispatch_request(s->disp, &c->user, c, c->rx, c->rx_len, &out_len,
				 &is_write);
	if (!reply) {
		conn_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
		return;
	}
	server_reply(s, c, reply, out_len, is_write);
}

static int
receive(struct conn *c, struct lws *wsi, const void *in, size_t len)
{
	if (lws_frame_is_binary(wsi))
		return close_with(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
				  "binary frames are not accepted");
	if (lws_is_first_fragment(wsi))
		c->rx_len = 0;
	if (c->rx_len + len > WS_MAX_MESSAGE)
		return close_with(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
				  "message over 64 KiB");
	if (c->rx_len + len + 1 > c->rx_cap) {
		size_t ncap = c->rx_cap ? c->rx_cap : 1024;
		char *p;

		while (ncap < c->rx_len + len + 1)
			ncap *= 2;
		p = realloc(c->rx, ncap);
		if (!p)
			return close_with(wsi, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
					  "out of memory");
		c->rx = p;
		c->rx_cap = ncap;
	}
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	c->rx[c->rx_len] = '\0';
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if (!os_utf8_valid(c->rx, c->rx_len))
		return close_with(wsi, LWS_CLOSE_STATUS_INVALID_PAYLOAD,
				  "text is not valid UTF-8");
	c->srv->metrics.ws_in++;
	if (over_budget(c))
		refuse(c);
	else
		handle_message(c);
	c->rx_len = 0;
	/* A burst of large messages should not pin a large buffer. */
	if (c->rx_cap > 16384) {
		free(c->rx);
		c->rx = NULL;
		c->rx_cap = 0;
	}
	return 0;
}

int
ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	    void *in, size_t len)
{
	struct ws_pss *pss = user;
	struct server *s = the_server;
	struct conn *c = pss ? pss->c : NULL;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* The sync thread made a group durable (or another thread
		 * woke the loop: then nothing is released). */
		if (s)
			server_release_synced(s);
		/* Or the bus brought messages from the other nodes. */
		if (s && s->cluster)
			cluster_drain(s);
		return 0;

	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		c = calloc(1, sizeof *c);
		if (!c)
			return 1;
		c->srv = s;
		c->refs = 1;
		if (authenticate(s, wsi, c) != OS_OK) {
			s->metrics.ws_refused++;
			free(c);
			return 1;
		}
		pss->c = c;
		return 0;

	case LWS_CALLBACK_ESTABLISHED:
		if (!c)
			return -1;
		c->wsi = wsi;
		c->id = ++s->next_conn_id;
		c->last_rx_us = os_mono_us();
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->nconns++;
		s->metrics.ws_accepted++;
		os_debug("ws: %s connected (%zu open)", c->user.username, s->nconns);
		return 0;

	case LWS_CALLBACK_RECEIVE:
		if (!c || c->closing)
			return c ? close_with(wsi, c->close_code, c->close_reason) : -1;
		c->last_rx_us = os_mono_us();
		return receive(c, wsi, in, len);

	case LWS_CALLBACK_RECEIVE_PONG:
		if (c)
			c->last_rx_us = os_mono_us();
		return 0;

	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!c)
			return -1;
		c->want_write = 0;
		if (c->closing)
			return close_with(wsi, c->close_code,
					  c->close_reason ? c->close_reason : "");
		return write_some(c);

	case LWS_CALLBACK_CLOSED:
		if (!c || !c->wsi) {
			if (c && !c->wsi)
				conn_unref(c);
			if (pss)
				pss->c = NULL;
			return 0;
		}
		fanout_unsubscribe_all(s, c);
		if (c->prev)
			c->prev->next = c->next;
		else
			s->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		s->nconns--;
		c->wsi = NULL;
		queue_clear(c);
		pss->c = NULL;
		conn_unref(c);
		return 0;

	default:
		return 0;
	}
}
