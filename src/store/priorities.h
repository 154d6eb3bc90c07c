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

#endif
