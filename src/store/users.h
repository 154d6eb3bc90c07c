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

/* Inserts an account with its email and source (p->user's id and disabled
 * are ignored). OS_EUSERTAKEN when the username exists (any case). */
int store_account_insert(struct store *st, const struct account *p,
			 const char *pw_hash, int64_t *id);

/* An account by id, or by username (case-insensitive) with its password
 * hash copied into hash when that is not NULL. OS_ENOTFOUND when absent. */
int store_account_by_id(struct store *st, int64_t id, struct account *p);
int store_account_by_name(struct store *st, const char *username, struct account *p,
			  char *hash, size_t hashsz);

/* Writes the display name, role, organisation and email of account
 * p->user.id. OS_ENOTFOUND when there is none. */
int store_account_update(struct store *st, const struct account *p);

/* Sets where an account came from. */
int store_user_set_source(struct store *st, int64_t id, int source);

/* Marks that a user was seen at now (their sign-in, their session in use). */
int store_user_seen(struct store *st, int64_t id, int64_t now);

/* The number of admins who are not disabled; -1 on error. */
int64_t store_admins_enabled(struct store *st);

/* Which accounts a listing shows. */
struct account_query {
	const char *text;  /* matched, ignoring case, anywhere in the username,
			      display name, email or organisation; NULL: all */
	int role;          /* enum os_role, or -1 for any */
	int disabled;      /* 0 or 1, or -1 for either */
	int limit;         /* at most this many */
	int64_t offset;    /* after skipping this many */
	int names_only;    /* 1: text matches the username and display name only */
	int staff_only;    /* 1: admins, managers and employees only */
};

/* The accounts q selects, ordered by username, into *out (malloc'd, the
 * caller frees it; NULL when none), their number into *n, and into *total
 * how many q selects without limit and offset. */
int store_account_list(struct store *st, const struct account_query *q,
		       struct account **out, size_t *n, int64_t *total);

#endif
