/* Revisions in the open: post.update, post.revisions, comment.update, and
 * the anchor of comment.create. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/revise.h"

int
dispatch_parse_anchor(struct req *r, struct comment_anchor *anchor, struct comment_anchor **at)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(r->in, "anchor");
	const cJSON *b, *q;

	*at = NULL;
	if (!a || cJSON_IsNull(a))
		return OS_OK;
	if (!cJSON_IsObject(a))
		return req_fail(r, OS_EBADREQ,
				"field 'anchor' must be an object {\"block\", \"quote\"} or null");
	b = cJSON_GetObjectItemCaseSensitive(a, "block");
	q = cJSON_GetObjectItemCaseSensitive(a, "quote");
	if (!cJSON_IsNumber(b) || b->valuedouble != floor(b->valuedouble) ||
	    b->valuedouble < 0 || b->valuedouble > 1e6)
		return req_fail(r, OS_EBADREQ,
				"field 'anchor.block' must be the number of a block of the post");
	if (!cJSON_IsString(q) || !q->valuestring)
		return req_fail(r, OS_EBADREQ, "field 'anchor.quote' must be a string");
	anchor->block = (int)b->valuedouble;
	anchor->quote = q->valuestring;
	anchor->fault = ANCHOR_OK;
	*at = anchor;
	return OS_OK;
}

int
dispatch_anchor_error(struct req *r, const struct comment_anchor *anchor)
{
	if (anchor->fault == ANCHOR_BLOCK)
		return req_fail(r, OS_EBADREQ, "'anchor.block' is not a block of the post");
	return req_fail(r, OS_EBADREQ,
			"'anchor.quote' must be 1 to %d characters found in that block",
			COMMENT_QUOTE_MAX);
}

static int
text_error(struct req *r, int rc, const char *field)
{
	if (rc == OS_ETOOLARGE)
		return req_fail(r, rc, "'%s' is over its limit", field);
	if (rc == OS_EBADREQ && !r->msg[0])
		return req_fail(r, rc, "'%s' must not be empty", field);
	return rc;
}

static int
op_post_update(struct req *r)
{
	const char *title = NULL, *body = NULL;
	struct post p;
	int64_t id;
	int rc;

	if ((rc = req_id(r, "post", 1, &id)) || (rc = req_str(r, "title", 0, &title)) ||
	    (rc = req_str(r, "body", 0, &body)))
		return rc;
	if (!title && !body)
		return req_fail(r, OS_EBADREQ, "give 'title', 'body' or both");
	rc = posts_update(r->d->forum, r->caller, id, title, body, &p);
	if (rc == OS_EFORBIDDEN)
		return req_fail(r, rc, "only the author, managers (for plans) and admins "
				       "revise a post");
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "this post was merged; revise the post it was merged into");
	if (rc == OS_ETOOLARGE || rc == OS_EBADREQ)
		return text_error(r, rc, title && forum_text_error(title, OS_TITLE_MAX, 0)
					     ? "title" : "body");
	if (rc)
		return rc;
	req_view_round(r, p.round);
	rc = req_put(r, "post", render_post(&p));
	post_clear(&p);
	return rc;
}

static cJSON *
render_revision(const struct post_revision *v)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "revision", cJSON_CreateNumber(v->revision));
	bad |= render_put(o, "title", cJSON_CreateString(v->title));
	bad |= render_put(o, "body", cJSON_CreateString(v->body));
	bad |= render_put(o, "author", render_user(&v->author));
	bad |= render_time(o, "created_at", v->created_at, 0);
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
op_post_revisions(struct req *r)
{
	struct post_revision *vs;
	size_t n;
	cJSON *arr;
	int64_t id, round = 0;
	int rc, bad;

	if ((rc = req_id(r, "post", 1, &id)))
		return rc;
	if ((rc = posts_revisions(r->d->forum, r->caller, id, &round, &vs, &n)))
		return rc;
	req_view_round(r, round);
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "post", cJSON_CreateNumber((double)id));
	bad |= render_put(r->out, "revisions", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad |= render_put(arr, NULL, render_revision(&vs[i]));
	store_post_revisions_free(vs, n);
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_comment_update(struct req *r)
{
	const char *body = NULL;
	struct comment c;
	int64_t id;
	int rc;

	if ((rc = req_id(r, "comment", 1, &id)) || (rc = req_str(r, "body", 1, &body)))
		return rc;
	rc = comments_update(r->d->forum, r->caller, id, body, &c);
	if (rc == OS_EFORBIDDEN)
		return req_fail(r, rc, "authors edit their comments for 24 hours; admins always");
	if (rc)
		return text_error(r, rc, "body");
	req_view_round(r, c.round);
	rc = req_put(r, "comment", render_comment(&c));
	comment_clear(&c);
	return rc;
}

const struct op ops_revise[] = {
	{"post.update", op_post_update, 1},
	{"post.revisions", op_post_revisions, 0},
	{"comment.update", op_comment_update, 1},
	{NULL, NULL, 0},
};
