#ifndef OS_FORUM_DIRUSERS_H
#define OS_FORUM_DIRUSERS_H

#include "base/model.h"
#include "forum/forum.h"

/*
 * The account behind a successful directory sign-in: created at the first
 * one (named username in lower case, source "directory", no local
 * password, org as given), and at every
 * one its display name, email and role set from the directory entry.
 * display_name "" stands for username. A new account and a changed role
 * are written to the audit log. Runs in a store operation that the caller
 * opens and commits.
 *
 * Returns OS_OK with the account in *out; OS_EBADCRED when the name now
 * belongs to an account that signs in with a local password (the directory
 * never takes over a local account) or to a disabled one; another error
 * when the store fails.
 */
int dirusers_sign_in(struct forum *f, const char *username, const char *display_name,
		     const char *email, int role, const char *org, struct user *out);

#endif
