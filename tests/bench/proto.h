/*
 * A server's wire format, as the roles see it: openstrat's (proto_os.c) and
 * the comparison peers', nats-server's WebSocket listener (proto_nats.c) and
 * the Node "ws" broadcast server of peers/ (openstrat's proto, renamed).
 * `osbench --proto` chooses one; the roles and scenarios stay the same.
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
	/* A comparison peer: no accounts and none of openstrat's setup
	 * requests (login, round.create, post.create). A round is only a
	 * subject or room number, and connections send no token. */
	int peer;
	/* Optional: called once the upgrade completes, before the role acts
	 * (a peer's connection preamble); returns -1 when the connection is
	 * gone. */
	int (*open)(struct conn *c);
	/* Optional: frees c->ps when the connection is released. */
	void (*release)(struct conn *c);
	/* Each builder queues one request on c and returns its rid, or -1
	 * when the connection is gone. */
	int64_t (*hello)(struct conn *c);
	int64_t (*subscribe)(struct conn *c, int64_t round);
	int64_t (*publish)(struct conn *c, int64_t round, const char *body, size_t n);
	int64_t (*write)(struct conn *c, int64_t post, const char *body, size_t n);
	/* Optional: publishes body as a persisted post (openstrat's
	 * post.create of an idea), announced by the event post_ev; NULL when
	 * the server has no such thing (then scenarios use publish). */
	int64_t (*post)(struct conn *c, int64_t round, const char *body, size_t n);
	const char *post_ev;
	/* One received message, text or binary: calls role_reply and
	 * role_delivery. */
	void (*on_text)(struct conn *c, const char *p, size_t n, uint64_t now);
};

extern const struct proto proto_openstrat;
extern const struct proto proto_nats;
/* The Node peer takes openstrat's requests and sends its events, so its
 * proto is openstrat's under another name, without accounts (main.c). */

/*
 * The NATS client protocol, server to client, as a pure stream parser (the
 * selftest checks it against known answers). NATS frames its operations by
 * line and length, not by WebSocket message: nats-server sends binary
 * frames that may hold several operations or end in the middle of one, so
 * a partial operation is kept until the next frame completes it.
 */
enum nats_op { NATS_MSG, NATS_PING, NATS_PONG, NATS_OK, NATS_ERR, NATS_INFO };

struct nats_rx {
	char *pend;             /* the start of an operation not yet complete */
	uint32_t len, cap;
};

/* For NATS_MSG p..n is the payload; for NATS_ERR and NATS_INFO the rest of
 * the line; otherwise empty. */
typedef void (*nats_fn)(void *arg, int op, const char *p, size_t n);

/* Parses the next n bytes of the stream, calling fn for each complete
 * operation. Returns how many it found, or -1 on a protocol error (the
 * stream is then unusable). */
long nats_feed(struct nats_rx *rx, const char *p, size_t n, nats_fn fn, void *arg);
/* Frees what rx holds; rx may be reused. */
void nats_rx_free(struct nats_rx *rx);

#endif
