#include "dispatch/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/lang.h"
#include "base/util.h"

int
render_put(cJSON *o, const char *name, cJSON *item)
{
	cJSON_bool ok;

	if (!item)
		return -1;
	/* cJSON does not free item when it cannot add it (its key could not
	 * be copied): it is still ours. */
	ok = name ? cJSON_AddItemToObject(o, name, item) : cJSON_AddItemToArray(o, item);
	if (!ok) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

int
render_time(cJSON *o, const char *name, int64_t ms, int nullable)
{
	char buf[OS_TIME_LEN];

	if (!ms && nullable)
		return render_put(o, name, cJSON_CreateNull());
	os_time_format(ms, buf);
	return render_put(o, name, cJSON_CreateString(buf));
}

static int
put_num(cJSON *o, const char *name, double v)
{
	return render_put(o, name, cJSON_CreateNumber(v));
}

static int
put_str(cJSON *o, const char *name, const char *v)
{
	return render_put(o, name, cJSON_CreateString(v ? v : ""));
}

static int
put_id(cJSON *o, const char *name, int64_t id)
{
	return render_put(o, name, id ? cJSON_CreateNumber((double)id) : cJSON_CreateNull());
}

/* o, or NULL (freeing o) when something could not be added to it. */
static cJSON *
done(cJSON *o, int bad)
{
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Whom USER objects are being rendered for (render_set_view()); one per
 * thread, so that an export on another thread is not affected. */
static _Thread_local struct render_view view;

struct render_view
render_view_get(void)
{
	return view;
}

void
render_view_restore(const struct render_view *v)
{
	view = *v;
}

void
render_set_view(const struct user *viewer, int see_all)
{
	view.set = viewer && viewer->role == ROLE_CUSTOMER && !see_all;
	view.id = viewer ? viewer->id : 0;
	snprintf(view.org, sizeof view.org, "%s", viewer ? viewer->org : "");
}

int
render_user_anonymous(const struct user *u)
{
	if (!view.set || u->role != ROLE_CUSTOMER || u->id == view.id)
		return 0;
	/* No organisation is nobody's organisation. */
	return !view.org[0] || strcmp(view.org, u->org) != 0;
}

cJSON *
render_user(const struct user *u)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	if (render_user_anonymous(u)) {
		bad |= put_num(o, "id", (double)u->id);
		bad |= put_str(o, "username", "");
		bad |= put_str(o, "display_name", "");
		bad |= put_str(o, "role", os_role_name(ROLE_CUSTOMER));
		bad |= put_str(o, "org", "");
		bad |= render_put(o, "anonymous", cJSON_CreateTrue());
		return done(o, bad);
	}
	bad |= put_num(o, "id", (double)u->id);
	bad |= put_str(o, "username", u->username);
	bad |= put_str(o, "display_name", u->display_name);
	bad |= put_str(o, "role", os_role_name(u->role));
	bad |= put_str(o, "org", u->org);
	return done(o, bad);
}

cJSON *
render_user_self(const struct user *u)
{
	cJSON *o = render_user(u);

	if (o && render_put(o, "lang", u->has_lang
				? cJSON_CreateString(os_lang_code((enum os_lang)u->lang))
				: cJSON_CreateNull())) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *
render_account(const struct account *a, int admin_view)
{
	/* The person's own USER has their language; an admin's view of
	 * someone else does not (the choice is theirs alone). */
	cJSON *o = admin_view ? render_user(&a->user) : render_user_self(&a->user);
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_str(o, "email", a->email);
	if (admin_view) {
		bad |= render_put(o, "disabled", cJSON_CreateBool(a->user.disabled));
		bad |= render_time(o, "last_seen_at", a->last_seen_at, 1);
		bad |= put_str(o, "source", os_source_name(a->source));
	}
	return done(o, bad);
}

cJSON *
render_round(const struct round *r)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)r->id);
	bad |= put_str(o, "title", r->title);
	bad |= put_str(o, "description", r->description);
	bad |= put_str(o, "phase", os_phase_name(r->phase));
	bad |= put_str(o, "audience", os_audience_name(r->audience));
	bad |= put_str(o, "vote_mode", os_vote_mode_name(r->vote_mode));
	bad |= put_num(o, "dots_per_member", r->dots_per_member);
	bad |= render_time(o, "closes_at", r->closes_at, 1);
	bad |= put_num(o, "created_by", (double)r->created_by);
	bad |= render_time(o, "created_at", r->created_at, 1);
	bad |= render_put(o, "customers_see_each_other",
			  cJSON_CreateBool(r->customers_see_each_other));
	return done(o, bad);
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
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "up", (double)up);
	bad |= put_num(o, "down", (double)down);
	bad |= put_num(o, "dots", (double)dots);
	bad |= put_num(o, "score", vote_mode == VOTE_DOTS ? (double)dots
							  : round6(os_wilson_lower(up, down)));
	by = cJSON_CreateObject();
	bad |= render_put(o, "by_role", by);
	for (int r = 0; !bad && r < ROLE_COUNT; r++) {
		cJSON *x = cJSON_CreateObject();

		bad |= render_put(by, os_role_name(r), x);
		if (bad)
			break;
		bad |= put_num(x, "up", (double)t->up[r]);
		bad |= put_num(x, "down", (double)t->down[r]);
		bad |= put_num(x, "dots", (double)t->dots[r]);
	}
	return done(o, bad);
}

cJSON *
render_post(const struct post *p)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)p->id);
	bad |= put_num(o, "round", (double)p->round);
	bad |= put_str(o, "kind", os_kind_name(p->kind));
	bad |= put_str(o, "title", p->title);
	bad |= put_str(o, "body", p->body);
	bad |= put_str(o, "body_html", p->body_html);
	bad |= render_put(o, "author", render_user(&p->author));
	bad |= render_time(o, "created_at", p->created_at, 0);
	bad |= put_str(o, "status", os_status_name(post_status(p)));
	bad |= render_put(o, "tally", render_tally(&p->tally, p->vote_mode));
	if (p->has_my_vote)
		bad |= put_num(o, "my_vote", p->my_vote);
	bad |= put_num(o, "comment_count", (double)p->comment_count);
	bad |= put_id(o, "merged_into", p->merged_into);
	bad |= put_id(o, "priority", p->priority);
	bad |= put_num(o, "revision", p->revision > 0 ? p->revision : 1);
	bad |= render_time(o, "edited_at", p->edited_at, 1);
	bad |= put_num(o, "blocks", p->blocks);
	{
		cJSON *files = cJSON_CreateArray();

		bad |= render_put(o, "files", files);
		for (size_t i = 0; !bad && i < p->nfiles; i++)
			bad |= render_put(files, NULL, render_file(&p->files[i]));
	}
	return done(o, bad);
}

cJSON *
render_file(const struct post_file *f)
{
	static const char hx[] = "0123456789ABCDEF";
	char url[32 + 3 * OS_FILE_NAME_MAX];
	cJSON *o = cJSON_CreateObject();
	size_t n;
	int bad = 0;

	if (!o)
		return NULL;
	/* The name percent-encoded but for the unreserved characters: the
	 * link works with any name and names nothing else. */
	n = (size_t)snprintf(url, sizeof url, "/files/%lld/", (long long)f->id);
	for (const unsigned char *c = (const unsigned char *)f->name;
	     *c && n + 4 < sizeof url; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' || *c == '_' ||
		    *c == '~') {
			url[n++] = (char)*c;
		} else {
			url[n++] = '%';
			url[n++] = hx[*c >> 4];
			url[n++] = hx[*c & 15];
		}
	}
	url[n] = '\0';
	bad |= put_num(o, "id", (double)f->id);
	bad |= put_num(o, "post", (double)f->post);
	bad |= put_str(o, "name", f->name);
	bad |= put_str(o, "type", f->type);
	bad |= put_num(o, "size", (double)f->size);
	bad |= put_str(o, "sha256", f->sha256);
	bad |= put_str(o, "url", url);
	if (!strcmp(f->type, "application/pdf"))
		bad |= render_put(o, "pages", f->pages > 0 ? cJSON_CreateNumber(f->pages)
							    : cJSON_CreateNull());
	return done(o, bad);
}

/* {"block", "quote"} (block null and "outdated": true once a revision
 * lost the quote), or null for a comment on the whole post. */
static cJSON *
render_anchor(const struct comment *c)
{
	cJSON *o;
	int bad = 0;

	if (!c->anchor_quote)
		return cJSON_CreateNull();
	if (!(o = cJSON_CreateObject()))
		return NULL;
	bad |= render_put(o, "block", c->anchor_outdated || c->anchor_block < 0
					      ? cJSON_CreateNull()
					      : cJSON_CreateNumber(c->anchor_block));
	bad |= put_str(o, "quote", c->anchor_quote);
	if (c->anchor_outdated)
		bad |= render_put(o, "outdated", cJSON_CreateTrue());
	return done(o, bad);
}

cJSON *
render_comment(const struct comment *c)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)c->id);
	/* A comment on a progress update names the update, not a post. */
	if (c->update)
		bad |= put_num(o, "update", (double)c->update);
	else
		bad |= put_num(o, "post", (double)c->post);
	bad |= put_id(o, "parent", c->parent);
	bad |= put_str(o, "body", c->body);
	bad |= put_str(o, "body_html", c->body_html);
	bad |= render_put(o, "author", render_user(&c->author));
	bad |= render_time(o, "created_at", c->created_at, 0);
	if (c->hidden)
		bad |= render_put(o, "hidden", cJSON_CreateTrue());
	if (c->from_post && c->from_post != c->post)
		bad |= put_num(o, "from_post", (double)c->from_post);
	bad |= render_put(o, "anchor", render_anchor(c));
	bad |= render_time(o, "edited_at", c->edited_at, 1);
	return done(o, bad);
}

cJSON *
render_chat(const struct chat *c)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)c->id);
	bad |= put_num(o, "round", (double)c->round);
	bad |= put_str(o, "body", c->body);
	bad |= render_put(o, "author", render_user(&c->author));
	bad |= render_time(o, "created_at", c->created_at, 0);
	if (c->hidden)
		bad |= render_put(o, "hidden", cJSON_CreateTrue());
	return done(o, bad);
}

cJSON *
render_notification(const struct notification *n)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)n->id);
	bad |= put_str(o, "kind", os_notify_kind_name(n->kind));
	bad |= put_num(o, "round", (double)n->round);
	if (n->post)
		bad |= put_num(o, "post", (double)n->post);
	if (n->comment)
		bad |= put_num(o, "comment", (double)n->comment);
	if (n->priority)
		bad |= put_num(o, "priority", (double)n->priority);
	if (n->update)
		bad |= put_num(o, "update", (double)n->update);
	bad |= render_put(o, "actor", render_user(&n->actor));
	bad |= render_time(o, "created_at", n->created_at, 0);
	bad |= render_put(o, "read", cJSON_CreateBool(n->read));
	return done(o, bad);
}

cJSON *
render_priority(const struct priority *p)
{
	cJSON *o = cJSON_CreateObject(), *posts;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)p->id);
	bad |= put_num(o, "round", (double)p->round);
	bad |= put_str(o, "title", p->title);
	bad |= put_str(o, "description", p->description);
	bad |= render_put(o, "owner", p->has_owner ? render_user(&p->owner) : cJSON_CreateNull());
	bad |= put_num(o, "rank", p->rank);
	posts = cJSON_CreateArray();
	bad |= render_put(o, "posts", posts);
	for (size_t i = 0; !bad && i < p->nposts; i++)
		bad |= put_num(posts, NULL, (double)p->posts[i]);
	bad |= put_str(o, "goal", p->goal);
	bad |= put_str(o, "goal_html", p->goal_html);
	bad |= put_str(o, "status", os_prio_status_name(p->status));
	posts = cJSON_CreateArray();
	bad |= render_put(o, "measures", posts);
	for (size_t i = 0; !bad && i < p->nmeasures; i++)
		bad |= render_put(posts, NULL, render_measure(&p->measures[i]));
	posts = cJSON_CreateArray();
	bad |= render_put(o, "milestones", posts);
	for (size_t i = 0; !bad && i < p->nmilestones; i++)
		bad |= render_put(posts, NULL, render_milestone(&p->milestones[i]));
	bad |= put_num(o, "updates", (double)p->nupdates);
	if (p->has_following)
		bad |= render_put(o, "following", cJSON_CreateBool(p->following));
	return done(o, bad);
}

cJSON *
render_measure(const struct measure *m)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)m->id);
	bad |= put_str(o, "name", m->name);
	bad |= put_str(o, "unit", m->unit);
	bad |= put_num(o, "baseline", m->baseline);
	bad |= put_num(o, "target", m->target);
	bad |= put_num(o, "current", m->current);
	bad |= render_time(o, "updated_at", m->updated_at, 0);
	return done(o, bad);
}

cJSON *
render_milestone(const struct milestone *m)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)m->id);
	bad |= put_str(o, "title", m->title);
	bad |= put_str(o, "due", m->due);
	bad |= render_time(o, "done_at", m->done_at, 1);
	return done(o, bad);
}

cJSON *
render_update(const struct priority_update *u)
{
	cJSON *o = cJSON_CreateObject();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= put_num(o, "id", (double)u->id);
	bad |= put_num(o, "priority", (double)u->priority);
	bad |= put_str(o, "body", u->body);
	bad |= put_str(o, "body_html", u->body_html);
	bad |= render_put(o, "author", render_user(&u->author));
	bad |= render_time(o, "created_at", u->created_at, 0);
	bad |= put_str(o, "status", os_prio_status_name(u->status));
	bad |= put_num(o, "comment_count", (double)u->comment_count);
	return done(o, bad);
}
