#ifndef OS_DISPATCH_DISPATCH_H
#define OS_DISPATCH_DISPATCH_H

/*
 * Dispatch: the JSON edge of the WebSocket protocol. One table maps op names
 * to handlers; a handler validates the request's fields, calls the forum
 * layer with plain C arguments and turns the result into the reply. It also
 * renders the forum's events as protocol JSON for the transport to fan out.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/events.h"
#include "forum/forum.h"

/* Connection state that only the transport can change, offered to the
 * handlers of round.subscribe and round.unsubscribe. conn is the
 * transport's opaque handle of the calling connection. */
struct dispatch_hub {
	/* Subscribes conn to the round's events and presence. */
	int (*subscribe)(void *arg, void *conn, int64_t round, const struct user *u);
	void (*unsubscribe)(void *arg, void *conn, int64_t round);
	/* Copies up to max of the round's online users into out; *total gets
	 * how many there are. Returns the number copied. */
	size_t (*online)(void *arg, int64_t round, struct user *out, size_t max,
			 size_t *total);
	/* The address people reach the server at, "https://host[:port]", as
	 * conn sees it (for links such as invites). */
	const char *(*base_url)(void *arg, void *conn);
	void *arg;
};

struct dispatch;

/* The dispatcher keeps f (not owned) and a copy of *hub. */
struct dispatch *dispatch_new(struct forum *f, const struct dispatch_hub *hub);
void dispatch_free(struct dispatch *d);

/* Handles one request message (the bytes of one text message) from caller
 * on conn. Returns the reply as a malloc'd JSON text owned by the caller, or
 * NULL when out of memory: then the connection should be closed, as a write
 * may have been done whose reply could not be built (an error reply always
 * means that nothing was written). *is_write is set when the request may
 * have written (its reply must wait for the commit). Never closes anything:
 * bad input gets an error reply. */
char *dispatch_request(struct dispatch *d, const struct user *caller, void *conn,
		       const char *msg, size_t len, size_t *out_len, int *is_write);

/* Renders an event as protocol JSON (malloc'd, caller frees), as staff see
 * it. NULL when the event is not for the wire or memory ran out. */
char *dispatch_render_event(const struct os_event *ev, size_t *len);

/* The same, as viewer (a customer) sees it under the round's
 * customers_see_each_other setting (ev->customers_see_each_other), redacted
 * like dispatch_render_event_redacted() when redacted is set. */
char *dispatch_render_event_for(const struct os_event *ev, const struct user *viewer,
				int redacted, size_t *len);

/* 1 when the event carries USER objects (authors, owners): rendered per
 * viewer when its round keeps customers apart. */
int dispatch_event_has_users(const struct os_event *ev);

/* The same event with the text of its post, comment or chat message
 * blanked (title, body, body_html ""), for those who may not read a hidden
 * item. */
char *dispatch_render_event_redacted(const struct os_event *ev, size_t *len);

/* Renders a presence event for a round, as viewer sees it (NULL: staff)
 * under the round's customers_see_each_other setting see_all. total may
 * exceed n when the list was capped. */
char *dispatch_render_presence(int64_t round, const struct user *users, size_t n,
			       size_t total, const struct user *viewer, int see_all,
			       size_t *len);

/* The user.updated notice to an account's own connections after an admin
 * changed it: {"ev": "user.updated", "user": USER with email,
 * "unsubscribed": [round ids whose subscription ended]}. */
char *dispatch_render_user_updated(const struct account *a, const int64_t *unsubscribed,
				   size_t n, size_t *len);

/* An error reply for rid (or without rid when has_rid is 0). */
char *dispatch_error_reply(int has_rid, double rid, int err, const char *message,
			   size_t *len);

/* Turns a reply into an internal-style error reply for the same rid, for
 * when the write it answered failed to commit. */
char *dispatch_reply_to_error(const char *reply, size_t len, int err,
			      size_t *out_len);

/*
 * Requests handled, by op and outcome, for the server's metrics. Ops are
 * numbered from 0 to dispatch_ops() - 1 in a fixed order; the number
 * dispatch_ops() itself stands for the requests that named no known op
 * (malformed JSON, no "op", an unknown op). The outcome is the error
 * returned (OS_OK for a success, OS_ENOMEM for a write whose reply could
 * not be built).
 */
#define DISPATCH_OPS_MAX 127
size_t dispatch_ops(void);
/* The op's name; "unknown" for dispatch_ops(); NULL past it. */
const char *dispatch_op_name(size_t op);
uint64_t dispatch_requests(const struct dispatch *d, size_t op, int err);

/* The most online users a presence list names; "online_count" says how
 * many there are in all. */
#define DISPATCH_PRESENCE_MAX 200

#endif
