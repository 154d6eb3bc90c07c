#ifndef OS_FORUM_USERS_H
#define OS_FORUM_USERS_H

/*
 * Accounts: the people admin (listing, changing, disabling), password
 * reset links and password changes. Every function that takes a caller
 * lets caller NULL stand for the command line, which may do what an admin
 * may.
 *
 * The last-admin rule: nothing may leave the forum without an enabled
 * admin. Demoting or disabling the last enabled admin is OS_ECONFLICT.
 */

#include <stdint.h>

#include "auth/session.h"
#include "base/model.h"
#include "forum/forum.h"
#include "store/resets.h"
#include "store/users.h"

/* How long a password reset link lives. */
#define USERS_RESET_HOURS 24

/* Disables (or enables again) an account (admins). Disabling revokes every
 * session of the account and emits EV_USER_DISABLED so that its open
 * connections close at once. An admin cannot disable themselves, nor
 * anyone the last enabled admin (OS_ECONFLICT). Audited. */
int users_set_disabled(struct forum *f, const struct user *caller, int64_t user_id,
		       int disabled);

/* What people change about themselves. A field stays as it is unless it
 * is given. */
struct user_settings {
	int set_lang;              /* change the language: */
	int has_lang;              /*   to lang, or (0) to no choice */
	int lang;                  /*   enum os_lang */
	const char *display_name;  /* NULL: unchanged */
};

/* OS_OK when in is acceptable as a display name: well-formed UTF-8, 1 to
 * OS_DISPLAY_MAX characters once white space around it is trimmed, and no
 * control characters; OS_EBADREQ otherwise. */
int users_display_name_check(const char *in);

/* Changes the caller's own settings, all or nothing: a value that is not
 * acceptable is OS_EBADREQ and nothing is written. The display name is
 * stored trimmed; its change is audited. *out gets the caller's account as
 * stored now (with their language and email). Emits EV_USER_UPDATED so
 * that the caller's open connections carry the new settings. */
int users_update_settings(struct forum *f, const struct user *caller,
			  const struct user_settings *s, struct account *out);
/* An account with its email, for an admin or its owner (OS_EFORBIDDEN for
 * anyone else). */
int users_get(struct forum *f, const struct user *caller, int64_t id, struct account *out);

/* The accounts q selects (admins), as store_account_list(). */
int users_list(struct forum *f, const struct user *caller, const struct account_query *q,
	       struct account **out, size_t *n, int64_t *total);

/* People to pick (managers and admins; OS_EFORBIDDEN for anyone else):
 * enabled accounts whose username or display name holds q->text (not
 * empty: OS_EBADREQ), of q->role or q->staff_only, at most q->limit, as
 * store_account_list(). Their emails are not for the caller. */
int users_find(struct forum *f, const struct user *caller, const struct account_query *q,
	       struct account **out, size_t *n);

/* What users_update() changes: the fields that are not NULL, and the role
 * when has_role. */
struct account_changes {
	int has_role;
	int role;
	const char *display_name;  /* 1 to OS_DISPLAY_MAX characters */
	const char *org;           /* 0 to OS_ORG_MAX characters */
	const char *email;         /* "" (none) or an address */
};

/* Changes an account (admins). Texts are trimmed; one that is empty where
 * it may not be, malformed or holds a control character is OS_EBADREQ
 * (*field names it), one over its limit OS_ETOOLARGE. Demoting the last
 * enabled admin is OS_ECONFLICT. A change is audited and emits
 * EV_USER_UPDATED. *out is the account afterwards. */
int users_update(struct forum *f, const struct user *caller, int64_t id,
		 const struct account_changes *ch, struct account *out, const char **field);

/* A new password reset link for an account (admins): token gets its token,
 * *expires_at its end (USERS_RESET_HOURS from now). Older unused links of
 * the account end. OS_ECONFLICT for a directory account (its password
 * lives in the directory) or a disabled one. Audited. */
int users_reset_create(struct forum *f, const struct user *caller, int64_t id,
		       char token[OS_TOKEN_STR_LEN], int64_t *expires_at);

/* Checks a reset link without using it: OS_OK with the link and its
 * account, OS_ENOTFOUND, OS_ERESETUSED, OS_ERESETEXPIRED, OS_ECONFLICT
 * (a directory account) or OS_EFORBIDDEN (a disabled one). */
int users_reset_check(struct forum *f, const char *token, struct password_reset *r,
		      struct account *a);

/* Uses a reset link (inside a store operation): the account's password
 * hash becomes pw_hash, the link is used, every session of the account
 * is revoked (EV_SESSIONS_ENDED closes their sockets). Audited. *out is
 * the account, to sign in. Errors as users_reset_check(). */
int users_reset_use(struct forum *f, const char *token, const char *pw_hash,
		    struct user *out);

/* Sets a user's own new password (inside a store operation) and revokes
 * every other session of theirs but the one whose token hash is keep
 * (EV_SESSIONS_ENDED closes their sockets). Audited. */
int users_set_password(struct forum *f, int64_t user_id, const char *pw_hash,
		       const unsigned char keep[32]);

/* forum_text() for names and organisations, which also refuses control
 * characters (line breaks, tabs) with OS_EBADREQ. */
int users_text(const char *in, size_t max, int may_be_empty, char **out);

#endif
