#ifndef OS_FORUM_MERGE_H
#define OS_FORUM_MERGE_H

#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

/*
 * Merges a duplicate into another post of the same round (managers,
 * admins): the duplicate gets status merged and a link to its target; its
 * voters' votes move to the target, except for people who voted on the
 * target already (they keep that vote); its comments stay where they were
 * and the target shows them. Emits post.updated for the duplicate and
 * vote.tally for the target. *out gets the merged post.
 */
int posts_merge(struct forum *f, const struct user *caller, int64_t post,
		int64_t into, struct post *out);

#endif
