#ifndef OS_FORUM_POSTS_H
#define OS_FORUM_POSTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

/* Posts a plan (managers, admins) or an idea (any member) in an open
 * round, renders its Markdown, emits post.created. *out gets the post. */
int posts_create(struct forum *f, const struct user *caller, int64_t round,
		 int kind, const char *title, const char *body, struct post *out);

/* A post with all its comments (oldest first; those on posts merged into
 * it too). Caller clears *p, each comment, and frees the array. */
int posts_get(struct forum *f, const struct user *caller, int64_t id,
	      struct post *p, struct comment **comments, size_t *ncomments);

/* Comments on a post in an open round; parent (0: none) must be a comment
 * of the same post. Emits comment.created. */
int comments_create(struct forum *f, const struct user *caller, int64_t post,
		    int64_t parent, const char *body, struct comment *out);

/* Where a comment points in its post: top-level block `block` (0-based)
 * and words quote (1 to COMMENT_QUOTE_MAX characters once white space is
 * collapsed) that occur in that block's text. When comments_create_at()
 * refuses it (OS_EBADREQ), fault says why: ANCHOR_BLOCK (no such block),
 * ANCHOR_QUOTE (not in the block, empty or too long). */
#define COMMENT_QUOTE_MAX 300
enum { ANCHOR_OK, ANCHOR_BLOCK, ANCHOR_QUOTE };
struct comment_anchor {
	int block;
	const char *quote;
	int fault;
};

/* comments_create() with an anchor (NULL: none). */
int comments_create_at(struct forum *f, const struct user *caller, int64_t post,
		       int64_t parent, const char *body, struct comment_anchor *anchor,
		       struct comment *out);

/* The body_html that a post or comment with body text would get: the same
 * trimming and rendering, nothing stored. text may be empty; it must be
 * UTF-8 of at most OS_PLAN_MAX characters (OS_EBADREQ, OS_ETOOLARGE).
 * Caller frees *html. */
int posts_preview(const char *text, char **html);

#endif
