#ifndef OS_STORE_WORDS_H
#define OS_STORE_WORDS_H

/*
 * Private to src/store/: the words of the search index, whichever
 * database holds it (src/store/words.c says what a word is and what is
 * kept of it). SQLite's FTS5 tokenizer (src/store/sqlite/tokenizer.c) and
 * the PostgreSQL search (src/store/search_pg.c) both split text here, so
 * that both stores match the same words.
 */

#include <stddef.h>

/* Bytes of a word the index keeps, and of the longest term (a language
 * tag and a stem of a word that long). */
#define WORDS_TOKEN_MAX 128
#define WORDS_TAG_LEN 4
#define WORDS_TERM_MAX (WORDS_TAG_LEN + 2 * WORDS_TOKEN_MAX)
#define WORDS_LANGS 4

/* What words_split() gives for each word. */
enum words_mode {
	WORDS_DOCUMENT, /* the folded word, then its stems (colocated) */
	WORDS_PREFIX,   /* the folded word alone (a prefix query term) */
	WORDS_STEMS,    /* the stems alone (a whole query term) */
};

/* words_split() out of memory (a callback must not return it). */
#define WORDS_ENOMEM (-1)

/* The four stemmers; not to be shared between threads. */
struct words;

/* 0, or WORDS_ENOMEM. */
int words_new(struct words **out);
void words_free(struct words *w);

/*
 * Calls fn for each term of the n bytes at text (any bytes: malformed
 * UTF-8 separates words), in order: term and its length (1 to
 * WORDS_TERM_MAX bytes of well-formed UTF-8, not terminated), the byte
 * offsets of the word it comes from, and colocated = 1 when it belongs to
 * the same word (the same position) as the term before. A word that gets
 * no stem in WORDS_STEMS mode (one with a digit, or cut) gives its folded
 * self instead, as WORDS_PREFIX does.
 *
 * fn returns 0 to go on; anything else stops the split and is returned.
 * Returns 0, fn's value, or WORDS_ENOMEM.
 */
typedef int (*words_fn)(void *arg, int colocated, const char *term, size_t len,
			size_t start, size_t end);
int words_split(struct words *w, enum words_mode mode, const char *text, size_t n,
		words_fn fn, void *arg);

/* True when the n bytes at text hold a word (emoji, punctuation and
 * malformed UTF-8 are none). */
int words_has_word(const char *text, size_t n);

#endif
