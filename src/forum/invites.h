#ifndef OS_FORUM_INVITES_H
#define OS_FORUM_INVITES_H

/*
 * Invites: a link that lets one person create an account. Customer invites
 * name a round (whose audience must be "invited") and make the new account
 * a member of it; employee invites name none. Tokens are 32 random bytes
 * handed out once; only their hash is stored. Single use, expiring.
 */

#include <stdint.h>

#include "auth/session.h"
#include "base/model.h"
#include "forum/forum.h"
#include "store/invites.h"

#define INVITE_HOURS_DEFAULT (7 * 24)
#define INVITE_HOURS_MAX (90 * 24)

/* Creates an invite. caller NULL is the command line (no rate limit, no
 * visibility check). expires_hours 0 means the default. org, when not
 * NULL, is the organisation the invite fixes (at most 80 characters, not
 * empty after trimming: OS_EBADREQ otherwise). */
int invites_create(struct forum *f, const struct user *caller, int role,
		   int64_t round, int expires_hours, const char *org,
		   char token[OS_TOKEN_STR_LEN], int64_t *expires_at);

/* 1 when org cannot be an invite's organisation. */
int invites_org_invalid(const char *org);

/* 1 when the invite fixes an organisation and org (as sent with the
 * acceptance) names another one; an absent or empty org takes the
 * invite's. */
int invites_org_differs(const struct invite *inv, const char *org);

/* Checks a token without using it: OS_OK with *inv filled, OS_ENOTFOUND,
 * OS_EINVUSED or OS_EINVEXPIRED. */
int invites_check(struct forum *f, const char *token, struct invite *inv);

/* Uses the invite: creates the account (role from the invite) with the
 * given password hash, adds a customer to the invite's round, marks the
 * invite used and writes the audit log. Inside a store operation; *out
 * gets the new user. OS_EUSERTAKEN, OS_EINVUSED, OS_EINVEXPIRED,
 * OS_EBADREQ for a malformed username, display name or organisation, or
 * one that differs from the organisation the invite fixes. */
int invites_accept(struct forum *f, const char *token, const char *username,
		   const char *display_name, const char *org, const char *pw_hash,
		   struct user *out);

/* Validates the fields of an acceptance before any hashing is spent. */
int invites_validate_fields(const char *username, const char *display_name,
			    const char *org);

#endif
