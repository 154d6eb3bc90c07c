/*
 * The search tokenizer of SQLite's FTS5 tables, "openstrat_stem": the
 * words of src/store/words.c (each word folded, and its Snowball stem in
 * Norwegian bokmål, Swedish, Danish and English as colocated synonyms
 * "~nb:kund" ...; that file says why), handed to FTS5.
 *
 * How FTS5 asks: documents, and their re-reading for snippets
 * (FTS5_TOKENIZE_AUX), get every term, so that the positions are the same
 * both times; a prefix query term ("kund"*) the folded word alone; a whole
 * query term the four stems alone.
 */
#include <stdlib.h>

#include "store/sqlite/sqlite_int.h"
#include "store/words.h"

struct call {
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
};

static int
on_term(void *arg, int colocated, const char *term, size_t len, size_t start, size_t end)
{
	struct call *c = arg;

	return c->token(c->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, term, (int)len,
			(int)start, (int)end);
}

static int
tok_tokenize(Fts5Tokenizer *tk, void *ctx, int flags, const char *text, int n,
	     int (*token)(void *, int, const char *, int, int, int))
{
	struct call c = {.ctx = ctx, .token = token};
	enum words_mode mode = WORDS_DOCUMENT;
	int rc;

	if (flags & FTS5_TOKENIZE_QUERY)
		mode = flags & FTS5_TOKENIZE_PREFIX ? WORDS_PREFIX : WORDS_STEMS;
	rc = words_split((struct words *)tk, mode, text, text && n > 0 ? (size_t)n : 0,
			 on_term, &c);
	return rc == WORDS_ENOMEM ? SQLITE_NOMEM : rc;
}

static void
tok_delete(Fts5Tokenizer *tk)
{
	words_free((struct words *)tk);
}

static int
tok_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct words *w;

	(void)unused;
	(void)argv;
	*out = NULL;
	if (argc)
		return SQLITE_ERROR; /* it takes no options */
	if (words_new(&w))
		return SQLITE_NOMEM;
	*out = (Fts5Tokenizer *)w;
	return SQLITE_OK;
}

int
sql_sqlite_tokenizer_register(sqlite3 *db)
{
	static fts5_tokenizer methods = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	int rc, frc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(s);
	frc = sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return rc;
	if (frc != SQLITE_OK)
		return frc;
	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, STORE_TOKENIZER, NULL, &methods, NULL);
}
