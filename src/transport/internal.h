#ifndef OS_TRANSPORT_INTERNAL_H
#define OS_TRANSPORT_INTERNAL_H

/* Private to src/transport/: the only place libwebsockets is included. */

#include <ev.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "base/model.h"
#include "base/util.h"
#include "dispatch/dispatch.h"
#include "forum/forum.h"
#include "store/db.h"
#include "transport/metrics.h"
#include "transport/server.h"

#define WS_MAX_MESSAGE   (64 * 1024)   /* the contract's frame cap */
#define WS_BATCH_MAX     (64 * 1024)   /* largest batch frame we build */
#define CONN_QUEUE_MSGS  4096          /* slow reader: queued messages */
#define CONN_QUEUE_BYTES (8u << 20)    /* slow reader: queued bytes */
#define HTTP_BODY_MAX    (64 * 1024)
#define CONN_REFUSE_MAX  500           /* refused in a row: the connection goes */
#define SERVER_NAME      "openstrat"   /* the Server header */

/* One serialized message, shared by every connection it is queued on. The
 * payload sits after LWS_PRE bytes of headroom so that lws_write() can put
 * the frame header in front without copying. */
struct msg {
	uint32_t refs;
	uint32_t len;
	uint64_t serial;         /* unique for the process's life */
	unsigned char data[];
};

struct msg *msg_new(const char *json, size_t len);
struct msg *msg_ref(struct msg *m);
void msg_unref(struct msg *m);
static inline unsigned char *
msg_payload(struct msg *m)
{
	return m->data + LWS_PRE;
}

struct sub {
	int64_t round;
	size_t slot;       /* index in the room's member array */
};

struct conn {
	struct server *srv;
	struct lws *wsi;   /* NULL once closed; the conn may live on in queues */
	int refs;
	uint64_t id;
	struct user user;
	unsigned char session_hash[32];
	char base_url[300];   /* how this client reaches us, for links */

	/* Inbound message assembly. */
	char *rx;
	size_t rx_len, rx_cap;
	int rx_discard;

	/* Outbound queue (a ring of shared messages). */
	struct msg **q;
	size_t q_head, q_count, q_cap, q_bytes;
	int want_write;
	int closing;       /* close with close_code once possible */
	int close_drained; /* close once the queue has been sent */
	int close_code;
	const char *close_reason;

	struct sub *subs;
	size_t nsubs, subs_cap;

	int64_t last_rx_us;
	/* Per-connection message budget (flood control). */
	double budget;
	int64_t budget_at_us;
	unsigned refused;
	struct conn *prev, *next; /* all open connections */
};

struct member {
	struct conn *conn;
	size_t sub;        /* index in the conn's subs */
};

struct online {
	struct user user;
	int count;         /* connections of this user in the room */
};

struct room {
	int64_t id;
	struct room *next;         /* hash chain */
	struct member *members;
	size_t nmembers, members_cap;
	struct online *online;     /* unordered */
	size_t nonline, online_cap;
	uint32_t *idx;             /* user id -> place in online, + 1 */
	size_t idx_cap;            /* a power of two, or 0 */
	int presence_dirty;
	struct room *dirty_next;
	int customers_see_all;     /* the round's customers_see_each_other */
};

#define ROOM_BUCKETS 1024

/* Something to deliver once the current group of writes is committed. */
struct pending {
	struct pending *next;
	struct conn *conn;   /* a reply to this connection, or NULL: an event */
	int64_t round;       /* for events */
	int is_write;        /* a reply to a write: an error if the commit fails */
	int64_t key;         /* events with the same non-zero key coalesce */
	int close_after;     /* close the connection (1008) once this is sent */
	int if_committed;    /* a notice to conn, dropped if the commit fails */
	int audience;        /* events: AUD_ALL, AUD_MODERATORS or AUD_OTHERS */
	struct msg *m;       /* NULL once superseded */
	uint64_t seq;        /* waits for the sync of this commit */
	int rc;              /* the commit's result */
	int64_t rx_us;       /* a reply: when its request arrived (metrics); else 0 */
};

/*
 * The sync thread (deferred sync, server.c): the loop commits a group and
 * asks for the sync of commit `want`; the thread runs store_sync() and
 * moves `done` up to what that sync covered, then wakes the loop. A failed
 * sync is reported as [fail_lo, fail_hi] and the thread waits until the
 * loop has answered those writes.
 */
struct syncer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t want, done, fail_lo, fail_hi;
	int failed, stop, running;
};

struct http_pss;

/* Who an event goes to among a round's subscribers: everyone, managers
 * and admins, everyone else, everyone but customers, or employees. */
enum { AUD_ALL, AUD_MODERATORS, AUD_OTHERS, AUD_STAFF, AUD_EMPLOYEES };
/* A pending message for the other nodes (cluster.c), not for a round's
 * subscribers: published once the commit is durable. */
#define AUD_CLUSTER 100

struct cluster;

struct server {
	struct server_opts opts;
	struct lws_context *ctx;
	struct lws_vhost *vh;
	struct ev_loop *loop;    /* libev's; NULL with --event-loop poll */
	struct store *st;
	struct forum *forum;
	struct dispatch *disp;
	struct pwpool *pw;
	struct pwpool *dirpool;  /* directory sign-ins; NULL without a directory */
	struct mailer *mailer;   /* NULL without --smtp-url */
	struct pwpool *filepool; /* syncs and names uploaded files */
	char files_dir[4096];    /* DB.files: the attachments (store/files.h) */
	struct throttle *throttle;
	struct session_policy policy;
	char origin[256];        /* from --public-url; "" to use Host */
	int secure;              /* cookies get Secure */
	char web_dir[4096];

	struct conn *conns;
	size_t nconns;
	uint64_t next_conn_id;

	struct room *rooms[ROOM_BUCKETS];
	struct room *dirty_rooms;
	int presence_scheduled;
	lws_sorted_usec_list_t presence_sul;
	ev_timer presence_timer;  /* the same on libev (see server.c) */

	struct pending *pend_head, *pend_tail;
	/* Committed, waiting for their sync, in order. */
	struct pending *wait_head, *wait_tail;
	uint64_t commit_seq;     /* commits made in deferred-sync mode */
	struct syncer sync;
	int flush_scheduled;
	lws_sorted_usec_list_t flush_sul;
	ev_prepare flush_prep;    /* the end of a turn, on libev */
	lws_sorted_usec_list_t tick_sul;
	lws_sorted_usec_list_t sweep_sul;
	lws_sorted_usec_list_t check_sul;
	uint64_t check_from;     /* connection id the session check resumes at */

	unsigned char *scratch;  /* LWS_PRE + batch frame */
	size_t scratch_cap;
	/* The batch frame last built in scratch: the serials of its
	 * messages and its length. Subscribers of one round usually have
	 * the same messages queued, so the next one sends it as it is. */
	uint64_t *batch_serials;
	size_t batch_n, batch_cap, batch_len;

	struct metrics metrics;
	struct cluster *cluster;  /* --nats; NULL on a single node */

	volatile int stop;
};

/* The one server of this process (libwebsockets callbacks find it here). */
extern struct server *the_server;

/* Connections (ws.c). */
struct conn *conn_ref(struct conn *c);
void conn_unref(struct conn *c);
/* Queues m (taking a new reference) and asks for a writable callback.
 * Over the queue bounds the connection is dropped with 1008. */
void conn_send(struct conn *c, struct msg *m);
/* Closes a connection with a WebSocket close code, from anywhere, dropping
 * whatever is still queued. */
void conn_close(struct conn *c, int code, const char *reason);
/* The same, once what is queued now has been sent. */
void conn_close_drained(struct conn *c, int code, const char *reason);

/* Group commit (server.c): queue a reply or an event behind the open
 * group, or deliver at once when no group is open. */
void server_reply(struct server *s, struct conn *c, char *json, size_t len,
		  int is_write);
/* A notice to one connection after which it is closed (1008), both after
 * the commit. */
void server_notice_then_close(struct server *s, struct conn *c, char *json,
			      size_t len);
/* An event for one connection (takes a new reference to m), sent after
 * the commit, and not at all if the commit fails. */
void server_notice(struct server *s, struct conn *c, struct msg *m);
/* A notice to one connection, after the commit (like a reply); takes
 * json. */
void server_notice_json(struct server *s, struct conn *c, char *json, size_t len);
/* key != 0: a later event with the same key replaces this one if both are
 * still waiting (vote tallies: the latest wins). */
void server_event(struct server *s, int64_t round, char *json, size_t len,
		  int64_t key);
/* An event for part of a round's subscribers (AUD_*). */
void server_event_to(struct server *s, int64_t round, char *json, size_t len, int audience);
/* Commits the open group and delivers what waited for it (at once, or
 * when its sync is done). */
void server_flush(struct server *s);
/* Delivers what the sync thread has made durable (on its wake-up). */
void server_release_synced(struct server *s);
/* Makes sure server_flush() runs at the end of this loop turn. */
void server_schedule_flush(struct server *s);
/* A message for the other nodes (takes json), published after the commit
 * like an event (round > 0: the round's subject; 0: control). */
void server_cluster(struct server *s, int64_t round, char *json, size_t len);
/* 1 when the event hides its post, comment or chat message: those who
 * may not read hidden items get it redacted. */
int server_event_hides(const struct os_event *ev);
/* Applies an event another node emitted as if the forum had emitted it
 * here (sign-outs, revocations, account changes). */
void server_apply_event(struct server *s, const struct os_event *ev);

/* Fan-out (fanout.c). */
int fanout_subscribe(struct server *s, struct conn *c, int64_t round);
void fanout_unsubscribe(struct server *s, struct conn *c, int64_t round);
void fanout_unsubscribe_all(struct server *s, struct conn *c);
void fanout_publish(struct server *s, int64_t round, struct msg *m);
/* Closes every subscriber of a round (they reconnect and reload). */
void fanout_close_room(struct server *s, int64_t round, int code, const char *reason);
/* The same, to managers and admins only or to everyone else only. */
void fanout_publish_to(struct server *s, int64_t round, struct msg *m, int audience);
/* Calls fn for each subscriber of round who is a customer. */
void fanout_each_customer(struct server *s, int64_t round,
			  void (*fn)(void *arg, struct conn *c), void *arg);
/* Records the round's customers_see_each_other setting (presence). */
void fanout_set_privacy(struct server *s, int64_t round, int customers_see_all);
/* That setting, as last recorded (0 for a room nobody subscribed to). */
int fanout_privacy(struct server *s, int64_t round);
size_t fanout_online(struct server *s, int64_t round, struct user *out,
		     size_t max, size_t *total);
/* c->user changed (a new display name): shows it in the rooms c is in. */
void fanout_user_changed(struct server *s, struct conn *c);
/* Closes the subscriptions of user_id to round (access revoked). */
void fanout_revoke(struct server *s, int64_t round, int64_t user_id);
/* This node's own online users of round (fanout_online() adds the other
 * nodes'). */
size_t fanout_local_online(struct server *s, int64_t round, struct user *out, size_t max,
			   size_t *total);
/* Another node's online set in round changed: its presence goes out. */
void fanout_presence_changed(struct server *s, int64_t round);
void fanout_free(struct server *s);

/* The security headers of every HTTP response (server.c): lws adds them to
 * the responses it starts (static files), http.c to its own. */
extern const struct lws_protocol_vhost_options *const server_http_headers;

/* HTTP (http.c) and WebSocket (ws.c) protocol callbacks. */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		  void *in, size_t len);
int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		void *in, size_t len);
size_t http_pss_size(void);
size_t ws_pss_size(void);

/* The session token a request carries: the os_session cookie, else an
 * Authorization: Bearer header. Returns 0 and fills out when there is one. */
int http_request_token(struct lws *wsi, char *out, size_t outsz);

/* The metrics' name of an HTTP route (http.c's numbering, below
 * METRICS_HTTP_ROUTES), or NULL for none. */
const char *http_route_name(int route);

/* Checks an upgrade's Origin header against the server's origin: 0 when
 * absent or equal. */
int http_origin_ok(struct server *s, struct lws *wsi);

#endif
