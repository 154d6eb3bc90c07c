/*
 * openstrat's wire format (PROTOCOL.md): JSON requests with a rid, replies
 * that echo it, events with "ev"; a frame holds one object or an array of
 * them. Bodies built by roles.c are plain ASCII, so no JSON escaping.
 */
#include "osbench.h"

#include <stdarg.h>
#include <stdio.h>

#include "jscan.h"
#include "proto.h"

static int64_t
request(struct conn *c, const char *fmt, ...)
{
	char buf[10240];
	int64_t rid = c->next_rid++;
	int n = snprintf(buf, sizeof buf, "{\"rid\":%lld,", (long long)rid), m;
	va_list ap;

	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) >= sizeof buf)
		return -1;
	return conn_text(c, buf, (size_t)(n + m)) ? -1 : rid;
}

static int64_t
os_hello(struct conn *c)
{
	return request(c, "\"op\":\"hello\"}");
}

static int64_t
os_subscribe(struct conn *c, int64_t round)
{
	return request(c, "\"op\":\"round.subscribe\",\"round\":%lld}", (long long)round);
}

static int64_t
os_publish(struct conn *c, int64_t round, const char *body, size_t n)
{
	return request(c, "\"op\":\"chat.send\",\"round\":%lld,\"body\":\"%.*s\"}",
		       (long long)round, (int)n, body);
}

static int64_t
os_write(struct conn *c, int64_t post, const char *body, size_t n)
{
	return request(c, "\"op\":\"comment.create\",\"post\":%lld,\"body\":\"%.*s\"}",
		       (long long)post, (int)n, body);
}

/* An idea whose body carries the marker; the title stays short and plain. */
static int64_t
os_post(struct conn *c, int64_t round, const char *body, size_t n)
{
	return request(c, "\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
			  "\"title\":\"osbench\",\"body\":\"%.*s\"}",
		       (long long)round, (int)n, body);
}

struct ctx {
	struct conn *c;
	uint64_t now;
};

static void
on_object(void *arg, const char *p, size_t n)
{
	struct ctx *x = arg;
	struct jmsg m;

	jscan_classify(p, n, &m);
	if (m.kind == JMSG_REPLY)
		role_reply(x->c, m.rid, m.ok, p, n, x->now);
	else if (m.kind == JMSG_EVENT && x->c->w->b->delivery_ev &&
		 jscan_ev_is(&m, x->c->w->b->delivery_ev))
		role_delivery(x->c, p, n, x->now);
	else
		ST_ADD(x->c->w, events_other, 1);
}

static void
os_on_text(struct conn *c, const char *p, size_t n, uint64_t now)
{
	struct ctx x = {c, now};
	struct worker *w = c->w;
	long k = jscan_objects(p, n, on_object, &x);

	if (k < 0)
		ST_ADD(w, bad_msgs, 1);
	else
		ST_ADD(w, objs_in, (uint64_t)k);
}

const struct proto proto_openstrat = {
	.name = "openstrat",
	.path = "/ws",
	.subprotocol = "openstrat.v1",
	.hello = os_hello,
	.subscribe = os_subscribe,
	.publish = os_publish,
	.write = os_write,
	.post = os_post,
	.post_ev = "post.created",
	.on_text = os_on_text,
};
