#ifndef OS_STORE_SEARCH_H
#define OS_STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

struct search_hit {
	int target;        /* TARGET_POST or TARGET_COMMENT */
	int64_t id;
	int64_t post;      /* the post (itself, or the comment's) */
	int64_t round;
	int hidden;        /* the item or its post */
	char *title;       /* the post's title */
	char *snippet;     /* plain text around the match, "…" marking cuts */
	double rank;       /* bm25: lower is better */
};

/* Builds an FTS5 query from words a person typed: each word a prefix term
 * or any inflected form of it (the word itself ranking first), joined with
 * OR (any) or AND (all). *out gets a malloc'd string, or NULL
 * when there is no word in it. OS_OK or OS_ENOMEM. */
int store_search_query(const char *text, int all, char **out);

/* Searches posts (and comments unless posts_only), in round (0: all),
 * best first, up to limit. Caller frees with store_search_free(). */
int store_search(struct store *st, const char *fts_query, int64_t round, int posts_only,
		 int limit, struct search_hit **out, size_t *n);
void store_search_free(struct search_hit *hits, size_t n);

#endif
