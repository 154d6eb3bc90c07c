/*
 * Search without FTS5 (src/store/search_words.c), which the PostgreSQL
 * store runs on every post, comment and query: the query's phrases and
 * its tsquery, a row's tsvector, and the snippet cut in C, held against
 * FTS5's own snippet() of the same row on SQLite.
 *
 * Input: byte 0 picks the operator (bit 0: every word, else any); byte 1
 * is the length of the query that follows; the rest is the row, its title
 * up to the first newline and its body after it (up to a NUL, as text
 * columns hold it).
 *
 * Invariants (abort() on violation):
 *  - nothing fails (no memory runs out here);
 *  - the tsquery's parentheses balance, its lexemes are quoted and
 *    well-formed UTF-8;
 *  - the tsvector's terms are quoted, well-formed UTF-8, each with
 *    1 to 256 positions of 1..16383, in increasing order;
 *  - when FTS5 matches the row, search_snippet() gives exactly the text
 *    of FTS5's snippet(posts, -1, '', '', '…', 16).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "store/search.h"
#include "store/search_int.h"
#include "store/sqlite/sqlite_int.h"

static struct store *store;
static struct words *words;
static sqlite3_stmt *ins, *snip, *del;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	sqlite3 *db;

	(void)argc;
	(void)argv;
	fuzz_global_init();
	FUZZ_CHECK(store_open(":memory:", STORE_SYNC_NORMAL, &store) == OS_OK, "store_open");
	FUZZ_CHECK(words_new(&words) == 0, "words_new");
	db = store_sqlite(store);
	FUZZ_CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.f USING fts5 (title, body, "
				    "tokenize = '" STORE_TOKENIZER "')",
				NULL, NULL, NULL) == SQLITE_OK,
		   "create: %s", sqlite3_errmsg(db));
	FUZZ_CHECK(sqlite3_prepare_v2(db, "INSERT INTO temp.f (rowid, title, body) "
					  "VALUES (1, ?1, ?2)", -1, &ins, NULL) == SQLITE_OK &&
			   sqlite3_prepare_v2(db, "SELECT snippet(f, -1, '', '', '…', 16) "
						  "FROM temp.f WHERE f MATCH ?1", -1, &snip,
					      NULL) == SQLITE_OK &&
			   sqlite3_prepare_v2(db, "DELETE FROM temp.f", -1, &del, NULL) ==
				   SQLITE_OK,
		   "prepare: %s", sqlite3_errmsg(db));
	return 0;
}

static void
check_tsquery(const char *t)
{
	int depth = 0;

	FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)t, strlen(t)), "tsquery of bad UTF-8");
	for (const char *p = t; *p; p++) {
		if (*p == '\'') {
			const char *s = ++p;

			while (*p && !(*p == '\'' && p[1] != '\''))
				p += *p == '\'' ? 2 : 1;
			FUZZ_CHECK(*p == '\'' && p > s, "an unquoted or empty lexeme in %s", t);
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			FUZZ_CHECK(--depth >= 0, "unbalanced: %s", t);
		}
	}
	FUZZ_CHECK(depth == 0, "unbalanced: %s", t);
}

static void
check_tsvector(const char *v)
{
	const char *p = v;

	FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)v, strlen(v)), "tsvector of bad UTF-8");
	while (*p) {
		const char *s;
		long last = 0;
		int n = 0;

		FUZZ_CHECK(*p == '\'', "a term without its quote at %.20s", p);
		s = ++p;
		while (*p && !(*p == '\'' && p[1] != '\''))
			p += *p == '\'' ? 2 : 1;
		FUZZ_CHECK(*p == '\'' && p > s, "an unterminated or empty term");
		p++;
		FUZZ_CHECK(*p == ':', "a term without positions");
		do {
			char *end;
			long pos = strtol(p + 1, &end, 10);

			FUZZ_CHECK(end > p + 1 && pos > last && pos <= 16383,
				   "position %ld after %ld", pos, last);
			last = pos;
			p = end;
			if (*p >= 'A' && *p <= 'C')
				p++;
			n++;
		} while (*p == ',');
		FUZZ_CHECK(n <= 256, "%d positions", n);
		FUZZ_CHECK(!*p || *p == ' ', "junk after positions: %.20s", p);
		if (*p)
			p++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct search_query *sq = NULL;
	char *q, *fq = NULL, *tsq = NULL, *vec = NULL, *mine = NULL, *title, *body, *nl;
	const char *col[2];
	size_t qlen;
	int rc;

	if (size < 2 || size > 20000)
		return 0;
	qlen = data[1];
	if (qlen > size - 2)
		qlen = size - 2;
	q = strndup((const char *)data + 2, qlen);
	title = strndup((const char *)data + 2 + qlen, size - 2 - qlen);
	FUZZ_CHECK(q && title, "out of memory");
	nl = strchr(title, '\n');
	body = nl ? nl + 1 : title + strlen(title);
	if (nl)
		*nl = '\0';
	col[0] = title;
	col[1] = body;

	FUZZ_CHECK(search_vector(words, col, "AD", 2, &vec) == OS_OK, "search_vector");
	check_tsvector(vec);
	FUZZ_CHECK(store_search_query(q, data[0] & 1, &fq) == OS_OK, "store_search_query");
	if (!fq)
		goto done;
	FUZZ_CHECK(search_query_parse(words, fq, &sq) == OS_OK, "search_query_parse");
	FUZZ_CHECK(search_query_tsquery(sq, 0, &tsq) == OS_OK && tsq, "no tsquery for %s", fq);
	check_tsquery(tsq);
	FUZZ_CHECK(search_snippet(words, sq, col, 2, 16, "…", &mine) == OS_OK, "search_snippet");

	/* FTS5's snippet of the same row, when FTS5 matches it. */
	sqlite3_bind_text(ins, 1, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, body, -1, SQLITE_STATIC);
	FUZZ_CHECK(sqlite3_step(ins) == SQLITE_DONE, "insert");
	sqlite3_reset(ins);
	sqlite3_bind_text(snip, 1, fq, -1, SQLITE_STATIC);
	rc = sqlite3_step(snip);
	FUZZ_CHECK(rc == SQLITE_ROW || rc == SQLITE_DONE, "match %s: %d", fq, rc);
	if (rc == SQLITE_ROW) {
		const char *theirs = (const char *)sqlite3_column_text(snip, 0);

		FUZZ_CHECK(theirs && !strcmp(theirs, mine),
			   "query %s: FTS5 cut \"%s\", search_snippet() \"%s\"", fq,
			   theirs ? theirs : "(null)", mine);
	}
	sqlite3_reset(snip);
	FUZZ_CHECK(sqlite3_step(del) == SQLITE_DONE, "delete");
	sqlite3_reset(del);
done:
	free(mine);
	free(tsq);
	search_query_free(sq);
	free(fq);
	free(vec);
	free(q);
	free(title);
	return 0;
}
