#include "forum/paging.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "store/paging.h"
#include "store/posts.h"
#include "store/priorities.h"
#include "store/votes.h"

/* Where a post sits: its group (as in the round view), its score (in
 * millionths for up/down rounds, the score clients see rounded to 6
 * decimals; dots in dots rounds) and its id. */
struct place {
	int group;
	int64_t score;
	int64_t id;
};

int
posts_order_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "top"))
		return POSTS_TOP;
	if (!strcmp(s, "new"))
		return POSTS_NEW;
	return -1;
}

static int
group_of(const struct post_key *k)
{
	if (k->status == STATUS_HIDDEN)
		return 3;
	if (k->status == STATUS_MERGED)
		return 2;
	return k->kind == KIND_PLAN ? 0 : 1;
}

/* Negative when a comes before b in the order. */
static int
place_cmp(int order, const struct place *a, const struct place *b)
{
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (order == POSTS_TOP && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->id != b->id)
		return a->id > b->id ? -1 : 1;
	return 0;
}

static int
cmp_top(const void *a, const void *b)
{
	return place_cmp(POSTS_TOP, a, b);
}

static int
cmp_new(const void *a, const void *b)
{
	return place_cmp(POSTS_NEW, a, b);
}

/* "t:GROUP:SCORE:ID" or "n:GROUP:ID", decimal, nothing else. */
static void
cursor_make(int order, const struct place *p, char out[POSTS_CURSOR_SZ])
{
	if (order == POSTS_TOP)
		snprintf(out, POSTS_CURSOR_SZ, "t:%d:%" PRId64 ":%" PRId64, p->group, p->score,
			 p->id);
	else
		snprintf(out, POSTS_CURSOR_SZ, "n:%d:%" PRId64, p->group, p->id);
}

/* Reads a decimal number that ends at *end (':' or the end of the text). */
static int
cursor_num(const char **s, int last, int64_t min, int64_t max, int64_t *out)
{
	const char *p = *s;
	int64_t v = 0;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max || (last ? *p != '\0' : *p != ':'))
		return -1;
	*s = last ? p : p + 1;
	*out = v;
	return 0;
}

static int
cursor_parse(int order, const char *s, struct place *out)
{
	int64_t g, v;

	memset(out, 0, sizeof *out);
	if (strlen(s) >= POSTS_CURSOR_SZ || s[0] != (order == POSTS_TOP ? 't' : 'n') ||
	    s[1] != ':')
		return OS_EBADREQ;
	s += 2;
	if (cursor_num(&s, 0, 0, 3, &g))
		return OS_EBADREQ;
	out->group = (int)g;
	if (order == POSTS_TOP) {
		if (cursor_num(&s, 0, 0, INT64_MAX, &v))
			return OS_EBADREQ;
		out->score = v;
	}
	if (cursor_num(&s, 1, 1, INT64_MAX, &out->id))
		return OS_EBADREQ;
	return OS_OK;
}

/* The page of round r (read already, caller may see it) that q asks for. */
static int
page_of(struct forum *f, const struct user *caller, const struct round *r,
	const struct posts_query *q, const char *cursor, struct posts_page *out)
{
	struct post_key *keys = NULL;
	struct place *places = NULL, after;
	size_t nkeys = 0, start = 0, end;
	int rc, has_after = cursor && *cursor;

	memset(out, 0, sizeof *out);
	if (q->limit < 1 || q->limit > POSTS_PAGE_MAX ||
	    (q->order != POSTS_TOP && q->order != POSTS_NEW))
		return OS_EBADREQ;
	if (has_after && (rc = cursor_parse(q->order, cursor, &after)))
		return rc;
	if ((rc = store_post_keys(f->st, r->id, forum_is_moderator(caller), q->kind, &keys,
				  &nkeys)))
		return rc;
	if (nkeys && !(places = calloc(nkeys, sizeof *places))) {
		free(keys);
		return OS_ENOMEM;
	}
	for (size_t i = 0; i < nkeys; i++) {
		places[i].group = group_of(&keys[i]);
		places[i].id = keys[i].id;
		places[i].score = r->vote_mode == VOTE_DOTS
					  ? keys[i].dots
					  : llround(os_wilson_lower(keys[i].up, keys[i].down) * 1e6);
	}
	free(keys);
	if (nkeys)
		qsort(places, nkeys, sizeof *places, q->order == POSTS_TOP ? cmp_top : cmp_new);
	while (has_after && start < nkeys && place_cmp(q->order, &places[start], &after) <= 0)
		start++;
	end = nkeys - start > (size_t)q->limit ? start + (size_t)q->limit : nkeys;
	if (end > start && !(out->posts = calloc(end - start, sizeof *out->posts))) {
		free(places);
		return OS_ENOMEM;
	}
	for (size_t i = start; i < end; i++) {
		if ((rc = store_post_get(f->st, places[i].id, caller->id, &out->posts[out->n]))) {
			free(places);
			posts_page_clear(out);
			return rc;
		}
		out->n++;
	}
	if (end < nkeys && end > start)
		cursor_make(q->order, &places[end - 1], out->next);
	free(places);
	return OS_OK;
}

int
posts_list(struct forum *f, const struct user *caller, int64_t round,
	   const struct posts_query *q, struct posts_page *out)
{
	struct round r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = forum_round_for(f, caller, round, &r)))
		return rc;
	rc = page_of(f, caller, &r, q, q->cursor, out);
	round_clear(&r);
	return rc;
}

void
posts_page_clear(struct posts_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		post_clear(&p->posts[i]);
	free(p->posts);
	memset(p, 0, sizeof *p);
}

int
posts_snapshot(struct forum *f, const struct user *caller, int64_t round,
	       const struct posts_query *q, struct round_snapshot *out,
	       char next[POSTS_CURSOR_SZ])
{
	struct posts_page page;
	int rc;

	memset(out, 0, sizeof *out);
	next[0] = '\0';
	if ((rc = forum_round_for(f, caller, round, &out->round)))
		return rc;
	rc = page_of(f, caller, &out->round, q, NULL, &page);
	if (!rc) {
		out->posts = page.posts;
		out->nposts = page.n;
		memcpy(next, page.next, POSTS_CURSOR_SZ);
		rc = store_priorities_by_round(f->st, round, &out->priorities,
					       &out->npriorities);
	}
	if (rc)
		rounds_snapshot_clear(out);
	return rc;
}

int
posts_dots_spent(struct forum *f, const struct user *caller, int64_t round, int64_t *spent)
{
	return store_dots_spent(f->st, round, caller->id, spent);
}
