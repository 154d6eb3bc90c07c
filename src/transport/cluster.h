#ifndef OS_TRANSPORT_CLUSTER_H
#define OS_TRANSPORT_CLUSTER_H

/*
 * Several nodes as one forum (serve --nats): what this node emits goes to
 * the other nodes over the bus (src/cluster/bus.h), and what they emit is
 * delivered to this node's subscribers by the same audience rules as its
 * own events. Presence is the union of every node's online set; sign-outs,
 * revocations, disabled accounts and role changes are applied on every
 * node. Everything here runs on the loop thread.
 */

#include <stddef.h>
#include <stdint.h>

struct server;
struct os_event;
struct msg;
struct user;

/* Connects to s->opts.nats_url (retrying in the background). 0, or -1 with
 * a message on stderr. */
int cluster_start(struct server *s);
void cluster_stop(struct server *s);

/* The forum emitted ev on this node: queue what the other nodes need to
 * apply it (published after the commit, see server_cluster()). Does
 * nothing for events that came from another node. */
void cluster_emit(struct server *s, const struct os_event *ev);

/* Publishes a message queued by server_cluster(): round > 0 on the
 * round's subject, 0 on the control subject. */
void cluster_publish(struct server *s, int64_t round, struct msg *m);

/* Handles what the bus received (on the loop's wake-up). */
void cluster_drain(struct server *s);

/* The room's local online set may have changed (fanout's presence flush):
 * the other nodes are told when it did. */
void cluster_local_presence(struct server *s, int64_t round);

/* Adds the other nodes' online users of round to users[0..*n) (at most
 * max in all, without repeating anyone) and counts them into *total.
 * users must have room for max. */
void cluster_online_union(struct server *s, int64_t round, struct user *users,
			  size_t *n, size_t max, size_t *total);

/* 1 while the bus is down (the node is serving only its own clients). */
int cluster_degraded(struct server *s);

/* Shares a per-user write (the rate limit) or a sign-in failure or
 * success (the throttle) with the other nodes. */
void cluster_rate_hit(struct server *s, int64_t user_id);
void cluster_signin(struct server *s, const char *username, const char *addr, int ok);

/* A session was revoked (sign-out) on this node: the other nodes close
 * its sockets (1008). Published after the commit. */
void cluster_session_ended(struct server *s, const unsigned char hash[32]);

/* Appends the cluster's Prometheus lines to buf (metrics.c). */
struct os_buf;
int cluster_metrics(struct server *s, struct os_buf *buf);

#endif
