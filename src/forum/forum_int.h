#ifndef OS_FORUM_INT_H
#define OS_FORUM_INT_H

/* Private to src/forum/. */

#include "forum/forum.h"

#define RATE_SLOTS 65536

struct rate_slot {
	int64_t user;
	double tokens;
	int64_t at_us;
};

struct forum {
	struct store *st;
	struct forum_events events;
	struct forum_opts opts;
	struct rate_slot rate[RATE_SLOTS];
};

#endif
