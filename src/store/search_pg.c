/*
 * Search on PostgreSQL, with its full-text types and the words of
 * src/store/words.c, so that it matches what SQLite's FTS5 tables match
 * (docs/STORAGE.md, "Search on PostgreSQL").
 *
 * Indexing. posts.search and comments.search hold each row's terms as a
 * tsvector that the store computes here, in C, with the same tokenizer:
 * each word folded and its four stems at one position (a post's title
 * with weight A, its body with D, one position apart). A new row is
 * indexed as it is inserted, an edited one as it is edited, in the same
 * transaction (store_fts_new_post() and store_fts_edited_post()).
 * PostgreSQL's own parsers and Snowball configurations are not used: each
 * stems one language, and both stores must match the same words.
 *
 * Queries. store_search_query() writes FTS5's query; it is read back into
 * its phrases here and becomes a tsquery: each word ('word':* | (its
 * stems)), a word the user typed with a symbol inside as a phrase (<->),
 * the words joined with & or |. Ranking is ts_rank with the title
 * weighing four times the body, over the words joined with | (so that
 * every word found counts, as with bm25, whatever the operator that
 * chose the rows): the very word typed matches both halves of its
 * group, another form of it one. Snippets are cut in C by FTS5's rules
 * (search_snippet()).
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "store/search.h"
#include "store/search_int.h"
#include "store/store_int.h"

#define SNIPPET_WORDS 16
#define CHECK_PAGE 256

/* ts_rank's weights, {D, C, B, A}: the title (A) four times the body. */
#define RANK(col, q)                                                              \
	"ts_rank(CAST('{0.25, 0.25, 0.25, 1}' AS real[]), " col ", CAST(" q " AS tsquery), 1)"

static const char *const weights_post = "AD", *const weights_comment = "D";

static int
write_vector(struct store *st, const char *sql, int64_t id, const char *vec)
{
	struct sql_stmt *s = store_stmt(st, sql);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_text(s, 2, vec, -1);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "search index");
}

/* The vector of the row's text, col[0..ncol), malloc'd in *vec. */
static int
vector_of(struct store *st, int comment, const char *const *col, char **vec)
{
	struct words *w = store_words(st);

	*vec = NULL;
	if (!w)
		return OS_ENOMEM;
	return search_vector(w, col, comment ? weights_comment : weights_post, comment ? 1 : 2,
			     vec);
}

/* Writes the vector of the row's text, col[0..ncol). */
static int
index_text(struct store *st, int comment, int64_t id, const char *const *col)
{
	char *vec;
	int rc;

	if ((rc = vector_of(st, comment, col, &vec)))
		return rc;
	rc = write_vector(st,
			  comment ? "UPDATE comments SET search = CAST(?2 AS tsvector) WHERE id = ?1"
				  : "UPDATE posts SET search = CAST(?2 AS tsvector) WHERE id = ?1",
			  id, vec);
	free(vec);
	return rc;
}

int
store_pg_post_vector(struct store *st, const char *title, const char *body, char **vec)
{
	const char *col[2] = {title, body};

	return vector_of(st, 0, col, vec);
}

int
store_pg_comment_vector(struct store *st, const char *body, char **vec)
{
	const char *col[1] = {body};

	return vector_of(st, 1, col, vec);
}

static int
index_row(struct store *st, int comment, int64_t id)
{
	struct sql_stmt *s = store_stmt(st, comment ? "SELECT body FROM comments WHERE id = ?1"
						   : "SELECT title, body FROM posts WHERE id = ?1");
	const char *col[2];
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc != SQL_ROW) {
		store_done(s);
		return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "search index");
	}
	/* The row's text stays valid until the statement is reset (the
	 * driver reads a result whole). */
	col[0] = (const char *)sql_col_text(s, 0);
	col[1] = comment ? NULL : (const char *)sql_col_text(s, 1);
	rc = index_text(st, comment, id, col);
	store_done(s);
	return rc;
}

int
store_pg_index_post(struct store *st, int64_t id)
{
	return index_row(st, 0, id);
}

int
store_pg_index_comment(struct store *st, int64_t id)
{
	return index_row(st, 1, id);
}

static int
run(struct store *st, struct sql_stmt *s, const struct search_query *sq, const char *match,
    const char *rank, int64_t round, int limit, int target, struct search_hit **arr,
    size_t *cnt, size_t *cap)
{
	struct words *w = store_words(st);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	if (!w)
		return OS_ENOMEM;
	sql_bind_text(s, 1, match, -1);
	sql_bind_int64(s, 2, round);
	sql_bind_int(s, 3, limit);
	sql_bind_text(s, 4, rank, -1);
	while ((rc = sql_step(s)) == SQL_ROW) {
		const char *col[2];
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
		/* Lower is better, as with bm25. */
		h->rank = -sql_col_double(s, 7);
		col[0] = (const char *)sql_col_text(s, 5);
		col[1] = (const char *)sql_col_text(s, 6);
		if (!h->title ||
		    search_snippet(w, sq, col, target == TARGET_POST ? 2 : 1, SNIPPET_WORDS, "…",
				   &h->snippet)) {
			store_done(s);
			return OS_ENOMEM;
		}
	}
	store_done(s);
	return rc == SQL_DONE ? OS_OK : store_rc(st, rc, "search");
}

static int
by_rank(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;

	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

int
store_pg_search(struct store *st, const char *fq, int64_t round, int posts_only, int limit,
		struct search_hit **out, size_t *n)
{
	struct sql_stmt *ps = store_stmt(st,
		"SELECT p.id, p.id, p.round_id, p.hidden, p.title, p.title, p.body, "
		RANK("p.search", "?4") " AS rank "
		"FROM posts p WHERE p.search @@ CAST(?1 AS tsquery) "
		"AND (?2 = 0 OR p.round_id = ?2) ORDER BY rank DESC, p.id LIMIT ?3");
	struct sql_stmt *cs = store_stmt(st,
		"SELECT c.id, p.id, p.round_id, greatest(c.hidden, p.hidden), p.title, c.body, "
		"NULL, " RANK("c.search", "?4") " AS rank "
		"FROM comments c JOIN posts p ON p.id = c.post_id "
		"WHERE c.search @@ CAST(?1 AS tsquery) AND (?2 = 0 OR p.round_id = ?2) "
		"ORDER BY rank DESC, c.id LIMIT ?3");
	struct words *w = store_words(st);
	struct search_query *sq = NULL;
	char *match = NULL, *rank = NULL;
	struct search_hit *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!w)
		return OS_ENOMEM;
	if ((rc = search_query_parse(w, fq, &sq)) || (rc = search_query_tsquery(sq, 0, &match)) ||
	    (rc = search_query_tsquery(sq, 1, &rank)))
		goto done;
	if (!match)
		goto done; /* no word: nothing found */
	rc = run(st, ps, sq, match, rank, round, limit, TARGET_POST, &arr, &cnt, &cap);
	if (!rc && !posts_only)
		rc = run(st, cs, sq, match, rank, round, limit, TARGET_COMMENT, &arr, &cnt, &cap);
	if (rc) {
		store_search_free(arr, cnt);
		arr = NULL;
		cnt = 0;
	} else if (cnt) {
		qsort(arr, cnt, sizeof *arr, by_rank);
	}
done:
	free(match);
	free(rank);
	search_query_free(sq);
	*out = arr;
	*n = cnt;
	return rc;
}

/* Whether two tsvector texts are the same vector, by PostgreSQL's reading
 * of them (the text it prints may order or spell a vector otherwise than
 * search_vector()). -1 on an error. */
static int
same_vector(struct store *st, const char *a, const char *b)
{
	struct sql_stmt *s = store_stmt(st, "SELECT CAST(?1 AS tsvector) = CAST(?2 AS tsvector)");
	int rc, same = -1;

	if (!s)
		return -1;
	sql_bind_text(s, 1, a, -1);
	sql_bind_text(s, 2, b, -1);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		same = sql_col_int(s, 0);
	store_done(s);
	if (rc != SQL_ROW)
		store_rc(st, rc, "search check");
	return same;
}

/* Checks one table, a page of rows at a time (each row read with its
 * vector in one statement: a row edited meanwhile is read whole, before
 * or after). *bad counts the rows out of step. */
static int
check_table(struct store *st, int comment, long *bad)
{
	const char *sql = comment ? "SELECT id, body, NULL, CAST(search AS text) FROM comments "
				    "WHERE id > ?1 ORDER BY id LIMIT 256"
				  : "SELECT id, title, body, CAST(search AS text) FROM posts "
				    "WHERE id > ?1 ORDER BY id LIMIT 256";
	struct words *w = store_words(st);
	int64_t after = 0;
	int rows, rc;

	if (!w)
		return OS_ENOMEM;
	do {
		struct sql_stmt *s = store_stmt(st, sql);

		if (!s)
			return OS_EINTERNAL;
		rows = 0;
		sql_bind_int64(s, 1, after);
		while ((rc = sql_step(s)) == SQL_ROW) {
			const char *col[2] = {(const char *)sql_col_text(s, 1),
					      (const char *)sql_col_text(s, 2)};
			const char *have = (const char *)sql_col_text(s, 3);
			char *want = NULL;
			int same = 0;

			rows++;
			after = sql_col_int64(s, 0);
			if (search_vector(w, col, comment ? weights_comment : weights_post,
					  comment ? 1 : 2, &want)) {
				store_done(s);
				return OS_ENOMEM;
			}
			if (have)
				same = !strcmp(have, want) ? 1 : same_vector(st, have, want);
			free(want);
			if (same < 0) {
				store_done(s);
				return OS_EINTERNAL;
			}
			if (!same && ++*bad <= 10)
				os_err("check: %s %lld is %s the search index", comment ? "comment" : "post",
				       (long long)after, have ? "out of step with" : "missing from");
		}
		store_done(s);
		if (rc != SQL_DONE)
			return store_rc(st, rc, "search check");
	} while (rows == CHECK_PAGE);
	return OS_OK;
}

int
store_pg_search_check(struct store *st)
{
	long bad = 0;
	int rc;

	if ((rc = check_table(st, 0, &bad)) || (rc = check_table(st, 1, &bad)))
		return rc;
	if (bad) {
		os_err("check: %ld posts and comments out of step with the search index", bad);
		return OS_EINTERNAL;
	}
	return OS_OK;
}
