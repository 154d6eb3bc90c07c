#ifndef OS_STORE_DIRUSERS_H
#define OS_STORE_DIRUSERS_H

/*
 * The users table as directory sign-in needs it: where an account came
 * from (users.source: "local", "directory" or "invite"), and accounts made
 * and kept up to date from directory entries (no local password: pw_hash
 * is '').
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

#define STORE_SOURCE_SZ 16

/* Copies the account's source into out. OS_ENOTFOUND when absent. */
int store_diruser_source(struct store *st, int64_t id, char out[STORE_SOURCE_SZ]);

/* Inserts an account with source 'directory' and no local password.
 * OS_EUSERTAKEN when the username exists (any case). */
int store_diruser_insert(struct store *st, const char *username,
			 const char *display_name, const char *email, int role,
			 const char *org, int64_t *id);

/* Sets an account's display name, email and role from the directory and
 * marks it as a directory account. */
int store_diruser_update(struct store *st, int64_t id, const char *display_name,
			 const char *email, int role);

#endif
