#ifndef OS_STORE_RESETS_H
#define OS_STORE_RESETS_H

/* Password reset links (schema/006): one use, expiring. Only the hash of a
 * link's token is stored. */

#include <stdint.h>

#include "store/db.h"

struct password_reset {
	int64_t id;
	int64_t user_id;
	int64_t created_by; /* 0: the command line */
	int64_t expires_at;
	int64_t used_at;    /* 0: unused */
};

int store_reset_insert(struct store *st, const unsigned char hash[32], int64_t user_id,
		       int64_t created_by, int64_t now, int64_t expires_at, int64_t *id);

/* The link with this token hash; OS_ENOTFOUND when there is none. */
int store_reset_by_hash(struct store *st, const unsigned char hash[32],
			struct password_reset *r);

/* Marks an unused link used; OS_ECONFLICT when it was used meanwhile. */
int store_reset_use(struct store *st, int64_t id, int64_t now);

/* Ends every unused link of a user that is still valid at now (a newer one
 * replaces them). */
int store_reset_expire_user(struct store *st, int64_t user_id, int64_t now);

#endif
