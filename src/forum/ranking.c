#include "forum/ranking.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "forum/needs.h"
#include "store/posts.h"
#include "store/outcomes.h"
#include "store/priorities.h"
#include "store/rounds.h"

static const char *const group_names[GROUP_COUNT] = {"employees", "customers", "managers"};

const char *
ranking_group_name(int group)
{
	return group >= 0 && group < GROUP_COUNT ? group_names[group] : "unknown";
}

const char *
ranking_priority_title(const struct ranking *r, int64_t priority)
{
	for (size_t i = 0; priority && i < r->npriorities; i++)
		if (r->priorities[i].id == priority)
			return r->priorities[i].title;
	return NULL;
}

/* Live posts first (merged and hidden ones at the end, in their own
 * order), then by score; equal scores by fewer down votes, then oldest
 * first. */
static int
by_score(const void *a, const void *b)
{
	const struct post *x = a, *y = b;
	int lx = x->status != STATUS_MERGED && !x->hidden;
	int ly = y->status != STATUS_MERGED && !y->hidden;
	double sx = post_score(x), sy = post_score(y);
	int64_t dx = tally_down(&x->tally), dy = tally_down(&y->tally);

	if (lx != ly)
		return lx ? -1 : 1;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Group g's counts on a post. */
static void
group_counts(const struct tally *t, int g, int64_t *up, int64_t *down, int64_t *dots)
{
	static const int roles[GROUP_COUNT][2] = {
		[GROUP_EMPLOYEES] = {ROLE_EMPLOYEE, -1},
		[GROUP_CUSTOMERS] = {ROLE_CUSTOMER, -1},
		[GROUP_MANAGERS] = {ROLE_MANAGER, ROLE_ADMIN},
	};

	*up = *down = *dots = 0;
	for (int k = 0; k < 2 && roles[g][k] >= 0; k++) {
		*up += t->up[roles[g][k]];
		*down += t->down[roles[g][k]];
		*dots += t->dots[roles[g][k]];
	}
}

static int
by_spread(const void *a, const void *b)
{
	const struct insight *x = a, *y = b;

	return x->spread != y->spread ? (x->spread > y->spread ? -1 : 1)
				      : (x->post < y->post ? -1 : x->post > y->post);
}

static int
by_floor(const void *a, const void *b)
{
	const struct insight *x = a, *y = b;

	return x->floor != y->floor ? (x->floor > y->floor ? -1 : 1)
				    : (x->post < y->post ? -1 : x->post > y->post);
}

static int
insights(struct ranking *r)
{
	int64_t total_dots[GROUP_COUNT] = {0}, best_dots[GROUP_COUNT] = {0};
	int dots = r->round.vote_mode == VOTE_DOTS;
	struct insight *all;
	size_t n = 0;

	all = calloc(r->nposts ? r->nposts : 1, sizeof *all);
	if (!all)
		return OS_ENOMEM;
	for (size_t i = 0; i < r->nposts; i++)
		for (int g = 0; g < GROUP_COUNT; g++) {
			int64_t up, down, d;

			group_counts(&r->posts[i].tally, g, &up, &down, &d);
			total_dots[g] += d;
			if (d > best_dots[g])
				best_dots[g] = d;
		}
	for (size_t i = 0; i < r->nposts; i++) {
		struct insight *in = &all[n];
		double lo = 2, hi = -1;
		int present = 0;

		if (r->posts[i].status == STATUS_MERGED || r->posts[i].hidden)
			continue;
		memset(in, 0, sizeof *in);
		in->post = i;
		for (int g = 0; g < GROUP_COUNT; g++) {
			int64_t up, down, d;
			struct group_stat *s = &in->g[g];

			group_counts(&r->posts[i].tally, g, &up, &down, &d);
			if (dots) {
				s->votes = d;
				s->present = total_dots[g] >= RANKING_MIN_DOTS;
				s->support = best_dots[g] ? (double)d / (double)best_dots[g] : 0;
			} else {
				s->votes = up + down;
				s->present = up + down >= RANKING_MIN_VOTES;
				s->support = up + down ? (double)up / (double)(up + down) : 0;
			}
			if (!s->present)
				continue;
			present++;
			if (s->support < lo)
				lo = s->support;
			if (s->support > hi)
				hi = s->support;
		}
		if (present < 2)
			continue;
		in->spread = hi - lo;
		in->floor = lo;
		n++;
	}
	r->disagree = calloc(n ? n : 1, sizeof *all);
	r->agree = calloc(n ? n : 1, sizeof *all);
	if (!r->disagree || !r->agree) {
		free(all);
		return OS_ENOMEM;
	}
	if (n)
		qsort(all, n, sizeof *all, by_spread);
	for (size_t i = 0; i < n && r->ndisagree < RANKING_INSIGHTS_MAX; i++)
		if (all[i].spread >= RANKING_SPREAD_MIN)
			r->disagree[r->ndisagree++] = all[i];
	if (n)
		qsort(all, n, sizeof *all, by_floor);
	for (size_t i = 0; i < n && r->nagree < RANKING_INSIGHTS_MAX; i++)
		if (all[i].floor >= RANKING_AGREE_MIN && all[i].spread < RANKING_SPREAD_MIN)
			r->agree[r->nagree++] = all[i];
	free(all);
	return OS_OK;
}

int
ranking_build(struct forum *f, const struct user *caller, int64_t round,
	      struct ranking *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = caller ? forum_round_for(f, caller, round, &out->round)
		    : store_round_get(f->st, round, &out->round);
	if (rc)
		return rc;
	if (caller && !forum_is_moderator(caller)) {
		rc = OS_EFORBIDDEN;
		goto fail;
	}
	if ((rc = store_posts_by_round(f->st, round, 0, 1, &out->posts, &out->nposts)) ||
	    (rc = store_priorities_by_round(f->st, round, &out->priorities,
					    &out->npriorities)))
		goto fail;
	if (out->npriorities &&
	    !(out->latest = calloc(out->npriorities, sizeof *out->latest))) {
		rc = OS_ENOMEM;
		goto fail;
	}
	for (size_t k = 0; k < out->npriorities; k++) {
		struct priority_update *ups;
		size_t n;

		if ((rc = store_updates_by_priority(f->st, out->priorities[k].id, &ups, &n)))
			goto fail;
		if (n) {
			out->latest[k] = ups[0];
			memset(&ups[0], 0, sizeof ups[0]);
		}
		for (size_t i = 0; i < n; i++)
			priority_update_clear(&ups[i]);
		free(ups);
	}
	for (size_t i = 0; i < out->nposts; i++)
		out->posts[i].has_my_vote = 0;
	if (out->nposts)
		qsort(out->posts, out->nposts, sizeof *out->posts, by_score);
	if ((rc = insights(out)))
		goto fail;
	if ((rc = needs_support(f, round, out->round.vote_mode, &out->needs, &out->nneeds)))
		goto fail;
	return OS_OK;
fail:
	ranking_clear(out);
	return rc;
}

void
ranking_clear(struct ranking *r)
{
	round_clear(&r->round);
	for (size_t i = 0; r->latest && i < r->npriorities; i++)
		priority_update_clear(&r->latest[i]);
	free(r->latest);
	for (size_t i = 0; i < r->npriorities; i++)
		priority_clear(&r->priorities[i]);
	free(r->priorities);
	for (size_t i = 0; i < r->nposts; i++)
		post_clear(&r->posts[i]);
	free(r->posts);
	free(r->disagree);
	free(r->agree);
	needs_support_free(r->needs, r->nneeds);
	memset(r, 0, sizeof *r);
}
