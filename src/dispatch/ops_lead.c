/* From many ideas to a few priorities: merges, priorities, search and the
 * insights view. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/merge.h"
#include "forum/priorities.h"
#include "forum/ranking.h"
#include "forum/search.h"

static int
op_post_merge(struct req *r)
{
	int64_t post, into;
	struct post p;
	int rc;

	if ((rc = req_id(r, "post", 1, &post)) || (rc = req_id(r, "into", 1, &into)))
		return rc;
	rc = posts_merge(r->d->forum, r->caller, post, into, &p);
	if (rc == OS_EBADREQ)
		return req_fail(r, rc, "a post merges into another post of the same round");
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "one of the posts is merged already");
	if (rc)
		return rc;
	rc = req_put(r, "post", render_post(&p));
	post_clear(&p);
	return rc;
}

static int
op_post_unmerge(struct req *r)
{
	int64_t post;
	struct post p;
	int rc;

	if ((rc = req_id(r, "post", 1, &post)))
		return rc;
	rc = posts_unmerge(r->d->forum, r->caller, post, &p);
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "the post is not merged");
	if (rc)
		return rc;
	rc = req_put(r, "post", render_post(&p));
	post_clear(&p);
	return rc;
}

static int
priority_reply(struct req *r, int rc, struct priority *p)
{
	if (rc == OS_EBADREQ && !r->msg[0])
		return req_fail(r, rc, "check the fields: the owner must be a member of staff, "
				       "the post in the same round, the title 1 to 200 characters");
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "a field is over its limit");
	if (rc)
		return rc;
	/* The reader's own following, which events never carry. */
	rc = req_put(r, "priority", render_priority(p));
	priority_clear(p);
	return rc;
}

static int
op_priority_create(struct req *r)
{
	const char *title = NULL, *desc = NULL;
	int64_t round, owner = 0;
	struct priority p;
	int rc;

	if ((rc = req_id(r, "round", 1, &round)) || (rc = req_str(r, "title", 1, &title)) ||
	    (rc = req_str(r, "description", 0, &desc)) || (rc = req_id(r, "owner", 0, &owner)))
		return rc;
	rc = priorities_create(r->d->forum, r->caller, round, title, desc, owner, &p);
	return priority_reply(r, rc, &p);
}

static int
op_priority_update(struct req *r)
{
	struct priority_changes ch = {0};
	const cJSON *owner;
	struct priority p;
	int64_t id, rank = 0;
	int rc;

	if ((rc = req_id(r, "priority", 1, &id)) || (rc = req_str(r, "title", 0, &ch.title)) ||
	    (rc = req_str(r, "description", 0, &ch.description)) ||
	    (rc = req_int(r, "rank", 0, 1, 10000, &rank)) ||
	    (rc = req_str(r, "goal", 0, &ch.goal)))
		return rc;
	if (cJSON_GetObjectItemCaseSensitive(r->in, "status")) {
		const char *st = NULL;

		if ((rc = req_str(r, "status", 1, &st)))
			return rc;
		ch.has_status = 1;
		ch.status = os_prio_status_parse(st);
		if (ch.status < 0)
			return req_fail(r, OS_EBADREQ, "'status' must be planned, active, "
					"at_risk, done or dropped");
	}
	owner = cJSON_GetObjectItemCaseSensitive(r->in, "owner");
	if (owner) {
		ch.has_owner = 1;
		if (!cJSON_IsNull(owner) && (rc = req_id(r, "owner", 1, &ch.owner)))
			return rc;
	}
	ch.rank = (int)rank;
	rc = priorities_update(r->d->forum, r->caller, id, &ch, &p);
	if (rc == OS_EFORBIDDEN)
		return req_fail(r, rc, "only managers and admins change a priority's title, "
				"description, owner and rank; its owner also its goal and status");
	if (rc == OS_ETOOLARGE && ch.goal)
		return req_fail(r, rc, "a field is over its limit ('goal': 10,000 characters)");
	return priority_reply(r, rc, &p);
}

static int
link_op(struct req *r, int link)
{
	int64_t id, post;
	struct priority p;
	int rc;

	if ((rc = req_id(r, "priority", 1, &id)) || (rc = req_id(r, "post", 1, &post)))
		return rc;
	rc = link ? priorities_link(r->d->forum, r->caller, id, post, &p)
		  : priorities_unlink(r->d->forum, r->caller, id, post, &p);
	if (rc == OS_ENOTFOUND && !link)
		return req_fail(r, rc, "that post does not feed this priority");
	return priority_reply(r, rc, &p);
}

static int
op_priority_link(struct req *r)
{
	return link_op(r, 1);
}

static int
op_priority_unlink(struct req *r)
{
	return link_op(r, 0);
}

/* One search result, or NULL when out of memory. */
static cJSON *
search_item(const struct search_hit *h)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "target", cJSON_CreateString(os_target_name(h->target)));
	bad |= render_put(o, "id", cJSON_CreateNumber((double)h->id));
	bad |= render_put(o, "post", cJSON_CreateNumber((double)h->post));
	bad |= render_put(o, "round", cJSON_CreateNumber((double)h->round));
	bad |= render_put(o, "title", cJSON_CreateString(h->title));
	bad |= render_put(o, "snippet", cJSON_CreateString(h->snippet));
	if (h->hidden)
		bad |= render_put(o, "hidden", cJSON_CreateTrue());
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
do_search(struct req *r, int posts_only, int any_word, int64_t dflt_limit)
{
	struct search_hit *hits;
	const char *q = NULL;
	int64_t round = 0, limit = dflt_limit;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_str(r, "q", 1, &q)) || (rc = req_id(r, "round", !posts_only ? 0 : 1, &round)) ||
	    (rc = req_int(r, "limit", 0, 1, SEARCH_LIMIT_MAX, &limit)))
		return rc;
	if (strlen(q) > 1000)
		return req_fail(r, OS_ETOOLARGE, "'q' is over its limit");
	if ((rc = search_run(r->d->forum, r->caller, q, round, posts_only, any_word, (int)limit,
			     &hits, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "results", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, search_item(&hits[i]));
	store_search_free(hits, n);
	return bad ? req_nomem(r) : OS_OK;
}

/* search: everything the caller may read, every word must match. */
static int
op_search(struct req *r)
{
	return do_search(r, 0, 0, 20);
}

/* post.similar: posts of one round sharing any word with a draft, best
 * first, for "did you mean one of these?" while typing. */
static int
op_post_similar(struct req *r)
{
	return do_search(r, 1, 1, 5);
}

static double
round3(double v)
{
	return round(v * 1000) / 1000;
}

static cJSON *
render_insight(const struct ranking *rk, const struct insight *in)
{
	const struct post *p = &rk->posts[in->post];
	cJSON *o = cJSON_CreateObject(), *g;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "post", cJSON_CreateNumber((double)p->id));
	bad |= render_put(o, "title", cJSON_CreateString(p->title ? p->title : ""));
	bad |= render_put(o, "rank", cJSON_CreateNumber((double)(in->post + 1)));
	bad |= render_put(o, "spread", cJSON_CreateNumber(round3(in->spread)));
	bad |= render_put(o, "floor", cJSON_CreateNumber(round3(in->floor)));
	g = cJSON_CreateObject();
	bad |= render_put(o, "groups", g);
	for (int k = 0; !bad && k < GROUP_COUNT; k++) {
		cJSON *x = cJSON_CreateObject();

		bad |= render_put(g, ranking_group_name(k), x);
		if (bad)
			break;
		bad |= render_put(x, "present", cJSON_CreateBool(in->g[k].present));
		bad |= render_put(x, "votes", cJSON_CreateNumber((double)in->g[k].votes));
		bad |= render_put(x, "support", cJSON_CreateNumber(round3(in->g[k].support)));
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
op_round_insights(struct req *r)
{
	struct ranking rk;
	int64_t round;
	cJSON *arr;
	int rc, bad = 0;

	if ((rc = req_id(r, "round", 1, &round)))
		return rc;
	if ((rc = ranking_build(r->d->forum, r->caller, round, &rk)))
		return rc;
	arr = cJSON_CreateArray();
	bad |= render_put(r->out, "disagree", arr);
	for (size_t i = 0; !bad && i < rk.ndisagree; i++)
		bad |= render_put(arr, NULL, render_insight(&rk, &rk.disagree[i]));
	arr = cJSON_CreateArray();
	bad |= render_put(r->out, "agree", arr);
	for (size_t i = 0; !bad && i < rk.nagree; i++)
		bad |= render_put(arr, NULL, render_insight(&rk, &rk.agree[i]));
	/* Each need with its ideas, support and organisations (ops_needs.c). */
	if (!bad && needs_put_insights(r, &rk))
		bad = 1;
	ranking_clear(&rk);
	return bad ? req_nomem(r) : OS_OK;
}

const struct op ops_lead[] = {
	{"post.merge", op_post_merge, 1},
	{"post.unmerge", op_post_unmerge, 1},
	{"priority.create", op_priority_create, 1},
	{"priority.update", op_priority_update, 1},
	{"priority.link", op_priority_link, 1},
	{"priority.unlink", op_priority_unlink, 1},
	{"search", op_search, 0},
	{"post.similar", op_post_similar, 0},
	{"round.insights", op_round_insights, 0},
	{NULL, NULL, 0},
};
