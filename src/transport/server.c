/*
 * The server's life: the libwebsockets context and vhost, the event loop,
 * group commit (replies and events wait for the commit of the writes of
 * their loop turn), the forum's event sink and the hub dispatch uses.
 */
#include "transport/internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "cli/demo.h"
#include "forum/rounds.h"
#include "store/files.h"
#include "store/rounds.h"
#include "store/users.h"
#include "transport/cluster.h"

struct server *the_server;

void
server_opts_default(struct server_opts *o)
{
	memset(o, 0, sizeof *o);
	o->listen = "127.0.0.1";
	o->port = 8080;
	o->rate_limit = 120;
	o->conn_rate_limit = 100;
	o->flag_threshold = 3;
	o->sync_full = 1;
	o->hash_threads = 2;
	o->demo_lang = OS_LANG_EN;
	o->max_upload_mb = 20;
}

/* ---- group commit ---- */

static void
flush_cb(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, flush_sul);

	s->flush_scheduled = 0;
	server_flush(s);
}

static void
flush_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct server *s = w->data;

	ev_prepare_stop(loop, w);
	s->flush_scheduled = 0;
	server_flush(s);
}

void
server_schedule_flush(struct server *s)
{
	if (s->flush_scheduled)
		return;
	s->flush_scheduled = 1;
	/* At the end of this loop turn, after everything that arrived in it
	 * was handled: libev runs prepare watchers just before it waits for
	 * the next events; the poll() loop runs a timer due at once at the
	 * start of the next turn. */
	if (s->loop) {
		ev_prepare_start(s->loop, &s->flush_prep);
		return;
	}
	lws_sul_schedule(s->ctx, 0, &s->flush_sul, flush_cb, 1);
}

/*
 * A reply or an event that cannot be built or queued (out of memory) must
 * not vanish unnoticed: whoever should have had it is disconnected with
 * 1011, and the client reconnects and reloads what it shows. A reply's
 * connection, or every subscriber of the event's round.
 */
static void
lost(struct server *s, struct conn *c, int64_t round)
{
	os_err("out of memory: a %s was lost; closing to make clients re-sync",
	       c ? "reply" : "event");
	if (c)
		conn_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
	else
		fanout_close_room(s, round, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
				  "out of memory");
}

static void
pend(struct server *s, struct conn *c, int64_t round, int is_write, int64_t key,
     struct msg *m)
{
	struct pending *p = calloc(1, sizeof *p);

	if (!p) {
		/* Nothing acknowledged is lost: a write's reply that cannot
		 * be queued is never sent. The client is told by a close. */
		msg_unref(m);
		lost(s, c, round);
		return;
	}
	/* Only now that the newer one has its place does an older event
	 * with the same key go. */
	if (key)
		for (struct pending *q = s->pend_head; q; q = q->next)
			if (q->key == key && q->m) {
				msg_unref(q->m);
				q->m = NULL;
			}
	p->conn = c ? conn_ref(c) : NULL;
	p->round = round;
	p->is_write = is_write;
	p->key = key;
	p->m = m;
	if (s->pend_tail)
		s->pend_tail->next = p;
	else
		s->pend_head = p;
	s->pend_tail = p;
	server_schedule_flush(s);
}

void
server_reply(struct server *s, struct conn *c, char *json, size_t len, int is_write)
{
	struct msg *m = json ? msg_new(json, len) : NULL;

	free(json);
	if (!m) {
		lost(s, c, 0);
		return;
	}
	/* Replies keep their order behind anything already waiting. */
	if (store_group_open(s->st) || s->pend_head || s->wait_head) {
		pend(s, c, 0, is_write, 0, m);
		if (s->pend_tail && s->pend_tail->m == m)
			s->pend_tail->rx_us = c->last_rx_us;
		return;
	}
	metrics_reply(&s->metrics, c->last_rx_us, os_mono_us());
	conn_send(c, m);
	msg_unref(m);
}

void
server_event_to(struct server *s, int64_t round, char *json, size_t len, int audience)
{
	struct msg *m = json ? msg_new(json, len) : NULL;

	free(json);
	if (!m) {
		lost(s, NULL, round);
		return;
	}
	if (store_group_open(s->st) || s->pend_head || s->wait_head) {
		pend(s, NULL, round, 0, 0, m);
		if (s->pend_tail && s->pend_tail->m == m)
			s->pend_tail->audience = audience;
		return;
	}
	fanout_publish_to(s, round, m, audience);
	msg_unref(m);
}

void
server_notice_then_close(struct server *s, struct conn *c, char *json, size_t len)
{
	struct msg *m = msg_new(json, len);

	free(json);
	if (!m) {
		conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "access revoked");
		return;
	}
	pend(s, c, 0, 0, 0, m);
	if (s->pend_tail && s->pend_tail->m == m)
		s->pend_tail->close_after = 1;
}

void
server_notice(struct server *s, struct conn *c, struct msg *m)
{
	m = msg_ref(m);
	if (store_group_open(s->st) || s->pend_head || s->wait_head) {
		pend(s, c, 0, 0, 0, m);
		if (s->pend_tail && s->pend_tail->m == m)
			s->pend_tail->if_committed = 1;
		return;
	}
	conn_send(c, m);
	msg_unref(m);
}

void
server_notice_json(struct server *s, struct conn *c, char *json, size_t len)
{
	struct msg *m = json ? msg_new(json, len) : NULL;

	free(json);
	if (!m) {
		lost(s, c, 0);
		return;
	}
	server_notice(s, c, m);
	msg_unref(m);
}

void
server_event(struct server *s, int64_t round, char *json, size_t len, int64_t key)
{
	struct msg *m = json ? msg_new(json, len) : NULL;

	free(json);
	if (!m) {
		lost(s, NULL, round);
		return;
	}
	if (store_group_open(s->st) || s->pend_head || s->wait_head) {
		pend(s, NULL, round, 0, key, m);
		return;
	}
	fanout_publish(s, round, m);
	msg_unref(m);
}

void
server_cluster(struct server *s, int64_t round, char *json, size_t len)
{
	struct msg *m = json ? msg_new(json, len) : NULL;

	free(json);
	if (!m) {
		os_err("out of memory: a message for the other nodes was lost");
		return;
	}
	if (store_group_open(s->st) || s->pend_head || s->wait_head) {
		pend(s, NULL, round, 0, 0, m);
		if (s->pend_tail && s->pend_tail->m == m)
			s->pend_tail->audience = AUD_CLUSTER;
		return;
	}
	cluster_publish(s, round, m);
	msg_unref(m);
}

static void
deliver(struct server *s, struct pending *p, int rc)
{
	if (!p->m) {
		/* superseded by a later event with the same key */
	} else if (p->audience == AUD_CLUSTER) {
		if (!rc)
			cluster_publish(s, p->round, p->m);
	} else if (p->conn) {
		if (p->rx_us)
			metrics_reply(&s->metrics, p->rx_us, os_mono_us());
		if (rc && p->if_committed) {
			/* what it announced did not happen */
		} else if (rc && p->is_write) {
			size_t n;
			char *err = dispatch_reply_to_error((const char *)msg_payload(p->m),
							    p->m->len, OS_EINTERNAL, &n);
			struct msg *em = err ? msg_new(err, n) : NULL;

			free(err);
			if (em) {
				conn_send(p->conn, em);
				msg_unref(em);
			}
		} else {
			conn_send(p->conn, p->m);
		}
		if (p->close_after && !rc)
			conn_close_drained(p->conn, LWS_CLOSE_STATUS_POLICY_VIOLATION,
					   "access revoked");
	} else if (!rc) {
		fanout_publish_to(s, p->round, p->m, p->audience);
	}
	if (p->conn)
		conn_unref(p->conn);
	msg_unref(p->m);
	free(p);
}

/* ---- deferred sync: the fsync of one group overlaps the next ---- */

static void *
sync_main(void *arg)
{
	struct server *s = arg;
	struct syncer *y = &s->sync;

	pthread_mutex_lock(&y->mu);
	for (;;) {
		uint64_t target;
		int64_t t0, t1;
		int rc;

		while (!y->stop && (y->failed || y->want == y->done))
			pthread_cond_wait(&y->cv, &y->mu);
		if (y->want == y->done && y->stop)
			break;
		if (y->failed) /* stopping: the loop will not answer */
			break;
		target = y->want;
		pthread_mutex_unlock(&y->mu);
		/* Covers every commit made before it starts, so all of them
		 * up to target (and perhaps more) are durable after it. */
		t0 = os_mono_us();
		rc = store_sync(s->st);
		t1 = os_mono_us();
		pthread_mutex_lock(&y->mu);
		/* The metrics read these under y->mu too. */
		os_hist_observe(&s->metrics.fsync, metrics_fsync_bounds, METRICS_FSYNC_BOUNDS,
				(uint64_t)(t1 - t0));
		s->metrics.fsync_failures += rc != 0;
		if (rc) {
			y->failed = 1;
			y->fail_lo = y->done + 1;
			y->fail_hi = target;
		}
		y->done = target;
		pthread_cond_broadcast(&y->cv);
		if (s->ctx)
			lws_cancel_service(s->ctx);
	}
	pthread_mutex_unlock(&y->mu);
	return NULL;
}

static int
sync_start(struct server *s)
{
	struct syncer *y = &s->sync;

	if (store_defer_sync(s->st)) {
		os_info("store: every commit syncs itself (no WAL file to sync apart)");
		return 0;
	}
	if (pthread_mutex_init(&y->mu, NULL))
		return -1;
	if (pthread_cond_init(&y->cv, NULL)) {
		pthread_mutex_destroy(&y->mu);
		return -1;
	}
	if (pthread_create(&y->thread, NULL, sync_main, s)) {
		pthread_cond_destroy(&y->cv);
		pthread_mutex_destroy(&y->mu);
		return -1;
	}
	y->running = 1;
	return 0;
}

static void
sync_request(struct server *s, uint64_t seq)
{
	struct syncer *y = &s->sync;

	pthread_mutex_lock(&y->mu);
	y->want = seq;
	pthread_cond_broadcast(&y->cv);
	pthread_mutex_unlock(&y->mu);
}

void
server_release_synced(struct server *s)
{
	struct syncer *y = &s->sync;
	uint64_t done, lo = 1, hi = 0;
	int failed;

	/* With the sync thread running, a failed sync is answered even when
	 * nothing waits for it (a commit with no reply, such as a session
	 * touch): the thread waits for that answer. */
	if (!y->running && !s->wait_head)
		return;
	if (!y->running) {
		done = UINT64_MAX;
		failed = 0;
	} else {
		pthread_mutex_lock(&y->mu);
		done = y->done;
		failed = y->failed;
		lo = y->fail_lo;
		hi = y->fail_hi;
		pthread_mutex_unlock(&y->mu);
	}
	while (s->wait_head && s->wait_head->seq <= done) {
		struct pending *p = s->wait_head;
		int rc = p->rc;

		s->wait_head = p->next;
		if (!s->wait_head)
			s->wait_tail = NULL;
		/* Committed but perhaps not on disk: the writes are answered
		 * internal, as if their commit had failed. */
		if (failed && p->seq >= lo && p->seq <= hi)
			rc = OS_EINTERNAL;
		deliver(s, p, rc);
	}
	if (failed) {
		pthread_mutex_lock(&y->mu);
		y->failed = 0;
		pthread_cond_broadcast(&y->cv);
		pthread_mutex_unlock(&y->mu);
	}
}

/* Waits (blocking the loop) until everything committed is synced, then
 * delivers it: for shutdown. */
static void
sync_wait_all(struct server *s)
{
	struct syncer *y = &s->sync;

	if (!y->running)
		return;
	pthread_mutex_lock(&y->mu);
	while (y->done < s->commit_seq && !y->failed)
		pthread_cond_wait(&y->cv, &y->mu);
	pthread_mutex_unlock(&y->mu);
	server_release_synced(s);
}

static void
sync_stop(struct server *s)
{
	struct syncer *y = &s->sync;

	if (!y->running)
		return;
	sync_wait_all(s);
	pthread_mutex_lock(&y->mu);
	y->stop = 1;
	pthread_cond_broadcast(&y->cv);
	pthread_mutex_unlock(&y->mu);
	pthread_join(y->thread, NULL);
	pthread_cond_destroy(&y->cv);
	pthread_mutex_destroy(&y->mu);
	y->running = 0;
	server_release_synced(s);
}

/*
 * The end of a loop turn: commit the group. Replies and events wait for
 * it; with deferred sync they wait on for the fsync of the WAL that covers
 * the commit, done by the sync thread while the loop goes on with the next
 * group. Anything queued behind them (even a read's reply, which may show
 * what the group wrote) waits its turn, so nobody sees a write before it
 * is durable.
 */
void
server_flush(struct server *s)
{
	int had_group = store_group_open(s->st);
	int rc = s->sync.running ? store_commit_nosync(s->st) : store_commit(s->st);
	struct pending *p = s->pend_head;

	s->pend_head = s->pend_tail = NULL;
	if (had_group && !rc && s->sync.running)
		sync_request(s, ++s->commit_seq);
	if (!p)
		return;
	for (struct pending *q = p; q; q = q->next) {
		q->seq = s->commit_seq;
		q->rc = rc;
		if (!q->next) {
			if (s->wait_tail)
				s->wait_tail->next = p;
			else
				s->wait_head = p;
			s->wait_tail = q;
			break;
		}
	}
	server_release_synced(s);
}

/* ---- what dispatch and the forum see of the transport ---- */

int
server_event_hides(const struct os_event *ev)
{
	switch (ev->type) {
	case EV_POST_UPDATED:
		return ev->post && ev->post->hidden;
	case EV_COMMENT_UPDATED:
		return ev->comment && ev->comment->hidden;
	case EV_CHAT_UPDATED:
		return ev->chat && ev->chat->hidden;
	default:
		return 0;
	}
}

struct customer_event {
	struct server *s;
	const struct os_event *ev;
	int hides;
};

/* An event rendered for one customer, sent after the commit. */
static void
customer_event(void *arg, struct conn *c)
{
	struct customer_event *ce = arg;
	size_t len;
	char *json = dispatch_render_event_for(ce->ev, &c->user, ce->hides, &len);
	struct msg *m = json ? msg_new(json, len) : NULL;

	free(json);
	if (!m) {
		lost(ce->s, c, 0);
		return;
	}
	server_notice(ce->s, c, m);
	msg_unref(m);
}

/*
 * A connection's account changed: c->user follows at once (what it may see
 * and do), and when its role changed, its subscriptions to rounds the new
 * role may not see end. With a (the account as an admin changed it) the
 * client is told in a user.updated notice after the commit.
 */
static void
conn_account_changed(struct server *s, struct conn *c, const struct user *nu,
		     const struct account *a)
{
	int role_changed = nu->role != c->user.role;
	int renamed = strcmp(nu->display_name, c->user.display_name) != 0;
	int64_t *gone = NULL;
	size_t ngone = 0, len;
	char *json;

	/* The language is the person's own choice, which an admin's
	 * change leaves as it is. */
	int has_lang = c->user.has_lang, lang = c->user.lang;

	c->user = *nu;
	c->user.has_lang = has_lang;
	c->user.lang = lang;
	if (renamed)
		fanout_user_changed(s, c);
	if (role_changed && c->nsubs)
		gone = malloc(c->nsubs * sizeof *gone);
	if (role_changed)
		for (size_t i = c->nsubs; i-- > 0;) {
			int64_t round = c->subs[i].round;

			if (forum_round_visible(s->forum, &c->user, round) != 0)
				continue;
			fanout_unsubscribe(s, c, round);
			if (gone)
				gone[ngone++] = round;
		}
	if (a && !c->closing) {
		struct account own = *a;

		own.user.has_lang = has_lang;
		own.user.lang = lang;
		json = dispatch_render_user_updated(&own, gone, ngone, &len);
		if (json)
			server_notice_json(s, c, json, len);
		else
			lost(s, c, 0);
	}
	free(gone);
}

static void
emit_event(void *arg, const struct os_event *ev)
{
	struct server *s = arg;
	size_t len;
	char *json;

	/* The other nodes apply it too (published after the commit). */
	if (s->cluster)
		cluster_emit(s, ev);
	if (ev->type == EV_USER_UPDATED && !ev->user) {
		/* An admin changed the account. */
		for (struct conn *c = s->conns; c; c = c->next)
			if (c->user.id == ev->user_id && !c->closing)
				conn_account_changed(s, c, &ev->account->user, ev->account);
		return;
	}
	if (ev->type == EV_SESSIONS_ENDED) {
		/* A new password: the other sessions end, and their sockets
		 * go now rather than at the next session check. */
		for (struct conn *c = s->conns; c; c = c->next)
			if (c->user.id == ev->user_id &&
			    (!ev->session_keep ||
			     memcmp(c->session_hash, ev->session_keep, sizeof c->session_hash)))
				conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "signed out");
		return;
	}
	if (ev->type == EV_USER_DISABLED) {
		for (struct conn *c = s->conns; c; c = c->next)
			if (c->user.id == ev->user_id)
				conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "account disabled");
		return;
	}
	if (ev->type == EV_USER_UPDATED) {
		/* Every connection of the user carries the new settings at
		 * once (hello answers with them, posts carry the new name), and
		 * is told after the commit. Should the commit fail, the
		 * session check puts back what is stored within seconds. */
		struct msg *m;

		json = dispatch_render_event(ev, &len);
		m = json ? msg_new(json, len) : NULL;
		free(json);
		for (struct conn *c = s->conns; c; c = c->next) {
			if (c->user.id != ev->user_id || c->closing)
				continue;
			snprintf(c->user.display_name, sizeof c->user.display_name, "%s",
				 ev->user->display_name);
			c->user.has_lang = ev->user->has_lang;
			c->user.lang = ev->user->lang;
			fanout_user_changed(s, c);
			if (m)
				server_notice(s, c, m);
		}
		if (m)
			msg_unref(m);
		return;
	}
	if (ev->type == EV_ACCESS_REVOKED) {
		/* The subscription ends now; the notice goes out with the
		 * commit, like every other event, and then the connection is
		 * closed (1008): the client reconnects and finds what it may
		 * still see. */
		char notice[96];

		snprintf(notice, sizeof notice,
			 "{\"ev\":\"access.revoked\",\"round\":%lld}", (long long)ev->round);
		for (struct conn *c = s->conns; c; c = c->next)
			if (c->user.id == ev->user_id) {
				char *copy = strdup(notice);

				fanout_unsubscribe(s, c, ev->round);
				if (copy)
					server_notice_then_close(s, c, copy, strlen(copy));
				else
					conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
						   "access revoked");
			}
		return;
	}
	if (ev->type == EV_NOTIFICATION) {
		/* To the recipient's every connection, whatever it follows,
		 * once the write that made the notice is committed; rendered
		 * for the recipient (a customer sees other organisations'
		 * customers as the round allows). */
		struct msg *m = NULL;

		for (struct conn *c = s->conns; c; c = c->next) {
			if (c->user.id != ev->user_id || c->closing)
				continue;
			if (!m) {
				json = dispatch_render_event_for(ev, &c->user, 0, &len);
				m = json ? msg_new(json, len) : NULL;
				free(json);
				if (!m)
					return;
			}
			server_notice(s, c, m);
		}
		if (m)
			msg_unref(m);
		return;
	}
	if (ev->round_obj)
		fanout_set_privacy(s, ev->round, ev->round_obj->customers_see_each_other);
	if (ev->round && !fanout_privacy(s, ev->round) && dispatch_event_has_users(ev)) {
		/* Customers see other organisations' customers anonymously:
		 * staff get one rendering, each customer their own. */
		struct customer_event ce = {s, ev, server_event_hides(ev)};

		if (ce.hides) {
			json = dispatch_render_event(ev, &len);
			server_event_to(s, ev->round, json, len, AUD_MODERATORS);
			json = dispatch_render_event_redacted(ev, &len);
			server_event_to(s, ev->round, json, len, AUD_EMPLOYEES);
		} else {
			json = dispatch_render_event(ev, &len);
			server_event_to(s, ev->round, json, len, AUD_STAFF);
		}
		fanout_each_customer(s, ev->round, customer_event, &ce);
		return;
	}
	if (server_event_hides(ev)) {
		/* Moderators see what was hidden; nobody else receives its
		 * text again, only that it is gone. */
		json = dispatch_render_event(ev, &len);
		server_event_to(s, ev->round, json, len, AUD_MODERATORS);
		json = dispatch_render_event_redacted(ev, &len);
		server_event_to(s, ev->round, json, len, AUD_OTHERS);
		return;
	}
	if (ev->type == EV_ROUND_UPDATED && ev->round_obj) {
		/* Round lists change for everyone who may see the round,
		 * subscribed to it or not: each such connection is told. */
		struct msg *m;

		json = dispatch_render_event(ev, &len);
		m = json ? msg_new(json, len) : NULL;
		free(json);
		if (!m) {
			lost(s, NULL, ev->round);
			return;
		}
		for (struct conn *c = s->conns; c; c = c->next)
			if (!c->closing && c->user.id &&
			    rounds_visible(s->forum, &c->user, ev->round_obj))
				server_notice(s, c, m);
		msg_unref(m);
		return;
	}
	json = dispatch_render_event(ev, &len);
	server_event(s, ev->round, json, len, ev->type == EV_VOTE_TALLY ? ev->post->id : 0);
}

void
server_apply_event(struct server *s, const struct os_event *ev)
{
	emit_event(s, ev);
}

static int
hub_subscribe(void *arg, void *conn, int64_t round, const struct user *u)
{
	struct server *s = arg;
	int rc = fanout_subscribe(s, conn, round);

	if (!rc)
		fanout_set_privacy(s, round, rounds_customers_see_each_other(s->forum, round));
	return rc;
}

static void
hub_unsubscribe(void *arg, void *conn, int64_t round)
{
	fanout_unsubscribe(arg, conn, round);
}

static const char *
hub_base_url(void *arg, void *conn)
{
	struct conn *c = conn;

	return c ? c->base_url : "";
}

static size_t
hub_online(void *arg, int64_t round, struct user *out, size_t max, size_t *total)
{
	return fanout_online(arg, round, out, max, total);
}

/* ---- housekeeping ---- */

#define SWEEP_US (15 * LWS_US_PER_SEC)
#define IDLE_DROP_US (150 * LWS_US_PER_SEC)

/* libwebsockets pings idle connections and hangs up on silent ones; this
 * sweep is the second line, for a peer that keeps TCP alive but answers
 * nothing at all. */
static void
sweep_cb(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, sweep_sul);
	int64_t now = os_mono_us();

	for (struct conn *c = s->conns; c; c = c->next)
		if (now - c->last_rx_us > IDLE_DROP_US)
			conn_close(c, LWS_CLOSE_STATUS_GOINGAWAY, "idle");
	lws_sul_schedule(s->ctx, 0, &s->sweep_sul, sweep_cb, SWEEP_US);
}

#define CHECK_US (5 * LWS_US_PER_SEC)
#define CHECK_BATCH 4000

/*
 * Every few seconds the sessions behind open connections are checked again,
 * a batch at a time: a session revoked by a sign-out elsewhere, expired, or
 * whose user was disabled (from the command line too) closes its sockets
 * with 1008; a customer whose access to a round went away leaves it.
 */
static void
check_cb(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, check_sul);
	size_t done = 0;
	struct conn *c;
	uint64_t last = 0;
	int rc;

	/* The list is newest first; a sweep resumes below the last id. */
	for (c = s->conns; c && done < CHECK_BATCH; c = c->next) {
		struct user u;

		if (s->check_from && c->id >= s->check_from)
			continue;
		last = c->id;
		if (c->closing)
			continue;
		done++;
		rc = session_check_live(s->st, &s->policy, c->session_hash, &u);
		if (rc == OS_EUNAUTH) {
			conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "session ended");
			continue;
		}
		if (rc)
			continue; /* a store error: check again next time */
		if (u.role != c->user.role) {
			/* Changed elsewhere (the command line, an import). */
			struct account a;

			conn_account_changed(s, c, &u,
					     store_account_by_id(s->st, u.id, &a) ? NULL : &a);
		}
		c->user = u;
		if (u.role == ROLE_CUSTOMER)
			for (size_t i = c->nsubs; i-- > 0;) {
				int64_t round = c->subs[i].round;

				if (!store_member_active(s->st, round, u.id))
					fanout_unsubscribe(s, c, round);
			}
	}
	s->check_from = c ? last : 0;
	/* Sessions marked as seen are a group of writes like any other. */
	if (store_group_open(s->st))
		server_schedule_flush(s);
	lws_sul_schedule(s->ctx, 0, &s->check_sul, check_cb, CHECK_US);
}

/*
 * libwebsockets 4.1's libev glue re-arms its one timer with ev_timer_set()
 * while the timer may still be running, which libev ignores: a timer of its
 * own (a handshake or close timeout) that falls due before the one already
 * armed would fire only when that one does, perhaps a minute late. This
 * timer of ours is due every second, so the armed one is never further
 * away than that and no libwebsockets timeout is more than a second late.
 * Our own timers that must be punctual run on libev directly.
 */
#define TICK_US LWS_US_PER_SEC

/* Directory sign-ins at once (each mostly waits on the network). */
#define DIR_THREADS 4

static void
tick_cb(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, tick_sul);

	lws_sul_schedule(s->ctx, 0, &s->tick_sul, tick_cb, TICK_US);
}

static void
wake_loop(void *arg)
{
	struct server *s = arg;

	lws_cancel_service(s->ctx);
}

/*
 * The event loop is libev's, on epoll: its cost per turn follows the sockets
 * that have something to do, not every socket open (libwebsockets' own
 * poll() loop scans them all, which made each delivery dearer the more idle
 * people were connected). The loop is ours ("foreign" to libwebsockets), so
 * that a stop signal can end it and shutdown can turn it a bounded number
 * of times. poll() stays available (--event-loop poll) for comparison.
 */
static void
on_stop_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct server *s = w->data;

	s->stop = 1;
	ev_break(loop, EVBREAK_ALL);
}

static void
on_signal(int sig)
{
	if (the_server) {
		the_server->stop = 1;
		/* Wakes the loop from poll() even when the signal landed just
		 * before it went to sleep; this only writes to a pipe. */
		if (the_server->ctx)
			lws_cancel_service(the_server->ctx);
	}
}

static void
turn_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	/* Only there to bound a turn of the loop during shutdown. */
}

/* One turn of the loop, at most about timeout_ms long. */
static void
loop_turn(struct server *s, int timeout_ms)
{
	if (s->loop) {
		ev_timer t;

		ev_timer_init(&t, turn_timeout, timeout_ms / 1000.0, 0);
		ev_timer_start(s->loop, &t);
		ev_run(s->loop, EVRUN_ONCE);
		ev_timer_stop(s->loop, &t);
	} else {
		lws_service(s->ctx, timeout_ms);
	}
}

static const lws_retry_bo_t retry = {
	.secs_since_valid_ping = 30,
	.secs_since_valid_hangup = 75,
};

static const struct lws_protocol_vhost_options hdr_nosniff = {
	NULL, NULL, "x-content-type-options:", "nosniff"};
static const struct lws_protocol_vhost_options hdr_frame = {
	&hdr_nosniff, NULL, "x-frame-options:", "DENY"};
static const struct lws_protocol_vhost_options hdr_referrer = {
	&hdr_frame, NULL, "referrer-policy:", "no-referrer"};
static const struct lws_protocol_vhost_options hdr_coop = {
	&hdr_referrer, NULL, "cross-origin-opener-policy:", "same-origin"};
static const struct lws_protocol_vhost_options hdr_perm = {
	&hdr_coop, NULL, "permissions-policy:",
	"camera=(), microphone=(), geolocation=(), payment=()"};
static const struct lws_protocol_vhost_options hdr_csp = {
	&hdr_perm, NULL, "content-security-policy:",
	"default-src 'self'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; "
	"object-src 'none'; base-uri 'none'; form-action 'self'; "
	"frame-ancestors 'none'"};
const struct lws_protocol_vhost_options *const server_http_headers = &hdr_csp;

static int
origin_from_url(const char *url, char *out, size_t outsz, int *secure)
{
	const char *p;
	size_t n;

	*secure = !strncasecmp(url, "https://", 8);
	if (!*secure && strncasecmp(url, "http://", 7))
		return -1;
	p = url + (*secure ? 8 : 7);
	n = strcspn(p, "/?#");
	if (!n)
		return -1;
	snprintf(out, outsz, "%.*s%.*s", *secure ? 8 : 7, url, (int)n, p);
	return 0;
}

static void
drain_before_exit(struct server *s)
{
	int64_t until = os_mono_us() + 2 * LWS_US_PER_SEC;

	/* Finish what is queued: commit, then let writers empty their
	 * queues for a moment. */
	server_flush(s);
	sync_wait_all(s);
	while (os_mono_us() < until) {
		int busy = 0;

		for (struct conn *c = s->conns; c; c = c->next)
			if (c->q_count)
				busy = 1;
		if (!busy && !pwpool_pending(s->pw) && !pwpool_pending(s->filepool) &&
		    !(s->dirpool && pwpool_pending(s->dirpool)))
			break;
		loop_turn(s, 20);
		server_flush(s);
		sync_wait_all(s);
	}
}

int
server_run(const struct server_opts *o)
{
	struct lws_protocols protocols[3];
	struct lws_context_creation_info info;
	struct forum_events ev;
	struct forum_opts fo;
	struct dispatch_hub hub;
	struct sigaction sa;
	ev_signal sig_int, sig_term;
	void *foreign_loops[1];
	struct server *s;
	int status = 1;

	s = calloc(1, sizeof *s);
	if (!s) {
		fprintf(stderr, "openstrat: out of memory\n");
		return 1;
	}
	memset(&sig_int, 0, sizeof sig_int);
	memset(&sig_term, 0, sizeof sig_term);
	s->opts = *o;
	s->policy = session_default_policy;
	snprintf(s->web_dir, sizeof s->web_dir, "%s", o->web_dir);
	if (o->public_url && *o->public_url &&
	    origin_from_url(o->public_url, s->origin, sizeof s->origin, &s->secure)) {
		fprintf(stderr, "openstrat: --public-url must be http(s)://host[:port]\n");
		free(s);
		return 2;
	}
	if (store_open(o->db_path, o->sync_full ? STORE_SYNC_FULL : STORE_SYNC_NORMAL,
		       &s->st)) {
		fprintf(stderr, "openstrat: cannot open the database %s\n", o->db_path);
		goto out;
	}
	/* Attachments live beside the database; what an upload stopped by
	 * a crash left behind goes before anyone can upload again. */
	if (files_dir_for(o->db_path, o->files_dir, s->files_dir, sizeof s->files_dir) ||
	    files_dir_prepare(s->st, s->files_dir,
			      o->files_dir != NULL || store_target_is_remote(o->db_path))) {
		fprintf(stderr, "openstrat: cannot prepare the file folder %s\n", s->files_dir);
		goto out;
	}
	ev.emit = emit_event;
	ev.arg = s;
	fo.rate_limit = o->rate_limit;
	fo.flag_threshold = o->flag_threshold;
	if (forum_new(s->st, &ev, &fo, &s->forum))
		goto out;
	/* stdout carries only the listening line: the accounts go to stderr. */
	if (o->demo && demo_fill_if_empty(s->forum, o->demo_lang, 0, stderr))
		goto out;
	hub.subscribe = hub_subscribe;
	hub.unsubscribe = hub_unsubscribe;
	hub.online = hub_online;
	hub.base_url = hub_base_url;
	hub.arg = s;
	s->disp = dispatch_new(s->forum, &hub);
	s->throttle = throttle_new();
	s->scratch_cap = LWS_PRE + WS_BATCH_MAX + 16;
	s->scratch = malloc(s->scratch_cap);
	if (!s->disp || !s->throttle || !s->scratch)
		goto out;
	the_server = s;

	memset(protocols, 0, sizeof protocols);
	protocols[0].name = "http";
	protocols[0].callback = http_callback;
	protocols[0].per_session_data_size = http_pss_size();
	protocols[1].name = "openstrat.v1";
	protocols[1].callback = ws_callback;
	protocols[1].per_session_data_size = ws_pss_size();
	protocols[1].rx_buffer_size = 4096;
	/* Without this lws sends at most rx_buffer_size bytes per send() and
	 * copies the rest of a frame into a buffer of its own, to be sent on
	 * later writable callbacks: a malloc and a copy per batch frame. */
	protocols[1].tx_packet_size = WS_BATCH_MAX + 16;

	memset(&info, 0, sizeof info);
	info.port = o->port ? o->port : CONTEXT_PORT_NO_LISTEN_SERVER;
	info.iface = o->listen;
	info.protocols = protocols;
	info.headers = server_http_headers;
	info.retry_and_idle_policy = &retry;
	/* Slow clients (slowloris) get this long to send their headers. */
	info.timeout_secs = 10;
	info.keepalive_timeout = 10;
	info.server_string = SERVER_NAME;
	info.max_http_header_pool = 256;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	if (o->listen && strchr(o->listen, ':'))
		info.options &= ~(uint64_t)LWS_SERVER_OPTION_DISABLE_IPV6;
	if (!o->port)
		info.port = 0;
	if (!o->poll_loop) {
		/* epoll where the kernel has it, else libev's best. */
		s->loop = ev_loop_new(EVBACKEND_EPOLL);
		if (!s->loop)
			s->loop = ev_loop_new(EVFLAG_AUTO);
		if (!s->loop) {
			fprintf(stderr, "openstrat: cannot create the event loop\n");
			goto out;
		}
		foreign_loops[0] = s->loop;
		info.foreign_loops = foreign_loops;
		info.options |= LWS_SERVER_OPTION_LIBEV;
	}
	lws_set_log_level(getenv("OPENSTRAT_LWS_LOG") ? atoi(getenv("OPENSTRAT_LWS_LOG"))
							  : LLL_ERR, NULL);

	s->ctx = lws_create_context(&info);
	if (!s->ctx) {
		fprintf(stderr, "openstrat: cannot listen on %s:%d\n", o->listen, o->port);
		goto out;
	}
	s->vh = lws_get_vhost_by_name(s->ctx, "default");
	/* libwebsockets goes on without a listening socket when the address
	 * is not one of this machine's: say so and stop instead. */
	if (!s->vh || lws_get_vhost_listen_port(s->vh) <= 0) {
		fprintf(stderr, "openstrat: cannot listen on %s:%d\n", o->listen, o->port);
		goto out;
	}
	if (o->sync_full && sync_start(s)) {
		fprintf(stderr, "openstrat: cannot start the sync thread\n");
		goto out;
	}
	s->pw = pwpool_new(o->hash_threads > 0 ? o->hash_threads : 2, 256, wake_loop, s);
	if (!s->pw)
		goto out;
	/* Syncing an uploaded file can take a while on a slow disk: never on
	 * the loop, and never in the way of sign-ins. */
	s->filepool = pwpool_new(1, 256, wake_loop, s);
	if (!s->filepool)
		goto out;
	/* Directory sign-ins wait on the network (up to --ldap-timeout per
	 * step): they have threads of their own, so that a slow directory
	 * never holds up the sign-ins of local accounts. */
	if (o->directory &&
	    !(s->dirpool = pwpool_new(DIR_THREADS, 256, wake_loop, s)))
		goto out;
	password_dummy_hash();

	if (s->loop) {
		ev_signal_init(&sig_int, on_stop_signal, SIGINT);
		ev_signal_init(&sig_term, on_stop_signal, SIGTERM);
		sig_int.data = sig_term.data = s;
		ev_signal_start(s->loop, &sig_int);
		ev_signal_start(s->loop, &sig_term);
	} else {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);

	lws_sul_schedule(s->ctx, 0, &s->sweep_sul, sweep_cb, SWEEP_US);
	lws_sul_schedule(s->ctx, 0, &s->check_sul, check_cb, CHECK_US);
	if (s->loop) {
		ev_prepare_init(&s->flush_prep, flush_prepare_cb);
		s->flush_prep.data = s;
		lws_sul_schedule(s->ctx, 0, &s->tick_sul, tick_cb, TICK_US);
	}
	if (o->mail) {
		o->mail->db_path = o->db_path;
		if (mailer_start(o->mail, &s->mailer)) {
			fprintf(stderr, "openstrat: cannot start the mailer\n");
			goto out;
		}
	}
	if (o->nats_url && cluster_start(s))
		goto out;
	printf("openstrat: listening on http://%s:%d\n", o->listen,
	       lws_get_vhost_listen_port(s->vh));
	fflush(stdout);

	if (s->loop)
		ev_run(s->loop, 0);
	else
		while (!s->stop)
			if (lws_service(s->ctx, 0) < 0)
				break;
	os_info("stopping");
	drain_before_exit(s);
	status = 0;
out:
	mailer_stop(s->mailer);
	s->mailer = NULL;
	if (s->pw)
		pwpool_free(s->pw);
	s->pw = NULL;
	pwpool_free(s->dirpool);
	s->dirpool = NULL;
	pwpool_free(s->filepool);
	s->filepool = NULL;
	/* Everything committed is synced and answered before the context
	 * (which the sync thread wakes) goes away; later commits sync
	 * themselves. */
	sync_stop(s);
	/* What the last commits published leaves before the bus closes. */
	cluster_stop(s);
	if (s->ctx) {
		lws_sul_cancel(&s->sweep_sul);
		lws_sul_cancel(&s->check_sul);
		lws_sul_cancel(&s->presence_sul);
		lws_sul_cancel(&s->flush_sul);
		lws_sul_cancel(&s->tick_sul);
		lws_context_destroy(s->ctx);
	}
	if (s->loop) {
		ev_prepare_stop(s->loop, &s->flush_prep);
		ev_timer_stop(s->loop, &s->presence_timer);
		if (ev_is_active(&sig_int)) {
			ev_signal_stop(s->loop, &sig_int);
			ev_signal_stop(s->loop, &sig_term);
		}
		ev_loop_destroy(s->loop);
	}
	if (s->st)
		server_flush(s);
	fanout_free(s);
	dispatch_free(s->disp);
	forum_free(s->forum);
	store_close(s->st);
	throttle_free(s->throttle);
	free(s->scratch);
	free(s->batch_serials);
	the_server = NULL;
	free(s);
	return status;
}
