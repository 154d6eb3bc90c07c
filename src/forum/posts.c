#include "forum/posts.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "forum/notify.h"
#include "forum/revise.h"
#include "store/comments.h"
#include "store/posts.h"

int
posts_create(struct forum *f, const struct user *caller, int64_t round, int kind,
	     const char *title, const char *body, struct post *out)
{
	struct os_event ev = {.type = EV_POST_CREATED};
	struct notify_batch nb = {0};
	struct mention_set ms;
	struct post p = {0};
	struct round r;
	int rc;

	memset(out, 0, sizeof *out);
	if (kind != KIND_PLAN && kind != KIND_IDEA)
		return OS_EBADREQ;
	if ((rc = forum_round_for(f, caller, round, &r)))
		return rc;
	if (kind == KIND_PLAN && !forum_is_moderator(caller))
		rc = OS_EFORBIDDEN;
	if (!rc)
		rc = forum_phase_allows(caller, &r, W_CONTRIBUTE);
	if (!rc)
		rc = forum_text(title, OS_TITLE_MAX, 0, &p.title);
	if (!rc)
		rc = forum_text(body, kind == KIND_PLAN ? OS_PLAN_MAX : OS_IDEA_MAX, 0,
				&p.body);
	if (!rc)
		rc = mentions_resolve(f, &r, p.body, &ms);
	if (!rc)
		rc = forum_markdown_mentions_blocks(p.body, &ms, &p.body_html, &p.blocks);
	if (!rc)
		rc = forum_rate_take(f, caller);
	if (rc)
		goto out;
	p.round = round;
	p.kind = kind;
	p.author = *caller;
	p.created_at = os_now_ms();
	if ((rc = store_post_insert(f->st, &p)))
		goto out;
	if ((rc = notify_mentions(f, &nb, caller, &ms, &r, p.id, 0, 0)))
		goto out;
	if ((rc = store_post_get(f->st, p.id, caller->id, out)))
		goto out;
	ev.round = round;
	ev.post = out;
	out->has_my_vote = 0;
	forum_emit(f, &ev);
	out->has_my_vote = 1;
out:
	notify_batch_done(f, &nb, rc);
	post_clear(&p);
	round_clear(&r);
	return rc;
}

int
posts_preview(const char *text, char **html)
{
	char *trimmed = NULL;
	int rc;

	*html = NULL;
	if ((rc = forum_text(text, OS_PLAN_MAX, 1, &trimmed)))
		return rc;
	{
		int blocks;

		rc = forum_markdown_blocks(trimmed, html, &blocks);
	}
	free(trimmed);
	return rc;
}

/* A post written before bodies were stored with their blocks marked gets
 * them here, as it would when revised, so that its paragraphs can be
 * commented on. Nothing is written. */
static int
mark_blocks(struct forum *f, const struct round *r, struct post *p)
{
	struct mention_set ms;
	char *html = NULL;
	int blocks = 0, rc;

	if (p->blocks || strstr(p->body_html, "data-block="))
		return OS_OK;
	if ((rc = mentions_resolve(f, r, p->body, &ms)) ||
	    (rc = forum_markdown_mentions_blocks(p->body, &ms, &html, &blocks)))
		return rc;
	free(p->body_html);
	p->body_html = html;
	p->blocks = blocks;
	return OS_OK;
}

int
posts_get(struct forum *f, const struct user *caller, int64_t id, struct post *p,
	  struct comment **comments, size_t *ncomments)
{
	struct round r = {0};
	int rc = forum_post_for(f, caller, id, p, &r);

	*comments = NULL;
	*ncomments = 0;
	if (rc)
		return rc;
	rc = mark_blocks(f, &r, p);
	round_clear(&r);
	if (rc) {
		post_clear(p);
		return rc;
	}
	rc = store_comments_by_post(f->st, id, forum_is_moderator(caller), comments,
				    ncomments);
	if (rc)
		post_clear(p);
	return rc;
}

int
comments_create(struct forum *f, const struct user *caller, int64_t post,
		int64_t parent, const char *body, struct comment *out)
{
	return comments_create_at(f, caller, post, parent, body, NULL, out);
}

int
comments_create_at(struct forum *f, const struct user *caller, int64_t post,
		   int64_t parent, const char *body, struct comment_anchor *anchor,
		   struct comment *out)
{
	struct os_event ev = {.type = EV_COMMENT_CREATED};
	struct notify_batch nb = {0};
	struct mention_set ms;
	struct comment c = {0}, par = {0};
	struct round r = {0};
	struct post p;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = forum_post_for_untallied(f, caller, post, &p, &r)))
		return rc;
	if ((rc = forum_phase_allows(caller, &r, W_CONTRIBUTE)))
		goto out;
	if (p.status == STATUS_MERGED) {
		/* Its discussion continues on the post it was merged into. */
		rc = OS_ECONFLICT;
		goto out;
	}
	if (parent) {
		/* A reply stays in its thread: the parent must belong to
		 * this post, and be visible to the caller. */
		rc = store_comment_get(f->st, parent, &par);
		if (rc == OS_ENOTFOUND || (!rc && par.post != post) ||
		    (!rc && par.hidden && !forum_is_moderator(caller))) {
			rc = OS_EBADREQ;
			goto out;
		}
		if (rc)
			goto out;
	}
	if ((rc = forum_text(body, OS_COMMENT_MAX, 0, &c.body)))
		goto out;
	if (anchor && (rc = comments_anchor_check(p.body, anchor, &c.anchor_quote)))
		goto out;
	c.anchor_block = anchor ? anchor->block : -1;
	if ((rc = mentions_resolve(f, &r, c.body, &ms)) ||
	    (rc = forum_markdown_mentions(c.body, &ms, &c.body_html)))
		goto out;
	if ((rc = forum_rate_take(f, caller)))
		goto out;
	c.post = post;
	c.parent = parent;
	c.author = *caller;
	c.created_at = os_now_ms();
	if ((rc = store_comment_insert(f->st, &c)))
		goto out;
	/* A reply tells the author of the comment it answers, and the
	 * author of the post; a mention tells whoever it names. Each is told
	 * once, the first reason winning. */
	if ((parent && (rc = notify_add(f, &nb, caller, par.author.id, NK_REPLY, &r, post,
					c.id, 0, 0))) ||
	    (rc = notify_add(f, &nb, caller, p.author.id, NK_REPLY, &r, post, c.id, 0, 0)) ||
	    (rc = notify_mentions(f, &nb, caller, &ms, &r, post, c.id, 0)))
		goto out;
	if ((rc = store_comment_get(f->st, c.id, out)))
		goto out;
	ev.round = r.id;
	ev.comment = out;
	forum_emit(f, &ev);
out:
	notify_batch_done(f, &nb, rc);
	comment_clear(&c);
	comment_clear(&par);
	post_clear(&p);
	round_clear(&r);
	return rc;
}
