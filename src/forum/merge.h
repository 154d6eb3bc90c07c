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

/*
 * Undoes a merge (managers, admins; OS_ECONFLICT unless post is merged):
 * the votes the merge moved go back from the target (as they are now; a
 * vote dropped by the merge because its voter had voted on the target too
 * stays dropped), the post is open again and its comments show on it
 * alone. Audited; emits post.updated for both posts. *out gets the post.
 */
int posts_unmerge(struct forum *f, const struct user *caller, int64_t post,
		  struct post *out);

#endif
