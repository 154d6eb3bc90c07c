#include "forum/revise.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/blocks.h"
#include "forum/forum_int.h"
#include "forum/notify.h"
#include "store/audit.h"
#include "store/comments.h"
#include "store/posts.h"

int
comments_anchor_check(const char *body, struct comment_anchor *anchor, char **quote)
{
	char **texts = NULL;
	size_t n = 0, chars = 0;
	int rc;

	*quote = NULL;
	anchor->fault = ANCHOR_OK;
	if (!anchor->quote || !os_utf8_valid(anchor->quote, strlen(anchor->quote))) {
		anchor->fault = ANCHOR_QUOTE;
		return OS_EBADREQ;
	}
	if ((rc = forum_ws_collapse(anchor->quote, quote, &chars)))
		return rc;
	if (chars < 1 || chars > COMMENT_QUOTE_MAX) {
		anchor->fault = ANCHOR_QUOTE;
		rc = OS_EBADREQ;
		goto out;
	}
	if ((rc = forum_blocks_text(body, &texts, &n)))
		goto out;
	if (anchor->block < 0 || (size_t)anchor->block >= n) {
		anchor->fault = ANCHOR_BLOCK;
		rc = OS_EBADREQ;
	} else if (!strstr(texts[anchor->block], *quote)) {
		anchor->fault = ANCHOR_QUOTE;
		rc = OS_EBADREQ;
	}
out:
	forum_blocks_free(texts, n);
	if (rc) {
		free(*quote);
		*quote = NULL;
	}
	return rc;
}

int
posts_may_edit(const struct user *caller, const struct post *p)
{
	return caller->id == p->author.id || caller->role == ROLE_ADMIN ||
	       (p->kind == KIND_PLAN && caller->role == ROLE_MANAGER);
}

/* Moves the anchored comments written on post id to where their quotes
 * are in the new body; those whose quote is gone are outdated. Each one
 * that moved is told to the round. */
static int
follow_anchors(struct forum *f, int64_t id, int64_t round, const char *body)
{
	struct comment *cs = NULL;
	char **texts = NULL;
	size_t n = 0, nt = 0;
	int rc;

	if ((rc = store_comments_by_post(f->st, id, 1, &cs, &n)) ||
	    (rc = forum_blocks_text(body, &texts, &nt)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		struct comment *c = &cs[i];
		struct comment now;
		int to;

		/* Comments on posts merged into this one point into
		 * those posts, which are not revised here. */
		if (!c->anchor_quote || c->anchor_outdated || c->from_post != id)
			continue;
		to = forum_blocks_find(texts, nt, c->anchor_quote, c->anchor_block);
		if (to == c->anchor_block)
			continue;
		if ((rc = store_comment_set_anchor(f->st, c->id, to)) ||
		    (rc = store_comment_get(f->st, c->id, &now)))
			break;
		{
			struct os_event ev = {.type = EV_COMMENT_UPDATED, .round = round};

			ev.comment = &now;
			forum_emit(f, &ev);
		}
		comment_clear(&now);
	}
out:
	for (size_t i = 0; i < n; i++)
		comment_clear(&cs[i]);
	free(cs);
	forum_blocks_free(texts, nt);
	return rc;
}

int
posts_update(struct forum *f, const struct user *caller, int64_t id, const char *title,
	     const char *body, struct post *out)
{
	struct os_event ev = {.type = EV_POST_UPDATED};
	struct mention_set ms;
	char *t = NULL, *b = NULL, *html = NULL;
	struct round r = {0};
	struct post p;
	int blocks = 0, rc;

	memset(out, 0, sizeof *out);
	if (!title && !body)
		return OS_EBADREQ;
	if ((rc = forum_post_for(f, caller, id, &p, &r)))
		return rc;
	if (!posts_may_edit(caller, &p))
		rc = OS_EFORBIDDEN;
	if (!rc)
		rc = forum_phase_allows(caller, &r, W_CONTRIBUTE);
	if (!rc && p.status == STATUS_MERGED)
		rc = OS_ECONFLICT;
	if (!rc && title)
		rc = forum_text(title, OS_TITLE_MAX, 0, &t);
	if (!rc && body)
		rc = forum_text(body, p.kind == KIND_PLAN ? OS_PLAN_MAX : OS_IDEA_MAX, 0, &b);
	if (rc)
		goto out;
	if ((!t || !strcmp(t, p.title)) && (!b || !strcmp(b, p.body))) {
		/* Nothing changes: nothing is written. */
		*out = p;
		memset(&p, 0, sizeof p);
		goto out;
	}
	if ((rc = forum_rate_take(f, caller)))
		goto out;
	if (b) {
		if ((rc = mentions_resolve(f, &r, b, &ms)) ||
		    (rc = forum_markdown_mentions_blocks(b, &ms, &html, &blocks)))
			goto out;
		free(p.body);
		free(p.body_html);
		p.body = b;
		p.body_html = html;
		p.blocks = blocks;
		b = html = NULL;
	}
	if (t) {
		free(p.title);
		p.title = t;
		t = NULL;
	}
	if ((rc = store_post_revise(f->st, &p, caller->id, os_now_ms())))
		goto out;
	if ((rc = follow_anchors(f, id, r.id, p.body)))
		goto out;
	if ((rc = store_post_get(f->st, id, caller->id, out)))
		goto out;
	ev.round = r.id;
	ev.post = out;
	out->has_my_vote = 0;
	forum_emit(f, &ev);
	out->has_my_vote = 1;
out:
	free(t);
	free(b);
	free(html);
	post_clear(&p);
	round_clear(&r);
	return rc;
}

int
posts_revisions(struct forum *f, const struct user *caller, int64_t id, int64_t *round,
		struct post_revision **out, size_t *n)
{
	struct post p;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = forum_post_for(f, caller, id, &p, NULL)))
		return rc;
	*round = p.round;
	post_clear(&p);
	return store_post_revisions(f->st, id, out, n);
}

int
comments_update(struct forum *f, const struct user *caller, int64_t id, const char *body,
		struct comment *out)
{
	struct os_event ev = {.type = EV_COMMENT_UPDATED};
	struct mention_set ms;
	struct comment c;
	struct round r = {0};
	struct post p = {0};
	char *text = NULL, *html = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_comment_get(f->st, id, &c)))
		return rc;
	if ((rc = forum_post_for(f, caller, c.post, &p, &r)))
		goto out;
	if (c.hidden && !forum_is_moderator(caller)) {
		rc = OS_ENOTFOUND;
		goto out;
	}
	if (caller->role != ROLE_ADMIN &&
	    (caller->id != c.author.id || os_now_ms() - c.created_at > COMMENT_EDIT_WINDOW_MS))
		rc = OS_EFORBIDDEN;
	if (!rc)
		rc = forum_phase_allows(caller, &r, W_CONTRIBUTE);
	if (!rc)
		rc = forum_text(body, OS_COMMENT_MAX, 0, &text);
	if (rc)
		goto out;
	if (!strcmp(text, c.body)) {
		*out = c;
		memset(&c, 0, sizeof c);
		goto out;
	}
	if ((rc = forum_rate_take(f, caller)) || (rc = mentions_resolve(f, &r, text, &ms)) ||
	    (rc = forum_markdown_mentions(text, &ms, &html)) ||
	    (rc = store_comment_edit(f->st, id, text, html, caller->id, os_now_ms())) ||
	    (rc = store_audit(f->st, caller->id, "comment.edit", "comment", id, r.id, c.body)) ||
	    (rc = store_comment_get(f->st, id, out)))
		goto out;
	ev.round = r.id;
	ev.comment = out;
	forum_emit(f, &ev);
out:
	free(text);
	free(html);
	comment_clear(&c);
	post_clear(&p);
	round_clear(&r);
	return rc;
}
