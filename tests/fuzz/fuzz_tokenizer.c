/*
 * The search tokenizer (src/store/words.c, through its FTS5 glue
 * src/store/sqlite/tokenizer.c): every post and comment passes through it
 * when indexed or shown as a snippet, and every search query.
 *
 * Input: the first byte picks how FTS5 calls it (% 4: a document, a
 * document re-read for a snippet, a whole-word query term, a prefix query
 * term); the other bytes are the text, any bytes at all, in a buffer of
 * exactly their size.
 *
 * Invariants (abort() on violation):
 *  - it returns SQLITE_OK;
 *  - every token is 1..260 bytes of well-formed UTF-8, with offsets inside
 *    the text and start <= end;
 *  - words come in order and do not overlap; a colocated token (a stem)
 *    has the offsets of the token before it, and the first is never one;
 *  - a stem, and nothing else, starts with "~" and a language tag: a
 *    document gives each word itself first, then its stems; a prefix query
 *    term gives the word alone;
 *  - the same text gives the same tokens twice (FTS5 removes an entry by
 *    tokenizing its text again).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "store/sqlite/sqlite_int.h"

/* Kept for the whole run (reachable, so no leak): the tokenizer is the
 * connection's. */
static struct store *store;
static fts5_tokenizer methods;
static Fts5Tokenizer *tokenizer;

struct seen {
	const unsigned char *text;
	int n, mode;
	int count;
	int prev_start, prev_end; /* the last token's offsets */
	uint64_t hash;
};

static int
is_stem(const char *t, int n)
{
	static const char *const tags[] = {"~nb:", "~sv:", "~da:", "~en:"};

	if (n < 5)
		return 0;
	for (int i = 0; i < 4; i++)
		if (!memcmp(t, tags[i], 4))
			return 1;
	return 0;
}

static int
on_token(void *arg, int flags, const char *tok, int n, int start, int end)
{
	struct seen *s = arg;
	int stem;

	FUZZ_CHECK(n >= 1 && n <= 260, "a token of %d bytes", n);
	FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)tok, (size_t)n),
		   "a token of malformed UTF-8: %.*s", n, tok);
	FUZZ_CHECK(start >= 0 && start <= end && end <= s->n, "offsets %d..%d in %d bytes",
		   start, end, s->n);
	stem = is_stem(tok, n);
	FUZZ_CHECK(stem || tok[0] != '~', "a word starting with '~': %.*s", n, tok);
	if (flags == FTS5_TOKEN_COLOCATED) {
		FUZZ_CHECK(s->count > 0, "the first token is colocated");
		FUZZ_CHECK(start == s->prev_start && end == s->prev_end,
			   "a colocated token at %d..%d after one at %d..%d", start, end,
			   s->prev_start, s->prev_end);
		FUZZ_CHECK(stem, "a colocated token that is no stem: %.*s", n, tok);
	} else {
		FUZZ_CHECK(flags == 0, "flags %d", flags);
		FUZZ_CHECK(s->count == 0 || start >= s->prev_end,
			   "a word at %d..%d overlaps the one at %d..%d", start, end,
			   s->prev_start, s->prev_end);
		/* Only a whole-word query term starts a word with its stems. */
		FUZZ_CHECK(!stem || s->mode == 2, "mode %d starts a word with a stem: %.*s",
			   s->mode, n, tok);
	}
	FUZZ_CHECK(s->mode != 3 || !stem, "a prefix term with a stem: %.*s", n, tok);
	s->prev_start = start;
	s->prev_end = end;
	s->count++;
	s->hash = (s->hash ^ (uint64_t)flags) * 1099511628211ULL;
	for (int i = 0; i < n; i++)
		s->hash = (s->hash ^ (unsigned char)tok[i]) * 1099511628211ULL;
	s->hash = (s->hash ^ ((uint64_t)start << 32 | (uint64_t)end)) * 1099511628211ULL;
	return SQLITE_OK;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s;
	void *arg = NULL;

	(void)argc;
	(void)argv;
	fuzz_global_init();
	FUZZ_CHECK(store_open(":memory:", STORE_SYNC_NORMAL, &store) == OS_OK, "store_open");
	FUZZ_CHECK(sqlite3_prepare_v2(store_sqlite(store), "SELECT fts5(?1)", -1, &s, NULL) ==
			   SQLITE_OK, "prepare");
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	FUZZ_CHECK(sqlite3_step(s) == SQLITE_ROW && api, "no fts5_api");
	sqlite3_finalize(s);
	FUZZ_CHECK(api->xFindTokenizer(api, STORE_TOKENIZER, &arg, &methods) == SQLITE_OK,
		   "the tokenizer is not registered");
	FUZZ_CHECK(methods.xCreate(arg, NULL, 0, &tokenizer) == SQLITE_OK, "xCreate");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int flags[4] = {FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_AUX,
				     FTS5_TOKENIZE_QUERY,
				     FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX};
	struct seen a, b;
	unsigned char *text;
	size_t n;
	int mode, rc;

	if (size < 1 || size > 100000)
		return 0;
	mode = data[0] % 4;
	n = size - 1;
	text = malloc(n ? n : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, n);
	memset(&a, 0, sizeof a);
	a.text = text;
	a.n = (int)n;
	a.mode = mode;
	a.hash = 1469598103934665603ULL;
	b = a;
	rc = methods.xTokenize(tokenizer, &a, flags[mode], (const char *)text, (int)n, on_token);
	FUZZ_CHECK(rc == SQLITE_OK, "xTokenize said %d", rc);
	rc = methods.xTokenize(tokenizer, &b, flags[mode], (const char *)text, (int)n, on_token);
	FUZZ_CHECK(rc == SQLITE_OK && a.count == b.count && a.hash == b.hash,
		   "two tokenizations differ (%d and %d tokens)", a.count, b.count);
	free(text);
	return 0;
}
