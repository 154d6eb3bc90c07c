#ifndef OS_FORUM_USERS_H
#define OS_FORUM_USERS_H

#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

/* Disables (or enables again) an account (admins; caller NULL is the
 * command line). Disabling revokes every session of the account and emits
 * EV_USER_DISABLED so that its open connections close at once. An admin
 * cannot disable themselves. Audited. */
int users_set_disabled(struct forum *f, const struct user *caller, int64_t user_id,
		       int disabled);

#endif
