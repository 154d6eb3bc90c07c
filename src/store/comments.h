#ifndef OS_STORE_COMMENTS_H
#define OS_STORE_COMMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Inserts from c's post, parent, body, body_html, author.id, created_at;
 * sets c->id. */
int store_comment_insert(struct store *st, struct comment *c);

/* Reads one comment (with its author and round). */
int store_comment_get(struct store *st, int64_t id, struct comment *c);

/* The comments of post and of the posts merged into it, oldest first;
 * hidden ones only when with_hidden. Caller clears each, frees the array. */
int store_comments_by_post(struct store *st, int64_t post, int with_hidden,
			   struct comment **out, size_t *n);

int store_comment_set_hidden(struct store *st, int64_t id, int hidden);

#endif
