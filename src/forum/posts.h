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

#endif
