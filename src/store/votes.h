#ifndef OS_STORE_VOTES_H
#define OS_STORE_VOTES_H

#include <stdint.h>

#include "store/db.h"

/* The vote of user on post: value and dots, both 0 when none. */
int store_vote_get(struct store *st, int64_t post, int64_t user, int *value, int *dots);

/* Sets (inserting or replacing) a vote; the tally triggers keep
 * post_tallies exact. value 0 and dots 0 delete the row. */
int store_vote_set(struct store *st, int64_t post, int64_t user, int64_t round,
		   int role, int value, int dots);

/* Dots a user has spent across a round. */
int store_dots_spent(struct store *st, int64_t round, int64_t user, int64_t *spent);

#endif
