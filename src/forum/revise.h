#ifndef OS_FORUM_REVISE_H
#define OS_FORUM_REVISE_H

/*
 * Plans that listen: posts revised in the open (every version kept and
 * shown to the round), comments anchored to the words they are about and
 * following them into each new version, comments corrected by their
 * authors (the old text kept for moderators).
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"
#include "forum/posts.h"
#include "store/revisions.h"

/* How long authors may edit their comments (admins: always). */
#define COMMENT_EDIT_WINDOW_MS (24LL * 3600 * 1000)

/* Revises a post: its author, for plans also managers, admins always, in a
 * phase that allows posting (OS_EFORBIDDEN, OS_EPHASE; OS_ECONFLICT for a
 * merged post). title and body (NULL: as they are; not both NULL) follow
 * post.create's rules. Anchored comments follow their quote into the new
 * body, or are marked outdated. A change emits post.updated (and
 * comment.updated for each comment whose anchor moved); the same text
 * again writes nothing. *out gets the post. */
int posts_update(struct forum *f, const struct user *caller, int64_t id,
		 const char *title, const char *body, struct post *out);

/* Every version of a post (members), oldest first; *round its round. Caller frees with
 * store_post_revisions_free(). */
int posts_revisions(struct forum *f, const struct user *caller, int64_t id,
		    int64_t *round, struct post_revision **out, size_t *n);

/* Edits a comment: its author within COMMENT_EDIT_WINDOW_MS of writing it,
 * admins always (OS_EFORBIDDEN), in a phase that allows commenting. The
 * old text goes to the comment's edit history and the audit log
 * (comment.edit). Emits comment.updated; the same text again writes
 * nothing. */
int comments_update(struct forum *f, const struct user *caller, int64_t id,
		    const char *body, struct comment *out);

/* Checks anchor against post body `body`: OS_OK with *quote the collapsed
 * quote (caller frees), or OS_EBADREQ with anchor->fault set. */
int comments_anchor_check(const char *body, struct comment_anchor *anchor, char **quote);

/* 1 when caller may revise post p (who, not when). */
int posts_may_edit(const struct user *caller, const struct post *p);

#endif
