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
 * stored trimmed; its change is audited. *out gets the caller as stored
 * now. Emits EV_USER_UPDATED so that the caller's open connections carry
 * the new settings. */
int users_update_settings(struct forum *f, const struct user *caller,
			  const struct user_settings *s, struct user *out);

#endif
