#include "forum/invites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "store/audit.h"
#include "store/invites.h"
#include "store/rounds.h"
#include "store/users.h"

int
invites_create(struct forum *f, const struct user *caller, int role, int64_t round,
	       int expires_hours, const char *org, char token[OS_TOKEN_STR_LEN],
	       int64_t *expires_at)
{
	char *organisation = NULL;
	unsigned char hash[32];
	struct round r = {0};
	int64_t id;
	int rc;

	if (caller && !forum_is_moderator(caller))
		return OS_EFORBIDDEN;
	if (role != ROLE_CUSTOMER && role != ROLE_EMPLOYEE)
		return OS_EBADREQ;
	if (expires_hours == 0)
		expires_hours = INVITE_HOURS_DEFAULT;
	if (expires_hours < 1 || expires_hours > INVITE_HOURS_MAX)
		return OS_EBADREQ;
	if (role == ROLE_EMPLOYEE && round)
		return OS_EBADREQ;
	if (role == ROLE_CUSTOMER) {
		if (!round)
			return OS_EBADREQ;
		rc = caller ? forum_round_for(f, caller, round, &r)
			    : store_round_get(f->st, round, &r);
		if (rc)
			return rc;
		rc = r.audience == AUD_INVITED ? OS_OK : OS_ECONFLICT;
		round_clear(&r);
		if (rc)
			return rc;
	}
	if (org && invites_org_invalid(org))
		return OS_EBADREQ;
	if (caller && (rc = forum_rate_take(f, caller)))
		return rc;
	if (org && (rc = forum_text(org, OS_ORG_MAX, 0, &organisation)))
		return rc;
	session_token_new(token);
	session_token_hash(token, hash);
	*expires_at = os_now_ms() + (int64_t)expires_hours * 3600 * 1000;
	rc = store_invite_insert(f->st, hash, role, round, caller ? caller->id : 0,
				 *expires_at, organisation, &id);
	free(organisation);
	if (!rc)
		rc = store_audit(f->st, caller ? caller->id : 0, "invite.create", "invite",
				 id, round, os_role_name(role));
	return rc;
}

int
invites_check(struct forum *f, const char *token, struct invite *inv)
{
	unsigned char hash[32];
	int rc;

	if (!token || strlen(token) != OS_TOKEN_STR_LEN - 1)
		return OS_ENOTFOUND;
	session_token_hash(token, hash);
	rc = store_invite_by_hash(f->st, hash, inv);
	if (rc)
		return rc;
	if (inv->used_at)
		return OS_EINVUSED;
	if (os_now_ms() >= inv->expires_at)
		return OS_EINVEXPIRED;
	return OS_OK;
}

int
invites_validate_fields(const char *username, const char *display_name, const char *org)
{
	if (!username || !os_username_valid(username))
		return OS_EBADREQ;
	if (forum_text_error(display_name, OS_DISPLAY_MAX, 0) ||
	    forum_text_error(org ? org : "", OS_ORG_MAX, 1))
		return OS_EBADREQ;
	return OS_OK;
}

int
invites_org_invalid(const char *org)
{
	return forum_text_error(org, OS_ORG_MAX, 0) != 0;
}

int
invites_org_differs(const struct invite *inv, const char *org)
{
	char *trimmed = NULL;
	int differs;

	if (!inv->has_org || !org)
		return 0;
	/* Not valid text: not the invite's either. */
	if (forum_text(org, OS_ORG_MAX, 1, &trimmed))
		return 1;
	differs = trimmed[0] && strcmp(trimmed, inv->org) != 0;
	free(trimmed);
	return differs;
}

int
invites_accept(struct forum *f, const char *token, const char *username,
	       const char *display_name, const char *org, const char *pw_hash,
	       struct user *out)
{
	char *display = NULL, *organisation = NULL, detail[96];
	struct invite inv;
	int64_t id, now = os_now_ms();
	int rc;

	if ((rc = invites_check(f, token, &inv)))
		return rc;
	if ((rc = invites_validate_fields(username, display_name, org)))
		return rc;
	if (invites_org_differs(&inv, org))
		return OS_EBADREQ;
	if (inv.has_org)
		org = inv.org;
	if ((rc = forum_text(display_name, OS_DISPLAY_MAX, 0, &display)) ||
	    (rc = forum_text(org ? org : "", OS_ORG_MAX, 1, &organisation)))
		goto out;
	if ((rc = store_user_insert(f->st, username, display, inv.role, organisation,
				    pw_hash, &id)))
		goto out;
	if ((rc = store_invite_use(f->st, inv.id, id, now)) ||
	    (rc = store_user_set_source(f->st, id, SOURCE_INVITE)))
		goto out;
	if (inv.round && (rc = store_member_add(f->st, inv.round, id, inv.created_by)))
		goto out;
	snprintf(detail, sizeof detail, "%s via invite %lld", os_role_name(inv.role),
		 (long long)inv.id);
	if ((rc = store_audit(f->st, id, "invite.accept", "user", id, inv.round, detail)))
		goto out;
	rc = store_user_by_id(f->st, id, out);
out:
	free(display);
	free(organisation);
	return rc;
}
