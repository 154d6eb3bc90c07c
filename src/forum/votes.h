#ifndef OS_FORUM_VOTES_H
#define OS_FORUM_VOTES_H

#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

/*
 * Casts the caller's vote on a post. Up/down rounds take value -1, 0
 * (withdraw) or 1, one vote per person per post, changeable. Dots rounds
 * take dots from 0 to the round's budget per member, spent across all its
 * posts: OS_ECONFLICT when the caller's total would exceed it. Emits
 * vote.tally; *out gets the post with its new tally and my_vote.
 */
int votes_cast(struct forum *f, const struct user *caller, int64_t post,
	       int has_value, int value, int has_dots, int dots, struct post *out);

#endif
