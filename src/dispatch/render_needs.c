/* NEED, the protocol object of a need (see forum/needs.h). */
#include "dispatch/render.h"

static cJSON *
ids(const int64_t *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < n; i++)
		if (render_put(a, NULL, cJSON_CreateNumber((double)v[i]))) {
			cJSON_Delete(a);
			return NULL;
		}
	return a;
}

cJSON *
render_need(const struct need *n)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "id", cJSON_CreateNumber((double)n->id));
	bad |= render_put(o, "round", cJSON_CreateNumber((double)n->round));
	bad |= render_put(o, "title", cJSON_CreateString(n->title ? n->title : ""));
	bad |= render_put(o, "description",
			  cJSON_CreateString(n->description ? n->description : ""));
	bad |= render_put(o, "description_html",
			  cJSON_CreateString(n->description_html ? n->description_html : ""));
	bad |= render_put(o, "posts", ids(n->posts, n->nposts));
	bad |= render_put(o, "priorities", ids(n->priorities, n->npriorities));
	bad |= render_time(o, "created_at", n->created_at, 0);
	bad |= render_time(o, "updated_at", n->updated_at, 0);
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
