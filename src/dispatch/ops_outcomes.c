/* Priorities followed through: goal and status (priority.update),
 * measures, milestones, progress updates, their comments, followers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/outcomes.h"

/* A required number field that is finite. */
static int
req_number(struct req *r, const char *name, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->in, name);

	if (!v)
		return req_fail(r, OS_EBADREQ, "missing field '%s'", name);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    fabs(v->valuedouble) > OUTCOME_NUMBER_MAX)
		return req_fail(r, OS_EBADREQ, "field '%s' must be a number (at most 1e15 "
				"either way)", name);
	*out = v->valuedouble;
	return OS_OK;
}

static int
fail_common(struct req *r, int rc, const char *what)
{
	if (rc == OS_EBADREQ && !r->msg[0])
		return req_fail(r, rc, "%s", what);
	if (rc == OS_ETOOLARGE && !r->msg[0])
		return req_fail(r, rc, "a field is over its limit, or the priority has as "
				"many as it may hold");
	if (rc == OS_EFORBIDDEN && !r->msg[0])
		return req_fail(r, rc, "only the priority's owner, managers and admins may "
				"change it");
	return rc;
}

static int
reply_priority(struct req *r, int rc, struct priority *p, const char *what)
{
	if (rc)
		return fail_common(r, rc, what);
	req_view_round(r, p->round);
	rc = req_put(r, "priority", render_priority(p));
	priority_clear(p);
	return rc;
}

static int
op_measure_set(struct req *r)
{
	struct measure m = {0};
	const char *name = NULL, *unit = "";
	struct priority p;
	int64_t priority;
	int rc;

	if ((rc = req_id(r, "priority", 1, &priority)) || (rc = req_id(r, "id", 0, &m.id)) ||
	    (rc = req_str(r, "name", 1, &name)) || (rc = req_str(r, "unit", 0, &unit)) ||
	    (rc = req_number(r, "baseline", &m.baseline)) ||
	    (rc = req_number(r, "target", &m.target)) ||
	    (rc = req_number(r, "current", &m.current)))
		return rc;
	/* The texts are checked by the forum; they travel as pointers. */
	if (strlen(name) >= sizeof m.name || strlen(unit) >= sizeof m.unit)
		return req_fail(r, OS_ETOOLARGE, "'%s' is over its limit",
				strlen(name) >= sizeof m.name ? "name" : "unit");
	memcpy(m.name, name, strlen(name) + 1);
	memcpy(m.unit, unit, strlen(unit) + 1);
	rc = outcomes_measure_set(r->d->forum, r->caller, priority, &m, &p);
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "'name' is over 200 characters, 'unit' over 20, or the "
				"priority has 50 measures already");
	return reply_priority(r, rc, &p, "'name' must not be empty");
}

static int
op_measure_delete(struct req *r)
{
	struct priority p;
	int64_t id;
	int rc;

	if ((rc = req_id(r, "measure", 1, &id)))
		return rc;
	rc = outcomes_measure_delete(r->d->forum, r->caller, id, &p);
	return reply_priority(r, rc, &p, "bad measure");
}

static int
op_measure_history(struct req *r)
{
	struct measure_point *pts;
	struct measure m;
	int64_t id;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_id(r, "measure", 1, &id)))
		return rc;
	if ((rc = outcomes_measure_history(r->d->forum, r->caller, id, &m, &pts, &n)))
		return rc;
	bad = req_put(r, "measure", render_measure(&m));
	arr = cJSON_CreateArray();
	bad |= req_put(r, "history", arr);
	for (size_t i = 0; !bad && i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		bad |= render_put(arr, NULL, o);
		if (bad)
			break;
		bad |= render_put(o, "value", cJSON_CreateNumber(pts[i].value));
		bad |= render_time(o, "at", pts[i].at, 0);
	}
	free(pts);
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_milestone_set(struct req *r)
{
	const char *title = NULL, *due = NULL;
	int64_t priority, id = 0;
	struct priority p;
	int rc, done = -1;

	if ((rc = req_id(r, "priority", 1, &priority)) || (rc = req_id(r, "id", 0, &id)) ||
	    (rc = req_str(r, "title", 1, &title)) || (rc = req_str(r, "due", 1, &due)) ||
	    (rc = req_bool(r, "done", 0, &done)))
		return rc;
	if (!outcomes_date_valid(due))
		return req_fail(r, OS_EBADREQ, "'due' must be a date YYYY-MM-DD");
	rc = outcomes_milestone_set(r->d->forum, r->caller, priority, id, title, due, done, &p);
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "'title' is over its limit, or the priority has 100 "
				"milestones already");
	return reply_priority(r, rc, &p, "'title' must not be empty");
}

static int
op_milestone_delete(struct req *r)
{
	struct priority p;
	int64_t id;
	int rc;

	if ((rc = req_id(r, "milestone", 1, &id)))
		return rc;
	rc = outcomes_milestone_delete(r->d->forum, r->caller, id, &p);
	return reply_priority(r, rc, &p, "bad milestone");
}

static int
op_post_update(struct req *r)
{
	struct priority_update u;
	const char *body = NULL;
	int64_t priority;
	int rc;

	if ((rc = req_id(r, "priority", 1, &priority)) || (rc = req_str(r, "body", 1, &body)))
		return rc;
	rc = outcomes_post_update(r->d->forum, r->caller, priority, body, &u);
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "'body' is over its limit");
	if (rc)
		return fail_common(r, rc, "'body' must not be empty");
	req_view_round(r, u.round);
	rc = req_put(r, "update", render_update(&u));
	priority_update_clear(&u);
	return rc;
}

static int
op_updates(struct req *r)
{
	struct priority_update *u;
	struct comment **cs;
	size_t n, *ncs;
	int64_t priority;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_id(r, "priority", 1, &priority)))
		return rc;
	if ((rc = outcomes_updates(r->d->forum, r->caller, priority, &u, &n, &cs, &ncs)))
		return rc;
	if (n)
		req_view_round(r, u[0].round);
	arr = cJSON_CreateArray();
	bad = req_put(r, "updates", arr);
	for (size_t i = 0; !bad && i < n; i++) {
		cJSON *o = render_update(&u[i]), *list = cJSON_CreateArray();

		bad |= render_put(o, "comments", list);
		for (size_t j = 0; !bad && j < ncs[i]; j++)
			bad |= render_put(list, NULL, render_comment(&cs[i][j]));
		bad |= render_put(arr, NULL, o);
	}
	outcomes_updates_free(u, n, cs, ncs);
	return bad ? req_nomem(r) : OS_OK;
}

int
ops_outcomes_comment(struct req *r)
{
	const char *body = NULL;
	int64_t update, parent = 0;
	struct comment c;
	int rc;

	if (cJSON_GetObjectItemCaseSensitive(r->in, "post"))
		return req_fail(r, OS_EBADREQ, "a comment is on a 'post' or an 'update', "
				"not both");
	if ((rc = req_id(r, "update", 1, &update)) || (rc = req_id(r, "parent", 0, &parent)) ||
	    (rc = req_str(r, "body", 1, &body)))
		return rc;
	rc = outcomes_comment(r->d->forum, r->caller, update, parent, body, &c);
	if (rc == OS_EBADREQ && parent && !forum_text_error(body, OS_COMMENT_MAX, 0))
		return req_fail(r, rc, "'parent' is not a comment of this update");
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "'body' is over its limit");
	if (rc == OS_EBADREQ)
		return req_fail(r, rc, "'body' must not be empty");
	if (rc)
		return rc;
	req_view_round(r, c.round);
	rc = req_put(r, "comment", render_comment(&c));
	comment_clear(&c);
	return rc;
}

static int
follow_op(struct req *r, int follow)
{
	struct priority p;
	int64_t priority;
	int rc;

	if ((rc = req_id(r, "priority", 1, &priority)))
		return rc;
	rc = outcomes_follow(r->d->forum, r->caller, priority, follow, &p);
	return reply_priority(r, rc, &p, "bad priority");
}

static int
op_follow(struct req *r)
{
	return follow_op(r, 1);
}

static int
op_unfollow(struct req *r)
{
	return follow_op(r, 0);
}

/* outcomes.overview: leadership's view of every round's priorities. */
static int
op_overview(struct req *r)
{
	struct outcome_round *o;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = outcomes_overview(r->d->forum, r->caller, &o, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = req_put(r, "rounds", arr);
	for (size_t i = 0; !bad && i < n; i++) {
		cJSON *x = cJSON_CreateObject(), *list = cJSON_CreateArray();

		bad |= render_put(arr, NULL, x);
		if (bad) {
			cJSON_Delete(list);
			break;
		}
		bad |= render_put(x, "round", render_round(&o[i].round));
		bad |= render_put(x, "priorities", list);
		for (size_t k = 0; !bad && k < o[i].npriorities; k++)
			bad |= render_put(list, NULL, render_priority(&o[i].priorities[k]));
	}
	outcomes_overview_free(o, n);
	return bad ? req_nomem(r) : OS_OK;
}

const struct op ops_outcomes[] = {
	{"outcomes.overview", op_overview, 0},
	{"measure.set", op_measure_set, 1},
	{"measure.delete", op_measure_delete, 1},
	{"measure.history", op_measure_history, 0},
	{"milestone.set", op_milestone_set, 1},
	{"milestone.delete", op_milestone_delete, 1},
	{"priority.post_update", op_post_update, 1},
	{"priority.updates", op_updates, 0},
	{"priority.follow", op_follow, 1},
	{"priority.unfollow", op_unfollow, 1},
	{NULL, NULL, 0},
};
