#include "forum/users.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/lang.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "store/audit.h"
#include "store/sessions.h"
#include "store/users.h"

int
users_set_disabled(struct forum *f, const struct user *caller, int64_t user_id,
		   int disabled)
{
	struct os_event ev = {.type = EV_USER_DISABLED, .user_id = user_id};
	struct user u;
	int rc;

	if (caller && caller->role != ROLE_ADMIN)
		return OS_EFORBIDDEN;
	if (caller && caller->id == user_id)
		return OS_ECONFLICT;
	if ((rc = store_user_by_id(f->st, user_id, &u)))
		return rc == OS_ENOTFOUND ? OS_ENOTFOUND : rc;
	if ((rc = store_user_set_disabled(f->st, user_id, disabled)))
		return rc;
	if (disabled && (rc = store_session_revoke_user(f->st, user_id, os_now_ms())))
		return rc;
	if ((rc = store_audit(f->st, caller ? caller->id : 0,
			      disabled ? "user.disable" : "user.enable", "user", user_id, 0,
			      u.username)))
		return rc;
	if (disabled)
		forum_emit(f, &ev);
	return OS_OK;
}

/* A control character: C0, DEL, or C1 (U+0080..U+009F, 0xC2 0x80..0x9F in
 * UTF-8). Display names are shown on one line beside everything people
 * write; a line break or an escape in one would be a way to forge them. */
static int
has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

/* The trimmed, checked display name in *out (malloc'd). */
static int
display_name_clean(const char *in, char **out)
{
	int rc = forum_text(in, OS_DISPLAY_MAX, 0, out);

	if (rc == OS_ENOMEM)
		return rc;
	if (rc || has_control(*out)) {
		free(*out);
		*out = NULL;
		return OS_EBADREQ;
	}
	return OS_OK;
}

int
users_display_name_check(const char *in)
{
	char *tmp = NULL;
	int rc = display_name_clean(in, &tmp);

	free(tmp);
	return rc;
}

int
users_update_settings(struct forum *f, const struct user *caller,
		      const struct user_settings *s, struct user *out)
{
	struct os_event ev = {.type = EV_USER_UPDATED, .user_id = caller->id};
	char *display = NULL;
	int rc;

	/* Everything is checked before anything is written. */
	if (s->set_lang && s->has_lang && (s->lang < 0 || s->lang >= OS_LANG_COUNT))
		return OS_EBADREQ;
	if (s->display_name && (rc = display_name_clean(s->display_name, &display)))
		return rc;
	if (display && (rc = store_user_set_display_name(f->st, caller->id, display)))
		goto out;
	if (s->set_lang &&
	    (rc = store_user_set_lang(f->st, caller->id,
				      s->has_lang ? os_lang_code((enum os_lang)s->lang) : NULL)))
		goto out;
	if ((rc = store_user_by_id(f->st, caller->id, out)))
		goto out;
	/* Renaming oneself is worth a line in the log: the name is what
	 * everyone sees on one's posts. */
	if (display && strcmp(display, caller->display_name) &&
	    (rc = store_audit(f->st, caller->id, "user.rename", "user", caller->id, 0, display)))
		goto out;
	ev.user = out;
	if (display || s->set_lang)
		forum_emit(f, &ev);
out:
	free(display);
	return rc;
}
