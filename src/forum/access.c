/* Who may see and write what, and the checks every text field passes. */
#include "forum/forum_int.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/blocks.h"
#include "store/posts.h"
#include "store/rounds.h"

int
forum_is_moderator(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_MANAGER;
}

int
forum_round_access(struct forum *f, const struct user *u, const struct round *r)
{
	int member;

	if (forum_is_moderator(u))
		return OS_OK;
	if (r->phase == PHASE_DRAFT)
		return OS_ENOTFOUND;
	if (u->role == ROLE_EMPLOYEE)
		return OS_OK;
	if (u->role != ROLE_CUSTOMER || r->audience != AUD_INVITED)
		return OS_ENOTFOUND;
	/* A membership the store cannot read is an error, not a "no": the
	 * customer would be told the round is gone. */
	member = store_member_active(f->st, r->id, u->id);
	if (member < 0)
		return OS_EINTERNAL;
	return member ? OS_OK : OS_ENOTFOUND;
}

int
forum_round_for(struct forum *f, const struct user *u, int64_t id, struct round *out)
{
	int rc = store_round_get(f->st, id, out);

	if (rc)
		return rc;
	if ((rc = forum_round_access(f, u, out)))
		round_clear(out);
	return rc;
}

int
forum_round_visible(struct forum *f, const struct user *u, int64_t id)
{
	struct round r;
	int rc = forum_round_for(f, u, id, &r);

	if (rc == OS_OK)
		round_clear(&r);
	return rc == OS_OK ? 1 : rc == OS_ENOTFOUND ? 0 : -1;
}

int
forum_phase_now(const struct round *r)
{
	if (r->phase != PHASE_DRAFT && r->phase != PHASE_CLOSED && r->closes_at &&
	    os_now_ms() >= r->closes_at)
		return PHASE_CLOSED;
	return r->phase;
}

int
forum_phase_allows(const struct user *u, const struct round *r, enum write_kind k)
{
	int phase = forum_phase_now(r);

	if (phase == PHASE_CLOSED)
		return u->role == ROLE_ADMIN ? OS_OK : OS_EPHASE;
	switch (k) {
	case W_CONTRIBUTE:
		return phase == PHASE_OPEN ? OS_OK : OS_EPHASE;
	case W_VOTE:
		return phase == PHASE_OPEN || phase == PHASE_VOTING ? OS_OK : OS_EPHASE;
	case W_TALK:
	case W_MANAGE:
		return OS_OK;
	}
	return OS_EPHASE;
}

int
forum_text(const char *in, size_t max, int may_be_empty, char **out)
{
	const char *start;
	size_t n, chars = 0;

	*out = NULL;
	if (!in)
		return OS_EBADREQ;
	n = os_trimmed(in, &start);
	if (!os_utf8_valid(start, n))
		return OS_EBADREQ;
	if (!n && !may_be_empty)
		return OS_EBADREQ;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)start[i] & 0xc0) != 0x80)
			chars++;
	if (chars > max)
		return OS_ETOOLARGE;
	*out = malloc(n + 1);
	if (!*out)
		return OS_ENOMEM;
	memcpy(*out, start, n);
	(*out)[n] = '\0';
	return OS_OK;
}

#ifndef CMARK_OPT_SAFE
#define CMARK_OPT_SAFE 0 /* safe is the default from cmark 0.29 on */
#endif

/* A paragraph that shows a raw HTML block's lines as text, line by line. */
static cmark_node *
block_as_text(const char *lit)
{
	cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
	size_t n = strlen(lit);

	if (!para)
		return NULL;
	/* The block's last line ends in a newline that is no part of it. */
	while (n && (lit[n - 1] == '\n' || lit[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(lit + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (lit + i)) : n - i;
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
		char *line = malloc(len + 1);

		if (!t || !line || (memcpy(line, lit + i, len), line[len] = '\0',
				    !cmark_node_set_literal(t, line)) ||
		    !cmark_node_append_child(para, t)) {
			free(line);
			cmark_node_free(t);
			cmark_node_free(para);
			return NULL;
		}
		free(line);
		i += len;
		if (nl) {
			cmark_node *br = cmark_node_new(CMARK_NODE_LINEBREAK);

			if (!br || !cmark_node_append_child(para, br)) {
				cmark_node_free(br);
				cmark_node_free(para);
				return NULL;
			}
			i++;
		}
	}
	return para;
}

/* Turns every raw HTML node into text with the same characters, so that
 * what a writer put in angle brackets shows as they wrote it. Nodes are
 * collected first: an iterator must not see the tree change under it. */
static int
html_to_text(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_node **found = NULL, **grown;
	size_t n = 0, cap = 0;
	cmark_event_type ev;
	int rc = OS_OK;

	if (!it)
		return OS_ENOMEM;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);

		if (ev != CMARK_EVENT_ENTER ||
		    (type != CMARK_NODE_HTML_INLINE && type != CMARK_NODE_HTML_BLOCK))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if (!(grown = realloc(found, cap * sizeof *found))) {
				rc = OS_ENOMEM;
				break;
			}
			found = grown;
		}
		found[n++] = node;
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n && rc == OS_OK; i++) {
		const char *lit = cmark_node_get_literal(found[i]);
		cmark_node *text;

		if (!lit)
			lit = "";
		if (cmark_node_get_type(found[i]) == CMARK_NODE_HTML_BLOCK) {
			text = block_as_text(lit);
		} else if ((text = cmark_node_new(CMARK_NODE_TEXT)) &&
			   !cmark_node_set_literal(text, lit)) {
			cmark_node_free(text);
			text = NULL;
		}
		if (!text || !cmark_node_replace(found[i], text)) {
			cmark_node_free(text);
			rc = OS_ENOMEM;
			break;
		}
		cmark_node_free(found[i]);
	}
	free(found);
	return rc;
}

int
forum_markdown(const char *src, char **html)
{
	return forum_markdown_blocks(src, html, NULL);
}

int
forum_markdown_blocks(const char *src, char **html, int *blocks)
{
	cmark_node *doc = cmark_parse_document(src, strlen(src),
					       CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
	char *r = NULL;
	int rc;

	*html = NULL;
	if (!doc)
		return OS_ENOMEM;
	/* Raw HTML is the writer's text, shown escaped; CMARK_OPT_SAFE then
	 * still blanks javascript:, vbscript:, file: and non-image data:
	 * links, and would drop any raw HTML that were left. */
	rc = html_to_text(doc);
	if (!rc)
		r = forum_render_html(doc, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE, blocks);
	cmark_node_free(doc);
	if (rc || !r) {
		free(r);
		return rc ? rc : OS_ENOMEM;
	}
	/* cmark 0.30 writes &#xFFFE; and &#xFFFF; as single bytes that are
	 * not UTF-8; nothing that is not UTF-8 may reach a client. */
	*html = os_utf8_repair(r, strlen(r));
	free(r);
	return *html ? OS_OK : OS_ENOMEM;
}

static int
post_for(struct forum *f, const struct user *u, int64_t id, struct post *p, struct round *r,
	 int tallied)
{
	struct round tmp = {0}, *rr = r ? r : &tmp;
	int rc = tallied ? store_post_get(f->st, id, u->id, p)
			 : store_post_get_untallied(f->st, id, u->id, p);

	if (rc)
		return rc;
	rc = forum_round_for(f, u, p->round, rr);
	if (!rc && p->hidden && !forum_is_moderator(u)) {
		round_clear(rr);
		rc = OS_ENOTFOUND;
	}
	round_clear(&tmp);
	if (rc)
		post_clear(p);
	return rc;
}

int
forum_post_for(struct forum *f, const struct user *u, int64_t id, struct post *p,
	       struct round *r)
{
	return post_for(f, u, id, p, r, 1);
}

int
forum_post_for_untallied(struct forum *f, const struct user *u, int64_t id, struct post *p,
			 struct round *r)
{
	return post_for(f, u, id, p, r, 0);
}

int
forum_text_error(const char *in, size_t max, int may_be_empty)
{
	char *tmp;
	int rc = forum_text(in, max, may_be_empty, &tmp);

	free(tmp);
	return rc;
}
