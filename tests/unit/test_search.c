/*
 * Search: src/forum/search.c (the search op), post.similar through the
 * dispatcher, src/store/search.c (the query) and src/store/words.c
 * (the words that stem Norwegian bokmål, Swedish, Danish and English, for
 * FTS5 through src/store/sqlite/tokenizer.c), schema/004_search_stem.sql,
 * which reindexes an existing database with it, and on PostgreSQL
 * src/store/search_pg.c and src/store/search_words.c. The forum's tests
 * run on both stores (OPENSTRAT_TEST_PG, see fixture.h).
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "fixture.h"
#include "forum/posts.h"
#include "forum/revise.h"
#include "forum/search.h"
#include "store/migrations.h"
#include "store/search.h"
#include "store/search_int.h"
#include "store/store_int.h"

static struct fx X;
static struct dispatch *D;
static int64_t R; /* an open internal round */

static int
hub_subscribe(void *arg, void *conn, int64_t round, const struct user *u)
{
	(void)arg;
	(void)conn;
	(void)round;
	(void)u;
	return OS_OK;
}

static void
hub_unsubscribe(void *arg, void *conn, int64_t round)
{
	(void)arg;
	(void)conn;
	(void)round;
}

static size_t
hub_online(void *arg, int64_t round, struct user *out, size_t max, size_t *total)
{
	(void)arg;
	(void)round;
	(void)out;
	(void)max;
	*total = 0;
	return 0;
}

static void
setup(void)
{
	struct dispatch_hub hub = {.subscribe = hub_subscribe,
				   .unsubscribe = hub_unsubscribe,
				   .online = hub_online};

	fx_open(&X, 0);
	R = fx_open_round(&X);
	D = dispatch_new(X.f, &hub);
	ck_assert_ptr_nonnull(D);
}

static void
teardown(void)
{
	dispatch_free(D);
	D = NULL;
	fx_close(&X);
}

static int64_t
post(const char *title, const char *body)
{
	struct post p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.emp, R, KIND_IDEA, title, body, &p)),
			 OS_OK);
	id = p.id;
	post_clear(&p);
	return id;
}

static int64_t
comment(int64_t post_id, const char *body)
{
	struct comment c;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, comments_create(X.f, &X.emp2, post_id, 0, body, &c)), OS_OK);
	id = c.id;
	comment_clear(&c);
	return id;
}

#define MAX_HITS 50

/* What a search found, in its order. */
struct found {
	size_t n;
	int64_t id[MAX_HITS];
	int target[MAX_HITS];
};

/* The search op of the forum layer, as the employee: every word must
 * match, posts and comments of every round. */
static struct found
search(const char *q)
{
	struct search_hit *h;
	struct found f = {0};
	size_t n;

	ck_assert_int_eq(search_run(X.f, &X.emp, q, 0, 0, 0, MAX_HITS, &h, &n), OS_OK);
	for (size_t i = 0; i < n; i++) {
		f.id[f.n] = h[i].id;
		f.target[f.n++] = h[i].target;
	}
	store_search_free(h, n);
	return f;
}

/* post.similar as the web client sends it while someone types a draft. */
static struct found
similar(const char *q)
{
	cJSON *req = cJSON_CreateObject(), *rep, *res, *it;
	struct found f = {0};
	size_t out_len = 0;
	char *msg, *reply;
	int w = -1;

	ck_assert_ptr_nonnull(req);
	cJSON_AddStringToObject(req, "op", "post.similar");
	cJSON_AddNumberToObject(req, "round", (double)R);
	cJSON_AddStringToObject(req, "q", q);
	cJSON_AddNumberToObject(req, "limit", 20);
	msg = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	ck_assert_ptr_nonnull(msg);
	reply = dispatch_request(D, &X.emp, (void *)0x1, msg, strlen(msg), &out_len, &w);
	free(msg);
	ck_assert_ptr_nonnull(reply);
	rep = cJSON_Parse(reply);
	ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rep, "ok")),
		      "post.similar failed: %s", reply);
	free(reply);
	res = cJSON_GetObjectItemCaseSensitive(rep, "results");
	ck_assert(cJSON_IsArray(res));
	cJSON_ArrayForEach(it, res) {
		ck_assert_uint_lt(f.n, MAX_HITS);
		f.id[f.n] = (int64_t)cJSON_GetObjectItemCaseSensitive(it, "id")->valuedouble;
		f.target[f.n++] = TARGET_POST;
	}
	cJSON_Delete(rep);
	return f;
}

/* Where the item is in the results, or -1. */
static int
at(const struct found *f, int target, int64_t id)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->id[i] == id && f->target[i] == target)
			return (int)i;
	return -1;
}

static int
has(struct found f, int64_t id)
{
	return at(&f, TARGET_POST, id) >= 0;
}

#define HAS(f, id) has((f), (id))

/* The search op and post.similar both find (or both miss) the post. */
static void
assert_finds(const char *q, int64_t id, int want)
{
	struct found s = search(q), m = similar(q);

	ck_assert_msg(HAS(s, id) == want, "search \"%s\" %s post %lld", q,
		      want ? "misses" : "finds", (long long)id);
	ck_assert_msg(HAS(m, id) == want, "post.similar \"%s\" %s post %lld", q,
		      want ? "misses" : "finds", (long long)id);
}

/* ---- inflections ---- */

START_TEST(each_language_finds_its_inflected_forms)
{
	int64_t nb1 = post("Kundene våre", "Vi må lytte mer til dem.");
	int64_t nb2 = post("Kundens behov", "Hva trenger hun egentlig?");
	int64_t sv = post("Leverantören svarar sent", "Det tar veckor.");
	int64_t da = post("Leverandøren leverer", "Det går langsomt.");
	int64_t en = post("One customer portal", "A single place to sign in.");
	int64_t other = post("Kantine", "Bedre mat i lunsjen.");
	int64_t c = comment(other, "Kundene klager på maten.");
	struct found f;

	assert_finds("kunder", nb1, 1);
	assert_finds("kunder", nb2, 1);
	assert_finds("kunder", other, 0);
	assert_finds("leverantörer", sv, 1);
	assert_finds("leverandører", da, 1);
	assert_finds("customers", en, 1);
	/* Nothing beyond the word's own forms. */
	assert_finds("kunder", sv, 0);
	assert_finds("kunder", en, 0);
	assert_finds("customers", nb1, 0);
	assert_finds("leverantörer", da, 0);
	assert_finds("leverandører", sv, 0);
	/* Comments too (the search op; post.similar looks at posts only). */
	f = search("kunder");
	ck_assert_int_ge(at(&f, TARGET_COMMENT, c), 0);
	ck_assert_int_eq(f.n, 3);
}
END_TEST

/* å, ä, ö, ø and æ are letters of their own; other accents fold. */
START_TEST(nordic_letters_are_never_folded)
{
	static const char *const pairs[][2] = {
		{"får", "far"}, {"här", "har"}, {"kör", "kor"}, {"før", "for"}, {"sær", "ser"},
	};

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char t[2][64], up[64];
		int64_t id[2];

		for (int k = 0; k < 2; k++) {
			snprintf(t[k], sizeof t[k], "Hva %s mener", pairs[i][k]);
			id[k] = post(t[k], "Tekst.");
		}
		for (int k = 0; k < 2; k++) {
			assert_finds(pairs[i][k], id[k], 1);
			assert_finds(pairs[i][k], id[!k], 0);
		}
		/* Capitals are the same letter (Unicode, not ASCII, case). */
		snprintf(up, sizeof up, "%s", pairs[i][0]);
		for (char *p = up; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
			else if ((unsigned char)*p == 0xc3 && (unsigned char)p[1] >= 0xa0)
				p[1] = (char)(p[1] - 0x20), p++; /* å -> Å, ä -> Ä, ... */
		assert_finds(up, id[0], 1);
		assert_finds(up, id[1], 0);
	}
}
END_TEST

START_TEST(other_accents_fold_and_decomposed_letters_compose)
{
	int64_t idea = post("En ny idé", "Kort.");
	int64_t cafe = post("Kafé eller café", "Kaffe.");
	int64_t far = post("Far sier", "Tekst.");
	int64_t faar = post("Vi får se", "Tekst.");

	assert_finds("ide", idea, 1);
	assert_finds("IDÉ", idea, 1);
	assert_finds("ideer", idea, 1);
	assert_finds("ideen", idea, 1);
	assert_finds("cafe", cafe, 1);
	assert_finds("CAFÉS", cafe, 1);
	/* "får" typed with a combining ring (a + U+030A), as some systems
	 * send it, is "får", not "far". */
	assert_finds("fa\xcc\x8ar", faar, 1);
	assert_finds("fa\xcc\x8ar", far, 0);
	/* And a combining accent folds like a precomposed one. */
	assert_finds("ide\xcc\x81", idea, 1);
}
END_TEST

/* ---- ranking ---- */

START_TEST(the_exact_word_ranks_above_its_other_forms)
{
	/* The other forms first, so that insertion order would put them
	 * first; same lengths, so that only the match tells them apart. */
	int64_t nb_stem = post("Kundene våre", "Vi lytter til dem.");
	int64_t nb_exact = post("Kunder våre", "Vi lytter til dem.");
	int64_t en_stem = post("Customer first", "What they said.");
	int64_t en_exact = post("Customers first", "What they said.");
	struct found f;

	f = search("kunder");
	ck_assert_int_eq(f.n, 2);
	ck_assert_int_eq(f.id[0], nb_exact);
	ck_assert_int_eq(f.id[1], nb_stem);
	f = similar("kunder");
	ck_assert_int_eq(f.n, 2);
	ck_assert_int_eq(f.id[0], nb_exact);
	ck_assert_int_eq(f.id[1], nb_stem);
	f = search("customers");
	ck_assert_int_eq(f.n, 2);
	ck_assert_int_eq(f.id[0], en_exact);
	ck_assert_int_eq(f.id[1], en_stem);
	f = similar("customers first");
	ck_assert_int_ge(f.n, 2);
	ck_assert_int_eq(f.id[0], en_exact);
	ck_assert_int_eq(f.id[1], en_stem);
}
END_TEST

/* ---- mixed and odd text ---- */

START_TEST(a_mixed_language_post_is_found_in_each_language)
{
	int64_t m = post("Customers og leverandører",
			 "Våra leverantörer och kundene, all in one customer portal.");
	int64_t other = post("Kantine", "Bedre mat.");

	assert_finds("customer", m, 1);
	assert_finds("kunder", m, 1);
	assert_finds("leverantören", m, 1);
	assert_finds("leverandøren", m, 1);
	assert_finds("kunder", other, 0);
	/* Every word must match for search, in whichever language. */
	ck_assert(HAS(search("kunder leverandøren customers leverantör"), m));
	ck_assert(!HAS(search("kunder kantine"), m));
}
END_TEST

START_TEST(odd_text_is_searched_without_harm)
{
	char *longword = fx_repeat("a", 10000);
	char *longnordic = fx_repeat("å", 200);
	char *q;
	int64_t lw, ln, dig, emo;
	struct found f;

	lw = post("Lang", longword);
	ln = post(longnordic, "Lang tittel.");
	dig = post("Mål for 2027", "B2B først.");
	emo = post("Bedre kaffe ☕🙂!!!", "kaffe🙂kopp — «sitat» (parentes) 50% #tag");

	/* A word of 10,000 letters is indexed by its first 128 bytes (the
	 * search op takes a query that long; post.similar's q stops at 1000). */
	ck_assert(HAS(search(longword), lw));
	q = fx_repeat("a", 300);
	assert_finds(q, lw, 1);
	free(q);
	assert_finds(longnordic, ln, 1);
	assert_finds(longnordic, lw, 0);
	/* Digits are words of their own, not stemmed. */
	assert_finds("2027", dig, 1);
	assert_finds("2026", dig, 0);
	assert_finds("b2b", dig, 1);
	/* Emoji and punctuation separate words. */
	assert_finds("kopp", emo, 1);
	assert_finds("kaffe", emo, 1);
	assert_finds("sitat", emo, 1);
	/* Queries of nothing findable find nothing, without an error. */
	ck_assert_int_eq(search("").n, 0);
	ck_assert_int_eq(search("   ").n, 0);
	ck_assert_int_eq(search("🙂").n, 0);
	ck_assert_int_eq(search("!!! ---").n, 0);
	ck_assert_int_eq(search("\"*^:()").n, 0);
	ck_assert_int_eq(similar("").n, 0);
	ck_assert_int_eq(similar("☕🙂").n, 0);
	f = search("🙂 kaffe");
	ck_assert(HAS(f, emo));
	free(longword);
	free(longnordic);
}
END_TEST

/* Text the forum would never store (it refuses malformed UTF-8), written
 * straight into the table: indexing it, searching it and cutting its
 * snippet must not crash or read past it. */
START_TEST(malformed_utf8_in_the_rows_is_harmless)
{
	static const char bad[] = "kundene \xc3 \xff\xfe leverand\xf8ren \xed\xa0\x80 "
				  "\xe2\x82 kunde\xc3\xa5\xcc \xf0\x9f\x98";
	int64_t p = post("Ren tittel", "Ren tekst.");
	sqlite3 *db = store_sqlite(X.st);
	sqlite3_stmt *s;
	struct found f;

	ck_assert_int_eq(sqlite3_prepare_v2(db,
		"INSERT INTO comments (post_id, body, body_html, author_id, created_at) "
		"VALUES (?1, CAST(?2 AS TEXT), '', ?3, 0)", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, p);
	sqlite3_bind_blob(s, 2, bad, (int)sizeof bad - 1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, X.emp.id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO comments_fts (rowid, body) "
				      "SELECT id, body FROM comments", NULL, NULL, NULL),
			 SQLITE_OK);
	f = search("kunder");
	ck_assert_int_eq(f.n, 1);
	ck_assert_int_eq(f.target[0], TARGET_COMMENT);
	ck_assert_int_eq(store_integrity_check(X.st), OS_OK);
}
END_TEST

/* ---- edits, snippets and the index on either store ---- */

/* The search op's hits as the store gives them (snippets too). */
static struct search_hit *
hits_of(const char *q, int all, size_t *n)
{
	struct search_hit *h = NULL;
	char *fq;

	ck_assert_int_eq(store_search_query(q, all, &fq), OS_OK);
	ck_assert_ptr_nonnull(fq);
	ck_assert_int_eq(store_search(X.st, fq, 0, 0, MAX_HITS, &h, n), OS_OK);
	free(fq);
	return h;
}

START_TEST(edits_are_found_by_their_new_words)
{
	int64_t p = post("Kantine", "Bedre mat i lunsjen.");
	int64_t c = comment(p, "Kundene klager på maten.");
	struct comment co;
	struct post po;
	struct found f;

	ck_assert(!HAS(search("leverandører"), p));
	ck_assert_int_eq(FX_W(&X, posts_update(X.f, &X.emp, p, "Leverandøren svarer sent",
					       NULL, &po)), OS_OK);
	post_clear(&po);
	assert_finds("leverandører", p, 1);
	assert_finds("kantine", p, 0);
	/* The body stays indexed with the new title. */
	assert_finds("lunsj", p, 1);
	ck_assert_int_eq(FX_W(&X, posts_update(X.f, &X.emp, p, NULL, "Kundene venter.", &po)),
			 OS_OK);
	post_clear(&po);
	assert_finds("kunder", p, 1);
	assert_finds("lunsj", p, 0);
	assert_finds("leverandører", p, 1);

	f = search("kunder klager");
	ck_assert_int_ge(at(&f, TARGET_COMMENT, c), 0);
	ck_assert_int_eq(FX_W(&X, comments_update(X.f, &X.emp2, c, "Leverantören svarar sent.",
						  &co)), OS_OK);
	comment_clear(&co);
	f = search("klager");
	ck_assert_int_lt(at(&f, TARGET_COMMENT, c), 0);
	f = search("leverantörer svarar");
	ck_assert_int_ge(at(&f, TARGET_COMMENT, c), 0);
	ck_assert_int_eq(store_integrity_check(X.st), OS_OK);
}
END_TEST

/* What a hit shows: FTS5's snippet of 16 words, "…" where the text is
 * cut, from the column (title or body) that shows most of the query. */
START_TEST(snippets_show_the_words_found)
{
	int64_t p = post("Kantine og mat",
			 "Vi har snakket lenge om dette. Maten i kantinen er dyr og kald, og "
			 "mange spiser ute. Kundene merker det også: de som kommer på besøk "
			 "får ikke noe varmt. Vi foreslår en ny leverandør fra neste år, og "
			 "en prøveperiode på tre måneder.");
	int64_t c = comment(p, "Enig! Kundene våre klager hver uke.");
	struct search_hit *h;
	size_t n;

	h = hits_of("kunder", 1, &n);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (h[i].target == TARGET_POST) {
			ck_assert_int_eq(h[i].id, p);
			ck_assert_str_eq(h[i].snippet,
					 "…dyr og kald, og mange spiser ute. Kundene merker det "
					 "også: de som kommer på besøk…");
		} else {
			ck_assert_int_eq(h[i].id, c);
			ck_assert_str_eq(h[i].snippet, "Enig! Kundene våre klager hver uke.");
		}
	}
	store_search_free(h, n);
	/* A word in the title and the body: the window with both. */
	h = hits_of("leverandør år", 1, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(h[0].snippet, "…Vi foreslår en ny leverandør fra neste år, og en "
				       "prøveperiode på tre måneder.");
	store_search_free(h, n);
	h = hits_of("kantine", 1, &n);
	ck_assert_uint_eq(n, 1);
	/* The title and the body both hold it, the body at the start of a
	 * sentence, which FTS5 prefers. */
	ck_assert_str_eq(h[0].snippet, "…Maten i kantinen er dyr og kald, og mange spiser ute. "
				       "Kundene merker det også: de…");
	store_search_free(h, n);
}
END_TEST

static int
rnd(uint32_t *seed, int n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (int)((*seed >> 16) % (unsigned)n);
}

/* The snippets the PostgreSQL store cuts in C (search_snippet()) are
 * FTS5's, on many texts and queries: checked against FTS5 itself. */
START_TEST(snippets_cut_in_c_are_fts5s)
{
	static const char *const vocab[] = {
		"kunde", "kunder", "kundene", "Kundens", "leverandør", "leverandøren",
		"leverantör", "leverantören", "customer", "customers", "mat", "maten",
		"kaffe", "kaffen", "får", "far", "idé", "ideer", "2027", "b2b", "møte",
		"møtet", "plan", "planen", "vi", "og", "er", "i", "på", "det",
	};
	static const char *const seps[] = {" ", " ", " ", " ", ", ", ". ", ": ", "! ", " — ",
					   "\n", " 🙂 ", ".\n\n", "🙂", " (", ") "};
	enum { NV = sizeof vocab / sizeof vocab[0], NS = sizeof seps / sizeof seps[0],
	       NPOST = 40 };
	static char titles[NPOST][200], bodies[NPOST][2000], cbodies[NPOST][600];
	int64_t pid[NPOST], cid[NPOST];
	struct words *w = store_words(X.st);
	uint32_t seed = 7;
	int compared = 0;

	ck_assert_ptr_nonnull(w);
	for (int i = 0; i < NPOST; i++) {
		int nt = 1 + rnd(&seed, 6), nb = 1 + rnd(&seed, 60), nc = 1 + rnd(&seed, 20);
		size_t o;

		o = 0;
		for (int k = 0; k < nt; k++)
			o += (size_t)snprintf(titles[i] + o, sizeof titles[i] - o, "%s%s",
					      k ? " " : "", vocab[rnd(&seed, NV)]);
		o = 0;
		for (int k = 0; k < nb; k++)
			o += (size_t)snprintf(bodies[i] + o, sizeof bodies[i] - o, "%s%s",
					      vocab[rnd(&seed, NV)], seps[rnd(&seed, NS)]);
		o = 0;
		for (int k = 0; k < nc; k++)
			o += (size_t)snprintf(cbodies[i] + o, sizeof cbodies[i] - o, "%s%s",
					      vocab[rnd(&seed, NV)], seps[rnd(&seed, NS)]);
		/* As the forum keeps them: without white space at the end. */
		for (o = strlen(bodies[i]); o && strchr(" \n", bodies[i][o - 1]); o--)
			bodies[i][o - 1] = '\0';
		for (o = strlen(cbodies[i]); o && strchr(" \n", cbodies[i][o - 1]); o--)
			cbodies[i][o - 1] = '\0';
		pid[i] = post(titles[i], bodies[i]);
		cid[i] = comment(pid[i], cbodies[i]);
	}
	for (int round = 0; round < 150; round++) {
		char q[200];
		struct search_query *sq;
		struct search_hit *h;
		size_t n, o = 0;
		char *fq;
		int nw = 1 + rnd(&seed, 3);

		for (int k = 0; k < nw; k++) {
			const char *v = vocab[rnd(&seed, NV)];
			int cut = rnd(&seed, 4) == 0 && strlen(v) > 3;

			o += (size_t)snprintf(q + o, sizeof q - o, "%s%.*s", k ? " " : "",
					      cut ? 3 : (int)strlen(v), v);
		}
		ck_assert_int_eq(store_search_query(q, round % 2, &fq), OS_OK);
		ck_assert_int_eq(store_search(X.st, fq, 0, 0, 100, &h, &n), OS_OK);
		ck_assert_int_eq(search_query_parse(w, fq, &sq), OS_OK);
		for (size_t i = 0; i < n; i++) {
			const char *col[2];
			char *mine;
			int k;

			for (k = 0; k < NPOST; k++)
				if (h[i].target == TARGET_POST ? pid[k] == h[i].id : cid[k] == h[i].id)
					break;
			ck_assert_int_lt(k, NPOST);
			col[0] = h[i].target == TARGET_POST ? titles[k] : cbodies[k];
			col[1] = bodies[k];
			ck_assert_int_eq(search_snippet(w, sq, col, h[i].target == TARGET_POST ? 2 : 1,
							16, "…", &mine), OS_OK);
			if (strcmp(mine, h[i].snippet))
				ck_abort_msg("query %s, %s %lld: FTS5 cut \"%s\", search_snippet() \"%s\"",
					     fq, h[i].target == TARGET_POST ? "post" : "comment",
					     (long long)h[i].id, h[i].snippet, mine);
			free(mine);
			compared++;
		}
		search_query_free(sq);
		store_search_free(h, n);
		free(fq);
	}
	ck_assert_int_gt(compared, 500);
}
END_TEST

/* On PostgreSQL: a tsvector matches a tsquery exactly when FTS5 matches
 * the same row with the same query, on many texts and queries (an FTS5
 * table of an in-memory SQLite database beside the test's PostgreSQL). */
START_TEST(pg_matches_what_fts5_matches)
{
	static const char *const vocab[] = {
		"kunde", "kunder", "kundene", "Kundens", "leverandør", "leverandøren",
		"leverantör", "leverantören", "customer", "customers", "mat", "maten",
		"kaffe", "kaffen", "får", "far", "idé", "ideer", "2027", "b2b", "møte",
		"møtet", "kaffe🙂kopp", "kopp", "vi", "og", "er", "i", "på", "det",
	};
	static const char *const seps[] = {" ", " ", ", ", ". ", " 🙂 ", "\n", "🙂", " — "};
	enum { NV = sizeof vocab / sizeof vocab[0], NS = sizeof seps / sizeof seps[0],
	       NDOC = 30 };
	static char titles[NDOC][200], bodies[NDOC][1200];
	struct words *w = store_words(X.st);
	sqlite3_stmt *ins, *match;
	struct sql_stmt *pgm;
	uint32_t seed = 11;
	sqlite3 *db;
	int matched = 0, compared = 0;

	if (store_dialect(X.st) != SQL_POSTGRESQL)
		return;
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sql_sqlite_tokenizer_register(db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE VIRTUAL TABLE f USING fts5 (title, body, "
				      "tokenize = '" STORE_TOKENIZER "')", NULL, NULL, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO f (rowid, title, body) "
					    "VALUES (?1, ?2, ?3)", -1, &ins, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT 1 FROM f WHERE f MATCH ?1 AND rowid = ?2",
					    -1, &match, NULL), SQLITE_OK);
	ck_assert_int_eq(sql_prepare(store_conn(X.st), "SELECT CAST(?1 AS tsvector) @@ "
				     "CAST(?2 AS tsquery)", &pgm), SQL_OK);
	for (int i = 0; i < NDOC; i++) {
		int nt = 1 + rnd(&seed, 5), nb = rnd(&seed, 40);
		size_t o = 0;

		for (int k = 0; k < nt; k++)
			o += (size_t)snprintf(titles[i] + o, sizeof titles[i] - o, "%s%s",
					      k ? " " : "", vocab[rnd(&seed, NV)]);
		o = 0;
		for (int k = 0; k < nb; k++)
			o += (size_t)snprintf(bodies[i] + o, sizeof bodies[i] - o, "%s%s",
					      vocab[rnd(&seed, NV)], seps[rnd(&seed, NS)]);
		sqlite3_bind_int(ins, 1, i + 1);
		sqlite3_bind_text(ins, 2, titles[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, bodies[i], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	for (int round = 0; round < 60; round++) {
		struct search_query *sq;
		char q[200], *fq, *tsq;
		size_t o = 0;
		int nw = 1 + rnd(&seed, 3);

		for (int k = 0; k < nw; k++) {
			const char *v = vocab[rnd(&seed, NV)];
			int cut = rnd(&seed, 4) == 0 && strlen(v) > 3;

			o += (size_t)snprintf(q + o, sizeof q - o, "%s%.*s", k ? " " : "",
					      cut ? 3 : (int)strlen(v), v);
		}
		ck_assert_int_eq(store_search_query(q, round % 2, &fq), OS_OK);
		ck_assert_int_eq(search_query_parse(w, fq, &sq), OS_OK);
		ck_assert_int_eq(search_query_tsquery(sq, 0, &tsq), OS_OK);
		for (int i = 0; i < NDOC; i++) {
			const char *col[2] = {titles[i], bodies[i]};
			int fts5, pg;
			char *vec;

			ck_assert_int_eq(search_vector(w, col, "AD", 2, &vec), OS_OK);
			sqlite3_bind_text(match, 1, fq, -1, SQLITE_STATIC);
			sqlite3_bind_int(match, 2, i + 1);
			fts5 = sqlite3_step(match) == SQLITE_ROW;
			sqlite3_reset(match);
			sql_bind_text(pgm, 1, vec, -1);
			sql_bind_text(pgm, 2, tsq, -1);
			ck_assert_int_eq(sql_step(pgm), SQL_ROW);
			pg = sql_col_int(pgm, 0);
			sql_reset(pgm);
			if (fts5 != pg)
				ck_abort_msg("\"%s\" on \"%s\" / \"%s\": FTS5 %s, PostgreSQL (%s) %s", q,
					     titles[i], bodies[i], fts5 ? "matches" : "does not",
					     tsq, pg ? "matches" : "does not");
			matched += fts5;
			compared++;
			free(vec);
		}
		free(tsq);
		search_query_free(sq);
		free(fq);
	}
	sql_finalize(pgm);
	sqlite3_finalize(ins);
	sqlite3_finalize(match);
	sqlite3_close(db);
	/* Both outcomes, many times. */
	ck_assert_int_gt(matched, 100);
	ck_assert_int_gt(compared - matched, 100);
}
END_TEST

/* The vector of a row, as PostgreSQL reads it: each word and its stems at
 * one position, the title weighing A, the body after a free position. */
START_TEST(vectors_hold_each_word_and_its_stems)
{
	struct words *w = store_words(X.st);
	const char *col[2] = {"Kundene", "b2b får 🙂 Får"};
	char *v;

	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(search_vector(w, col, "AD", 2, &v), OS_OK);
	ck_assert_str_eq(v, "'b2b':3 'får':4,5 'kundene':1A '~da:får':4,5 '~da:kund':1A "
			    "'~en:får':4,5 '~en:kunden':1A '~nb:får':4,5 '~nb:kund':1A "
			    "'~sv:får':4,5 '~sv:kunden':1A");
	free(v);
	col[0] = "🙂 !";
	ck_assert_int_eq(search_vector(w, col, "D", 1, &v), OS_OK);
	ck_assert_str_eq(v, "");
	free(v);
}
END_TEST

/* On PostgreSQL: the vectors are PostgreSQL's own spelling of them, and
 * `openstrat check` sees one that is missing or out of step. */
START_TEST(pg_check_sees_a_vector_out_of_step)
{
	int64_t p, c;
	char sql[160];

	if (store_dialect(X.st) != SQL_POSTGRESQL)
		return;
	p = post("Kundene våre", "Vi må lytte. 'Sitat' \\ og «mer»");
	c = comment(p, "Leverandøren svarte ikke.");
	ck_assert_int_eq(store_integrity_check(X.st), OS_OK);
	/* search_vector() writes what PostgreSQL prints (check's fast path). */
	ck_assert_int_eq(fx_count(&X, "posts WHERE CAST(CAST(CAST(search AS text) AS tsvector) "
				      "AS text) <> CAST(search AS text) OR search IS NULL"), 0);
	snprintf(sql, sizeof sql, "UPDATE posts SET search = NULL WHERE id = %lld", (long long)p);
	ck_assert_int_eq(sql_exec(store_conn(X.st), sql), SQL_OK);
	ck_assert_int_ne(store_integrity_check(X.st), OS_OK);
	ck_assert_int_eq(store_fts_edited_post(X.st, p), OS_OK);
	ck_assert_int_eq(store_integrity_check(X.st), OS_OK);
	snprintf(sql, sizeof sql, "UPDATE comments SET search = CAST('leverandøren:1' AS tsvector) "
		 "WHERE id = %lld", (long long)c);
	ck_assert_int_eq(sql_exec(store_conn(X.st), sql), SQL_OK);
	ck_assert_int_ne(store_integrity_check(X.st), OS_OK);
	ck_assert_int_eq(store_fts_edited_comment(X.st, c), OS_OK);
	ck_assert_int_eq(store_integrity_check(X.st), OS_OK);
}
END_TEST

/* ---- the tokenizer itself ---- */

static fts5_api *
fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	sqlite3_finalize(s);
	ck_assert_ptr_nonnull(api);
	return api;
}

#define MAX_TOKENS 64

struct toks {
	int input;                      /* the input's length */
	int n;                          /* tokens seen, kept or not */
	char t[MAX_TOKENS][300];
	int len[MAX_TOKENS], flags[MAX_TOKENS];
	int start[MAX_TOKENS], end[MAX_TOKENS];
};

static int
collect(void *arg, int flags, const char *tok, int n, int start, int end)
{
	struct toks *k = arg;

	/* Every token is well-formed UTF-8 of bounded size, inside the input;
	 * only a token after another may be colocated with it. (Checked by
	 * hand: ck_assert logs every pass, too slow for the random inputs.) */
	if (n <= 0 || n > 4 + 2 * 128 || !os_utf8_valid(tok, (size_t)n) || start < 0 ||
	    start > end || end > k->input ||
	    (flags != 0 && (flags != FTS5_TOKEN_COLOCATED || k->n == 0)))
		ck_abort_msg("bad token: %d bytes at %d..%d of %d, flags %d", n, start, end,
			     k->input, flags);
	if (k->n < MAX_TOKENS) {
		memcpy(k->t[k->n], tok, (size_t)n);
		k->t[k->n][n] = '\0';
		k->len[k->n] = n;
		k->flags[k->n] = flags;
		k->start[k->n] = start;
		k->end[k->n] = end;
	}
	k->n++;
	return SQLITE_OK;
}

static fts5_tokenizer TM;
static Fts5Tokenizer *TK;

static void
tok_setup(void)
{
	fts5_api *api;
	void *arg = NULL;

	setup();
	api = fts5_of(store_sqlite(X.st));
	ck_assert_int_eq(api->xFindTokenizer(api, STORE_TOKENIZER, &arg, &TM), SQLITE_OK);
	ck_assert_int_eq(TM.xCreate(arg, NULL, 0, &TK), SQLITE_OK);
}

static void
tok_teardown(void)
{
	TM.xDelete(TK);
	TK = NULL;
	teardown();
}

/* Tokenizes n bytes copied into a buffer of exactly that size, so that
 * AddressSanitizer sees any read past the end. */
static void
tokenize(int flags, const void *text, size_t n, struct toks *k)
{
	char *buf = malloc(n ? n : 1);
	int rc;

	if (!buf)
		ck_abort_msg("out of memory");
	memcpy(buf, text, n);
	memset(k, 0, sizeof *k);
	k->input = (int)n;
	rc = TM.xTokenize(TK, k, flags, buf, (int)n, collect);
	free(buf);
	if (rc != SQLITE_OK)
		ck_abort_msg("xTokenize said %d", rc);
}

static void
tokenize_s(int flags, const char *text, struct toks *k)
{
	tokenize(flags, text, strlen(text), k);
}

/* The tokens, "|"-joined, colocated ones marked with "+". */
static const char *
joined(const struct toks *k)
{
	static char out[4096];
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; i < k->n && i < MAX_TOKENS; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s%s", i ? "|" : "",
				      k->flags[i] ? "+" : "", k->t[i]);
	return out;
}

START_TEST(tokenizer_emits_the_word_and_its_four_stems)
{
	struct toks k;

	tokenize_s(FTS5_TOKENIZE_DOCUMENT, "Kundene", &k);
	ck_assert_str_eq(joined(&k), "kundene|+~nb:kund|+~sv:kunden|+~da:kund|+~en:kunden");
	for (int i = 0; i < k.n; i++) {
		ck_assert_int_eq(k.start[i], 0);
		ck_assert_int_eq(k.end[i], 7);
	}
	/* Snippets re-read documents: the same terms at the same places. */
	tokenize_s(FTS5_TOKENIZE_AUX, "Kundene", &k);
	ck_assert_str_eq(joined(&k), "kundene|+~nb:kund|+~sv:kunden|+~da:kund|+~en:kunden");
	/* A prefix query looks for the word only, a whole word for stems. */
	tokenize_s(FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "Kundene", &k);
	ck_assert_str_eq(joined(&k), "kundene");
	tokenize_s(FTS5_TOKENIZE_QUERY, "Kundene", &k);
	ck_assert_str_eq(joined(&k), "~nb:kund|+~sv:kunden|+~da:kund|+~en:kunden");
	tokenize_s(FTS5_TOKENIZE_DOCUMENT, "Leverandøren, customers!", &k);
	ck_assert_str_eq(joined(&k), "leverandøren|+~nb:leverandør|+~sv:leverandør|"
			 "+~da:leverandør|+~en:leverandøren|customers|+~nb:custom|"
			 "+~sv:customer|+~da:custom|+~en:custom");
	ck_assert_int_eq(k.start[5], 15);
	ck_assert_int_eq(k.end[5], 24);
}
END_TEST

START_TEST(tokenizer_folds_case_and_accents_but_not_nordic_letters)
{
	struct toks k;

	tokenize_s(FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX,
		   "ÅSE Ærlig ØL Äta Öl får FAR Idé CAFÉ Ğüzel Łódź ÑANDÚ ÇA Œuvre ΑΘΗΝΑ "
		   "strasse STRAẞE",
		   &k);
	ck_assert_str_eq(joined(&k), "åse|ærlig|øl|äta|öl|får|far|ide|cafe|guzel|lodz|"
				     "nandu|ca|œuvre|αθηνα|strasse|straße");
	/* Decomposed letters: a + ring is å, o + diaeresis is ö, e + acute
	 * is e; a mark with nothing to stand on is dropped. */
	tokenize_s(FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX,
		   "fa\xcc\x8ar o\xcc\x88l ide\xcc\x81 A\xcc\x8aSE \xcc\x8a", &k);
	ck_assert_str_eq(joined(&k), "får|öl|ide|åse");
}
END_TEST

START_TEST(tokenizer_handles_edge_inputs)
{
	struct toks k;
	char *s;

	tokenize(FTS5_TOKENIZE_DOCUMENT, "", 0, &k);
	ck_assert_int_eq(k.n, 0);
	tokenize_s(FTS5_TOKENIZE_DOCUMENT, " \t\n.,;:!?-—«»\"'()[]{}#%&*+/=<>@\\^_`|~☕🙂👍🏽", &k);
	ck_assert_int_eq(k.n, 0);
	/* Digits: the word alone, never stemmed. */
	tokenize_s(FTS5_TOKENIZE_DOCUMENT, "2027 b2b 3,5", &k);
	ck_assert_str_eq(joined(&k), "2027|b2b|3|5");
	tokenize_s(FTS5_TOKENIZE_QUERY, "2027", &k);
	ck_assert_str_eq(joined(&k), "2027");
	/* Emoji between letters separate two words. */
	tokenize_s(FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "kaffe🙂kopp", &k);
	ck_assert_str_eq(joined(&k), "kaffe|kopp");

	/* 10,000 letters: one word of 128 bytes, no stems. */
	s = fx_repeat("a", 10000);
	tokenize(FTS5_TOKENIZE_DOCUMENT, s, 10000, &k);
	ck_assert_int_eq(k.n, 1);
	ck_assert_int_eq(k.len[0], 128);
	ck_assert_int_eq(k.start[0], 0);
	ck_assert_int_eq(k.end[0], 10000);
	free(s);
	/* Two-byte letters are cut between letters, never inside one. */
	s = fx_repeat("å", 10000);
	tokenize(FTS5_TOKENIZE_DOCUMENT, s, strlen(s), &k);
	ck_assert_int_eq(k.n, 1);
	ck_assert_int_eq(k.len[0], 128);
	free(s);
	s = fx_repeat("xå", 5000);
	tokenize(FTS5_TOKENIZE_DOCUMENT, s, strlen(s), &k);
	ck_assert_int_eq(k.n, 1);
	ck_assert_int_eq(k.len[0], 127);
	free(s);
	/* Many words: every one of them. */
	s = fx_repeat("kunde ", 2000);
	tokenize(FTS5_TOKENIZE_DOCUMENT, s, strlen(s), &k);
	ck_assert_int_eq(k.n, 2000 * 5);
	free(s);
	/* The tokenizer takes no options. */
	{
		fts5_api *api = fts5_of(store_sqlite(X.st));
		const char *argv[] = {"remove_diacritics", "1"};
		fts5_tokenizer m;
		Fts5Tokenizer *t = NULL;
		void *arg = NULL;

		ck_assert_int_eq(api->xFindTokenizer(api, STORE_TOKENIZER, &arg, &m), SQLITE_OK);
		ck_assert_int_eq(m.xCreate(arg, argv, 2, &t), SQLITE_ERROR);
		ck_assert_ptr_null(t);
	}
}
END_TEST

START_TEST(tokenizer_survives_malformed_utf8)
{
	static const char *const bad[] = {
		"\xc3", "abc\xc3", "\xe2\x82", "kunde\xe2\x82", "\xf0\x9f\x98", "\xff\xfe\xfd",
		"\xc0\xaf", "\xed\xa0\x80", "\x80\x80" "abc", "kunde\xff" "ne", "\xf4\x90\x80\x80",
		"\xf8\x88\x80\x80\x80", "a\xcc", "\xcc\x8a", "fa\xcc\x8a\xcc", "\xe5\xf8\xe6",
		"\xc3\xa5\xc3", "\xef\xbf\xbf\xef\xbf\xbe", "x\x00y",
	};
	static const unsigned char alphabet[][4] = {
		{'a'}, {'K'}, {'e'}, {'r'}, {'n'}, {' '}, {'1'}, {'-'}, {0xc3, 0xa5}, {0xc3, 0x85},
		{0xc3, 0xb8}, {0xc3, 0xa9}, {0xcc, 0x8a}, {0xcc, 0x88}, {0xf0, 0x9f, 0x99, 0x82},
		{0xe2, 0x80, 0x94}, {0xc3}, {0xe2, 0x82}, {0xf0}, {0x80}, {0xbf}, {0xff}, {0xfe},
		{0xed, 0xa0}, {0x00},
	};
	static const int alen[] = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 4, 3, 1, 2, 1, 1,
				   1, 1, 1, 2, 1};
	static const int modes[] = {FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_AUX,
				    FTS5_TOKENIZE_QUERY,
				    FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX};
	unsigned char buf[400];
	uint32_t seed = 12345;
	struct toks k;

	_Static_assert(sizeof alen / sizeof alen[0] == sizeof alphabet / sizeof alphabet[0],
		       "one length per letter");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		for (size_t m = 0; m < 4; m++)
			tokenize(modes[m], bad[i], strlen(bad[i]), &k);
	tokenize(FTS5_TOKENIZE_DOCUMENT, "x\0y", 3, &k);
	ck_assert_str_eq(joined(&k), "x|+~nb:x|+~sv:x|+~da:x|+~en:x|y|+~nb:y|+~sv:y|+~da:y|+~en:y");
	/* Malformed bytes inside a word never join it to the letters beside. */
	tokenize_s(FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "kunde\xff" "ne", &k);
	ck_assert_int_ge(k.n, 1);
	ck_assert_str_eq(k.t[0], "kunde");
	/* Random strings of letters, marks, emoji and broken sequences. */
	for (int round = 0; round < 20000; round++) {
		size_t n = 0, want;

		seed = seed * 1103515245u + 12345u;
		want = (seed >> 16) % 96;
		while (n < want) {
			size_t l;

			seed = seed * 1103515245u + 12345u;
			l = (seed >> 16) % (sizeof alen / sizeof alen[0]);
			memcpy(buf + n, alphabet[l], (size_t)alen[l]);
			n += (size_t)alen[l];
		}
		tokenize(modes[round % 4], buf, n, &k);
	}
}
END_TEST

/* ---- the migration ---- */

static char dbdir[64], dbpath[128];

static void
tmp_setup(void)
{
	snprintf(dbdir, sizeof dbdir, "/tmp/os_search_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dbdir));
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dbdir);
}

static void
tmp_teardown(void)
{
	char p[160];

	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	rmdir(dbdir);
}

static int64_t
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* A database of the schema before 004 (search with unicode61), with posts
 * and comments indexed, is reindexed on open: the old rows are found by
 * their inflected forms, and the index agrees with them. */
START_TEST(migration_reindexes_an_existing_database)
{
	struct search_hit *h;
	struct store *st;
	sqlite3 *db;
	size_t n;
	char *q;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	for (int i = 0; i < store_migration_count && store_migrations[i].version <= 3; i++)
		ck_assert_int_eq(sqlite3_exec(db, store_migrations[i].sql, NULL, NULL, NULL),
				 SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
		"PRAGMA user_version = 3;"
		"INSERT INTO users (id, username, display_name, role, pw_hash, created_at) "
		"VALUES (1, 'ann', 'Ann', 'manager', 'x', 0);"
		"INSERT INTO rounds (id, title, phase, audience, vote_mode, created_by, "
		"created_at, updated_at) VALUES (1, 'R', 'open', 'internal', 'updown', 1, 0, 0);"
		"INSERT INTO posts (id, round_id, kind, title, body, body_html, author_id, "
		"created_at) VALUES (1, 1, 'idea', 'Kundene våre', 'Vi må lytte.', '', 1, 0),"
		"(2, 1, 'idea', 'Kantine', 'Mat.', '', 1, 0);"
		"INSERT INTO comments (id, post_id, body, body_html, author_id, created_at) "
		"VALUES (1, 2, 'Leverandøren svarte ikke.', '', 1, 0);"
		"INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');"
		"INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');",
		NULL, NULL, NULL), SQLITE_OK);
	/* Before: unicode61 knows only the words as written. */
	ck_assert_int_eq(count(db, "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'kundene'"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'kunder'"), 0);
	sqlite3_close(db);

	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(store_schema_version(st), store_migrations[store_migration_count - 1].version);
	ck_assert_int_ge(store_schema_version(st), 4);
	ck_assert_int_eq(store_integrity_check(st), OS_OK);
	ck_assert_int_eq(store_search_query("kunder", 0, &q), OS_OK);
	ck_assert_int_eq(store_search(st, q, 0, 0, 10, &h, &n), OS_OK);
	free(q);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(h[0].target, TARGET_POST);
	ck_assert_int_eq(h[0].id, 1);
	store_search_free(h, n);
	ck_assert_int_eq(store_search_query("leverandører", 0, &q), OS_OK);
	ck_assert_int_eq(store_search(st, q, 0, 0, 10, &h, &n), OS_OK);
	free(q);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(h[0].target, TARGET_COMMENT);
	ck_assert_int_eq(h[0].post, 2);
	store_search_free(h, n);
	/* New rows after the migration are indexed with the new tokenizer. */
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st),
		"INSERT INTO posts (id, round_id, kind, title, body, body_html, author_id, "
		"created_at) VALUES (3, 1, 'idea', 'Kundens stemme', '', '', 1, 0)",
		NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_fts_note_post(st, 3), OS_OK);
	ck_assert_int_eq(count(store_sqlite(st), "SELECT count(*) FROM posts_fts "
			       "WHERE posts_fts MATCH 'kunder'"), 2);
	ck_assert_int_eq(store_integrity_check(st), OS_OK);
	store_close(st);
}
END_TEST

/* A search index that does not agree with its rows fails the check that
 * backup and `openstrat check` run. */
START_TEST(integrity_check_sees_an_index_out_of_step)
{
	struct store *st;

	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st),
		"INSERT INTO users (id, username, display_name, role, pw_hash, created_at) "
		"VALUES (1, 'ann', 'Ann', 'manager', 'x', 0);"
		"INSERT INTO rounds (id, title, phase, audience, vote_mode, created_by, "
		"created_at, updated_at) VALUES (1, 'R', 'open', 'internal', 'updown', 1, 0, 0);"
		"INSERT INTO posts (id, round_id, kind, title, body, body_html, author_id, "
		"created_at) VALUES (1, 1, 'idea', 'Kundene våre', 'Vi må lytte.', '', 1, 0)",
		NULL, NULL, NULL), SQLITE_OK);
	/* Not indexed: the store was not told. */
	ck_assert_int_ne(store_integrity_check(st), OS_OK);
	ck_assert_int_eq(store_fts_note_post(st, 1), OS_OK);
	ck_assert_int_eq(store_integrity_check(st), OS_OK);
	store_close(st);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("forum"), *tk, *tm;
	/* With OPENSTRAT_TEST_PG the forum's tests run on PostgreSQL (see
	 * fixture.h); the tests of FTS5 and of SQLite files are SQLite's. */
	const char *pg = getenv("OPENSTRAT_TEST_PG");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, each_language_finds_its_inflected_forms);
	tcase_add_test(tc, nordic_letters_are_never_folded);
	tcase_add_test(tc, other_accents_fold_and_decomposed_letters_compose);
	tcase_add_test(tc, the_exact_word_ranks_above_its_other_forms);
	tcase_add_test(tc, a_mixed_language_post_is_found_in_each_language);
	tcase_add_test(tc, odd_text_is_searched_without_harm);
	tcase_add_test(tc, edits_are_found_by_their_new_words);
	tcase_add_test(tc, snippets_show_the_words_found);
	tcase_add_test(tc, vectors_hold_each_word_and_its_stems);
	tcase_add_test(tc, pg_check_sees_a_vector_out_of_step);
	tcase_add_test(tc, pg_matches_what_fts5_matches);
	suite_add_tcase(s, tc);
	if (pg && *pg)
		return fx_run(s);
	tcase_add_test(tc, malformed_utf8_in_the_rows_is_harmless);
	tcase_add_test(tc, snippets_cut_in_c_are_fts5s);
	tk = tcase_create("tokenizer");
	tcase_add_checked_fixture(tk, tok_setup, tok_teardown);
	tcase_add_test(tk, tokenizer_emits_the_word_and_its_four_stems);
	tcase_add_test(tk, tokenizer_folds_case_and_accents_but_not_nordic_letters);
	tcase_add_test(tk, tokenizer_handles_edge_inputs);
	tcase_add_test(tk, tokenizer_survives_malformed_utf8);
	suite_add_tcase(s, tk);
	tm = tcase_create("migration");
	tcase_add_checked_fixture(tm, tmp_setup, tmp_teardown);
	tcase_add_test(tm, migration_reindexes_an_existing_database);
	tcase_add_test(tm, integrity_check_sees_an_index_out_of_step);
	suite_add_tcase(s, tm);
	return fx_run(s);
}
