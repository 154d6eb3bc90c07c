/* Needs, what became of my ideas, and the customer organisations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/needs.h"
#include "forum/ranking.h"

static int
need_reply(struct req *r, int rc, struct need *n)
{
	if (rc == OS_EBADREQ && !r->msg[0])
		return req_fail(r, rc, "check the fields: the title 1 to 200 characters, the post "
				       "or priority of the need's round");
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "a field is over its limit");
	if (rc)
		return rc;
	rc = req_put(r, "need", render_need(n));
	need_clear(n);
	return rc;
}

static int
op_need_create(struct req *r)
{
	const char *title = NULL, *desc = NULL;
	struct need n;
	int64_t round;
	int rc;

	if ((rc = req_id(r, "round", 1, &round)) || (rc = req_str(r, "title", 1, &title)) ||
	    (rc = req_str(r, "description", 0, &desc)))
		return rc;
	rc = needs_create(r->d->forum, r->caller, round, title, desc, &n);
	return need_reply(r, rc, &n);
}

static int
op_need_update(struct req *r)
{
	struct need_changes ch = {0};
	struct need n;
	int64_t id;
	int rc;

	if ((rc = req_id(r, "need", 1, &id)) || (rc = req_str(r, "title", 0, &ch.title)) ||
	    (rc = req_str(r, "description", 0, &ch.description)))
		return rc;
	rc = needs_update(r->d->forum, r->caller, id, &ch, &n);
	return need_reply(r, rc, &n);
}

static int
op_need_delete(struct req *r)
{
	int64_t id;
	int rc;

	if ((rc = req_id(r, "need", 1, &id)))
		return rc;
	if ((rc = needs_delete(r->d->forum, r->caller, id)))
		return rc;
	return req_put(r, "need", cJSON_CreateNumber((double)id));
}

static int
link_op(struct req *r, int link)
{
	int64_t id, post = 0, priority = 0;
	struct need n;
	int rc;

	if ((rc = req_id(r, "need", 1, &id)) || (rc = req_id(r, "post", 0, &post)) ||
	    (rc = req_id(r, "priority", 0, &priority)))
		return rc;
	if (!post == !priority)
		return req_fail(r, OS_EBADREQ, "give either 'post' or 'priority'");
	rc = needs_link(r->d->forum, r->caller, id, post ? NEED_POST : NEED_PRIORITY,
			post ? post : priority, link, &n);
	if (rc == OS_ENOTFOUND && !link)
		return req_fail(r, rc, "that %s is not linked to this need",
				post ? "post" : "priority");
	return need_reply(r, rc, &n);
}

static int
op_need_link(struct req *r)
{
	return link_op(r, 1);
}

static int
op_need_unlink(struct req *r)
{
	return link_op(r, 0);
}

int
needs_put_round(struct req *r, int64_t round)
{
	struct need *needs;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = needs_list(r->d->forum, r->caller, round, &needs, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "needs", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, render_need(&needs[i]));
	for (size_t i = 0; i < n; i++)
		need_clear(&needs[i]);
	free(needs);
	return bad ? req_nomem(r) : OS_OK;
}

/* The index of post id in the ranking, or -1. */
static long
post_index(const struct ranking *rk, int64_t id)
{
	for (size_t i = 0; i < rk->nposts; i++)
		if (rk->posts[i].id == id)
			return (long)i;
	return -1;
}

static cJSON *
render_support(const struct need_support *s, int vote_mode)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	for (int k = 0; o && !bad && k < 3; k++) {
		const struct need_votes *g = &s->g[k];
		cJSON *x = cJSON_CreateObject();

		bad |= render_put(o, ranking_group_name(k), x);
		if (bad)
			break;
		bad |= render_put(x, "up", cJSON_CreateNumber((double)g->up));
		bad |= render_put(x, "down", cJSON_CreateNumber((double)g->down));
		bad |= render_put(x, "dots", cJSON_CreateNumber((double)g->dots));
		bad |= render_put(x, "people", cJSON_CreateNumber((double)g->people));
		bad |= render_put(x, "support",
				  cJSON_CreateNumber((double)needs_group_support(g, vote_mode)));
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
render_need_insight(const struct ranking *rk, const struct need_support *s)
{
	cJSON *o = cJSON_CreateObject(), *ideas, *orgs;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "need", render_need(&s->need));
	ideas = cJSON_CreateArray();
	bad |= render_put(o, "ideas", ideas);
	for (size_t i = 0; !bad && i < s->need.nposts; i++) {
		long at = post_index(rk, s->need.posts[i]);
		const struct post *p = at >= 0 ? &rk->posts[at] : NULL;
		cJSON *x;

		if (!p)
			continue;
		x = cJSON_CreateObject();
		bad |= render_put(ideas, NULL, x);
		if (bad)
			break;
		bad |= render_put(x, "post", cJSON_CreateNumber((double)p->id));
		bad |= render_put(x, "title", cJSON_CreateString(p->title ? p->title : ""));
		bad |= render_put(x, "rank", cJSON_CreateNumber((double)(at + 1)));
		bad |= render_put(x, "status", cJSON_CreateString(os_status_name(post_status(p))));
		bad |= render_put(x, "tally", render_tally(&p->tally, p->vote_mode));
	}
	bad |= render_put(o, "support", render_support(s, rk->round.vote_mode));
	bad |= render_put(o, "total", cJSON_CreateNumber((double)s->support));
	orgs = cJSON_CreateArray();
	bad |= render_put(o, "orgs", orgs);
	for (size_t i = 0; !bad && i < s->norgs; i++) {
		cJSON *x = cJSON_CreateObject();

		bad |= render_put(orgs, NULL, x);
		if (bad)
			break;
		bad |= render_put(x, "org", cJSON_CreateString(s->orgs[i].org));
		bad |= render_put(x, "people", cJSON_CreateNumber((double)s->orgs[i].people));
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
needs_put_insights(struct req *r, const struct ranking *rk)
{
	cJSON *arr = cJSON_CreateArray();
	int bad = render_put(r->out, "needs", arr);

	for (size_t i = 0; !bad && i < rk->nneeds; i++)
		bad = render_put(arr, NULL, render_need_insight(rk, &rk->needs[i]));
	return bad ? req_nomem(r) : OS_OK;
}

static cJSON *
render_my_idea(const struct my_idea *m)
{
	cJSON *o = cJSON_CreateObject(), *x, *needs;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "post", render_post(&m->post));
	x = cJSON_CreateObject();
	bad |= render_put(o, "round", x);
	if (!bad) {
		bad |= render_put(x, "id", cJSON_CreateNumber((double)m->round.id));
		bad |= render_put(x, "title", cJSON_CreateString(m->round.title ? m->round.title
										: ""));
		bad |= render_put(x, "phase", cJSON_CreateString(os_phase_name(m->round.phase)));
	}
	bad |= render_put(o, "status", cJSON_CreateString(os_status_name(post_status(&m->post))));
	bad |= render_put(o, "score", cJSON_CreateNumber(
		m->post.vote_mode == VOTE_DOTS ? (double)tally_dots(&m->post.tally)
					       : round(post_score(&m->post) * 1e6) / 1e6));
	bad |= render_put(o, "rank", m->rank ? cJSON_CreateNumber(m->rank) : cJSON_CreateNull());
	bad |= render_put(o, "of", cJSON_CreateNumber(m->of));
	if (m->post.merged_into) {
		x = cJSON_CreateObject();
		bad |= render_put(o, "merged_into", x);
		if (!bad) {
			bad |= render_put(x, "id", cJSON_CreateNumber((double)m->post.merged_into));
			bad |= render_put(x, "title", m->merged_title[0]
							      ? cJSON_CreateString(m->merged_title)
							      : cJSON_CreateNull());
		}
	} else {
		bad |= render_put(o, "merged_into", cJSON_CreateNull());
	}
	needs = cJSON_CreateArray();
	bad |= render_put(o, "needs", needs);
	for (size_t i = 0; !bad && i < m->nneeds; i++) {
		x = cJSON_CreateObject();
		bad |= render_put(needs, NULL, x);
		if (bad)
			break;
		bad |= render_put(x, "id", cJSON_CreateNumber((double)m->needs[i].id));
		bad |= render_put(x, "title", cJSON_CreateString(m->needs[i].title));
	}
	if (m->has_priority) {
		const struct priority *p = &m->priority;

		x = cJSON_CreateObject();
		bad |= render_put(o, "priority", x);
		if (!bad) {
			bad |= render_put(x, "id", cJSON_CreateNumber((double)p->id));
			bad |= render_put(x, "title", cJSON_CreateString(p->title));
			bad |= render_put(x, "rank", cJSON_CreateNumber(p->rank));
			bad |= render_put(x, "owner", p->has_owner ? render_user(&p->owner)
								   : cJSON_CreateNull());
			/* Priorities carry a status once the schema has one. */
			if (m->priority_status[0])
				bad |= render_put(x, "status",
						  cJSON_CreateString(m->priority_status));
		}
	} else {
		bad |= render_put(o, "priority", cJSON_CreateNull());
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
op_my_ideas(struct req *r)
{
	struct my_idea *a;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = my_ideas(r->d->forum, r->caller, &a, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "ideas", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, render_my_idea(&a[i]));
	my_ideas_free(a, n);
	return bad ? req_nomem(r) : OS_OK;
}

static cJSON *
render_ref(const struct org_ref *x, int need)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "id", cJSON_CreateNumber((double)x->id));
	if (need)
		bad |= render_put(o, "round", cJSON_CreateNumber((double)x->round));
	bad |= render_put(o, "title", cJSON_CreateString(x->title));
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
render_org(const struct org_summary *s, int64_t now)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "org", cJSON_CreateString(s->org));
	arr = cJSON_CreateArray();
	bad |= render_put(o, "people", arr);
	for (size_t i = 0; !bad && i < s->npeople; i++) {
		cJSON *u = render_user(&s->people[i].user);

		bad |= render_put(arr, NULL, u);
		if (!bad)
			bad |= render_time(u, "last_active", s->people[i].last_active, 1);
	}
	arr = cJSON_CreateArray();
	bad |= render_put(o, "rounds", arr);
	for (size_t i = 0; !bad && i < s->nrounds; i++)
		bad |= render_put(arr, NULL, render_ref(&s->rounds[i], 0));
	bad |= render_time(o, "last_active", s->last_active, 1);
	bad |= render_put(o, "quiet", cJSON_CreateBool(!s->last_active ||
						       now - s->last_active > ORGS_QUIET_MS));
	bad |= render_put(o, "ideas", cJSON_CreateNumber((double)s->ideas));
	bad |= render_put(o, "comments", cJSON_CreateNumber((double)s->comments));
	bad |= render_put(o, "votes", cJSON_CreateNumber((double)s->votes));
	arr = cJSON_CreateArray();
	bad |= render_put(o, "needs", arr);
	for (size_t i = 0; !bad && i < s->nneeds; i++)
		bad |= render_put(arr, NULL, render_ref(&s->needs[i], 1));
	arr = cJSON_CreateArray();
	bad |= render_put(o, "disagree", arr);
	for (size_t i = 0; !bad && i < s->ndisagree; i++) {
		const struct org_disagree *d = &s->disagree[i];
		cJSON *x = cJSON_CreateObject();

		bad |= render_put(arr, NULL, x);
		if (bad)
			break;
		bad |= render_put(x, "post", cJSON_CreateNumber((double)d->post));
		bad |= render_put(x, "round", cJSON_CreateNumber((double)d->round));
		bad |= render_put(x, "title", cJSON_CreateString(d->title));
		bad |= render_put(x, "org_net", cJSON_CreateNumber((double)d->org_net));
		bad |= render_put(x, "staff_net", cJSON_CreateNumber((double)d->staff_net));
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
op_orgs_list(struct req *r)
{
	struct org_summary *a;
	int64_t now = os_now_ms();
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = orgs_list(r->d->forum, r->caller, &a, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "orgs", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, render_org(&a[i], now));
	store_orgs_free(a, n);
	return bad ? req_nomem(r) : OS_OK;
}

const struct op ops_needs[] = {
	{"need.create", op_need_create, 1},
	{"need.update", op_need_update, 1},
	{"need.delete", op_need_delete, 1},
	{"need.link", op_need_link, 1},
	{"need.unlink", op_need_unlink, 1},
	{"my.ideas", op_my_ideas, 0},
	{"orgs.list", op_orgs_list, 0},
	{NULL, NULL, 0},
};
