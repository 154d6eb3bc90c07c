/*
 * Cheap scans of the server's JSON on the hot receive path. Parsing every
 * delivery into a tree would make the load tool, not the server, the
 * bottleneck; these functions only find object boundaries and the few
 * top-level fields a load client needs (rid, ok, ev) plus the benchmark's
 * own marker inside a message body. Setup code uses cJSON instead.
 */
#ifndef OSBENCH_JSCAN_H
#define OSBENCH_JSCAN_H

#include <stddef.h>
#include <stdint.h>

enum jmsg_kind { JMSG_OTHER, JMSG_REPLY, JMSG_EVENT };

/* One received object, classified. Pointers point into the message. */
struct jmsg {
	const char *p;
	size_t n;
	int kind;
	int64_t rid;     /* JMSG_REPLY: the echoed rid */
	int ok;          /* JMSG_REPLY: "ok": true */
	const char *ev;  /* JMSG_EVENT: the event name, not NUL-terminated */
	size_t evlen;
};

typedef void (*jscan_fn)(void *arg, const char *obj, size_t n);

/* Calls fn for each object of a message that is one JSON object or a JSON
 * array of objects (the contract's batch form). Returns how many objects it
 * found, or -1 when the message is neither. */
long jscan_objects(const char *p, size_t n, jscan_fn fn, void *arg);

/* Classifies one object: a reply (has "rid"), an event (has "ev"), or other.
 * The server writes these keys first, which the fast path uses; any other
 * order falls back to a walk over the top-level members. */
void jscan_classify(const char *p, size_t n, struct jmsg *m);

/* Whether m is the event named name. */
int jscan_ev_is(const struct jmsg *m, const char *name);

/* The start of the value of top-level member key in object p[0..n), or NULL. */
const char *jscan_key(const char *p, size_t n, const char *key);

/* Finds the benchmark marker "osb#<tag>#<seq>#<ns>#" in p[0..n), where tag
 * must equal the given 8 characters. Returns 1 and sets seq and ns when found. */
int jscan_marker(const char *p, size_t n, const char tag[8], uint64_t *seq, uint64_t *ns);

#endif
