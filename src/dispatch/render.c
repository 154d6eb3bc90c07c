#include "dispatch/render.h"

#include <math.h>

#include "base/util.h"

void
render_time(cJSON *o, const char *name, int64_t ms, int nullable)
{
	char buf[OS_TIME_LEN];

	if (!ms && nullable) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	os_time_format(ms, buf);
	cJSON_AddStringToObject(o, name, buf);
}

static void
add_id(cJSON *o, const char *name, int64_t id)
{
	if (id)
		cJSON_AddNumberToObject(o, name, (double)id);
	else
		cJSON_AddNullToObject(o, name);
}

cJSON *
render_user(const struct user *u)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "display_name", u->display_name);
	cJSON_AddStringToObject(o, "role", os_role_name(u->role));
	cJSON_AddStringToObject(o, "org", u->org);
	return o;
}

cJSON *
render_round(const struct round *r)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "title", r->title ? r->title : "");
	cJSON_AddStringToObject(o, "description", r->description ? r->description : "");
	cJSON_AddStringToObject(o, "phase", os_phase_name(r->phase));
	cJSON_AddStringToObject(o, "audience", os_audience_name(r->audience));
	cJSON_AddStringToObject(o, "vote_mode", os_vote_mode_name(r->vote_mode));
	cJSON_AddNumberToObject(o, "dots_per_member", r->dots_per_member);
	render_time(o, "closes_at", r->closes_at, 1);
	cJSON_AddNumberToObject(o, "created_by", (double)r->created_by);
	render_time(o, "created_at", r->created_at, 1);
	return o;
}

static double
round6(double v)
{
	return round(v * 1e6) / 1e6;
}

cJSON *
render_tally(const struct tally *t, int vote_mode)
{
	cJSON *o = cJSON_CreateObject(), *by;
	int64_t up = tally_up(t), down = tally_down(t), dots = tally_dots(t);

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "up", (double)up);
	cJSON_AddNumberToObject(o, "down", (double)down);
	cJSON_AddNumberToObject(o, "dots", (double)dots);
	cJSON_AddNumberToObject(o, "score", vote_mode == VOTE_DOTS
						    ? (double)dots
						    : round6(os_wilson_lower(up, down)));
	by = cJSON_AddObjectToObject(o, "by_role");
	for (int r = 0; by && r < ROLE_COUNT; r++) {
		cJSON *x = cJSON_AddObjectToObject(by, os_role_name(r));

		if (!x)
			continue;
		cJSON_AddNumberToObject(x, "up", (double)t->up[r]);
		cJSON_AddNumberToObject(x, "down", (double)t->down[r]);
		cJSON_AddNumberToObject(x, "dots", (double)t->dots[r]);
	}
	return o;
}

cJSON *
render_post(const struct post *p)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)p->id);
	cJSON_AddNumberToObject(o, "round", (double)p->round);
	cJSON_AddStringToObject(o, "kind", os_kind_name(p->kind));
	cJSON_AddStringToObject(o, "title", p->title ? p->title : "");
	cJSON_AddStringToObject(o, "body", p->body ? p->body : "");
	cJSON_AddStringToObject(o, "body_html", p->body_html ? p->body_html : "");
	cJSON_AddItemToObject(o, "author", render_user(&p->author));
	render_time(o, "created_at", p->created_at, 0);
	cJSON_AddStringToObject(o, "status", os_status_name(post_status(p)));
	cJSON_AddItemToObject(o, "tally", render_tally(&p->tally, p->vote_mode));
	if (p->has_my_vote)
		cJSON_AddNumberToObject(o, "my_vote", p->my_vote);
	cJSON_AddNumberToObject(o, "comment_count", (double)p->comment_count);
	add_id(o, "merged_into", p->merged_into);
	add_id(o, "priority", p->priority);
	return o;
}

cJSON *
render_comment(const struct comment *c)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddNumberToObject(o, "post", (double)c->post);
	add_id(o, "parent", c->parent);
	cJSON_AddStringToObject(o, "body", c->body ? c->body : "");
	cJSON_AddStringToObject(o, "body_html", c->body_html ? c->body_html : "");
	cJSON_AddItemToObject(o, "author", render_user(&c->author));
	render_time(o, "created_at", c->created_at, 0);
	if (c->hidden)
		cJSON_AddTrueToObject(o, "hidden");
	if (c->from_post && c->from_post != c->post)
		cJSON_AddNumberToObject(o, "from_post", (double)c->from_post);
	return o;
}

cJSON *
render_chat(const struct chat *c)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddNumberToObject(o, "round", (double)c->round);
	cJSON_AddStringToObject(o, "body", c->body ? c->body : "");
	cJSON_AddItemToObject(o, "author", render_user(&c->author));
	render_time(o, "created_at", c->created_at, 0);
	if (c->hidden)
		cJSON_AddTrueToObject(o, "hidden");
	return o;
}

cJSON *
render_priority(const struct priority *p)
{
	cJSON *o = cJSON_CreateObject(), *posts;

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)p->id);
	cJSON_AddNumberToObject(o, "round", (double)p->round);
	cJSON_AddStringToObject(o, "title", p->title ? p->title : "");
	cJSON_AddStringToObject(o, "description", p->description ? p->description : "");
	if (p->has_owner)
		cJSON_AddItemToObject(o, "owner", render_user(&p->owner));
	else
		cJSON_AddNullToObject(o, "owner");
	cJSON_AddNumberToObject(o, "rank", p->rank);
	posts = cJSON_AddArrayToObject(o, "posts");
	for (size_t i = 0; posts && i < p->nposts; i++)
		cJSON_AddItemToArray(posts, cJSON_CreateNumber((double)p->posts[i]));
	return o;
}
