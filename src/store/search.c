#include "store/search.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/search_int.h"
#include "store/store_int.h"
#include "store/words.h"

int
store_search_query(const char *text, int all, char **out)
{
	struct os_buf b;
	const char *p = text;
	int words = 0;

	*out = NULL;
	os_buf_init(&b);
	/* Words are runs of letters and digits (any byte >= 0x80 counts, so
	 * that UTF-8 letters stay whole); everything else separates them, which
	 * also keeps FTS5's own syntax out of the query.
	 *
	 * Each word is asked for twice, ("word"* OR "word"): the prefix term
	 * finds the word itself and longer ones starting with it (a word still
	 * being typed), the whole term its other inflected forms, through the
	 * stems the tokenizer (src/store/words.c) gives a whole term. A
	 * post holding the very word matches both and ranks above one that
	 * holds only another form of it, which matches one. */
	while (*p) {
		const char *start;

		while (*p && !(isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
			p++;
		start = p;
		while (*p && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
			p++;
		/* A run of nothing but emoji or symbols would be a phrase
		 * of no terms, which matches nothing even beside others. */
		if (p == start || !words_has_word(start, (size_t)(p - start)))
			continue;
		if (words++)
			os_buf_adds(&b, all ? " AND " : " OR ");
		os_buf_adds(&b, "(\"");
		os_buf_add(&b, start, (size_t)(p - start));
		os_buf_adds(&b, "\"* OR \"");
		os_buf_add(&b, start, (size_t)(p - start));
		os_buf_adds(&b, "\")");
		if (words >= 16)
			break;
	}
	if (!words) {
		os_buf_free(&b);
		return OS_OK;
	}
	*out = os_buf_detach(&b, NULL);
	return *out ? OS_OK : OS_ENOMEM;
}

void
store_search_free(struct search_hit *hits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(hits[i].title);
		free(hits[i].snippet);
	}
	free(hits);
}

static int
run(struct store *st, struct sql_stmt *s, const char *q, int64_t round, int limit,
    int target, struct search_hit **arr, size_t *cnt, size_t *cap)
{
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, q, -1);
	sql_bind_int64(s, 2, round);
	sql_bind_int(s, 3, limit);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct search_hit *h;

		if (store_grow((void **)arr, cap, *cnt, sizeof **arr)) {
			store_done(s);
			return OS_ENOMEM;
		}
		h = &(*arr)[(*cnt)++];
		memset(h, 0, sizeof *h);
		h->target = target;
		h->id = sql_col_int64(s, 0);
		h->post = sql_col_int64(s, 1);
		h->round = sql_col_int64(s, 2);
		h->hidden = sql_col_int(s, 3);
		h->title = store_col_dup(s, 4);
		h->snippet = store_col_dup(s, 5);
		h->rank = sql_col_double(s, 6);
		if (!h->title || !h->snippet) {
			store_done(s);
			return OS_ENOMEM;
		}
	}
	store_done(s);
	/* A malformed query is the user's, not the server's, failure. */
	if ((rc & 0xff) == SQL_ERROR)
		return OS_EBADREQ;
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "search");
}

static int
by_rank(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;

	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* SQLite: FTS5's tables (schema/004). */
static int
fts5_search(struct store *st, const char *q, int64_t round, int posts_only, int limit,
	    struct search_hit **out, size_t *n)
{
	struct sql_stmt *ps = store_stmt(st,
		"SELECT p.id, p.id, p.round_id, p.hidden, p.title, "
		"snippet(posts_fts, -1, '', '', '…', 16), bm25(posts_fts, 4.0, 1.0) "
		"FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid "
		"WHERE posts_fts MATCH ?1 AND (?2 = 0 OR p.round_id = ?2) "
		"ORDER BY bm25(posts_fts, 4.0, 1.0) LIMIT ?3");
	struct sql_stmt *cs = store_stmt(st,
		"SELECT c.id, p.id, p.round_id, max(c.hidden, p.hidden), p.title, "
		"snippet(comments_fts, -1, '', '', '…', 16), bm25(comments_fts) "
		"FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid "
		"JOIN posts p ON p.id = c.post_id "
		"WHERE comments_fts MATCH ?1 AND (?2 = 0 OR p.round_id = ?2) "
		"ORDER BY bm25(comments_fts) LIMIT ?3");
	struct search_hit *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = run(st, ps, q, round, limit, TARGET_POST, &arr, &cnt, &cap);
	if (!rc && !posts_only)
		rc = run(st, cs, q, round, limit, TARGET_COMMENT, &arr, &cnt, &cap);
	if (rc) {
		store_search_free(arr, cnt);
		return rc;
	}
	if (cnt)
		qsort(arr, cnt, sizeof *arr, by_rank);
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_search(struct store *st, const char *q, int64_t round, int posts_only, int limit,
	     struct search_hit **out, size_t *n)
{
	if (store_dialect(st) == SQL_POSTGRESQL)
		return store_pg_search(st, q, round, posts_only, limit, out, n);
	return fts5_search(st, q, round, posts_only, limit, out, n);
}
