#ifndef OS_STORE_SEARCH_INT_H
#define OS_STORE_SEARCH_INT_H

/*
 * Private to src/store/: search without FTS5, for PostgreSQL
 * (src/store/search_pg.c), with the words of src/store/words.c and the
 * rules of SQLite's FTS5 search (src/store/search.c), so that both stores
 * find, rank and cut snippets the same way. Only the SQL of
 * search_pg.c is PostgreSQL's; the rest (src/store/search_words.c) is
 * plain C, and the tests hold it against FTS5 on SQLite.
 */

#include <stddef.h>
#include <stdint.h>

#include "store/words.h"

/* A query as store_search_query() writes it, in phrases: each typed word
 * is a group of two, its prefix phrase ("kund"*) and its whole phrase
 * (its stems), numbered as FTS5 numbers them. */
struct search_query;

/* Parses a query store_search_query() wrote (anything else gives what
 * it can: the query text is not the user's). 0, or OS_ENOMEM. */
int search_query_parse(struct words *w, const char *fts_query, struct search_query **out);
void search_query_free(struct search_query *q);

/* The query as PostgreSQL's tsquery text: each word (word:* | stems),
 * joined with & when every word must match, | when any may; with any = 1
 * always with |. *out is malloc'd, NULL when the query has no phrase.
 * 0, or OS_ENOMEM. */
int search_query_tsquery(const struct search_query *q, int any, char **out);

/*
 * FTS5's snippet(table, -1, '', '', ellipsis, ntoken) of a row whose
 * columns are col[0..ncol) and that the query matched: the window of
 * ntoken words of the column that shows the most different phrases
 * (centred on them, or starting a sentence nearby), ellipsis where it
 * cuts the text. *out is malloc'd. 0, or OS_ENOMEM.
 */
int search_snippet(struct words *w, const struct search_query *q, const char *const *col,
		   int ncol, int ntoken, const char *ellipsis, char **out);

/*
 * A row's words as PostgreSQL's tsvector text: every term of every
 * column (weight[c], 'A'..'D', for the column's positions), each word's
 * terms at one position, columns apart by one position (a phrase never
 * spans two). At most 256 positions per term, position 16383 the last
 * (PostgreSQL's limits), terms beyond 1 MB of them left out. *out is
 * malloc'd. 0, or OS_ENOMEM.
 */
int search_vector(struct words *w, const char *const *col, const char *weight, int ncol,
		  char **out);

/* ---- PostgreSQL (src/store/search_pg.c) ---- */

struct store;
struct search_hit;

/* Writes the search vector of a post (title and body) or a comment from
 * its row, in the caller's transaction. */
int store_pg_index_post(struct store *st, int64_t id);
int store_pg_index_comment(struct store *st, int64_t id);
/* The vector a new post or comment gets, as text for CAST(? AS
 * tsvector), malloc'd in *vec: written by the row's own INSERT. */
int store_pg_post_vector(struct store *st, const char *title, const char *body, char **vec);
int store_pg_comment_vector(struct store *st, const char *body, char **vec);

/* store_search() on PostgreSQL. */
int store_pg_search(struct store *st, const char *fts_query, int64_t round, int posts_only,
		    int limit, struct search_hit **out, size_t *n);

/* Every post and comment has the search vector its text gives. OS_OK, or
 * OS_EINTERNAL (each row out of step logged). */
int store_pg_search_check(struct store *st);

#endif
