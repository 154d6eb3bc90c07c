#ifndef OS_STORE_PRIORITIES_H
#define OS_STORE_PRIORITIES_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* The priorities of a round by rank, each with its owner and linked post
 * ids. Caller clears each and frees the array. */
int store_priorities_by_round(struct store *st, int64_t round,
			      struct priority **out, size_t *n);

/* Reads one priority with its owner and posts. OS_ENOTFOUND when absent. */
int store_priority_get(struct store *st, int64_t id, struct priority *p);

/* Inserts at the end of the round's order (rank = count + 1); sets p->id
 * and p->rank. owner 0: none. */
int store_priority_insert(struct store *st, int64_t round, const char *title,
			  const char *description, int64_t owner, int64_t created_by,
			  int64_t *id);

/* Writes title, description and owner (0: none). */
int store_priority_update(struct store *st, int64_t id, const char *title,
			  const char *description, int64_t owner);

/* Moves a priority to rank (1-based, clamped), shifting the others. */
int store_priority_move(struct store *st, int64_t id, int64_t round, int rank);

/* Links post to priority (a post feeds one priority: an older link moves).
 * *previous gets the priority it fed before (0: none). */
int store_priority_link(struct store *st, int64_t priority, int64_t post,
			int64_t user, int64_t *previous);

/* Unlinks; OS_ENOTFOUND when the post does not feed this priority. */
int store_priority_unlink(struct store *st, int64_t priority, int64_t post);

#endif
