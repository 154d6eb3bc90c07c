/*
 * The NATS connection (see bus.h). libnats calls the handlers below on its
 * own threads; they only copy, count and wake the loop, under b->mu.
 */
#include "cluster/bus.h"

#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

/* Received but not yet taken by the loop: past this the bus drops (and
 * counts) rather than grow without bound behind a stuck loop. */
#define BUS_QUEUE_MAX 200000

struct bus {
	natsConnection *nc;
	natsSubscription *sub;
	char prefix[80];          /* "openstrat.<forum>." */
	size_t prefix_len;
	void (*wake)(void *arg);
	void *wake_arg;

	pthread_mutex_t mu;
	struct bus_msg *head, *tail;
	size_t queued;
	struct bus_stats st;      /* under mu */
};

int
bus_forum_name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= 'A' && name[n] <= 'Z') ||
		      (name[n] >= '0' && name[n] <= '9') || name[n] == '-' || name[n] == '_'))
			return 0;
	return n >= 1 && n <= 64;
}

static void
on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
	struct bus *b = closure;
	const char *subj = natsMsg_GetSubject(msg);
	const char *data = natsMsg_GetData(msg);
	int len = natsMsg_GetDataLength(msg);
	size_t tl = 0;
	struct bus_msg *m = NULL;

	if (subj && !strncmp(subj, b->prefix, b->prefix_len) && len >= 0) {
		tl = strlen(subj + b->prefix_len);
		m = malloc(sizeof *m + (size_t)len + 1 + tl + 1);
	}
	if (m) {
		m->next = NULL;
		m->len = (size_t)len;
		memcpy(m->data, data ? data : "", (size_t)len);
		m->data[len] = '\0';
		m->tail = m->data + len + 1;
		memcpy(m->tail, subj + b->prefix_len, tl + 1);
	}
	natsMsg_Destroy(msg);
	pthread_mutex_lock(&b->mu);
	if (!m || b->queued >= BUS_QUEUE_MAX) {
		b->st.dropped++;
		pthread_mutex_unlock(&b->mu);
		free(m);
		return;
	}
	b->st.received++;
	if (b->tail)
		b->tail->next = m;
	else
		b->head = m;
	b->tail = m;
	b->queued++;
	pthread_mutex_unlock(&b->mu);
	b->wake(b->wake_arg);
}

static void
set_connected(struct bus *b, natsConnection *nc, int up, const char *what)
{
	char url[256] = "";

	pthread_mutex_lock(&b->mu);
	b->st.connected = up;
	if (!strcmp(what, "disconnected"))
		b->st.disconnects++;
	else if (!strcmp(what, "reconnected"))
		b->st.reconnects++;
	pthread_mutex_unlock(&b->mu);
	if (up)
		natsConnection_GetConnectedUrl(nc, url, sizeof url);
	if (up)
		os_info("nats: %s%s%s", what, url[0] ? " to " : "", url);
	else
		os_warn("nats: %s; serving this node's clients and reconnecting", what);
	b->wake(b->wake_arg);
}

static void
on_connected(natsConnection *nc, void *closure)
{
	set_connected(closure, nc, 1, "connected");
}

static void
on_disconnected(natsConnection *nc, void *closure)
{
	set_connected(closure, nc, 0, "disconnected");
}

static void
on_reconnected(natsConnection *nc, void *closure)
{
	set_connected(closure, nc, 1, "reconnected");
}

static void
on_closed(natsConnection *nc, void *closure)
{
	struct bus *b = closure;

	pthread_mutex_lock(&b->mu);
	b->st.connected = 0;
	pthread_mutex_unlock(&b->mu);
}

static void
on_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *closure)
{
	struct bus *b = closure;

	/* A slow consumer: libnats dropped messages it could not hand us. */
	if (err == NATS_SLOW_CONSUMER) {
		pthread_mutex_lock(&b->mu);
		b->st.dropped++;
		pthread_mutex_unlock(&b->mu);
	}
	os_warn("nats: %s", natsStatus_GetText(err));
}

int
bus_open(const struct bus_opts *o, struct bus **out)
{
	struct bus *b;
	natsOptions *no = NULL;
	natsStatus st;
	char subj[96];

	*out = NULL;
	if (!bus_forum_name_ok(o->forum)) {
		fprintf(stderr, "openstrat: --forum takes 1 to 64 letters, digits, - or _\n");
		return -1;
	}
	b = calloc(1, sizeof *b);
	if (!b || pthread_mutex_init(&b->mu, NULL)) {
		free(b);
		fprintf(stderr, "openstrat: out of memory\n");
		return -1;
	}
	b->prefix_len = (size_t)snprintf(b->prefix, sizeof b->prefix, "openstrat.%s.", o->forum);
	b->wake = o->wake;
	b->wake_arg = o->wake_arg;
	snprintf(subj, sizeof subj, "%s>", b->prefix);

	st = natsOptions_Create(&no);
	if (st == NATS_OK)
		st = natsOptions_SetURL(no, o->url);
	if (st == NATS_OK)
		st = natsOptions_SetName(no, "openstrat");
	if (st == NATS_OK)
		st = natsOptions_SetNoEcho(no, true);
	if (st == NATS_OK)
		st = natsOptions_SetAllowReconnect(no, true);
	if (st == NATS_OK)
		st = natsOptions_SetMaxReconnect(no, -1);
	if (st == NATS_OK)
		st = natsOptions_SetReconnectWait(no, 500);
	if (st == NATS_OK)
		st = natsOptions_SetReconnectBufSize(no, 8 * 1024 * 1024);
	/* A dead server is noticed within about 4 s even when no TCP error
	 * says so. */
	if (st == NATS_OK)
		st = natsOptions_SetPingInterval(no, 2000);
	if (st == NATS_OK)
		st = natsOptions_SetMaxPingsOut(no, 2);
	if (st == NATS_OK)
		st = natsOptions_SetDisconnectedCB(no, on_disconnected, b);
	if (st == NATS_OK)
		st = natsOptions_SetReconnectedCB(no, on_reconnected, b);
	if (st == NATS_OK)
		st = natsOptions_SetClosedCB(no, on_closed, b);
	if (st == NATS_OK)
		st = natsOptions_SetErrorHandler(no, on_error, b);
	if (st == NATS_OK)
		st = natsOptions_SetRetryOnFailedConnect(no, true, on_connected, b);
	if (st != NATS_OK) {
		fprintf(stderr, "openstrat: --nats %s: %s\n", o->url, natsStatus_GetText(st));
		natsOptions_Destroy(no);
		pthread_mutex_destroy(&b->mu);
		free(b);
		return -1;
	}
	st = natsConnection_Connect(&b->nc, no);
	natsOptions_Destroy(no);
	if (st != NATS_OK && st != NATS_NOT_YET_CONNECTED) {
		fprintf(stderr, "openstrat: --nats %s: %s\n", o->url, natsStatus_GetText(st));
		bus_close(b);
		return -1;
	}
	if (st == NATS_OK) {
		pthread_mutex_lock(&b->mu);
		b->st.connected = 1;
		pthread_mutex_unlock(&b->mu);
		os_info("nats: connected to %s", o->url);
	} else {
		os_warn("nats: %s not reachable yet; serving this node's clients and retrying",
			o->url);
	}
	st = natsConnection_Subscribe(&b->sub, b->nc, subj, on_msg, b);
	if (st == NATS_OK)
		/* The loop takes messages as fast as it handles them; this is
		 * libnats' own buffer in front of ours. */
		st = natsSubscription_SetPendingLimits(b->sub, 1000000, 512 * 1024 * 1024);
	if (st != NATS_OK) {
		fprintf(stderr, "openstrat: nats: cannot subscribe to %s: %s\n", subj,
			natsStatus_GetText(st));
		bus_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

void
bus_close(struct bus *b)
{
	struct bus_msg *m, *next;

	if (!b)
		return;
	if (b->sub)
		natsSubscription_Unsubscribe(b->sub);
	if (b->nc) {
		/* Sends what is buffered, then stops libnats' threads. */
		natsConnection_FlushTimeout(b->nc, 1000);
		natsConnection_Close(b->nc);
	}
	natsSubscription_Destroy(b->sub);
	natsConnection_Destroy(b->nc);
	/* Waits for libnats' threads, so no handler runs after this. */
	nats_CloseAndWait(2000);
	for (m = b->head; m; m = next) {
		next = m->next;
		free(m);
	}
	pthread_mutex_destroy(&b->mu);
	free(b);
}

int
bus_publish(struct bus *b, const char *tail, const void *data, size_t len)
{
	char subj[128];
	natsStatus st;

	snprintf(subj, sizeof subj, "%s%s", b->prefix, tail);
	st = natsConnection_Publish(b->nc, subj, data, (int)len);
	pthread_mutex_lock(&b->mu);
	if (st == NATS_OK)
		b->st.published++;
	else
		b->st.publish_failed++;
	pthread_mutex_unlock(&b->mu);
	return st == NATS_OK ? 0 : -1;
}

struct bus_msg *
bus_take(struct bus *b)
{
	struct bus_msg *m;

	pthread_mutex_lock(&b->mu);
	m = b->head;
	b->head = b->tail = NULL;
	b->queued = 0;
	pthread_mutex_unlock(&b->mu);
	return m;
}

int
bus_connected(struct bus *b)
{
	int up;

	pthread_mutex_lock(&b->mu);
	up = b->st.connected;
	pthread_mutex_unlock(&b->mu);
	return up;
}

void
bus_stats(struct bus *b, struct bus_stats *out)
{
	pthread_mutex_lock(&b->mu);
	*out = b->st;
	pthread_mutex_unlock(&b->mu);
}
