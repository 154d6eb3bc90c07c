/*
 * Search without FTS5 (see search_int.h): a query's phrases, PostgreSQL's
 * tsquery and tsvector texts, and FTS5's snippet, from the words of
 * src/store/words.c. No SQL here.
 */
#include "store/search_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store_int.h"

/* PostgreSQL's limits on a tsvector: positions 1..16383, 256 positions
 * per lexeme, lexemes of under 1 MB in all. */
#define POS_MAX 16383
#define POS_PER_TERM 256
#define VECTOR_BYTES_MAX (1000 * 1000)

/* Terms at positions: the words of a text, or the tokens of a phrase. */
struct term {
	size_t off, len; /* in the list's bytes */
};

struct tpos {
	size_t first, n;  /* its terms */
	size_t start, end; /* the word's bytes in the text */
};

struct tlist {
	struct os_buf bytes;
	struct term *term;
	size_t nterm, capterm;
	struct tpos *pos;
	size_t npos, cappos;
};

static void
tl_free(struct tlist *l)
{
	os_buf_free(&l->bytes);
	free(l->term);
	free(l->pos);
	memset(l, 0, sizeof *l);
}

static int
tl_add(void *arg, int colocated, const char *t, size_t len, size_t start, size_t end)
{
	struct tlist *l = arg;
	struct tpos *p;

	if (!colocated || !l->npos) {
		if (store_grow((void **)&l->pos, &l->cappos, l->npos, sizeof *l->pos))
			return OS_ENOMEM;
		p = &l->pos[l->npos++];
		p->first = l->nterm;
		p->n = 0;
		p->start = start;
		p->end = end;
	}
	if (store_grow((void **)&l->term, &l->capterm, l->nterm, sizeof *l->term))
		return OS_ENOMEM;
	l->term[l->nterm].off = l->bytes.len;
	l->term[l->nterm].len = len;
	if (os_buf_add(&l->bytes, t, len))
		return OS_ENOMEM;
	l->nterm++;
	l->pos[l->npos - 1].n++;
	return 0;
}

static int
tl_split(struct words *w, enum words_mode mode, const char *text, size_t n, struct tlist *l)
{
	int rc = words_split(w, mode, text, n, tl_add, l);

	return rc ? OS_ENOMEM : OS_OK;
}

static const char *
tl_term(const struct tlist *l, size_t i)
{
	return l->bytes.data + l->term[i].off;
}

/* ---- queries ---- */

struct phrase {
	struct tlist t; /* one position per token */
	int prefix;     /* its last token is a prefix */
	int group;      /* the typed word it comes from */
};

struct search_query {
	struct phrase *ph;
	size_t n, cap;
	int all;
};

void
search_query_free(struct search_query *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++)
		tl_free(&q->ph[i].t);
	free(q->ph);
	free(q);
}

int
search_query_parse(struct words *w, const char *fq, struct search_query **out)
{
	struct search_query *q = calloc(1, sizeof *q);
	const char *p = fq;
	int group = 0;

	*out = NULL;
	if (!q)
		return OS_ENOMEM;
	/* ("w"* OR "w") AND (...) or OR: the words never hold a quote. */
	q->all = strstr(fq, ") AND (") != NULL;
	while (*p) {
		const char *start, *end;
		struct phrase *ph;

		if (*p == '(')
			group++;
		if (*p++ != '"')
			continue;
		start = p;
		end = strchr(start, '"');
		if (!end)
			break;
		p = end + 1;
		if (store_grow((void **)&q->ph, &q->cap, q->n, sizeof *q->ph))
			goto nomem;
		ph = &q->ph[q->n++];
		memset(ph, 0, sizeof *ph);
		os_buf_init(&ph->t.bytes);
		ph->prefix = *p == '*';
		ph->group = group;
		if (tl_split(w, ph->prefix ? WORDS_PREFIX : WORDS_STEMS, start,
			     (size_t)(end - start), &ph->t))
			goto nomem;
	}
	*out = q;
	return OS_OK;
nomem:
	search_query_free(q);
	return OS_ENOMEM;
}

/* A lexeme in quotes, as tsquery and tsvector texts take it. */
static void
add_lexeme(struct os_buf *b, const char *t, size_t len)
{
	os_buf_adds(b, "'");
	for (size_t i = 0; i < len; i++) {
		if (t[i] == '\'' || t[i] == '\\')
			os_buf_add(b, &t[i], 1);
		os_buf_add(b, &t[i], 1);
	}
	os_buf_adds(b, "'");
}

/* A phrase: its tokens in a row (<->), each one of its terms. */
static void
add_phrase(struct os_buf *b, const struct phrase *ph)
{
	const struct tlist *l = &ph->t;

	for (size_t i = 0; i < l->npos; i++) {
		const struct tpos *p = &l->pos[i];

		if (i)
			os_buf_adds(b, " <-> ");
		if (p->n > 1)
			os_buf_adds(b, "(");
		for (size_t k = 0; k < p->n; k++) {
			if (k)
				os_buf_adds(b, " | ");
			add_lexeme(b, tl_term(l, p->first + k), l->term[p->first + k].len);
			if (ph->prefix && i + 1 == l->npos)
				os_buf_adds(b, ":*");
		}
		if (p->n > 1)
			os_buf_adds(b, ")");
	}
}

int
search_query_tsquery(const struct search_query *q, int any, char **out)
{
	struct os_buf b;
	int groups = 0;

	*out = NULL;
	os_buf_init(&b);
	for (size_t i = 0; i < q->n;) {
		size_t k = i;
		int phrases = 0;

		/* The phrases of one typed word, either of them. */
		for (; k < q->n && q->ph[k].group == q->ph[i].group; k++) {
			if (!q->ph[k].t.npos)
				continue; /* a phrase of no terms finds nothing */
			if (!phrases++)
				os_buf_adds(&b, groups ? (q->all && !any ? " & (" : " | (") : "(");
			else
				os_buf_adds(&b, " | ");
			add_phrase(&b, &q->ph[k]);
		}
		if (phrases) {
			os_buf_adds(&b, ")");
			groups++;
		}
		i = k;
	}
	if (!groups) {
		os_buf_free(&b);
		return OS_OK;
	}
	*out = os_buf_detach(&b, NULL);
	return *out ? OS_OK : OS_ENOMEM;
}

/* ---- snippets ---- */

/* Whether the phrase ph starts at position at of the document d. */
static int
phrase_at(const struct phrase *ph, const struct tlist *d, size_t at)
{
	const struct tlist *l = &ph->t;

	if (!l->npos || at + l->npos > d->npos)
		return 0;
	for (size_t i = 0; i < l->npos; i++) {
		const struct tpos *qp = &l->pos[i], *dp = &d->pos[at + i];
		int prefix = ph->prefix && i + 1 == l->npos, ok = 0;

		for (size_t a = 0; !ok && a < qp->n; a++) {
			const struct term *qt = &l->term[qp->first + a];

			for (size_t c = 0; !ok && c < dp->n; c++) {
				const struct term *dt = &d->term[dp->first + c];

				ok = (prefix ? dt->len >= qt->len : dt->len == qt->len) &&
				     !memcmp(tl_term(d, dp->first + c), tl_term(l, qp->first + a),
					     qt->len);
			}
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* A phrase found: FTS5's xInst(), in the order of position, then of
 * phrase. */
struct inst {
	size_t phrase, pos;
};

struct col {
	const char *text;
	size_t len;
	struct tlist d;
	struct inst *inst;
	size_t ninst, capinst;
	size_t *first; /* positions that start a sentence */
	size_t nfirst, capfirst;
};

static void
col_free(struct col *c)
{
	tl_free(&c->d);
	free(c->inst);
	free(c->first);
}

/* fts5SentenceFinderCb(): the first word, and each word after white space
 * after '.' or ':'. */
static int
find_sentences(struct col *c)
{
	for (size_t p = 0; p < c->d.npos; p++) {
		size_t i = c->d.pos[p].start;
		char ch = 0;
		int first = !p;

		if (p) {
			size_t k = i;

			while (k > 0) {
				ch = c->text[k - 1];
				if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
					break;
				k--;
			}
			first = k != i && k > 0 && (ch == '.' || ch == ':');
		}
		if (!first)
			continue;
		if (store_grow((void **)&c->first, &c->capfirst, c->nfirst, sizeof *c->first))
			return OS_ENOMEM;
		c->first[c->nfirst++] = p;
	}
	return OS_OK;
}

static int
find_instances(const struct search_query *q, struct col *c)
{
	for (size_t p = 0; p < c->d.npos; p++)
		for (size_t k = 0; k < q->n; k++) {
			if (!phrase_at(&q->ph[k], &c->d, p))
				continue;
			if (store_grow((void **)&c->inst, &c->capinst, c->ninst, sizeof *c->inst))
				return OS_ENOMEM;
			c->inst[c->ninst].phrase = k;
			c->inst[c->ninst++].pos = p;
		}
	return OS_OK;
}

/* fts5SnippetScore(): 1000 for each phrase in the window of ntoken words
 * from pos, 1 for each repeat; *adj the window moved to centre them. */
static long
score(const struct search_query *q, const struct col *c, unsigned char *seen, long pos,
      long ntoken, long *adj)
{
	long sc = 0, first = -1, last = 0;

	memset(seen, 0, q->n);
	for (size_t i = 0; i < c->ninst; i++) {
		long off = (long)c->inst[i].pos;

		if (off < pos || off >= pos + ntoken)
			continue;
		sc += seen[c->inst[i].phrase] ? 1 : 1000;
		seen[c->inst[i].phrase] = 1;
		if (first < 0)
			first = off;
		last = off + (long)q->ph[c->inst[i].phrase].t.npos;
	}
	if (adj) {
		long a = first - (ntoken - (last - first)) / 2;

		if (a + ntoken > (long)c->d.npos)
			a = (long)c->d.npos - ntoken;
		*adj = a < 0 ? 0 : a;
	}
	return sc;
}

int
search_snippet(struct words *w, const struct search_query *q, const char *const *text,
	       int ncol, int ntoken, const char *ellipsis, char **out)
{
	struct col *cols = calloc((size_t)ncol, sizeof *cols);
	unsigned char *seen = malloc(q->n ? q->n : 1);
	long best = 0, best_start = 0, end;
	int best_col = 0, rc = OS_OK;
	struct os_buf b;
	struct col *c;
	size_t from, to;

	*out = NULL;
	if (!cols || !seen) {
		free(cols);
		free(seen);
		return OS_ENOMEM;
	}
	for (int i = 0; !rc && i < ncol; i++) {
		c = &cols[i];
		c->text = text[i] ? text[i] : "";
		c->len = strlen(c->text);
		os_buf_init(&c->d.bytes);
		if ((rc = tl_split(w, WORDS_DOCUMENT, c->text, c->len, &c->d)) ||
		    (rc = find_sentences(c)) || (rc = find_instances(q, c)))
			break;
		/* fts5SnippetFunction(): the best window over every instance
		 * of every column, the first column on a tie. */
		for (size_t k = 0; k < c->ninst; k++) {
			long io = (long)c->inst[k].pos, adj, sc;
			size_t jj;

			sc = score(q, c, seen, io, ntoken, &adj);
			if (sc > best) {
				best = sc;
				best_col = i;
				best_start = adj;
			}
			if (!c->nfirst || (long)c->d.npos <= ntoken)
				continue;
			for (jj = 0; jj + 1 < c->nfirst; jj++)
				if ((long)c->first[jj + 1] > io)
					break;
			if ((long)c->first[jj] >= io)
				continue;
			sc = score(q, c, seen, (long)c->first[jj], ntoken, NULL) +
			     (c->first[jj] == 0 ? 120 : 100);
			if (sc > best) {
				best = sc;
				best_col = i;
				best_start = (long)c->first[jj];
			}
		}
	}
	free(seen);
	if (rc) {
		for (int i = 0; i < ncol; i++)
			col_free(&cols[i]);
		free(cols);
		return rc;
	}
	/* The window's words, from the start of the text when it is the
	 * first, to its end when it holds the last. */
	c = &cols[best_col];
	end = best_start + ntoken - 1;
	os_buf_init(&b);
	from = best_start > 0 && (size_t)best_start < c->d.npos ? c->d.pos[best_start].start : 0;
	to = end >= (long)c->d.npos - 1 ? c->len : c->d.pos[end].end;
	if (best_start > 0)
		os_buf_adds(&b, ellipsis);
	os_buf_add(&b, c->text + from, to - from);
	if (end < (long)c->d.npos - 1)
		os_buf_adds(&b, ellipsis);
	for (int i = 0; i < ncol; i++)
		col_free(&cols[i]);
	free(cols);
	*out = os_buf_detach(&b, NULL);
	return *out ? OS_OK : OS_ENOMEM;
}

/* ---- vectors ---- */

struct entry {
	const char *t;
	size_t len;
	unsigned pos;
	char weight;
};

static int
by_term(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = memcmp(x->t, y->t, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int
search_vector(struct words *w, const char *const *text, const char *weight, int ncol,
	      char **out)
{
	struct tlist *d = calloc((size_t)ncol, sizeof *d);
	struct entry *e = NULL;
	size_t n = 0, cap = 0, bytes = 0;
	unsigned base = 0;
	struct os_buf b;
	int rc = OS_OK;

	*out = NULL;
	if (!d)
		return OS_ENOMEM;
	os_buf_init(&b);
	for (int c = 0; !rc && c < ncol; c++) {
		os_buf_init(&d[c].bytes);
		if ((rc = tl_split(w, WORDS_DOCUMENT, text[c] ? text[c] : "",
				   text[c] ? strlen(text[c]) : 0, &d[c])))
			break;
		for (size_t p = 0; !rc && p < d[c].npos; p++) {
			unsigned pos = base + 1 + (unsigned)p;

			if (pos > POS_MAX)
				pos = POS_MAX;
			for (size_t k = 0; k < d[c].pos[p].n; k++) {
				size_t t = d[c].pos[p].first + k;

				if (store_grow((void **)&e, &cap, n, sizeof *e)) {
					rc = OS_ENOMEM;
					break;
				}
				e[n].t = tl_term(&d[c], t);
				e[n].len = d[c].term[t].len;
				e[n].pos = pos;
				e[n++].weight = weight[c];
			}
		}
		/* One position left free between columns. */
		if (d[c].npos)
			base += (unsigned)d[c].npos + 1;
	}
	if (!rc && n)
		qsort(e, n, sizeof *e, by_term);
	for (size_t i = 0; !rc && i < n;) {
		size_t k = i, npos = 0;
		unsigned last = 0;

		while (k < n && e[k].len == e[i].len && !memcmp(e[k].t, e[i].t, e[i].len))
			k++;
		bytes += e[i].len;
		if (bytes > VECTOR_BYTES_MAX)
			break;
		if (b.len)
			os_buf_adds(&b, " ");
		add_lexeme(&b, e[i].t, e[i].len);
		for (size_t j = i; j < k && npos < POS_PER_TERM; j++) {
			if (e[j].pos == last)
				continue;
			last = e[j].pos;
			os_buf_addf(&b, "%c%u", npos++ ? ',' : ':', e[j].pos);
			if (e[j].weight != 'D')
				os_buf_add(&b, &e[j].weight, 1);
			if (e[j].pos == POS_MAX)
				break;
		}
		i = k;
	}
	for (int c = 0; c < ncol; c++)
		tl_free(&d[c]);
	free(d);
	free(e);
	if (rc) {
		os_buf_free(&b);
		return rc;
	}
	*out = os_buf_detach(&b, NULL); /* "" for no words: an empty vector */
	return *out ? OS_OK : OS_ENOMEM;
}
