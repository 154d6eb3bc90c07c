#ifndef OS_CLUSTER_BUS_H
#define OS_CLUSTER_BUS_H

/*
 * The message bus between the nodes of one forum: a NATS connection
 * (libnats, which runs threads of its own). Nothing received is handled on
 * those threads: each message is copied onto a queue, the loop is woken
 * with wake(), and the loop takes the queue with bus_take(). Publishing is
 * safe from the loop thread. libnats' names stay in bus.c.
 *
 * Subjects are openstrat.<forum>.<tail>; one subscription to
 * openstrat.<forum>.> receives everything, so that one origin's messages
 * arrive in the order it published them whatever their subject. A node
 * does not receive its own messages (no echo).
 */

#include <stddef.h>
#include <stdint.h>

struct bus;

struct bus_opts {
	const char *url;          /* nats://host:port (a comma list is allowed) */
	const char *forum;        /* the subject prefix's forum name */
	void (*wake)(void *arg);  /* called from libnats threads: wake the loop */
	void *wake_arg;
};

/* One received message; tail is the subject after "openstrat.<forum>.". */
struct bus_msg {
	struct bus_msg *next;
	char *tail;
	size_t len;
	char data[];              /* len bytes and a NUL */
};

struct bus_stats {
	uint64_t published, publish_failed, received, dropped;
	uint64_t disconnects, reconnects;
	int connected;
};

/* 1 when name may be a forum name (letters, digits, '-', '_'; 1 to 64). */
int bus_forum_name_ok(const char *name);

/* Starts connecting (the first connection and every later one are retried
 * for ever; the node serves its own clients meanwhile). 0, or -1 with a
 * message on stderr (a bad URL, out of memory). */
int bus_open(const struct bus_opts *o, struct bus **out);

/* Closes the connection and frees what was not taken. NULL is fine. */
void bus_close(struct bus *b);

/* Publishes data on openstrat.<forum>.<tail>. While disconnected libnats
 * keeps up to 8 MiB to send on reconnection. 0, or -1 (counted). */
int bus_publish(struct bus *b, const char *tail, const void *data, size_t len);

/* Takes every message received so far, oldest first (the caller frees
 * each with free()). NULL when none. */
struct bus_msg *bus_take(struct bus *b);

/* 1 while the connection is up. Any thread. */
int bus_connected(struct bus *b);

void bus_stats(struct bus *b, struct bus_stats *out);

#endif
