#ifndef OS_FORUM_FORUM_H
#define OS_FORUM_FORUM_H

/*
 * The forum: the rules of openstrat (who may do what in which phase, field
 * limits, the write rate limit, scores, merges, priorities). Plain C: no
 * libwebsockets, no JSON. Every operation takes the caller and plain
 * arguments, returns an os_err, and emits events through the sink given to
 * forum_new(). Writes run inside store operations; the caller of the forum
 * (the transport) commits them.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/events.h"
#include "store/db.h"

struct forum_opts {
	int rate_limit;      /* writes per user per minute, burst as large; 0: off */
	int flag_threshold;  /* distinct flags that hide an item; 0: never */
};

struct forum;

/* The forum keeps st (not owned) and a copy of *events and *opts. */
int forum_new(struct store *st, const struct forum_events *events,
	      const struct forum_opts *opts, struct forum **out);
void forum_free(struct forum *f);

struct store *forum_store(struct forum *f);

/* Emits an event through the forum's sink. */
void forum_emit(struct forum *f, const struct os_event *ev);

/* Takes one write from the caller's rate-limit bucket: OS_OK, or
 * OS_ERATELIMIT when the bucket is empty (admins are never limited). */
int forum_rate_take(struct forum *f, const struct user *caller);

/* Several nodes, one limit: hook is told of each write this node takes
 * from a bucket, and forum_rate_charge() takes one that another node took. */
void forum_set_rate_hook(struct forum *f, void (*hook)(void *arg, int64_t user), void *arg);
void forum_rate_charge(struct forum *f, int64_t user);

/* 1 when u may see round id now, 0 when not (or it is gone), -1 when the
 * store could not tell. For the transport, to end the subscriptions of
 * someone whose role changed. */
int forum_round_visible(struct forum *f, const struct user *u, int64_t id);

/* The error forum_text() would give a text field (OS_OK, OS_EBADREQ for
 * empty or malformed, OS_ETOOLARGE over max characters). */
int forum_text_error(const char *in, size_t max, int may_be_empty);

#endif
