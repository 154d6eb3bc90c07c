/* @mentions: finding them in text, resolving them to people who can see
 * the round, and rendering them as links. */
#include "forum/notify.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/blocks.h"
#include "forum/forum_int.h"
#include "store/users.h"

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
is_name_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

/* Characters that may stand before the '@' of an address: then it is no
 * mention (anna@example.com, a+b@c.d, and "@@x"). */
static int
blocks_mention(unsigned char c)
{
	return is_name_char(c) || c == '+' || c == '@' || c == '/' || c >= 0x80;
}

int
mentions_scan(const char *text, mention_fn fn, void *arg)
{
	const unsigned char *t = (const unsigned char *)text;

	for (size_t i = 0; t[i]; i++) {
		size_t start, end;
		int rc;

		if (t[i] != '@' || (i > 0 && blocks_mention(t[i - 1])))
			continue;
		start = i + 1;
		if (!is_alnum(t[start]))
			continue;
		for (end = start; is_name_char(t[end]); end++)
			;
		i = end - 1;
		/* "@anna@example.com" is an address, not a mention of anna. */
		if (t[end] == '@')
			continue;
		/* The full stop (or dash) that ends a sentence is not part of
		 * the name. */
		while (end > start && !is_alnum(t[end - 1]))
			end--;
		if (end - start > OS_USERNAME_MAX)
			continue;
		if ((rc = fn(text + start, end - start, arg)))
			return rc;
	}
	return 0;
}

struct resolve {
	struct forum *f;
	const struct round *r;
	struct mention_set *out;
	int rc;
};

static int
resolve_one(const char *name, size_t len, void *arg)
{
	struct resolve *x = arg;
	char buf[OS_USERNAME_SZ];
	struct user u;
	int rc;

	if (x->out->n == MENTION_MAX)
		return 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (size_t i = 0; i < x->out->n; i++)
		if (!strcasecmp(x->out->users[i].username, buf))
			return 0;
	rc = store_user_by_name(forum_store(x->f), buf, &u, NULL, 0);
	if (rc == OS_ENOTFOUND)
		return 0;
	if (rc) {
		x->rc = rc;
		return 1;
	}
	if (u.disabled)
		return 0;
	rc = forum_round_access(x->f, &u, x->r);
	if (rc == OS_ENOTFOUND)
		return 0;
	if (rc) {
		x->rc = rc;
		return 1;
	}
	x->out->users[x->out->n++] = u;
	return 0;
}

int
mentions_resolve(struct forum *f, const struct round *r, const char *text,
		 struct mention_set *out)
{
	struct resolve x = {.f = f, .r = r, .out = out};

	out->n = 0;
	mentions_scan(text, resolve_one, &x);
	return x.rc;
}

static const struct user *
find_user(const struct mention_set *ms, const char *name, size_t len)
{
	for (size_t i = 0; i < ms->n; i++)
		if (strlen(ms->users[i].username) == len &&
		    !strncasecmp(ms->users[i].username, name, len))
			return &ms->users[i];
	return NULL;
}

struct split {
	const struct mention_set *ms;
	const char *text;
	cmark_node *node;   /* the text node being split */
	size_t done;        /* bytes of text already placed before node */
	int nomem;
};

static int
put_text(struct split *sp, const char *from, size_t len)
{
	cmark_node *t;
	char *lit;

	if (!len)
		return 0;
	t = cmark_node_new(CMARK_NODE_TEXT);
	lit = malloc(len + 1);
	if (!t || !lit) {
		cmark_node_free(t);
		free(lit);
		return -1;
	}
	memcpy(lit, from, len);
	lit[len] = '\0';
	cmark_node_set_literal(t, lit);
	free(lit);
	return cmark_node_insert_before(sp->node, t) ? 0 : -1;
}

static int
split_one(const char *name, size_t len, void *arg)
{
	struct split *sp = arg;
	const struct user *u = find_user(sp->ms, name, len);
	size_t at = (size_t)(name - sp->text) - 1; /* the '@' */
	cmark_node *link, *label;
	char url[8 + OS_USERNAME_SZ];
	char shown[2 + OS_USERNAME_SZ];

	if (!u)
		return 0;
	if (put_text(sp, sp->text + sp->done, at - sp->done))
		goto nomem;
	link = cmark_node_new(CMARK_NODE_LINK);
	label = cmark_node_new(CMARK_NODE_TEXT);
	if (!link || !label) {
		cmark_node_free(link);
		cmark_node_free(label);
		goto nomem;
	}
	/* The username is the stored one: [A-Za-z0-9._-] only. */
	snprintf(url, sizeof url, "/u/%s", u->username);
	snprintf(shown, sizeof shown, "@%.*s", (int)len, name);
	if (!cmark_node_set_url(link, url) || !cmark_node_set_literal(label, shown) ||
	    !cmark_node_append_child(link, label)) {
		cmark_node_free(link);
		cmark_node_free(label);
		goto nomem;
	}
	if (!cmark_node_insert_before(sp->node, link)) {
		cmark_node_free(link);
		goto nomem;
	}
	sp->done = (size_t)(name - sp->text) + len;
	return 0;
nomem:
	sp->nomem = 1;
	return 1;
}

static int
inside_link(cmark_node *n)
{
	for (n = cmark_node_parent(n); n; n = cmark_node_parent(n))
		if (cmark_node_get_type(n) == CMARK_NODE_LINK ||
		    cmark_node_get_type(n) == CMARK_NODE_IMAGE)
			return 1;
	return 0;
}

#ifndef CMARK_OPT_SAFE
#define CMARK_OPT_SAFE 0
#endif

int
forum_markdown_mentions(const char *src, const struct mention_set *ms, char **html)
{
	return forum_markdown_mentions_blocks(src, ms, html, NULL);
}

int
forum_markdown_mentions_blocks(const char *src, const struct mention_set *ms, char **html,
			       int *blocks)
{
	const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;
	cmark_node *doc, **texts = NULL;
	cmark_iter *it;
	size_t n = 0, cap = 0;
	char *r;
	int nomem = 0;

	*html = NULL;
	if (!ms || !ms->n)
		return forum_markdown_blocks(src, html, blocks);
	doc = cmark_parse_document(src, strlen(src), opts);
	if (!doc)
		return OS_ENOMEM;
	/* The text nodes are collected first: splitting them while the
	 * iterator walks the tree would lead it astray. */
	it = cmark_iter_new(doc);
	if (!it) {
		cmark_node_free(doc);
		return OS_ENOMEM;
	}
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *node = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_TEXT ||
		    inside_link(node))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			cmark_node **p = realloc(texts, ncap * sizeof *p);

			if (!p) {
				nomem = 1;
				break;
			}
			texts = p;
			cap = ncap;
		}
		texts[n++] = node;
	}
	cmark_iter_free(it);
	for (size_t i = 0; !nomem && i < n; i++) {
		const char *lit = cmark_node_get_literal(texts[i]);
		struct split sp = {.ms = ms, .node = texts[i]};
		char *copy;

		if (!lit || !strchr(lit, '@'))
			continue;
		copy = strdup(lit);
		if (!copy) {
			nomem = 1;
			break;
		}
		sp.text = copy;
		mentions_scan(copy, split_one, &sp);
		if (!sp.nomem && sp.done) {
			/* What follows the last mention stays in the node. */
			if (!cmark_node_set_literal(texts[i], copy + sp.done))
				sp.nomem = 1;
		}
		nomem = sp.nomem;
		free(copy);
	}
	free(texts);
	r = nomem ? NULL : forum_render_html(doc, opts, blocks);
	cmark_node_free(doc);
	if (!r)
		return OS_ENOMEM;
	*html = os_utf8_repair(r, strlen(r));
	free(r);
	return *html ? OS_OK : OS_ENOMEM;
}
