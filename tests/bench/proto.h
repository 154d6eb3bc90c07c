/*
 * A server's wire format, as the roles see it. openstrat's (proto_os.c) is
 * the only one now; a peer for comparison (a NATS or a Node "ws" broadcast
 * server) would add its own file with the same operations.
 */
#ifndef OSBENCH_PROTO_H
#define OSBENCH_PROTO_H

#include <stddef.h>
#include <stdint.h>

struct conn;

struct proto {
	const char *name;
	const char *path;        /* the WebSocket endpoint */
	const char *subprotocol; /* Sec-WebSocket-Protocol, or NULL */
	/* Each builder queues one request on c and returns its rid, or -1
	 * when the connection is gone. */
	int64_t (*hello)(struct conn *c);
	int64_t (*subscribe)(struct conn *c, int64_t round);
	int64_t (*publish)(struct conn *c, int64_t round, const char *body, size_t n);
	int64_t (*write)(struct conn *c, int64_t post, const char *body, size_t n);
	/* One received text message: calls role_reply and role_delivery. */
	void (*on_text)(struct conn *c, const char *p, size_t n, uint64_t now);
};

extern const struct proto proto_openstrat;

#endif
