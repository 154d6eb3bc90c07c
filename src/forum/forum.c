#include "forum/forum_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"

int
forum_new(struct store *st, const struct forum_events *events,
	  const struct forum_opts *opts, struct forum **out)
{
	struct forum *f = calloc(1, sizeof *f);

	*out = NULL;
	if (!f)
		return OS_ENOMEM;
	f->st = st;
	if (events)
		f->events = *events;
	if (opts)
		f->opts = *opts;
	*out = f;
	return OS_OK;
}

void
forum_free(struct forum *f)
{
	if (!f)
		return;
	free(f);
}

struct store *
forum_store(struct forum *f)
{
	return f->st;
}

void
forum_emit(struct forum *f, const struct os_event *ev)
{
	if (f->events.emit)
		f->events.emit(f->events.arg, ev);
}

/*
 * A token bucket per user: N writes a minute, in bursts of up to N. Users
 * map to slots by id; two users sharing a slot would share a bucket, so the
 * slot remembers whose it is and starts afresh for another user.
 */
int
forum_rate_take(struct forum *f, const struct user *caller)
{
	struct rate_slot *s;
	int64_t now;
	double cap;

	if (f->opts.rate_limit <= 0 || caller->role == ROLE_ADMIN)
		return OS_OK;
	cap = f->opts.rate_limit;
	now = os_mono_us();
	s = &f->rate[(uint64_t)caller->id % RATE_SLOTS];
	if (s->user != caller->id) {
		s->user = caller->id;
		s->tokens = cap;
		s->at_us = now;
	}
	s->tokens += (double)(now - s->at_us) * cap / 60e6;
	if (s->tokens > cap)
		s->tokens = cap;
	s->at_us = now;
	if (s->tokens < 1.0)
		return OS_ERATELIMIT;
	s->tokens -= 1.0;
	return OS_OK;
}
