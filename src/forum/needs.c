#include "forum/needs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "store/audit.h"
#include "store/posts.h"
#include "store/priorities.h"
#include "store/rounds.h"

/* The round of a need, when the caller may manage it: managers and admins,
 * in the phases priorities may be managed in. */
static int
manageable(struct forum *f, const struct user *caller, int64_t round)
{
	struct round r;
	int rc = forum_round_for(f, caller, round, &r);

	if (rc)
		return rc;
	if (!forum_is_moderator(caller))
		rc = OS_EFORBIDDEN;
	else
		rc = forum_phase_allows(caller, &r, W_MANAGE);
	round_clear(&r);
	return rc;
}

static void
emit_need(struct forum *f, int type, const struct need *n)
{
	struct os_event ev = {.type = type, .round = n->round, .need = n};

	forum_emit(f, &ev);
}

/* Title and description checked, with the description rendered. */
static int
need_texts(const char *title, const char *description, char **t, char **d, char **html)
{
	int rc;

	if ((rc = forum_text(title, OS_TITLE_MAX, 0, t)) ||
	    (rc = forum_text(description ? description : "", OS_DESC_MAX, 1, d)))
		return rc;
	return forum_markdown(*d, html);
}

int
needs_create(struct forum *f, const struct user *caller, int64_t round, const char *title,
	     const char *description, struct need *out)
{
	char *t = NULL, *d = NULL, *html = NULL;
	int64_t id;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = manageable(f, caller, round)) ||
	    (rc = need_texts(title, description, &t, &d, &html)))
		goto out;
	if ((rc = store_need_insert(f->st, round, t, d, html, caller->id, &id)) ||
	    (rc = store_audit(f->st, caller->id, "need.create", "need", id, round, t)) ||
	    (rc = store_need_get(f->st, id, out)))
		goto out;
	emit_need(f, EV_NEED_UPDATED, out);
out:
	free(t);
	free(d);
	free(html);
	return rc;
}

int
needs_update(struct forum *f, const struct user *caller, int64_t id,
	     const struct need_changes *ch, struct need *out)
{
	char *t = NULL, *d = NULL, *html = NULL;
	struct need cur;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_need_get(f->st, id, &cur)))
		return rc;
	if ((rc = manageable(f, caller, cur.round)) ||
	    (rc = need_texts(ch->title ? ch->title : cur.title,
			     ch->description ? ch->description : cur.description, &t, &d,
			     &html)))
		goto out;
	if ((rc = store_need_update(f->st, id, t, d, html)) ||
	    (rc = store_audit(f->st, caller->id, "need.update", "need", id, cur.round, t)) ||
	    (rc = store_need_get(f->st, id, out)))
		goto out;
	emit_need(f, EV_NEED_UPDATED, out);
out:
	free(t);
	free(d);
	free(html);
	need_clear(&cur);
	return rc;
}

int
needs_delete(struct forum *f, const struct user *caller, int64_t id)
{
	struct need cur;
	int rc;

	if ((rc = store_need_get(f->st, id, &cur)))
		return rc;
	if (!(rc = manageable(f, caller, cur.round)) && !(rc = store_need_delete(f->st, id)) &&
	    !(rc = store_audit(f->st, caller->id, "need.delete", "need", id, cur.round,
			       cur.title)))
		emit_need(f, EV_NEED_DELETED, &cur);
	need_clear(&cur);
	return rc;
}

/* The round of what is to be linked, when the caller may see it. */
static int
target_round(struct forum *f, const struct user *caller, int target, int64_t id,
	     int64_t *round)
{
	struct priority pr;
	struct post p;
	int rc;

	if (target == NEED_POST) {
		if ((rc = forum_post_for(f, caller, id, &p, NULL)))
			return rc;
		*round = p.round;
		post_clear(&p);
		return OS_OK;
	}
	if ((rc = store_priority_get(f->st, id, &pr)))
		return rc;
	*round = pr.round;
	priority_clear(&pr);
	return OS_OK;
}

int
needs_link(struct forum *f, const struct user *caller, int64_t id, int target,
	   int64_t target_id, int link, struct need *out)
{
	struct need cur;
	int64_t round = 0;
	char detail[48];
	int rc;

	memset(out, 0, sizeof *out);
	if (target != NEED_POST && target != NEED_PRIORITY)
		return OS_EBADREQ;
	if ((rc = store_need_get(f->st, id, &cur)))
		return rc;
	if ((rc = manageable(f, caller, cur.round)) ||
	    (rc = target_round(f, caller, target, target_id, &round)))
		goto out;
	if (round != cur.round) {
		rc = OS_EBADREQ;
		goto out;
	}
	if (target == NEED_POST)
		rc = link ? store_need_link_post(f->st, id, target_id, caller->id)
			  : store_need_unlink_post(f->st, id, target_id);
	else
		rc = link ? store_need_link_priority(f->st, id, target_id, caller->id)
			  : store_need_unlink_priority(f->st, id, target_id);
	snprintf(detail, sizeof detail, "%s %lld", target == NEED_POST ? "post" : "priority",
		 (long long)target_id);
	if (rc || (rc = store_audit(f->st, caller->id, link ? "need.link" : "need.unlink",
				    "need", id, cur.round, detail)) ||
	    (rc = store_need_get(f->st, id, out)))
		goto out;
	emit_need(f, EV_NEED_UPDATED, out);
out:
	need_clear(&cur);
	return rc;
}

int
needs_list(struct forum *f, const struct user *caller, int64_t round, struct need **out,
	   size_t *n)
{
	struct round r;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = forum_round_for(f, caller, round, &r)))
		return rc;
	round_clear(&r);
	return store_needs_by_round(f->st, round, out, n);
}

int64_t
needs_group_support(const struct need_votes *g, int vote_mode)
{
	return vote_mode == VOTE_DOTS ? g->dots : g->up - g->down;
}

void
needs_support_free(struct need_support *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		need_clear(&a[i].need);
		free(a[i].orgs);
	}
	free(a);
}

int
needs_support(struct forum *f, int64_t round, int vote_mode, struct need_support **out,
	      size_t *n)
{
	struct need *needs = NULL;
	struct need_support *a = NULL;
	size_t cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_needs_by_round(f->st, round, &needs, &cnt)))
		return rc;
	a = calloc(cnt ? cnt : 1, sizeof *a);
	if (!a) {
		for (size_t i = 0; i < cnt; i++)
			need_clear(&needs[i]);
		free(needs);
		return OS_ENOMEM;
	}
	/* The needs move into the support records, which own them now. */
	for (size_t i = 0; i < cnt; i++)
		a[i].need = needs[i];
	free(needs);
	for (size_t i = 0; !rc && i < cnt; i++) {
		rc = store_need_votes(f->st, a[i].need.id, a[i].g);
		if (!rc)
			rc = store_need_orgs(f->st, a[i].need.id, &a[i].orgs, &a[i].norgs);
		for (int k = 0; k < 3; k++)
			a[i].support += needs_group_support(&a[i].g[k], vote_mode);
	}
	if (rc) {
		needs_support_free(a, cnt);
		return rc;
	}
	*out = a;
	*n = cnt;
	return OS_OK;
}

/* --- my.ideas ------------------------------------------------------- */

/* A round the caller may see with its posts (hidden ones left out), read
 * once for every post of theirs in it. */
struct round_cache {
	int64_t id;
	int visible;
	struct round round;
	struct post *posts;
	size_t nposts;
};

static void
cache_clear(struct round_cache *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		round_clear(&c[i].round);
		for (size_t k = 0; k < c[i].nposts; k++)
			post_clear(&c[i].posts[k]);
		free(c[i].posts);
	}
	free(c);
}

static int
cache_get(struct forum *f, const struct user *caller, struct round_cache **c, size_t *n,
	  size_t *cap, int64_t round, struct round_cache **hit)
{
	struct round_cache *x;
	int rc;

	for (size_t i = 0; i < *n; i++)
		if ((*c)[i].id == round) {
			*hit = &(*c)[i];
			return OS_OK;
		}
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct round_cache *g = realloc(*c, nc * sizeof *g);

		if (!g)
			return OS_ENOMEM;
		*c = g;
		*cap = nc;
	}
	x = &(*c)[*n];
	memset(x, 0, sizeof *x);
	x->id = round;
	rc = forum_round_for(f, caller, round, &x->round);
	if (rc && rc != OS_ENOTFOUND)
		return rc;
	(*n)++;
	x->visible = !rc;
	if (x->visible &&
	    (rc = store_posts_by_round(f->st, round, 0, 0, &x->posts, &x->nposts)))
		return rc;
	*hit = x;
	return OS_OK;
}

/* The score the web client sorts by: dots, or the Wilson lower bound as
 * the protocol rounds it (six decimals). */
static double
top_score(const struct post *p)
{
	if (p->vote_mode == VOTE_DOTS)
		return (double)tally_dots(&p->tally);
	return round(os_wilson_lower(tally_up(&p->tally), tally_down(&p->tally)) * 1e6) / 1e6;
}

static int
live(const struct post *p)
{
	return !p->hidden && p->status != STATUS_MERGED;
}

static void
rank_of(const struct round_cache *c, const struct post *p, int *rank, int *of)
{
	double s = top_score(p);

	*rank = *of = 0;
	if (!live(p))
		return;
	for (size_t i = 0; i < c->nposts; i++) {
		const struct post *q = &c->posts[i];
		double t;

		if (!live(q) || q->kind != p->kind)
			continue;
		(*of)++;
		t = top_score(q);
		if (q->id != p->id && (t > s || (t == s && q->id > p->id)))
			(*rank)++;
	}
	(*rank)++;
}

void
my_ideas_free(struct my_idea *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		post_clear(&a[i].post);
		round_clear(&a[i].round);
		for (size_t k = 0; k < a[i].nneeds; k++)
			need_clear(&a[i].needs[k]);
		free(a[i].needs);
		priority_clear(&a[i].priority);
	}
	free(a);
}

static int
fill_idea(struct forum *f, const struct user *caller, struct round_cache *c,
	  struct my_idea *m)
{
	struct post target;
	int rc;

	rank_of(c, &m->post, &m->rank, &m->of);
	m->round = c->round;
	/* The round's strings are the cache's: copy what is shown. */
	m->round.title = strdup(c->round.title ? c->round.title : "");
	m->round.description = NULL;
	if (!m->round.title)
		return OS_ENOMEM;
	if (m->post.merged_into) {
		rc = store_post_get(f->st, m->post.merged_into, 0, &target);
		if (rc && rc != OS_ENOTFOUND)
			return rc;
		if (!rc && (!target.hidden || forum_is_moderator(caller)))
			snprintf(m->merged_title, sizeof m->merged_title, "%s", target.title);
		if (!rc)
			post_clear(&target);
	}
	if ((rc = store_needs_of_post(f->st, m->post.id, &m->needs, &m->nneeds)))
		return rc;
	if (m->post.priority) {
		rc = store_priority_get(f->st, m->post.priority, &m->priority);
		if (rc && rc != OS_ENOTFOUND)
			return rc;
		m->has_priority = !rc;
		if (!rc && (rc = store_priority_status(f->st, m->priority.id, m->priority_status,
						       sizeof m->priority_status)))
			return rc;
	}
	return OS_OK;
}

int
my_ideas(struct forum *f, const struct user *caller, struct my_idea **out, size_t *n)
{
	struct round_cache *cache = NULL;
	struct my_idea *a = NULL;
	size_t nc = 0, cap = 0, cnt = 0, nids = 0;
	int64_t *ids = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_post_ids_by_author(f->st, caller->id, &ids, &nids)))
		return rc;
	a = calloc(nids ? nids : 1, sizeof *a);
	if (!a) {
		rc = OS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nids; i++) {
		struct my_idea *m = &a[cnt];
		struct round_cache *c = NULL;

		if ((rc = store_post_get(f->st, ids[i], caller->id, &m->post)))
			goto out;
		if ((rc = cache_get(f, caller, &cache, &nc, &cap, m->post.round, &c)))
			goto out_post;
		/* A hidden post is gone for everyone but moderators, its author
		 * included, as everywhere else. */
		if (!c->visible || (m->post.hidden && !forum_is_moderator(caller))) {
			post_clear(&m->post);
			continue;
		}
		cnt++;
		if ((rc = fill_idea(f, caller, c, m)))
			goto out;
		continue;
out_post:
		post_clear(&m->post);
		goto out;
	}
out:
	free(ids);
	cache_clear(cache, nc);
	if (rc) {
		my_ideas_free(a, cnt);
		return rc;
	}
	*out = a;
	*n = cnt;
	return OS_OK;
}

int
orgs_list(struct forum *f, const struct user *caller, struct org_summary **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!forum_is_moderator(caller))
		return OS_EFORBIDDEN;
	return store_orgs(f->st, out, n);
}
