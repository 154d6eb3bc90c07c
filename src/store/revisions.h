#ifndef OS_STORE_REVISIONS_H
#define OS_STORE_REVISIONS_H

/* Revised posts, edited comments and comments' anchors. */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* One version of a post: what it said, who wrote that version, when. */
struct post_revision {
	int revision;
	char *title;
	char *body;
	struct user author;
	int64_t created_at;
};

/* Writes p's title, body, body_html and blocks as its next revision,
 * by editor at `at`: the post's revision goes up by one (p->revision gets
 * it) and its edited_at is set; the new version joins post_revisions. */
int store_post_revise(struct store *st, struct post *p, int64_t editor, int64_t at);

/* The versions of post, oldest first. Caller frees with
 * store_post_revisions_free(). */
int store_post_revisions(struct store *st, int64_t post, struct post_revision **out,
			 size_t *n);
void store_post_revisions_free(struct post_revision *arr, size_t n);

/* Sets comment id's text, keeping the text it had in comment_edits (by
 * editor, at), and its edited_at. */
int store_comment_edit(struct store *st, int64_t id, const char *body,
		       const char *body_html, int64_t editor, int64_t at);

/* Moves a comment's anchor to block (-1: lost, and then outdated). */
int store_comment_set_anchor(struct store *st, int64_t id, int block);

#endif
