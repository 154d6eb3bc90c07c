#include "forum/search.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "store/rounds.h"

/* Visibility per round, remembered for one search. */
struct seen {
	int64_t round;
	int visible;
};

static int
round_visible(struct forum *f, const struct user *u, int64_t round, struct seen *cache,
	      size_t *ncache)
{
	struct round r;
	int v = 0;

	for (size_t i = 0; i < *ncache; i++)
		if (cache[i].round == round)
			return cache[i].visible;
	if (store_round_get(f->st, round, &r) == OS_OK) {
		v = forum_round_visible(f, u, &r);
		round_clear(&r);
	}
	if (*ncache < 64) {
		cache[*ncache].round = round;
		cache[*ncache].visible = v;
		(*ncache)++;
	}
	return v;
}

int
search_run(struct forum *f, const struct user *caller, const char *text, int64_t round,
	   int posts_only, int any_word, int limit, struct search_hit **out, size_t *n)
{
	struct search_hit *hits;
	struct seen cache[64];
	size_t cnt, kept = 0, ncache = 0;
	char *q;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit < 1 || limit > SEARCH_LIMIT_MAX)
		return OS_EBADREQ;
	if (round) {
		struct round r;

		if ((rc = forum_round_for(f, caller, round, &r)))
			return rc;
		round_clear(&r);
	}
	q = store_search_query(text ? text : "", !any_word);
	if (!q)
		return OS_OK; /* nothing to look for: nothing found */
	/* Ask for more than needed: some hits may be invisible. */
	rc = store_search(f->st, q, round, posts_only, limit * 4, &hits, &cnt);
	free(q);
	if (rc)
		return rc;
	for (size_t i = 0; i < cnt; i++) {
		int ok = kept < (size_t)limit &&
			 (!hits[i].hidden || forum_is_moderator(caller)) &&
			 round_visible(f, caller, hits[i].round, cache, &ncache);

		if (ok) {
			hits[kept++] = hits[i];
		} else {
			free(hits[i].title);
			free(hits[i].snippet);
		}
	}
	*out = hits;
	*n = kept;
	return OS_OK;
}
