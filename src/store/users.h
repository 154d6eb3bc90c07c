#ifndef OS_STORE_USERS_H
#define OS_STORE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Inserts a user. OS_EUSERTAKEN when the username exists (any case). */
int store_user_insert(struct store *st, const char *username,
		      const char *display_name, int role, const char *org,
		      const char *pw_hash, int64_t *id);

/* Looks a user up by username (case-insensitive). When hash is not NULL the
 * stored password hash is copied into it. OS_ENOTFOUND when absent. This
 * and store_user_by_id() also read the user's own choices (lang). */
int store_user_by_name(struct store *st, const char *username, struct user *u,
		       char *hash, size_t hashsz);

int store_user_by_id(struct store *st, int64_t id, struct user *u);

/* Replaces a user's password hash (after a rehash). */
int store_user_set_hash(struct store *st, int64_t id, const char *pw_hash);

int store_user_set_disabled(struct store *st, int64_t id, int disabled);

/* Sets the display name (checked by the caller). OS_ENOTFOUND for no such
 * user. */
int store_user_set_display_name(struct store *st, int64_t id, const char *display_name);

/* Sets the user's language, a tag of base/lang.h, or clears it (NULL).
 * OS_ENOTFOUND for no such user. */
int store_user_set_lang(struct store *st, int64_t id, const char *lang);

/* Number of users; -1 on error. */
int64_t store_user_count(struct store *st);

#endif
