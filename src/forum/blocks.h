#ifndef OS_FORUM_BLOCKS_H
#define OS_FORUM_BLOCKS_H

/*
 * A post's top-level Markdown blocks (paragraphs, headings, lists, quotes,
 * code blocks, rules), as cmark parses the body: what comments anchor to.
 * Private to src/forum/.
 */

#include <cmark.h>
#include <stddef.h>

/* Renders doc as cmark_render_html(doc, opts) would; with blocks not NULL
 * each top-level block's element also gets data-block="N" (0-based) and
 * *blocks their number. NULL when out of memory. Caller frees. */
char *forum_render_html(cmark_node *doc, int opts, int *blocks);

/* The plain text of each top-level block of Markdown src (the text a
 * reader sees: no markup, links and images as their text), with every run
 * of white space made one space and none at either end. Caller frees with
 * forum_blocks_free(). OS_OK or OS_ENOMEM. */
int forum_blocks_text(const char *src, char ***texts, size_t *n);
void forum_blocks_free(char **texts, size_t n);

/* in with every run of white space (space, tab, line breaks) made one
 * space and none at either end, into *out (caller frees); *chars its
 * length in characters. OS_OK or OS_ENOMEM. */
int forum_ws_collapse(const char *in, char **out, size_t *chars);

/* The block of texts[0..n) whose text holds quote: prefer, the nearest to
 * block `near` (a block that still holds it stays where it was); -1 when
 * none does. */
int forum_blocks_find(char *const *texts, size_t n, const char *quote, int near);

#endif
