#ifndef OS_STORE_ROUNDS_H
#define OS_STORE_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Inserts r (its id is ignored) and sets r->id. */
int store_round_insert(struct store *st, struct round *r);

/* Reads round id into *r (caller clears it). OS_ENOTFOUND when absent. */
int store_round_get(struct store *st, int64_t id, struct round *r);

/* Writes title, description, phase and closes_at of r. */
int store_round_update(struct store *st, const struct round *r);

/* Every round, newest first, into a malloc'd array (caller clears each
 * and frees the array). Visibility is the forum's business. */
int store_rounds_all(struct store *st, struct round **out, size_t *n);

/* 1 when user_id is an active member of round (customers), 0 when not, -1
 * when the store could not tell (out of memory, I/O): never take -1 for
 * either answer. */
int store_member_active(struct store *st, int64_t round, int64_t user_id);

/* Adds (or re-activates) a member. */
int store_member_add(struct store *st, int64_t round, int64_t user_id,
		     int64_t added_by);

/* Marks a membership revoked. OS_ENOTFOUND when there is no active one. */
int store_member_revoke(struct store *st, int64_t round, int64_t user_id);

/* The active members of a round (customers), by name. Caller frees. */
int store_members_list(struct store *st, int64_t round, struct user **out, size_t *n);

#endif
