#ifndef OS_FORUM_PRIORITIES_H
#define OS_FORUM_PRIORITIES_H

/*
 * Priorities: what leadership distils a round into. Managers and admins
 * create them, name an owner (a member of staff), order them, and link the
 * ideas and plans that feed each one (a post feeds at most one). Everyone
 * in the round sees them live (priority.updated, and post.updated for a
 * post whose priority changed).
 */

#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

int priorities_create(struct forum *f, const struct user *caller, int64_t round,
		      const char *title, const char *description, int64_t owner,
		      struct priority *out);

struct priority_changes {
	const char *title;        /* NULL: unchanged */
	const char *description;  /* NULL: unchanged */
	int has_owner;
	int64_t owner;            /* 0: none */
	int rank;                 /* 0: unchanged */
	/* Outcomes (forum/outcomes.h): the owner may change these too, in
	 * every phase. A change of any field above follows the rules of
	 * priority management. */
	const char *goal;         /* NULL: unchanged */
	int has_status;
	int status;               /* enum os_prio_status */
};

int priorities_update(struct forum *f, const struct user *caller, int64_t id,
		      const struct priority_changes *ch, struct priority *out);

int priorities_link(struct forum *f, const struct user *caller, int64_t id,
		    int64_t post, struct priority *out);

int priorities_unlink(struct forum *f, const struct user *caller, int64_t id,
		      int64_t post, struct priority *out);

#endif
