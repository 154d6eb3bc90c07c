/*
 * JSON export: {"round": ROUND, "priorities": [PRIORITY], "posts": [POST +
 * "rank", "priority_title"], "insights": {"disagree": [...], "agree":
 * [...]}, "needs": [{"need": NEED, "ideas", "support", "total",
 * "orgs"}]}, the protocol's objects as dispatch renders them, posts best
 * first. Unformatted, with a trailing newline.
 */
#include "export/export.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "dispatch/render.h"
#include "export/export_int.h"
#include "forum/needs.h"

static double
round3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

/* Adds item to o under name (to an array when name is NULL); item may be
 * NULL (an allocation failed). 0 on success; on failure item is freed. */
static int
put(cJSON *o, const char *name, cJSON *item)
{
	cJSON_bool ok;

	if (!item)
		return -1;
	ok = name ? cJSON_AddItemToObject(o, name, item) : cJSON_AddItemToArray(o, item);
	if (!ok) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

static cJSON *
insight(const struct ranking *r, const struct insight *in)
{
	const struct post *p = &r->posts[in->post];
	cJSON *o = cJSON_CreateObject(), *groups;
	int bad = !o;

	if (bad)
		return NULL;
	bad |= put(o, "post", cJSON_CreateNumber((double)p->id));
	bad |= put(o, "title", cJSON_CreateString(p->title ? p->title : ""));
	bad |= put(o, "spread", cJSON_CreateNumber(round3(in->spread)));
	bad |= put(o, "floor", cJSON_CreateNumber(round3(in->floor)));
	groups = cJSON_CreateObject();
	bad |= put(o, "groups", groups);
	for (int g = 0; !bad && g < GROUP_COUNT; g++) {
		cJSON *s = cJSON_CreateObject();

		bad |= put(groups, ranking_group_name(g), s);
		if (bad)
			break;
		bad |= put(s, "present", cJSON_CreateBool(in->g[g].present));
		bad |= put(s, "votes", cJSON_CreateNumber((double)in->g[g].votes));
		bad |= put(s, "support", cJSON_CreateNumber(round3(in->g[g].support)));
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
post_item(const struct ranking *r, size_t i)
{
	const struct post *p = &r->posts[i];
	const char *pt = ranking_priority_title(r, p->priority);
	cJSON *o = render_post(p);

	if (!o)
		return NULL;
	if (put(o, "rank", cJSON_CreateNumber((double)(i + 1))) ||
	    put(o, "priority_title", pt ? cJSON_CreateString(pt) : cJSON_CreateNull())) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* A new array added to o under name, or NULL (nothing to free). */
static cJSON *
add_array(cJSON *o, const char *name)
{
	cJSON *a = cJSON_CreateArray();

	return put(o, name, a) ? NULL : a;
}

/* A need with its ideas (best first), each group's votes and support, and
 * the customer organisations behind it. */
static cJSON *
need_item(const struct ranking *r, const struct need_support *s)
{
	cJSON *o = cJSON_CreateObject(), *a, *g;
	int bad = !o;

	if (bad)
		return NULL;
	bad |= put(o, "need", render_need(&s->need));
	a = cJSON_CreateArray();
	bad |= put(o, "ideas", a);
	for (size_t i = 0; !bad && i < r->nposts; i++)
		for (size_t k = 0; k < s->need.nposts; k++)
			if (s->need.posts[k] == r->posts[i].id) {
				cJSON *x = cJSON_CreateObject();

				bad |= put(a, NULL, x);
				if (bad)
					break;
				bad |= put(x, "post", cJSON_CreateNumber((double)r->posts[i].id));
				bad |= put(x, "rank", cJSON_CreateNumber((double)(i + 1)));
				bad |= put(x, "title", cJSON_CreateString(r->posts[i].title
									  ? r->posts[i].title : ""));
				break;
			}
	g = cJSON_CreateObject();
	bad |= put(o, "support", g);
	for (int k = 0; !bad && k < GROUP_COUNT; k++) {
		const struct need_votes *v = &s->g[k];
		cJSON *x = cJSON_CreateObject();

		bad |= put(g, ranking_group_name(k), x);
		if (bad)
			break;
		bad |= put(x, "up", cJSON_CreateNumber((double)v->up));
		bad |= put(x, "down", cJSON_CreateNumber((double)v->down));
		bad |= put(x, "dots", cJSON_CreateNumber((double)v->dots));
		bad |= put(x, "people", cJSON_CreateNumber((double)v->people));
		bad |= put(x, "support", cJSON_CreateNumber(
			(double)needs_group_support(v, r->round.vote_mode)));
	}
	bad |= put(o, "total", cJSON_CreateNumber((double)s->support));
	a = cJSON_CreateArray();
	bad |= put(o, "orgs", a);
	for (size_t i = 0; !bad && i < s->norgs; i++) {
		cJSON *x = cJSON_CreateObject();

		bad |= put(a, NULL, x);
		if (bad)
			break;
		bad |= put(x, "org", cJSON_CreateString(s->orgs[i].org));
		bad |= put(x, "people", cJSON_CreateNumber((double)s->orgs[i].people));
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
build(const struct ranking *r)
{
	cJSON *root = cJSON_CreateObject(), *a, *ins;

	if (!root)
		return NULL;
	if (put(root, "round", render_round(&r->round)) ||
	    !(a = add_array(root, "priorities")))
		goto fail;
	for (size_t i = 0; i < r->npriorities; i++) {
		cJSON *pr = render_priority(&r->priorities[i]);

		/* Where it stands in words: its latest progress update. */
		if (put(a, NULL, pr) ||
		    put(pr, "latest_update", r->latest && r->latest[i].id
						     ? render_update(&r->latest[i])
						     : cJSON_CreateNull()))
			goto fail;
	}
	if (!(a = add_array(root, "posts")))
		goto fail;
	for (size_t i = 0; i < r->nposts; i++)
		if (put(a, NULL, post_item(r, i)))
			goto fail;
	ins = cJSON_CreateObject();
	if (put(root, "insights", ins) || !(a = add_array(ins, "disagree")))
		goto fail;
	for (size_t i = 0; i < r->ndisagree; i++)
		if (put(a, NULL, insight(r, &r->disagree[i])))
			goto fail;
	if (!(a = add_array(ins, "agree")))
		goto fail;
	for (size_t i = 0; i < r->nagree; i++)
		if (put(a, NULL, insight(r, &r->agree[i])))
			goto fail;
	if (!(a = add_array(root, "needs")))
		goto fail;
	for (size_t i = 0; i < r->nneeds; i++)
		if (put(a, NULL, need_item(r, &r->needs[i])))
			goto fail;
	return root;
fail:
	cJSON_Delete(root);
	return NULL;
}

int
export_json(const struct ranking *r, char **out, size_t *len)
{
	cJSON *root = build(r);
	char *text, *buf;
	size_t n;

	*out = NULL;
	*len = 0;
	if (!root)
		return OS_ENOMEM;
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text)
		return OS_ENOMEM;
	n = strlen(text);
	buf = malloc(n + 2);
	if (!buf) {
		cJSON_free(text);
		return OS_ENOMEM;
	}
	memcpy(buf, text, n);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	cJSON_free(text);
	*out = buf;
	*len = n + 1;
	return OS_OK;
}
