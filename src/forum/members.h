#ifndef OS_FORUM_MEMBERS_H
#define OS_FORUM_MEMBERS_H

/*
 * Customers' access to invited rounds. Staff see every round that is not a
 * draft; customers only the invited rounds they are members of. Changes are
 * written to the audit log; a revocation also ends the customer's open
 * subscriptions to the round at once (EV_ACCESS_REVOKED).
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

/* Gives an existing customer access to an invited round (managers, admins). */
int members_add(struct forum *f, const struct user *caller, int64_t round,
		int64_t user_id);

/* Takes a customer's access away (managers, admins). */
int members_revoke(struct forum *f, const struct user *caller, int64_t round,
		   int64_t user_id);

/* The customers with access to a round (managers, admins). Caller frees. */
int members_list(struct forum *f, const struct user *caller, int64_t round,
		 struct user **out, size_t *n);

#endif
