#ifndef OS_FORUM_SEARCH_H
#define OS_FORUM_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"
#include "store/search.h"

#define SEARCH_LIMIT_MAX 50

/* Full-text search over posts and comments (posts only when posts_only),
 * in one round or (round 0) every round the caller may see. Only what the
 * caller may read comes back: hidden items for moderators only. Matches
 * every word typed (prefixes) unless any_word. */
int search_run(struct forum *f, const struct user *caller, const char *text,
	       int64_t round, int posts_only, int any_word, int limit,
	       struct search_hit **out, size_t *n);

#endif
