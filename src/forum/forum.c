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
	free(f->rate);
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
	struct os_event e = *ev;

	if (!f->events.emit)
		return;
	if (e.round_obj)
		e.customers_see_each_other = e.round_obj->customers_see_each_other;
	f->events.emit(f->events.arg, &e);
}

static size_t
slot_of(int64_t user, size_t cap)
{
	return (size_t)(((uint64_t)user * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

/* The bucket of a user, created full; NULL when out of memory. */
static struct rate_slot *
bucket(struct forum *f, int64_t user, double cap, int64_t now)
{
	size_t i;

	if (f->rate_used * 10 >= f->rate_cap * 7) {
		size_t ncap = f->rate_cap ? f->rate_cap * 2 : 1024;
		struct rate_slot *n = calloc(ncap, sizeof *n);

		if (!n)
			return NULL;
		for (size_t k = 0; k < f->rate_cap; k++) {
			if (!f->rate[k].user)
				continue;
			for (i = slot_of(f->rate[k].user, ncap); n[i].user; i = (i + 1) & (ncap - 1))
				;
			n[i] = f->rate[k];
		}
		free(f->rate);
		f->rate = n;
		f->rate_cap = ncap;
	}
	for (i = slot_of(user, f->rate_cap); f->rate[i].user; i = (i + 1) & (f->rate_cap - 1))
		if (f->rate[i].user == user)
			return &f->rate[i];
	f->rate[i].user = user;
	f->rate[i].tokens = cap;
	f->rate[i].at_us = now;
	f->rate_used++;
	return &f->rate[i];
}

/* A token bucket per user: N writes a minute, in bursts of up to N. */
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
	s = bucket(f, caller->id, cap, now);
	if (!s)
		return OS_ENOMEM;
	s->tokens += (double)(now - s->at_us) * cap / 60e6;
	if (s->tokens > cap)
		s->tokens = cap;
	s->at_us = now;
	if (s->tokens < 1.0)
		return OS_ERATELIMIT;
	s->tokens -= 1.0;
	if (f->rate_hook)
		f->rate_hook(f->rate_hook_arg, caller->id);
	return OS_OK;
}

void
forum_set_rate_hook(struct forum *f, void (*hook)(void *arg, int64_t user), void *arg)
{
	f->rate_hook = hook;
	f->rate_hook_arg = arg;
}

void
forum_rate_charge(struct forum *f, int64_t user)
{
	struct rate_slot *s;
	int64_t now;
	double cap;

	if (f->opts.rate_limit <= 0 || user <= 0)
		return;
	cap = f->opts.rate_limit;
	now = os_mono_us();
	s = bucket(f, user, cap, now);
	if (!s)
		return;
	s->tokens += (double)(now - s->at_us) * cap / 60e6;
	if (s->tokens > cap)
		s->tokens = cap;
	s->at_us = now;
	s->tokens = s->tokens >= 1.0 ? s->tokens - 1.0 : 0.0;
}
