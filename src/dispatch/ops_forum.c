/* The forum's operations: JSON in, forum call, JSON out. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/chat.h"
#include "forum/paging.h"
#include "forum/posts.h"
#include "forum/rounds.h"
#include "forum/votes.h"

static int
parse_enum(struct req *r, const char *name, int required, int (*parse)(const char *),
	   const char *choices, int *out)
{
	const char *s = NULL;
	int rc = req_str(r, name, required, &s), v;

	if (rc || !s)
		return rc;
	v = parse(s);
	if (v < 0)
		return req_fail(r, OS_EBADREQ, "field '%s' must be one of %s", name, choices);
	*out = v;
	return OS_OK;
}

/* closes_at: an RFC 3339 time, or null to clear. */
static int
parse_time(struct req *r, const char *name, int *has, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->in, name);

	*has = 0;
	if (!v)
		return OS_OK;
	*has = 1;
	if (cJSON_IsNull(v)) {
		*out = 0;
		return OS_OK;
	}
	if (!cJSON_IsString(v) || os_time_parse(v->valuestring, out))
		return req_fail(r, OS_EBADREQ,
				"field '%s' must be an RFC 3339 time or null", name);
	return OS_OK;
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
op_rounds_list(struct req *r)
{
	struct round *rounds;
	size_t n;
	cJSON *arr;
	int bad, rc = rounds_list(r->d->forum, r->caller, &rounds, &n);

	if (rc)
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "rounds", arr);
	for (size_t i = 0; i < n; i++) {
		if (!bad)
			bad = render_put(arr, NULL, render_round(&rounds[i]));
		round_clear(&rounds[i]);
	}
	free(rounds);
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_round_create(struct req *r)
{
	struct round rd = {0};
	const char *title = NULL, *desc = NULL;
	int64_t dots = 0;
	int has_close = 0, rc;

	rd.audience = rd.vote_mode = -1;
	if ((rc = req_str(r, "title", 1, &title)) ||
	    (rc = req_str(r, "description", 0, &desc)) ||
	    (rc = parse_enum(r, "audience", 1, os_audience_parse, "internal, invited",
			     &rd.audience)) ||
	    (rc = parse_enum(r, "vote_mode", 1, os_vote_mode_parse, "updown, dots",
			     &rd.vote_mode)) ||
	    (rc = req_int(r, "dots_per_member", 0, 0, 1000, &dots)) ||
	    (rc = parse_time(r, "closes_at", &has_close, &rd.closes_at)) ||
	    (rc = req_bool(r, "customers_see_each_other", 0, &rd.customers_see_each_other)))
		return rc;
	if (rd.vote_mode == VOTE_DOTS && dots < 1)
		return req_fail(r, OS_EBADREQ,
				"dots rounds need 'dots_per_member' from 1 to 1000");
	rd.dots_per_member = (int)dots;
	rd.title = (char *)title;
	rd.description = (char *)desc;
	rc = rounds_create(r->d->forum, r->caller, &rd);
	if (rc) {
		if (rd.title == title)
			rd.title = rd.description = NULL;
		return text_error(r, rc, forum_text_error(title, OS_TITLE_MAX, 0) ? "title"
										 : "description");
	}
	rc = req_put(r, "round", render_round(&rd));
	round_clear(&rd);
	return rc;
}

static int
op_round_update(struct req *r)
{
	struct round_changes ch = {0};
	struct round rd;
	int64_t id;
	int rc;

	if ((rc = req_id(r, "round", 1, &id)) || (rc = req_str(r, "title", 0, &ch.title)) ||
	    (rc = req_str(r, "description", 0, &ch.description)))
		return rc;
	ch.phase = -1;
	if ((rc = parse_enum(r, "phase", 0, os_phase_parse, "draft, open, voting, closed",
			     &ch.phase)))
		return rc;
	ch.has_phase = ch.phase >= 0;
	if ((rc = parse_time(r, "closes_at", &ch.has_closes_at, &ch.closes_at)))
		return rc;
	ch.customers_see_each_other = -1;
	if ((rc = req_bool(r, "customers_see_each_other", 0, &ch.customers_see_each_other)))
		return rc;
	ch.has_customers_see_each_other = ch.customers_see_each_other >= 0;
	rc = rounds_update(r->d->forum, r->caller, id, &ch, &rd);
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "a round that has left draft cannot return to it");
	if (rc)
		return text_error(r, rc,
				  ch.title && forum_text_error(ch.title, OS_TITLE_MAX, 0) ? "title"
											  : "description");
	rc = req_put(r, "round", render_round(&rd));
	round_clear(&rd);
	return rc;
}

static int
op_round_subscribe(struct req *r)
{
	struct user online[DISPATCH_PRESENCE_MAX];
	struct round_snapshot snap;
	/* A page of posts when posts_limit is given; else all of them. */
	struct posts_query pq = {0};
	char next[POSTS_CURSOR_SZ] = "";
	int64_t posts_limit = 0, spent = 0;
	size_t n, total = 0;
	cJSON *arr;
	int64_t id;
	int rc, bad = 0;

	if ((rc = req_id(r, "round", 1, &id)) ||
	    (rc = req_int(r, "posts_limit", 0, 1, POSTS_PAGE_MAX, &posts_limit)) ||
	    (rc = req_posts_query(r, "posts_order", "posts_kind", &pq)))
		return rc;
	pq.limit = (int)posts_limit;
	rc = posts_limit ? posts_snapshot(r->d->forum, r->caller, id, &pq, &snap, next)
			 : rounds_snapshot(r->d->forum, r->caller, id, &snap);
	if (!rc && snap.round.vote_mode == VOTE_DOTS &&
	    (rc = posts_dots_spent(r->d->forum, r->caller, id, &spent)))
		rounds_snapshot_clear(&snap);
	if (rc)
		return rc;
	if (r->d->hub.subscribe &&
	    (rc = r->d->hub.subscribe(r->d->hub.arg, r->conn, id, r->caller))) {
		rounds_snapshot_clear(&snap);
		return rc;
	}
	req_view_round(r, id);
	bad |= render_put(r->out, "round", render_round(&snap.round));
	arr = cJSON_CreateArray();
	bad |= render_put(r->out, "posts", arr);
	for (size_t i = 0; !bad && i < snap.nposts; i++)
		bad |= render_put(arr, NULL, render_post(&snap.posts[i]));
	bad |= req_put_next(r, next);
	if (snap.round.vote_mode == VOTE_DOTS)
		bad |= render_put(r->out, "dots_spent", cJSON_CreateNumber((double)spent));
	arr = cJSON_CreateArray();
	bad |= render_put(r->out, "priorities", arr);
	for (size_t i = 0; !bad && i < snap.npriorities; i++)
		bad |= render_put(arr, NULL, render_priority(&snap.priorities[i]));
	/* The round's needs (ops_needs.c). */
	if (!bad && needs_put_round(r, id))
		bad = 1;
	n = r->d->hub.online ? r->d->hub.online(r->d->hub.arg, id, online,
						 DISPATCH_PRESENCE_MAX, &total)
			     : 0;
	arr = cJSON_CreateArray();
	bad |= render_put(r->out, "online", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad |= render_put(arr, NULL, render_user(&online[i]));
	bad |= render_put(r->out, "online_count", cJSON_CreateNumber((double)total));
	rounds_snapshot_clear(&snap);
	if (bad) {
		/* No snapshot, no subscription: the client asks again. */
		if (r->d->hub.unsubscribe)
			r->d->hub.unsubscribe(r->d->hub.arg, r->conn, id);
		return req_nomem(r);
	}
	return OS_OK;
}

static int
op_round_unsubscribe(struct req *r)
{
	int64_t id;
	int rc;

	if ((rc = req_id(r, "round", 1, &id)))
		return rc;
	if (r->d->hub.unsubscribe)
		r->d->hub.unsubscribe(r->d->hub.arg, r->conn, id);
	return OS_OK;
}

static int
op_post_create(struct req *r)
{
	const char *title = NULL, *body = NULL;
	struct post p;
	int64_t round;
	int kind = -1, rc;

	if ((rc = req_id(r, "round", 1, &round)) ||
	    (rc = parse_enum(r, "kind", 1, os_kind_parse, "plan, idea", &kind)) ||
	    (rc = req_str(r, "title", 1, &title)) || (rc = req_str(r, "body", 1, &body)))
		return rc;
	rc = posts_create(r->d->forum, r->caller, round, kind, title, body, &p);
	if (rc == OS_EFORBIDDEN)
		return req_fail(r, rc, "only managers and admins post plans");
	if (rc == OS_ETOOLARGE || rc == OS_EBADREQ) {
		/* Say which field: the title is checked first. */
		return text_error(r, rc, forum_text_error(title, OS_TITLE_MAX, 0) ? "title"
										 : "body");
	}
	if (rc)
		return rc;
	rc = req_put(r, "post", render_post(&p));
	post_clear(&p);
	return rc;
}

static int
op_post_get(struct req *r)
{
	struct comment *cs;
	struct post p;
	size_t n;
	cJSON *arr;
	int64_t id;
	int rc, bad = 0;

	if ((rc = req_id(r, "post", 1, &id)))
		return rc;
	if ((rc = posts_get(r->d->forum, r->caller, id, &p, &cs, &n)))
		return rc;
	req_view_round(r, p.round);
	bad |= render_put(r->out, "post", render_post(&p));
	arr = cJSON_CreateArray();
	bad |= render_put(r->out, "comments", arr);
	for (size_t i = 0; i < n; i++) {
		if (!bad)
			bad |= render_put(arr, NULL, render_comment(&cs[i]));
		comment_clear(&cs[i]);
	}
	free(cs);
	post_clear(&p);
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_comment_create(struct req *r)
{
	const char *body = NULL;
	struct comment c;
	int64_t post, parent = 0;
	int rc;

	struct comment_anchor anchor = {0}, *at = NULL;

	/* A comment on a progress update (ops_outcomes.c). */
	if (cJSON_GetObjectItemCaseSensitive(r->in, "update"))
		return ops_outcomes_comment(r);
	if ((rc = req_id(r, "post", 1, &post)) || (rc = req_id(r, "parent", 0, &parent)) ||
	    (rc = req_str(r, "body", 1, &body)) || (rc = dispatch_parse_anchor(r, &anchor, &at)))
		return rc;
	rc = comments_create_at(r->d->forum, r->caller, post, parent, body, at, &c);
	if (rc == OS_EBADREQ && at && at->fault)
		return dispatch_anchor_error(r, at);
	if (rc == OS_EBADREQ && parent && !forum_text_error(body, OS_COMMENT_MAX, 0))
		return req_fail(r, rc, "'parent' is not a comment of this post");
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "this post was merged; comment on the post it was merged into");
	if (rc)
		return text_error(r, rc, "body");
	rc = req_put(r, "comment", render_comment(&c));
	comment_clear(&c);
	return rc;
}

/* markdown.preview: a draft as the server would render it, so that the
 * composer's preview shows what the post will. */
static int
op_markdown_preview(struct req *r)
{
	const char *text = NULL;
	char *html = NULL;
	int rc;

	if ((rc = req_str(r, "text", 1, &text)))
		return rc;
	rc = posts_preview(text, &html);
	if (rc == OS_ETOOLARGE)
		return req_fail(r, OS_EBADREQ, "'text' is over its limit");
	if (rc == OS_EBADREQ)
		return req_fail(r, rc, "'text' is not valid UTF-8");
	if (rc)
		return rc;
	rc = req_put(r, "html", cJSON_CreateString(html));
	free(html);
	return rc;
}

static int
op_vote_cast(struct req *r)
{
	int64_t post, value = 0, dots = 0;
	int has_value, has_dots, rc, bad = 0;
	struct post p;

	if ((rc = req_id(r, "post", 1, &post)) ||
	    (rc = req_int(r, "value", 0, -1, 1, &value)) ||
	    (rc = req_int(r, "dots", 0, 0, 1000000, &dots)))
		return rc;
	has_value = cJSON_GetObjectItemCaseSensitive(r->in, "value") != NULL;
	has_dots = cJSON_GetObjectItemCaseSensitive(r->in, "dots") != NULL;
	rc = votes_cast(r->d->forum, r->caller, post, has_value, (int)value, has_dots,
			(int)dots, &p);
	if (rc == OS_EBADREQ)
		return req_fail(r, rc, "up/down rounds take 'value' (-1, 0 or 1); dots "
				       "rounds take 'dots' (0 to the budget)");
	if (rc == OS_ECONFLICT && dots)
		return req_fail(r, rc, "that would spend more dots than your budget");
	if (rc == OS_ECONFLICT)
		return req_fail(r, rc, "this post was merged; vote on the post it was merged into");
	if (rc)
		return rc;
	bad |= render_put(r->out, "post", cJSON_CreateNumber((double)p.id));
	bad |= render_put(r->out, "tally", render_tally(&p.tally, p.vote_mode));
	bad |= render_put(r->out, "my_vote", cJSON_CreateNumber(p.my_vote));
	post_clear(&p);
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_chat_send(struct req *r)
{
	const char *body = NULL;
	struct chat c;
	int64_t round;
	int rc;

	if ((rc = req_id(r, "round", 1, &round)) || (rc = req_str(r, "body", 1, &body)))
		return rc;
	if ((rc = chat_send(r->d->forum, r->caller, round, body, &c)))
		return text_error(r, rc, "body");
	rc = req_put(r, "chat", render_chat(&c));
	chat_clear(&c);
	return rc;
}

static int
op_chat_history(struct req *r)
{
	int64_t round, before = 0, limit = CHAT_HISTORY_DEFAULT;
	struct chat *msgs;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_id(r, "round", 1, &round)) || (rc = req_id(r, "before", 0, &before)) ||
	    (rc = req_int(r, "limit", 0, 1, CHAT_HISTORY_MAX, &limit)))
		return rc;
	if ((rc = chat_history(r->d->forum, r->caller, round, before, (int)limit, &msgs, &n)))
		return rc;
	req_view_round(r, round);
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "messages", arr);
	for (size_t i = 0; i < n; i++) {
		if (!bad)
			bad = render_put(arr, NULL, render_chat(&msgs[i]));
		chat_clear(&msgs[i]);
	}
	free(msgs);
	return bad ? req_nomem(r) : OS_OK;
}

const struct op ops_forum[] = {
	{"rounds.list", op_rounds_list, 0},
	{"round.create", op_round_create, 1},
	{"round.update", op_round_update, 1},
	{"round.subscribe", op_round_subscribe, 0},
	{"round.unsubscribe", op_round_unsubscribe, 0},
	{"post.create", op_post_create, 1},
	{"post.get", op_post_get, 0},
	{"comment.create", op_comment_create, 1},
	{"markdown.preview", op_markdown_preview, 0},
	{"vote.cast", op_vote_cast, 1},
	{"chat.send", op_chat_send, 1},
	{"chat.history", op_chat_history, 0},
	{NULL, NULL, 0},
};
