#include "forum/blocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"

struct buf {
	char *s;
	size_t len, cap;
	int nomem;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->nomem = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

char *
forum_render_html(cmark_node *doc, int opts, int *blocks)
{
	struct buf b = {0};
	int n = 0;

	if (!blocks)
		return cmark_render_html(doc, opts);
	buf_add(&b, "", 0);
	for (cmark_node *c = cmark_node_first_child(doc); c && !b.nomem;
	     c = cmark_node_next(c), n++) {
		char *h = cmark_render_html(c, opts), attr[32];
		size_t name = 1;

		if (!h) {
			b.nomem = 1;
			break;
		}
		/* The block's own element opens the rendering: <p>, <h2>,
		 * <ul>, <ol start="3">, <pre>, <blockquote>, <hr />. */
		if (h[0] == '<' && ((h[1] >= 'a' && h[1] <= 'z') || (h[1] >= 'A' && h[1] <= 'Z'))) {
			while (h[name] && !strchr(" \t\n/>", h[name]))
				name++;
			snprintf(attr, sizeof attr, " data-block=\"%d\"", n);
			buf_add(&b, h, name);
			buf_add(&b, attr, strlen(attr));
			buf_add(&b, h + name, strlen(h + name));
		} else {
			buf_add(&b, h, strlen(h));
		}
		free(h);
	}
	if (b.nomem) {
		free(b.s);
		return NULL;
	}
	*blocks = n;
	return b.s;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int
forum_ws_collapse(const char *in, char **out, size_t *chars)
{
	size_t n = strlen(in), o = 0, ch = 0;
	char *s = malloc(n + 1);
	int space = 0;

	*out = NULL;
	if (!s)
		return OS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (is_ws(in[i])) {
			space = o > 0;
			continue;
		}
		if (space) {
			s[o++] = ' ';
			ch++;
			space = 0;
		}
		s[o++] = in[i];
		if (((unsigned char)in[i] & 0xc0) != 0x80)
			ch++;
	}
	s[o] = '\0';
	*out = s;
	if (chars)
		*chars = ch;
	return OS_OK;
}

/* The text a reader sees of one block: literals, breaks as spaces, and a
 * space between blocks inside it (list items, quoted paragraphs). */
static int
block_text(cmark_node *block, char **out)
{
	cmark_iter *it = cmark_iter_new(block);
	struct buf b = {0};
	cmark_event_type ev;
	char *fixed;
	int rc;

	*out = NULL;
	if (!it)
		return OS_ENOMEM;
	buf_add(&b, "", 0);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_HTML_BLOCK:
			if ((lit = cmark_node_get_literal(node)))
				buf_add(&b, lit, strlen(lit));
			if (cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK ||
			    cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK)
				buf_add(&b, " ", 1);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_ITEM:
			buf_add(&b, " ", 1);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	if (b.nomem) {
		free(b.s);
		return OS_ENOMEM;
	}
	/* cmark 0.30 decodes &#xFFFE; and &#xFFFF; to single bytes that are
	 * not UTF-8: mended as the rendering is (U+FFFD), so that a block's
	 * text is UTF-8 and a quote of it can be matched. */
	fixed = os_utf8_repair(b.s, strlen(b.s));
	free(b.s);
	if (!fixed)
		return OS_ENOMEM;
	rc = forum_ws_collapse(fixed, out, NULL);
	free(fixed);
	return rc;
}

void
forum_blocks_free(char **texts, size_t n)
{
	for (size_t i = 0; texts && i < n; i++)
		free(texts[i]);
	free(texts);
}

int
forum_blocks_text(const char *src, char ***texts, size_t *n)
{
	cmark_node *doc = cmark_parse_document(src, strlen(src),
					       CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
	size_t cnt = 0, i = 0;
	char **arr;
	int rc = OS_OK;

	*texts = NULL;
	*n = 0;
	if (!doc)
		return OS_ENOMEM;
	for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c))
		cnt++;
	arr = calloc(cnt ? cnt : 1, sizeof *arr);
	if (!arr) {
		cmark_node_free(doc);
		return OS_ENOMEM;
	}
	for (cmark_node *c = cmark_node_first_child(doc); c && !rc; c = cmark_node_next(c))
		rc = block_text(c, &arr[i++]);
	cmark_node_free(doc);
	if (rc) {
		forum_blocks_free(arr, cnt);
		return rc;
	}
	*texts = arr;
	*n = cnt;
	return OS_OK;
}

int
forum_blocks_find(char *const *texts, size_t n, const char *quote, int near)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		int d, bd;

		if (!strstr(texts[i], quote))
			continue;
		d = abs((int)i - near);
		bd = best < 0 ? 0 : abs(best - near);
		if (best < 0 || d < bd)
			best = (int)i;
	}
	return best;
}
