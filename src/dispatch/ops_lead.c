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
	cJSON_AddItemToObject(r->out, "post", render_post(&p));
	post_clear(&p);
	return OS_OK;
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
	cJSON_AddItemToObject(r->out, "priority", render_priority(p));
	priority_clear(p);
	return OS_OK;
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
	    (rc = req_int(r, "rank", 0, 1, 10000, &rank)))
		return rc;
	owner = cJSON_GetObjectItemCaseSensitive(r->in, "owner");
	if (owner) {
		ch.has_owner = 1;
		if (!cJSON_IsNull(owner) && (rc = req_id(r, "owner", 1, &ch.owner)))
			return rc;
	}
	ch.rank = (int)rank;
	rc = priorities_update(r->d->forum, r->caller, id, &ch, &p);
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

static int
do_search(struct req *r, int posts_only, int any_word, int64_t dflt_limit)
{
	struct search_hit *hits;
	const char *q = NULL;
	int64_t round = 0, limit = dflt_limit;
	size_t n;
	cJSON *arr;
	int rc;

	if ((rc = req_str(r, "q", 1, &q)) || (rc = req_id(r, "round", !posts_only ? 0 : 1, &round)) ||
	    (rc = req_int(r, "limit", 0, 1, SEARCH_LIMIT_MAX, &limit)))
		return rc;
	if (strlen(q) > 1000)
		return req_fail(r, OS_ETOOLARGE, "'q' is over its limit");
	if ((rc = search_run(r->d->forum, r->caller, q, round, posts_only, any_word, (int)limit,
			     &hits, &n)))
		return rc;
	arr = cJSON_AddArrayToObject(r->out, "results");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "target", os_target_name(hits[i].target));
		cJSON_AddNumberToObject(o, "id", (double)hits[i].id);
		cJSON_AddNumberToObject(o, "post", (double)hits[i].post);
		cJSON_AddNumberToObject(o, "round", (double)hits[i].round);
		cJSON_AddStringToObject(o, "title", hits[i].title);
		cJSON_AddStringToObject(o, "snippet", hits[i].snippet);
		if (hits[i].hidden)
			cJSON_AddTrueToObject(o, "hidden");
		cJSON_AddItemToArray(arr, o);
	}
	store_search_free(hits, n);
	return OS_OK;
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

	cJSON_AddNumberToObject(o, "post", (double)p->id);
	cJSON_AddStringToObject(o, "title", p->title);
	cJSON_AddNumberToObject(o, "rank", (double)(in->post + 1));
	cJSON_AddNumberToObject(o, "spread", round3(in->spread));
	cJSON_AddNumberToObject(o, "floor", round3(in->floor));
	g = cJSON_AddObjectToObject(o, "groups");
	for (int k = 0; k < GROUP_COUNT; k++) {
		cJSON *x = cJSON_AddObjectToObject(g, ranking_group_name(k));

		cJSON_AddBoolToObject(x, "present", in->g[k].present);
		cJSON_AddNumberToObject(x, "votes", (double)in->g[k].votes);
		cJSON_AddNumberToObject(x, "support", round3(in->g[k].support));
	}
	return o;
}

static int
op_round_insights(struct req *r)
{
	struct ranking rk;
	int64_t round;
	cJSON *arr;
	int rc;

	if ((rc = req_id(r, "round", 1, &round)))
		return rc;
	if ((rc = ranking_build(r->d->forum, r->caller, round, &rk)))
		return rc;
	arr = cJSON_AddArrayToObject(r->out, "disagree");
	for (size_t i = 0; i < rk.ndisagree; i++)
		cJSON_AddItemToArray(arr, render_insight(&rk, &rk.disagree[i]));
	arr = cJSON_AddArrayToObject(r->out, "agree");
	for (size_t i = 0; i < rk.nagree; i++)
		cJSON_AddItemToArray(arr, render_insight(&rk, &rk.agree[i]));
	ranking_clear(&rk);
	return OS_OK;
}

const struct op ops_lead[] = {
	{"post.merge", op_post_merge, 1},
	{"priority.create", op_priority_create, 1},
	{"priority.update", op_priority_update, 1},
	{"priority.link", op_priority_link, 1},
	{"priority.unlink", op_priority_unlink, 1},
	{"search", op_search, 0},
	{"post.similar", op_post_similar, 0},
	{"round.insights", op_round_insights, 0},
	{NULL, NULL, 0},
};
