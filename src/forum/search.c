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

/* Sets *visible for a hit's round. An error when the store cannot tell:
 * a hit left out for that would be a wrong answer, not a safe one. */
static int
round_visible(struct forum *f, const struct user *u, int64_t round, struct seen *cache,
	      size_t *ncache, int *visible)
{
	struct round r;
	int rc;

	for (size_t i = 0; i < *ncache; i++)
		if (cache[i].round == round) {
			*visible = cache[i].visible;
			return OS_OK;
		}
	rc = store_round_get(f->st, round, &r);
	if (rc == OS_OK) {
		rc = forum_round_access(f, u, &r);
		round_clear(&r);
	}
	if (rc && rc != OS_ENOTFOUND)
		return rc;
	*visible = rc == OS_OK;
	if (*ncache < 64) {
		cache[*ncache].round = round;
		cache[*ncache].visible = *visible;
		(*ncache)++;
	}
	return OS_OK;
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
	if ((rc = store_search_query(text ? text : "", !any_word, &q)))
		return rc;
	if (!q)
		return OS_OK; /* nothing to look for: nothing found */
	/* Ask for more than needed: some hits may be invisible. */
	rc = store_search(f->st, q, round, posts_only, limit * 4, &hits, &cnt);
	free(q);
	if (rc)
		return rc;
	for (size_t i = 0; i < cnt; i++) {
		int ok = !rc && kept < (size_t)limit &&
			 (!hits[i].hidden || forum_is_moderator(caller));

		if (ok)
			rc = round_visible(f, caller, hits[i].round, cache, &ncache, &ok);
		if (ok && !rc) {
			hits[kept++] = hits[i];
		} else {
			free(hits[i].title);
			free(hits[i].snippet);
		}
	}
	if (rc) {
		store_search_free(hits, kept);
		return rc;
	}
	*out = hits;
	*n = kept;
	return OS_OK;
}
