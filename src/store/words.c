/*
 * The words of the search index, for both stores: words in Norwegian
 * bokmål, Swedish, Danish and English find their inflected forms
 * ("kunder" finds "kundene" and "kundens"), in whichever of the four a
 * post is written, without anybody saying which. SQLite's FTS5 tokenizer
 * (src/store/sqlite/tokenizer.c) and the PostgreSQL search
 * (src/store/search_pg.c) both split text here.
 *
 * Words are runs of letters and digits (with the combining marks that
 * follow them); punctuation, symbols, emoji and malformed UTF-8 separate
 * them. Each word is lower-cased and folded here, then stemmed with the
 * Snowball stemmer of each of the four languages (libstemmer). What the
 * index holds for a word:
 *
 *   - the word itself, folded: lower case, accents other than the
 *     Nordic letters removed ("Idé" -> "ide"). å, ä, ö, ø and æ stay
 *     letters of their own: "får" (gets, sheep) and "far" (father) are
 *     different words, and so are "här" and "har";
 *   - its four stems, at the same position (colocated), each in a
 *     namespace of its own language: "~nb:kund", "~sv:kunden",
 *     "~da:kund", "~en:kunden" for "kundene". A word never starts with "~"
 *     (it separates words), so a prefix query on words never meets a stem.
 *
 * Why one namespace per language. A match through stems needs one
 * language's stemmer to see both words as forms of one word: "kunder" and
 * "kundens" meet in "~nb:kund", "customers" and "customer" in
 * "~en:custom". With all stems in one pool, the Swedish stem of one word
 * could meet the English stem of another, which no language's rules
 * support (the Swedish stemmer turns "customers" into "customer" and
 * "customer" into "custom": pooled, "customer" would be a stem of two
 * different English words).
 *
 * Precision. Every word is stemmed in all four languages, so a foreign
 * stemmer can still join two words no speaker would (the English stemmer
 * turns the Norwegian "tenning", ignition, into "ten"). Such a hit can
 * only add results, never hide one, and it ranks below the exact ones:
 * the query (store_search_query()) asks for every word twice, as a prefix
 * of the word itself and as its stems, so a post holding the very word
 * matches both halves and one holding only another form of it matches
 * one. Guessing the language of each post would cut such hits but lose
 * mixed-language posts and short titles, where guesses fail.
 *
 * At query time only what each half needs is asked for: for a prefix term
 * ("kund"*) the folded word alone (a stem of a fragment means nothing),
 * for a whole term the four stems alone (the word's own stems already
 * match wherever the word does).
 *
 * Words with a digit get no stems ("2027", "b2b"), nor do words longer
 * than WORDS_TOKEN_MAX bytes, which are indexed by their first
 * WORDS_TOKEN_MAX bytes: the work per word stays bounded whatever the
 * text holds.
 *
 * Why not SQLite's unicode61 or PostgreSQL's own parser: unicode61's
 * Unicode 6.1 tables take every emoji added since (🙂, 🥰) for a letter,
 * so "kaffe🙂kopp" would be one word, and its diacritic removal folds å
 * into a; PostgreSQL's configurations stem one language each, and the two
 * stores must match the same words.
 */
#include "store/words.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_MAX WORDS_TOKEN_MAX
#define TAG_LEN WORDS_TAG_LEN
#define NO_CHAR UINT32_MAX

enum { LANG_NB, LANG_SV, LANG_DA, LANG_EN, LANG_N };
_Static_assert(LANG_N == WORDS_LANGS, "four languages");

static const struct {
	const char *algorithm;
	const char tag[TAG_LEN + 1];
} langs[LANG_N] = {
	{"norwegian", "~nb:"},
	{"swedish", "~sv:"},
	{"danish", "~da:"},
	{"english", "~en:"},
};

struct words {
	struct sb_stemmer *sb[LANG_N];
};

/* What a character does to words. */
enum kind {
	CH_SEP,    /* ends a word (or is skipped between words) */
	CH_LETTER, /* a letter or digit: part of a word */
	CH_MARK,   /* a combining mark: part of the word before it, if any */
};

/* Punctuation inside the blocks of the world's alphabets (U+0370..U+1FFF),
 * in pairs of first and last. */
static const uint32_t punct_ranges[][2] = {
	{0x37e, 0x37e}, {0x387, 0x387}, {0x55a, 0x55f}, {0x589, 0x58a}, {0x5be, 0x5be},
	{0x5c0, 0x5c0}, {0x5c3, 0x5c3}, {0x5c6, 0x5c6}, {0x5f3, 0x5f4}, {0x600, 0x60f},
	{0x61b, 0x61f}, {0x66a, 0x66d}, {0x6d4, 0x6d4}, {0x964, 0x965}, {0x970, 0x970},
	{0xe4f, 0xe4f}, {0xe5a, 0xe5b}, {0x10fb, 0x10fb}, {0x1360, 0x1368},
	{0x166d, 0x166e}, {0x1680, 0x1680}, {0x169b, 0x169c}, {0x16eb, 0x16ed},
	{0x17d4, 0x17d6}, {0x17d8, 0x17da}, {0x1800, 0x180a}, {0x180e, 0x180e},
};

/*
 * By Unicode block rather than by the full character tables: exact for
 * Latin, and good enough elsewhere (a symbol inside an alphabet's block
 * counts as a letter; a letter among the symbols as a separator).
 */
static enum kind
char_kind(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			       ? CH_LETTER : CH_SEP;
	if (c < 0xc0) /* Latin-1 punctuation and symbols; ª µ º */
		return c == 0xaa || c == 0xb5 || c == 0xba ? CH_LETTER : CH_SEP;
	if (c == 0xd7 || c == 0xf7) /* × ÷ */
		return CH_SEP;
	if (c < 0x300) /* Latin, IPA, modifier letters */
		return CH_LETTER;
	if (c < 0x370) /* combining diacritical marks */
		return CH_MARK;
	if (c < 0x2000) {
		for (size_t i = 0; i < sizeof punct_ranges / sizeof punct_ranges[0]; i++)
			if (c >= punct_ranges[i][0] && c <= punct_ranges[i][1])
				return CH_SEP;
		return CH_LETTER;
	}
	if (c < 0x2c00) /* punctuation, symbols, arrows, shapes, dingbats... */
		return c >= 0x20d0 && c <= 0x20ff ? CH_MARK : CH_SEP;
	if (c < 0x2e00) /* Glagolitic, Latin Extended-C, Coptic, Georgian... */
		return CH_LETTER;
	if (c < 0x2e80) /* supplemental punctuation */
		return CH_SEP;
	if (c < 0x3000)
		return CH_LETTER;
	if (c < 0x3040) /* CJK symbols and punctuation */
		return c >= 0x3005 && c <= 0x3007 ? CH_LETTER : CH_SEP;
	if (c < 0xd800) /* kana, CJK, Yi, Hangul... */
		return CH_LETTER;
	if (c < 0xe000) /* surrogates (next_char() never returns one) */
		return CH_SEP;
	if (c < 0xfe00) /* private use, CJK compatibility, presentation forms */
		return CH_LETTER;
	if (c < 0xfe10) /* variation selectors */
		return CH_MARK;
	if (c < 0xfe70) /* vertical, compatibility and small forms; half marks */
		return c >= 0xfe20 && c <= 0xfe2f ? CH_MARK : CH_SEP;
	if (c < 0xff00)
		return c == 0xfeff ? CH_SEP : CH_LETTER;
	if (c < 0xfff0) /* full- and halfwidth forms */
		return (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
				       (c >= 0xff41 && c <= 0xff5a) || (c >= 0xff66 && c <= 0xffdc)
			       ? CH_LETTER : CH_SEP;
	if (c < 0x10000)
		return CH_SEP;
	if ((c >= 0x1d000 && c < 0x1d250) || /* musical symbols */
	    (c >= 0x1f000 && c < 0x20000) || /* emoji, pictographs, cards... */
	    (c >= 0xe0000 && c < 0xe0100) || /* tags */
	    c > 0x10ffff)
		return CH_SEP;
	if (c >= 0xe0100 && c < 0xe01f0) /* variation selectors */
		return CH_MARK;
	return CH_LETTER;
}

/* U+00E0..U+00FF folded to an ASCII letter, 0 where the letter stays. */
static const char fold_latin1[32] = {
	'a', 'a', 'a', 'a', 0,   0,   0,   'c', /* à á â ã ä å æ ç */
	'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', /* è é ê ë ì í î ï */
	0,   'n', 'o', 'o', 'o', 'o', 0,   0,   /* ð ñ ò ó ô õ ö ÷ */
	0,   'u', 'u', 'u', 'u', 'y', 0,   'y', /* ø ù ú û ü ý þ ÿ */
};

/* U+0100..U+017F (Latin Extended-A), either case, folded to an ASCII
 * letter; '.' where the letter stays (ĳ, ŋ, œ: lower-cased below). */
static const char fold_ext_a[] =
	"aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii"
	".." "jj" "kkk" "llllllllll" "nnnnnnn" ".." "oooooo" ".." "rrrrrr"
	"ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
_Static_assert(sizeof fold_ext_a == 0x80 + 1, "one letter per code point");

/* Lower case, and the accents that may go, gone. */
static uint32_t
fold_char(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		c += 0x20; /* Latin-1 capitals */
	if (c >= 0xe0 && c <= 0xff)
		return fold_latin1[c - 0xe0] ? (uint32_t)fold_latin1[c - 0xe0] : c;
	if (c >= 0x100 && c <= 0x17f) {
		char f = fold_ext_a[c - 0x100];

		return f != '.' ? (uint32_t)f : c | 1;
	}
	if (c >= 0x218 && c <= 0x21b) /* Romanian ș ț, either case */
		return c < 0x21a ? 's' : 't';
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2) /* Greek capitals */
		return c + 0x20;
	if (c == 0x3c2) /* final sigma */
		return 0x3c3;
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 0x25;
	if (c == 0x38c || c == 0x38e || c == 0x38f)
		return c + (c == 0x38c ? 0x40 : 0x3f);
	if (c >= 0x410 && c <= 0x42f) /* Cyrillic capitals */
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c >= 0x531 && c <= 0x556) /* Armenian capitals */
		return c + 0x30;
	if (c == 0x1e9e) /* capital sharp s */
		return 0xdf;
	if (c >= 0x1e00 && c <= 0x1eff && (c <= 0x1e95 || c >= 0x1ea0))
		return c | 1; /* Latin Extended Additional: capitals even */
	if (c >= 0xff21 && c <= 0xff3a) /* fullwidth letters and digits */
		return c - 0xff21 + 'a';
	if (c >= 0xff41 && c <= 0xff5a)
		return c - 0xff41 + 'a';
	if (c >= 0xff10 && c <= 0xff19)
		return c - 0xff10 + '0';
	return c;
}

/* The code point at s[*i], advancing *i; NO_CHAR for a byte that does not
 * start well-formed UTF-8 (the byte alone is skipped). Never reads at or
 * past s[n]. */
static uint32_t
next_char(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char b = s[*i];
	uint32_t c;
	size_t len;

	if (b < 0x80) {
		(*i)++;
		return b;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		len = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		len = 3;
		c = b & 0x0f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		len = 4;
		c = b & 0x07;
	} else {
		(*i)++;
		return NO_CHAR;
	}
	if (len > n - *i) {
		(*i)++;
		return NO_CHAR;
	}
	for (size_t k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80) {
			(*i)++;
			return NO_CHAR;
		}
		c = c << 6 | (s[*i + k] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff)) {
		(*i)++;
		return NO_CHAR;
	}
	*i += len;
	return c;
}

static size_t
utf8_len(uint32_t c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

static void
put_utf8(char *out, uint32_t c)
{
	unsigned char *o = (unsigned char *)out;

	if (c < 0x80) {
		o[0] = (unsigned char)c;
	} else if (c < 0x800) {
		o[0] = (unsigned char)(0xc0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		o[0] = (unsigned char)(0xe0 | c >> 12);
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (c & 0x3f));
	} else {
		o[0] = (unsigned char)(0xf0 | c >> 18);
		o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
		o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		o[3] = (unsigned char)(0x80 | (c & 0x3f));
	}
}

/* A word as it is folded, TOKEN_MAX bytes at most, cut between letters. */
struct word {
	char buf[TOKEN_MAX];
	size_t len;
	size_t last; /* where the last letter starts */
	int cut;     /* it was longer */
	int digit;   /* it holds an ASCII digit */
};

static void
word_letter(struct word *w, uint32_t c)
{
	if (w->cut)
		return;
	c = fold_char(c);
	if (w->len + utf8_len(c) > TOKEN_MAX) {
		w->cut = 1;
		return;
	}
	if (c >= '0' && c <= '9')
		w->digit = 1;
	put_utf8(w->buf + w->len, c);
	w->last = w->len;
	w->len += utf8_len(c);
}

/*
 * A combining mark after a letter (text in decomposed form, "a" + U+030A):
 * the marks that make a Nordic letter make it (å, ä, ö, ø), the others are
 * dropped like the accents of precomposed letters.
 */
static void
word_mark(struct word *w, uint32_t mark)
{
	uint32_t r = 0;
	char last;

	if (w->cut || w->len - w->last != 1)
		return;
	last = w->buf[w->last];
	if (mark == 0x30a && last == 'a')
		r = 0xe5;
	else if (mark == 0x308 && last == 'a')
		r = 0xe4;
	else if (mark == 0x308 && last == 'o')
		r = 0xf6;
	else if ((mark == 0x338 || mark == 0x337) && last == 'o')
		r = 0xf8;
	if (!r)
		return;
	if (w->last + utf8_len(r) > TOKEN_MAX) {
		w->cut = 1;
		return;
	}
	put_utf8(w->buf + w->last, r);
	w->len = w->last + utf8_len(r);
}

/* One word: the folded word and its stems, as the mode wants them (see
 * the top of the file). */
static int
emit_word(struct words *t, enum words_mode mode, const struct word *w, size_t start,
	  size_t end, words_fn fn, void *arg)
{
	char term[TAG_LEN + 2 * TOKEN_MAX];
	int rc, colocated = 0;

	if (mode == WORDS_PREFIX || w->cut || w->digit)
		return fn(arg, 0, w->buf, w->len, start, end);
	if (mode == WORDS_DOCUMENT) {
		if ((rc = fn(arg, 0, w->buf, w->len, start, end)))
			return rc;
		colocated = 1;
	}
	for (int l = 0; l < LANG_N; l++) {
		const sb_symbol *s = sb_stemmer_stem(t->sb[l], (const sb_symbol *)w->buf,
						     (int)w->len);
		int slen;

		if (!s)
			return WORDS_ENOMEM;
		slen = sb_stemmer_length(t->sb[l]);
		/* Stemming shortens; the check only keeps term in bounds. */
		if (slen <= 0 || (size_t)slen > sizeof term - TAG_LEN)
			continue;
		memcpy(term, langs[l].tag, TAG_LEN);
		memcpy(term + TAG_LEN, s, (size_t)slen);
		if ((rc = fn(arg, colocated, term, TAG_LEN + (size_t)slen, start, end)))
			return rc;
		colocated = 1;
	}
	return 0;
}

int
words_split(struct words *t, enum words_mode mode, const char *text, size_t len,
	    words_fn fn, void *arg)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	if (!text)
		len = 0;
	while (i < len) {
		size_t start = i, end;
		uint32_t ch = next_char(s, len, &i);
		struct word w;
		int rc;

		if (char_kind(ch) != CH_LETTER)
			continue;
		memset(&w, 0, sizeof w);
		word_letter(&w, ch);
		end = i;
		/* The whole word is read even past TOKEN_MAX: its end is where
		 * the next word may start. */
		while (i < len) {
			enum kind k;

			ch = next_char(s, len, &i);
			k = char_kind(ch);
			if (k == CH_SEP)
				break;
			if (k == CH_LETTER)
				word_letter(&w, ch);
			else
				word_mark(&w, ch);
			end = i;
		}
		if ((rc = emit_word(t, mode, &w, start, end, fn, arg)))
			return rc;
	}
	return 0;
}

int
words_has_word(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n)
		if (char_kind(next_char(s, n, &i)) == CH_LETTER)
			return 1;
	return 0;
}

void
words_free(struct words *t)
{
	if (!t)
		return;
	for (int l = 0; l < LANG_N; l++)
		sb_stemmer_delete(t->sb[l]);
	free(t);
}

int
words_new(struct words **out)
{
	struct words *t = calloc(1, sizeof *t);

	*out = NULL;
	if (!t)
		return WORDS_ENOMEM;
	/* sb_stemmer_new() fails only out of memory: the four are built in. */
	for (int l = 0; l < LANG_N; l++)
		if (!(t->sb[l] = sb_stemmer_new(langs[l].algorithm, NULL))) {
			words_free(t);
			return WORDS_ENOMEM;
		}
	*out = t;
	return 0;
}
