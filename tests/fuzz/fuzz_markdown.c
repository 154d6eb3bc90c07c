/*
 * The Markdown rendering path: forum_markdown(), which turns every post and
 * comment body into the body_html the web client inserts into the page.
 *
 * Input: any bytes; they are cut at the first NUL (the C string the forum
 * passes) and rendered.
 *
 * Invariants (abort() on violation):
 *  - it returns OS_OK with a non-NULL result (for invalid UTF-8 too: cmark
 *    replaces it), and the result is valid UTF-8;
 *  - every '<' in the output opens a tag cmark itself writes (p, em, strong,
 *    a, img, code, pre, blockquote, ul, ol, li, h1-h6, hr, br) or is the
 *    "<!-- raw HTML omitted -->" placeholder: raw HTML from the input
 *    (script, svg, iframe, style, ...) never survives;
 *  - those tags carry only the attributes cmark writes (href, title, src,
 *    alt, start, class), never an on* event handler, every value is double
 *    quoted and holds no '<', '>' or '"';
 *  - no href or src, after the entity decoding and the tab/newline/space
 *    stripping a browser applies, starts with javascript:, vbscript: or
 *    file:, nor data: other than an image (cmark's own rule);
 *  - the same input renders the same way twice.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "forum/blocks.h"
#include "forum/forum_int.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_global_init();
	return 0;
}

static int
name_in(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncmp(*list, name, n))
			return 1;
	return 0;
}

/* Decodes the few entities cmark writes into attributes and numeric ones
 * (as a browser would), drops what a URL parser ignores, lowercases. */
static void
url_normalise(const char *v, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outsz; i++) {
		unsigned long c = (unsigned char)v[i];

		if (c == '&') {
			const char *semi = memchr(v + i, ';', n - i);

			if (semi) {
				size_t len = (size_t)(semi - (v + i)) + 1;

				if (!strncmp(v + i, "&amp;", len))
					c = '&';
				else if (!strncmp(v + i, "&quot;", len))
					c = '"';
				else if (!strncmp(v + i, "&lt;", len))
					c = '<';
				else if (!strncmp(v + i, "&gt;", len))
					c = '>';
				else if (len > 3 && v[i + 1] == '#')
					c = (v[i + 2] == 'x' || v[i + 2] == 'X')
						    ? strtoul(v + i + 3, NULL, 16)
						    : strtoul(v + i + 2, NULL, 10);
				i += len - 1;
			}
		}
		/* URL parsers strip tab and newlines anywhere, and leading
		 * C0 controls and spaces. */
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (o == 0 && c <= 0x20)
			continue;
		out[o++] = (char)tolower((int)(c & 0xff));
	}
	out[o] = '\0';
}

static void
check_url(const char *attr, const char *v, size_t n, const char *html)
{
	char u[256];

	url_normalise(v, n, u, sizeof u);
	FUZZ_CHECK(strncmp(u, "javascript:", 11) && strncmp(u, "vbscript:", 9) &&
			   strncmp(u, "file:", 5),
		   "dangerous %s=\"%.*s\" in: %s", attr, (int)n, v, html);
	if (!strncmp(u, "data:", 5))
		FUZZ_CHECK(!strncmp(u, "data:image/png", 14) || !strncmp(u, "data:image/gif", 14) ||
				   !strncmp(u, "data:image/jpeg", 15) ||
				   !strncmp(u, "data:image/webp", 15),
			   "data: URL that is not an image: %s=\"%.*s\" in: %s", attr, (int)n, v,
			   html);
}

static void
check_html(const char *html)
{
	static const char *const tags[] = {"p",  "em", "strong", "a",  "img", "code",
					   "pre", "blockquote", "ul", "ol", "li", "h1",
					   "h2", "h3", "h4", "h5", "h6", "hr", "br", NULL};
	static const char *const attrs[] = {"href", "title", "src", "alt", "start", "class",
					    "data-block", NULL};
	static const char omitted[] = "<!-- raw HTML omitted -->";
	const char *p = html;

	while ((p = strchr(p, '<'))) {
		const char *name;
		size_t n;

		if (!strncmp(p, omitted, sizeof omitted - 1)) {
			p += sizeof omitted - 1;
			continue;
		}
		p++;
		if (*p == '/')
			p++;
		name = p;
		while (*p >= 'a' && *p <= 'z')
			p++;
		if (*p >= '1' && *p <= '6' && p - name == 1 && *name == 'h')
			p++;
		n = (size_t)(p - name);
		FUZZ_CHECK(n && name_in(name, n, tags), "unexpected tag <%.*s in: %s",
			   (int)(strcspn(name, " >") > 20 ? 20 : strcspn(name, " >")), name, html);
		/* Attributes: name="value" ... then '>' or " />". */
		for (;;) {
			const char *an, *av;
			size_t anl, avl;

			if (*p == '>') {
				p++;
				break;
			}
			if (!strncmp(p, " />", 3)) {
				p += 3;
				break;
			}
			FUZZ_CHECK(*p == ' ', "malformed tag <%.*s in: %s", (int)n, name, html);
			p++;
			an = p;
			while ((*p >= 'a' && *p <= 'z') || *p == '-')
				p++;
			anl = (size_t)(p - an);
			FUZZ_CHECK(anl && name_in(an, anl, attrs),
				   "unexpected attribute '%.*s' on <%.*s in: %s", (int)anl, an, (int)n,
				   name, html);
			FUZZ_CHECK(p[0] == '=' && p[1] == '"', "unquoted attribute %.*s in: %s",
				   (int)anl, an, html);
			p += 2;
			av = p;
			avl = strcspn(av, "\"<>");
			FUZZ_CHECK(av[avl] == '"', "attribute %.*s holds '%c' in: %s", (int)anl, an,
				   av[avl] ? av[avl] : '0', html);
			if ((anl == 4 && !strncmp(an, "href", 4)) || (anl == 3 && !strncmp(an, "src", 3)))
				check_url(anl == 4 ? "href" : "src", av, avl, html);
			p = av + avl + 1;
		}
	}
	/* And, plainly, the words the brief names. */
	for (const char *q = html; *q; q++) {
		FUZZ_CHECK(strncasecmp(q, "<script", 7) && strncasecmp(q, "<svg", 4) &&
				   strncasecmp(q, "<iframe", 7),
			   "raw HTML survived: %s", html);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src, *html = NULL, *again = NULL;
	int rc;

	if (size > 200000)
		return 0;
	src = malloc(size + 1);
	if (!src)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';

	rc = forum_markdown(src, &html);
	FUZZ_CHECK(rc == OS_OK && html, "forum_markdown failed (%d) on %zu bytes", rc, size);
	FUZZ_CHECK(fuzz_utf8_out_ok((const unsigned char *)html, strlen(html)),
		   "output is not valid UTF-8: %s", html);
	check_html(html);
	rc = forum_markdown(src, &again);
	FUZZ_CHECK(rc == OS_OK && again && !strcmp(html, again), "two renderings differ");
	free(again);
	again = NULL;
	/* A post's rendering: the same checks with its blocks marked, and as
	 * many blocks marked as there are block texts to anchor to. */
	{
		int blocks = -1;
		char **texts = NULL;
		size_t n = 0;

		rc = forum_markdown_blocks(src, &again, &blocks);
		FUZZ_CHECK(rc == OS_OK && again && blocks >= 0, "forum_markdown_blocks failed (%d)", rc);
		FUZZ_CHECK(fuzz_utf8_out_ok((const unsigned char *)again, strlen(again)),
			   "marked output is not valid UTF-8: %s", again);
		check_html(again);
		rc = forum_blocks_text(src, &texts, &n);
		FUZZ_CHECK(rc == OS_OK && n == (size_t)blocks, "%zu block texts for %d blocks", n,
			   blocks);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(fuzz_utf8_out_ok((const unsigned char *)texts[i], strlen(texts[i])),
				   "block text is not valid UTF-8");
		forum_blocks_free(texts, n);
	}
	free(again);
	free(html);
	free(src);
	return 0;
}
