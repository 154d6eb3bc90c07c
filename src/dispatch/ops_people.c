/* Invites, customers' access, moderation and the audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/invites.h"
#include "forum/members.h"
#include "forum/moderation.h"
#include "forum/users.h"

static int
op_invite_create(struct req *r)
{
	char token[OS_TOKEN_STR_LEN], url[512];
	const char *role_s = NULL, *base = "";
	int64_t round = 0, hours = 0, expires;
	int role, rc;

	if ((rc = req_str(r, "role", 1, &role_s)) || (rc = req_id(r, "round", 0, &round)) ||
	    (rc = req_int(r, "expires_hours", 0, 1, INVITE_HOURS_MAX, &hours)))
		return rc;
	role = os_role_parse(role_s);
	if (role != ROLE_CUSTOMER && role != ROLE_EMPLOYEE)
		return req_fail(r, OS_EBADREQ, "'role' must be customer or employee");
	if (role == ROLE_CUSTOMER && !round)
		return req_fail(r, OS_EBADREQ, "customer invites name a 'round'");
	if (role == ROLE_EMPLOYEE && round)
		return req_fail(r, OS_EBADREQ, "employee invites name no round");
	rc = invites_create(r->d->forum, r->caller, role, round, (int)hours, token, &expires);
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "customers can only be invited to rounds whose "
				       "audience is 'invited'");
	if (rc)
		return rc;
	if (r->d->hub.base_url)
		base = r->d->hub.base_url(r->d->hub.arg, r->conn);
	snprintf(url, sizeof url, "%s/invite/%s", base, token);
	cJSON_AddStringToObject(r->out, "token", token);
	cJSON_AddStringToObject(r->out, "url", url);
	render_time(r->out, "expires_at", expires, 0);
	return OS_OK;
}

static int
member_args(struct req *r, int64_t *round, int64_t *user)
{
	int rc;

	if ((rc = req_id(r, "round", 1, round)) || (rc = req_id(r, "user", 1, user)))
		return rc;
	return OS_OK;
}

static int
member_error(struct req *r, int rc)
{
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "only rounds whose audience is 'invited' have members");
	if (rc == OS_EBADREQ)
		return req_fail(r, rc, "only customers are members of rounds; staff see "
				       "every round");
	return rc;
}

static int
op_member_add(struct req *r)
{
	int64_t round, user;
	int rc;

	if ((rc = member_args(r, &round, &user)))
		return rc;
	return member_error(r, members_add(r->d->forum, r->caller, round, user));
}

static int
op_member_revoke(struct req *r)
{
	int64_t round, user;
	int rc;

	if ((rc = member_args(r, &round, &user)))
		return rc;
	rc = members_revoke(r->d->forum, r->caller, round, user);
	if (rc == OS_ENOTFOUND)
		return req_fail(r, rc, "no such round, or that customer has no access to it");
	return member_error(r, rc);
}

static int
op_round_members(struct req *r)
{
	struct user *users;
	int64_t round;
	size_t n;
	cJSON *arr;
	int rc;

	if ((rc = req_id(r, "round", 1, &round)))
		return rc;
	if ((rc = members_list(r->d->forum, r->caller, round, &users, &n)))
		return rc;
	arr = cJSON_AddArrayToObject(r->out, "members");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, render_user(&users[i]));
	free(users);
	return OS_OK;
}

static int
target_args(struct req *r, int *target, int64_t *id)
{
	const char *t = NULL;
	int rc;

	if ((rc = req_str(r, "target", 1, &t)) || (rc = req_id(r, "id", 1, id)))
		return rc;
	*target = os_target_parse(t);
	if (*target < 0)
		return req_fail(r, OS_EBADREQ, "'target' must be post, comment or chat");
	return OS_OK;
}

static int
op_flag_create(struct req *r)
{
	const char *reason = NULL;
	int64_t id;
	int target, hidden, rc;

	if ((rc = target_args(r, &target, &id)) || (rc = req_str(r, "reason", 1, &reason)))
		return rc;
	rc = mod_flag(r->d->forum, r->caller, target, id, reason, &hidden);
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "you have flagged this already");
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "'reason' is over its limit");
	if (rc == OS_EBADREQ)
		return req_fail(r, rc, "'reason' must not be empty");
	if (rc)
		return rc;
	cJSON_AddBoolToObject(r->out, "hidden", hidden);
	return OS_OK;
}

static int
op_mod_hide(struct req *r)
{
	const char *reason = NULL;
	int64_t id;
	int target, hidden = 0, rc;

	if ((rc = target_args(r, &target, &id)) || (rc = req_bool(r, "hidden", 1, &hidden)) ||
	    (rc = req_str(r, "reason", 0, &reason)))
		return rc;
	rc = mod_hide(r->d->forum, r->caller, target, id, hidden, reason);
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "'reason' is over its limit");
	return rc;
}

static int
op_mod_queue(struct req *r)
{
	struct flagged *items;
	int64_t round = 0;
	size_t n;
	cJSON *arr;
	int rc;

	if ((rc = req_id(r, "round", 0, &round)))
		return rc;
	if ((rc = mod_queue(r->d->forum, r->caller, round, &items, &n)))
		return rc;
	arr = cJSON_AddArrayToObject(r->out, "items");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject(), *reasons = cJSON_Parse(items[i].reasons);

		cJSON_AddStringToObject(o, "target", os_target_name(items[i].target));
		cJSON_AddNumberToObject(o, "id", (double)items[i].id);
		cJSON_AddNumberToObject(o, "round", (double)items[i].round);
		if (items[i].title)
			cJSON_AddStringToObject(o, "title", items[i].title);
		cJSON_AddStringToObject(o, "body", items[i].body);
		cJSON_AddItemToObject(o, "author", render_user(&items[i].author));
		cJSON_AddNumberToObject(o, "count", (double)items[i].count);
		cJSON_AddBoolToObject(o, "hidden", items[i].hidden);
		render_time(o, "last_flagged_at", items[i].last_at, 0);
		if (items[i].post)
			cJSON_AddNumberToObject(o, "post", (double)items[i].post);
		cJSON_AddItemToObject(o, "reasons",
				      cJSON_IsArray(reasons) ? reasons : cJSON_CreateArray());
		if (!cJSON_IsArray(reasons))
			cJSON_Delete(reasons);
		cJSON_AddItemToArray(arr, o);
	}
	store_flagged_free(items, n);
	return OS_OK;
}

static int
op_audit_list(struct req *r)
{
	struct audit_entry *e;
	int64_t before = 0, limit = 100;
	size_t n;
	cJSON *arr;
	int rc;

	if ((rc = req_id(r, "before", 0, &before)) ||
	    (rc = req_int(r, "limit", 0, 1, 500, &limit)))
		return rc;
	if ((rc = mod_audit(r->d->forum, r->caller, before, (int)limit, &e, &n)))
		return rc;
	arr = cJSON_AddArrayToObject(r->out, "entries");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "id", (double)e[i].id);
		render_time(o, "at", e[i].at, 0);
		if (e[i].has_actor)
			cJSON_AddItemToObject(o, "actor", render_user(&e[i].actor));
		else
			cJSON_AddNullToObject(o, "actor");
		cJSON_AddStringToObject(o, "action", e[i].action);
		if (e[i].target_kind[0]) {
			cJSON_AddStringToObject(o, "target", e[i].target_kind);
			cJSON_AddNumberToObject(o, "target_id", (double)e[i].target_id);
		}
		if (e[i].round)
			cJSON_AddNumberToObject(o, "round", (double)e[i].round);
		cJSON_AddStringToObject(o, "detail", e[i].detail);
		cJSON_AddItemToArray(arr, o);
		free(e[i].detail);
	}
	free(e);
	return OS_OK;
}

static int
op_user_disable(struct req *r)
{
	int64_t user;
	int disabled = 1, rc;

	if ((rc = req_id(r, "user", 1, &user)) || (rc = req_bool(r, "disabled", 0, &disabled)))
		return rc;
	rc = users_set_disabled(r->d->forum, r->caller, user, disabled);
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "you cannot disable your own account");
	return rc;
}

const struct op ops_people[] = {
	{"user.disable", op_user_disable, 1},
	{"invite.create", op_invite_create, 1},
	{"member.add", op_member_add, 1},
	{"member.revoke", op_member_revoke, 1},
	{"round.members", op_round_members, 0},
	{"flag.create", op_flag_create, 1},
	{"mod.hide", op_mod_hide, 1},
	{"mod.queue", op_mod_queue, 0},
	{"audit.list", op_audit_list, 0},
	{NULL, NULL, 0},
};
