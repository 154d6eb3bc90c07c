#include "forum/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/lang.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "store/audit.h"
#include "store/sessions.h"

static int
is_admin(const struct user *caller)
{
	return !caller || caller->role == ROLE_ADMIN;
}

/* OS_ECONFLICT when an account that is an enabled admin now would stop
 * being one (new_role not admin, or disabled) and it is the last. */
static int
last_admin(struct forum *f, const struct user *now, int new_role, int new_disabled)
{
	int64_t n;

	if (now->role != ROLE_ADMIN || now->disabled)
		return OS_OK;
	if (new_role == ROLE_ADMIN && !new_disabled)
		return OS_OK;
	n = store_admins_enabled(f->st);
	if (n < 0)
		return OS_EINTERNAL;
	return n <= 1 ? OS_ECONFLICT : OS_OK;
}

int
users_set_disabled(struct forum *f, const struct user *caller, int64_t user_id,
		   int disabled)
{
	struct os_event ev = {.type = EV_USER_DISABLED, .user_id = user_id};
	struct user u;
	int rc;

	if (!is_admin(caller))
		return OS_EFORBIDDEN;
	if (caller && caller->id == user_id)
		return OS_ECONFLICT;
	if ((rc = store_user_by_id(f->st, user_id, &u)))
		return rc;
	if (disabled && (rc = last_admin(f, &u, u.role, 1)))
		return rc;
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
users_get(struct forum *f, const struct user *caller, int64_t id, struct account *out)
{
	if (!is_admin(caller) && caller->id != id)
		return OS_EFORBIDDEN;
	return store_account_by_id(f->st, id, out);
}

int
users_list(struct forum *f, const struct user *caller, const struct account_query *q,
	   struct account **out, size_t *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!is_admin(caller))
		return OS_EFORBIDDEN;
	if (q->limit < 1 || q->offset < 0)
		return OS_EBADREQ;
	return store_account_list(f->st, q, out, n, total);
}

int
users_find(struct forum *f, const struct user *caller, const struct account_query *q,
	   struct account **out, size_t *n)
{
	struct account_query k = *q;
	int64_t total;

	*out = NULL;
	*n = 0;
	if (caller->role != ROLE_ADMIN && caller->role != ROLE_MANAGER)
		return OS_EFORBIDDEN;
	if (!q->text || !*q->text || q->limit < 1)
		return OS_EBADREQ;
	k.disabled = 0;
	k.names_only = 1;
	k.offset = 0;
	return store_account_list(f->st, &k, out, n, &total);
}

int
users_text(const char *in, size_t max, int may_be_empty, char **out)
{
	int rc = forum_text(in, max, may_be_empty, out);

	if (rc)
		return rc;
	if (has_control(*out)) {
		free(*out);
		*out = NULL;
		return OS_EBADREQ;
	}
	return OS_OK;
}

/* Copies a checked text into a fixed field. */
static int
set_text(const char *in, size_t max, int may_be_empty, char *dst, size_t dstsz)
{
	char *t;
	int rc = users_text(in, max, may_be_empty, &t);

	if (rc)
		return rc;
	snprintf(dst, dstsz, "%s", t);
	free(t);
	return OS_OK;
}

static int
set_email(const char *in, char *dst, size_t dstsz)
{
	const char *start;
	size_t n = os_trimmed(in, &start);

	if (n > OS_EMAIL_MAX)
		return OS_ETOOLARGE;
	snprintf(dst, dstsz, "%.*s", (int)n, start);
	return !n || os_email_valid(dst) ? OS_OK : OS_EBADREQ;
}

int
users_update(struct forum *f, const struct user *caller, int64_t id,
	     const struct account_changes *ch, struct account *out, const char **field)
{
	struct os_event ev = {.type = EV_USER_UPDATED, .user_id = id};
	struct account before, after;
	char detail[256] = "";
	size_t n = 0;
	int rc;

	*field = NULL;
	memset(out, 0, sizeof *out);
	if (!is_admin(caller))
		return OS_EFORBIDDEN;
	if (ch->has_role && (ch->role < 0 || ch->role >= ROLE_COUNT)) {
		*field = "role";
		return OS_EBADREQ;
	}
	if ((rc = store_account_by_id(f->st, id, &before)))
		return rc;
	after = before;
	if (ch->has_role)
		after.user.role = ch->role;
	if (ch->display_name &&
	    (rc = set_text(ch->display_name, OS_DISPLAY_MAX, 0, after.user.display_name,
			   sizeof after.user.display_name))) {
		*field = "display_name";
		return rc;
	}
	if (ch->org && (rc = set_text(ch->org, OS_ORG_MAX, 1, after.user.org,
				      sizeof after.user.org))) {
		*field = "org";
		return rc;
	}
	if (ch->email && (rc = set_email(ch->email, after.email, sizeof after.email))) {
		*field = "email";
		return rc;
	}
	if ((rc = last_admin(f, &before.user, after.user.role, before.user.disabled))) {
		*field = "role";
		return rc;
	}
	/* The audit says whose account, and what changed. */
	n = (size_t)snprintf(detail, sizeof detail, "%s:", before.user.username);
	if (after.user.role != before.user.role)
		n += (size_t)snprintf(detail + n, sizeof detail - n, " role %s -> %s,",
				      os_role_name(before.user.role),
				      os_role_name(after.user.role));
	if (strcmp(after.user.display_name, before.user.display_name))
		n += (size_t)snprintf(detail + n, sizeof detail - n, " display name,");
	if (strcmp(after.user.org, before.user.org))
		n += (size_t)snprintf(detail + n, sizeof detail - n, " organisation,");
	if (strcmp(after.email, before.email))
		n += (size_t)snprintf(detail + n, sizeof detail - n, " email,");
	*out = after;
	if (detail[n - 1] == ':')
		return OS_OK; /* nothing changed */
	detail[n - 1] = '\0';
	if ((rc = store_account_update(f->st, &after)))
		return rc;
	if ((rc = store_audit(f->st, caller ? caller->id : 0, "user.update", "user", id, 0,
			      detail)))
		return rc;
	ev.account = &after;
	forum_emit(f, &ev);
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
		      const struct user_settings *s, struct account *acc)
{
	struct os_event ev = {.type = EV_USER_UPDATED, .user_id = caller->id};
	struct user *out = &acc->user;
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
	if ((rc = store_account_by_id(f->st, caller->id, acc)))
		goto out;
	/* Renaming oneself is worth a line in the log: the name is what
	 * everyone sees on one's posts. */
	if (display && strcmp(display, caller->display_name) &&
	    (rc = store_audit(f->st, caller->id, "user.rename", "user", caller->id, 0, display)))
		goto out;
	/* The event carries the person's own USER, email included. */
	ev.user = out;
	ev.account = acc;
	if (display || s->set_lang)
		forum_emit(f, &ev);
out:
	free(display);
	return rc;
}

int
users_reset_create(struct forum *f, const struct user *caller, int64_t id,
		   char token[OS_TOKEN_STR_LEN], int64_t *expires_at)
{
	unsigned char hash[32];
	struct account a;
	int64_t now = os_now_ms(), rid;
	int rc;

	if (!is_admin(caller))
		return OS_EFORBIDDEN;
	if ((rc = store_account_by_id(f->st, id, &a)))
		return rc;
	if (a.source == SOURCE_DIRECTORY || a.user.disabled)
		return OS_ECONFLICT;
	if ((rc = store_reset_expire_user(f->st, id, now)))
		return rc;
	session_token_new(token);
	session_token_hash(token, hash);
	*expires_at = now + (int64_t)USERS_RESET_HOURS * 3600 * 1000;
	if ((rc = store_reset_insert(f->st, hash, id, caller ? caller->id : 0, now,
				     *expires_at, &rid)))
		return rc;
	return store_audit(f->st, caller ? caller->id : 0, "password.reset", "user", id, 0,
			   a.user.username);
}

int
users_reset_check(struct forum *f, const char *token, struct password_reset *r,
		  struct account *a)
{
	unsigned char hash[32];
	int rc;

	if (!token || strlen(token) != OS_TOKEN_STR_LEN - 1)
		return OS_ENOTFOUND;
	session_token_hash(token, hash);
	if ((rc = store_reset_by_hash(f->st, hash, r)))
		return rc;
	if (r->used_at)
		return OS_ERESETUSED;
	if (os_now_ms() >= r->expires_at)
		return OS_ERESETEXPIRED;
	if ((rc = store_account_by_id(f->st, r->user_id, a)))
		return rc;
	if (a->source == SOURCE_DIRECTORY)
		return OS_ECONFLICT;
	if (a->user.disabled)
		return OS_EFORBIDDEN;
	return OS_OK;
}

int
users_reset_use(struct forum *f, const char *token, const char *pw_hash, struct user *out)
{
	struct os_event ev = {.type = EV_SESSIONS_ENDED};
	struct password_reset r;
	struct account a;
	int64_t now = os_now_ms();
	int rc;

	if ((rc = users_reset_check(f, token, &r, &a)))
		return rc;
	if ((rc = store_reset_use(f->st, r.id, now)))
		return rc == OS_ECONFLICT ? OS_ERESETUSED : rc;
	if ((rc = store_reset_expire_user(f->st, a.user.id, now)) ||
	    (rc = store_user_set_hash(f->st, a.user.id, pw_hash)) ||
	    (rc = store_session_revoke_user(f->st, a.user.id, now)) ||
	    (rc = store_audit(f->st, a.user.id, "password.set", "user", a.user.id, 0,
			      a.user.username)))
		return rc;
	ev.user_id = a.user.id;
	forum_emit(f, &ev);
	*out = a.user;
	return OS_OK;
}

int
users_set_password(struct forum *f, int64_t user_id, const char *pw_hash,
		   const unsigned char keep[32])
{
	struct os_event ev = {.type = EV_SESSIONS_ENDED, .user_id = user_id,
			      .session_keep = keep};
	struct user u;
	int rc;

	if ((rc = store_user_by_id(f->st, user_id, &u)) ||
	    (rc = store_user_set_hash(f->st, user_id, pw_hash)) ||
	    (rc = store_session_revoke_others(f->st, user_id, keep, os_now_ms())) ||
	    (rc = store_audit(f->st, user_id, "password.change", "user", user_id, 0,
			      u.username)))
		return rc;
	forum_emit(f, &ev);
	return OS_OK;
}
