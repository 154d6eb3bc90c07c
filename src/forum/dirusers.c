#include "forum/dirusers.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "store/audit.h"
#include "store/dirusers.h"
#include "store/users.h"

int
dirusers_sign_in(struct forum *f, const char *username, const char *display_name,
		 const char *email, int role, const char *org, struct user *out)
{
	char hash[256], source[STORE_SOURCE_SZ], detail[200];
	const char *name = *display_name ? display_name : username;
	struct user u;
	int64_t id;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_user_by_name(f->st, username, &u, hash, sizeof hash);
	if (rc == OS_ENOTFOUND) {
		char lower[OS_USERNAME_SZ];

		/* Directories compare names ignoring case, and so do we: the
		 * account is named as the directory would, not in whatever
		 * case was typed the first time. */
		snprintf(lower, sizeof lower, "%s", username);
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!*display_name)
			name = lower;
		if ((rc = store_diruser_insert(f->st, lower, name, email, role, org, &id)))
			return rc;
		snprintf(detail, sizeof detail, "%s from the directory, %s", lower,
			 os_role_name(role));
		if ((rc = store_audit(f->st, 0, "user.create", "user", id, 0, detail)))
			return rc;
		return store_user_by_id(f->st, id, out);
	}
	if (rc)
		return rc;
	if ((rc = store_diruser_source(f->st, u.id, source)))
		return rc;
	/* Checked again here: a local password may have been set, or the
	 * account disabled, while the directory was asked. */
	if ((hash[0] && strcmp(source, "directory")) || u.disabled)
		return OS_EBADCRED;
	if ((rc = store_diruser_update(f->st, u.id, name, email, role)))
		return rc;
	if (u.role != role) {
		snprintf(detail, sizeof detail, "%s: %s -> %s (directory groups)", u.username,
			 os_role_name(u.role), os_role_name(role));
		if ((rc = store_audit(f->st, 0, "user.role", "user", u.id, 0, detail)))
			return rc;
	}
	return store_user_by_id(f->st, u.id, out);
}
