/* Invites, customers' access, moderation and the audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

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
	const char *role_s = NULL, *base = "", *org = NULL;
	int64_t round = 0, hours = 0, expires;
	int role, rc;

	if ((rc = req_str(r, "role", 1, &role_s)) || (rc = req_id(r, "round", 0, &round)) ||
	    (rc = req_int(r, "expires_hours", 0, 1, INVITE_HOURS_MAX, &hours)) ||
	    (rc = req_str(r, "org", 0, &org)))
		return rc;
	if (org && invites_org_invalid(org))
		return req_fail(r, OS_EBADREQ, "'org' is 1 to 80 characters");
	role = os_role_parse(role_s);
	if (role != ROLE_CUSTOMER && role != ROLE_EMPLOYEE)
		return req_fail(r, OS_EBADREQ, "'role' must be customer or employee");
	if (role == ROLE_CUSTOMER && !round)
		return req_fail(r, OS_EBADREQ, "customer invites name a 'round'");
	if (role == ROLE_EMPLOYEE && round)
		return req_fail(r, OS_EBADREQ, "employee invites name no round");
	rc = invites_create(r->d->forum, r->caller, role, round, (int)hours, org, token,
			    &expires);
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "customers can only be invited to rounds whose "
				       "audience is 'invited'");
	if (rc)
		return rc;
	if (r->d->hub.base_url)
		base = r->d->hub.base_url(r->d->hub.arg, r->conn);
	snprintf(url, sizeof url, "%s/invite/%s", base, token);
	if (render_put(r->out, "token", cJSON_CreateString(token)) ||
	    render_put(r->out, "url", cJSON_CreateString(url)) ||
	    render_time(r->out, "expires_at", expires, 0))
		return req_nomem(r);
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
	int rc, bad;

	if ((rc = req_id(r, "round", 1, &round)))
		return rc;
	if ((rc = members_list(r->d->forum, r->caller, round, &users, &n)))
		return rc;
	req_view_round(r, round);
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "members", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, render_user(&users[i]));
	free(users);
	return bad ? req_nomem(r) : OS_OK;
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
	return req_put(r, "hidden", cJSON_CreateBool(hidden));
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

/* A comment's earlier texts, from the store's [{"body", "at": ms}] to
 * [{"body", "edited_at": RFC 3339}], oldest first. */
static cJSON *
render_edits(const char *json)
{
	cJSON *in = cJSON_Parse(json), *out = cJSON_CreateArray(), *e;
	int bad = !in || !out;

	cJSON_ArrayForEach(e, in) {
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, "body");
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(e, "at");
		cJSON *o = cJSON_CreateObject();

		if (bad || render_put(out, NULL, o)) {
			bad = 1;
			break;
		}
		bad |= render_put(o, "body", cJSON_CreateString(cJSON_IsString(b) ? b->valuestring
										    : ""));
		bad |= render_time(o, "edited_at", cJSON_IsNumber(at) ? (int64_t)at->valuedouble : 0,
				   1);
	}
	cJSON_Delete(in);
	if (bad) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

/* One item of the moderation queue, or NULL when out of memory. */
static cJSON *
queue_item(const struct flagged *it)
{
	cJSON *o = cJSON_CreateObject(), *reasons;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "target", cJSON_CreateString(os_target_name(it->target)));
	bad |= render_put(o, "id", cJSON_CreateNumber((double)it->id));
	bad |= render_put(o, "round", cJSON_CreateNumber((double)it->round));
	if (it->title)
		bad |= render_put(o, "title", cJSON_CreateString(it->title));
	bad |= render_put(o, "body", cJSON_CreateString(it->body));
	bad |= render_put(o, "author", render_user(&it->author));
	bad |= render_put(o, "count", cJSON_CreateNumber((double)it->count));
	bad |= render_put(o, "hidden", cJSON_CreateBool(it->hidden));
	bad |= render_time(o, "last_flagged_at", it->last_at, 0);
	if (it->post)
		bad |= render_put(o, "post", cJSON_CreateNumber((double)it->post));
	/* The store wrote the reasons as a JSON array: failing to read it
	 * back is running out of memory. */
	reasons = cJSON_Parse(it->reasons);
	if (reasons && !cJSON_IsArray(reasons)) {
		cJSON_Delete(reasons);
		reasons = cJSON_CreateArray();
	}
	bad |= render_put(o, "reasons", reasons);
	if (it->edits)
		bad |= render_put(o, "edits", render_edits(it->edits));
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
op_mod_queue(struct req *r)
{
	struct flagged *items;
	int64_t round = 0;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_id(r, "round", 0, &round)))
		return rc;
	if ((rc = mod_queue(r->d->forum, r->caller, round, &items, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "items", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, queue_item(&items[i]));
	store_flagged_free(items, n);
	return bad ? req_nomem(r) : OS_OK;
}

/* One entry of the audit log, or NULL when out of memory. */
static cJSON *
audit_item(const struct audit_entry *e)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "id", cJSON_CreateNumber((double)e->id));
	bad |= render_time(o, "at", e->at, 0);
	bad |= render_put(o, "actor", e->has_actor ? render_user(&e->actor) : cJSON_CreateNull());
	bad |= render_put(o, "action", cJSON_CreateString(e->action));
	if (e->target_kind[0]) {
		bad |= render_put(o, "target", cJSON_CreateString(e->target_kind));
		bad |= render_put(o, "target_id", cJSON_CreateNumber((double)e->target_id));
	}
	if (e->round)
		bad |= render_put(o, "round", cJSON_CreateNumber((double)e->round));
	bad |= render_put(o, "detail", cJSON_CreateString(e->detail));
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
op_audit_list(struct req *r)
{
	struct audit_entry *e;
	int64_t before = 0, limit = 100;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_id(r, "before", 0, &before)) ||
	    (rc = req_int(r, "limit", 0, 1, 500, &limit)))
		return rc;
	if ((rc = mod_audit(r->d->forum, r->caller, before, (int)limit, &e, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "entries", arr);
	for (size_t i = 0; i < n; i++) {
		if (!bad)
			bad = render_put(arr, NULL, audit_item(&e[i]));
		free(e[i].detail);
	}
	free(e);
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_user_disable(struct req *r)
{
	int64_t user;
	int disabled = 1, rc;

	if ((rc = req_id(r, "user", 1, &user)) || (rc = req_bool(r, "disabled", 0, &disabled)))
		return rc;
	rc = users_set_disabled(r->d->forum, r->caller, user, disabled);
	if (rc == OS_ECONFLICT && user == r->caller->id)
		return req_fail(r, rc, "you cannot disable your own account");
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "that is the last enabled admin; make someone else "
				       "admin first");
	return rc;
}

/* The most a listing gives at once. */
#define USERS_LIST_MAX 200
#define USERS_QUERY_MAX 200

static int
op_users_list(struct req *r)
{
	struct account_query q = {.role = -1, .disabled = -1, .limit = 50};
	char buf[USERS_QUERY_MAX * 4 + 1];
	const char *text = NULL, *role = NULL;
	struct account *list;
	int64_t limit = 50, offset = 0, total;
	int disabled = -1, rc, bad;
	size_t n;
	cJSON *arr;

	if (r->caller->role != ROLE_ADMIN)
		return OS_EFORBIDDEN;
	if ((rc = req_str(r, "query", 0, &text)) || (rc = req_str(r, "role", 0, &role)) ||
	    (rc = req_bool(r, "disabled", 0, &disabled)) ||
	    (rc = req_int(r, "limit", 0, 1, USERS_LIST_MAX, &limit)) ||
	    (rc = req_int(r, "offset", 0, 0, INT64_C(9007199254740991), &offset)))
		return rc;
	if (text && os_utf8_len(text) > USERS_QUERY_MAX)
		return req_fail(r, OS_ETOOLARGE, "'query' is over its limit");
	if (role && (q.role = os_role_parse(role)) < 0)
		return req_fail(r, OS_EBADREQ,
				"'role' must be admin, manager, employee or customer");
	if (text) {
		const char *start;
		size_t len = os_trimmed(text, &start);

		snprintf(buf, sizeof buf, "%.*s", (int)len, start);
		q.text = buf;
	}
	q.disabled = disabled;
	q.limit = (int)limit;
	q.offset = offset;
	if ((rc = users_list(r->d->forum, r->caller, &q, &list, &n, &total)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "users", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, render_account(&list[i], 1));
	free(list);
	if (!bad)
		bad = render_put(r->out, "total", cJSON_CreateNumber((double)total));
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_user_update(struct req *r)
{
	struct account_changes ch = {0};
	const char *role = NULL, *field = NULL;
	struct account out;
	int64_t user;
	int rc;

	if (r->caller->role != ROLE_ADMIN)
		return OS_EFORBIDDEN;
	if ((rc = req_id(r, "user", 1, &user)) || (rc = req_str(r, "role", 0, &role)) ||
	    (rc = req_str(r, "display_name", 0, &ch.display_name)) ||
	    (rc = req_str(r, "org", 0, &ch.org)) || (rc = req_str(r, "email", 0, &ch.email)))
		return rc;
	if (role) {
		ch.has_role = 1;
		if ((ch.role = os_role_parse(role)) < 0)
			return req_fail(r, OS_EBADREQ,
					"'role' must be admin, manager, employee or customer");
	}
	if (!role && !ch.display_name && !ch.org && !ch.email)
		return req_fail(r, OS_EBADREQ, "give one of 'role', 'display_name', 'org' "
					       "or 'email'");
	rc = users_update(r->d->forum, r->caller, user, &ch, &out, &field);
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "that is the last enabled admin; make someone else "
				       "admin first");
	if (rc == OS_ETOOLARGE && field)
		return req_fail(r, rc, "'%s' is over its limit", field);
	if (rc == OS_EBADREQ && field && !strcmp(field, "email"))
		return req_fail(r, rc, "'email' is not a valid email address");
	if (rc == OS_EBADREQ && field)
		return req_fail(r, rc, "'%s' must not be empty or hold line breaks or tabs",
				field);
	if (rc)
		return rc;
	return req_put(r, "user", render_account(&out, 1));
}

static int
op_password_reset(struct req *r)
{
	char token[OS_TOKEN_STR_LEN], url[512];
	const char *base = "";
	struct account a;
	int64_t user, expires;
	int rc;

	if (r->caller->role != ROLE_ADMIN)
		return OS_EFORBIDDEN;
	if ((rc = req_id(r, "user", 1, &user)))
		return rc;
	rc = users_reset_create(r->d->forum, r->caller, user, token, &expires);
	if (rc == OS_ECONFLICT && users_get(r->d->forum, r->caller, user, &a) == OS_OK &&
	    a.source == SOURCE_DIRECTORY)
		return req_fail(r, rc, "this account signs in with the company directory; "
				       "its password is changed there");
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "this account is disabled; enable it first");
	if (rc)
		return rc;
	if (r->d->hub.base_url)
		base = r->d->hub.base_url(r->d->hub.arg, r->conn);
	snprintf(url, sizeof url, "%s/reset/%s", base, token);
	rc = render_put(r->out, "url", cJSON_CreateString(url)) ||
	     render_time(r->out, "expires_at", expires, 0);
	sodium_memzero(token, sizeof token);
	sodium_memzero(url, sizeof url);
	return rc ? req_nomem(r) : OS_OK;
}

const struct op ops_people[] = {
	{"user.disable", op_user_disable, 1},
	{"users.list", op_users_list, 0},
	{"user.update", op_user_update, 1},
	{"password.reset", op_password_reset, 1},
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
