#ifndef OS_STORE_POSTS_H
#define OS_STORE_POSTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Inserts a post from p's round, kind, title, body, body_html, author.id
 * and created_at; sets p->id. */
int store_post_insert(struct store *st, struct post *p);

/* Reads post id as seen by viewer_id (for my_vote; 0: nobody) into *p,
 * with its author, tally, priority and its round's vote mode. */
int store_post_get(struct store *st, int64_t id, int64_t viewer_id, struct post *p);
/* The same without its tallies (p->tally all 0): one statement fewer, for
 * a write that reads the post only to check it. */
int store_post_get_untallied(struct store *st, int64_t id, int64_t viewer_id, struct post *p);

/* The posts of a round, oldest first, as seen by viewer_id. Hidden posts
 * are left out unless with_hidden. Caller clears each and frees the array. */
int store_posts_by_round(struct store *st, int64_t round, int64_t viewer_id,
			 int with_hidden, struct post **out, size_t *n);

/* Reads the current tally of a post. */
int store_post_tally(struct store *st, int64_t post, struct tally *t);

int store_post_set_hidden(struct store *st, int64_t post, int hidden);

/* Marks post merged into target (status merged). */
int store_post_set_merged(struct store *st, int64_t post, int64_t target);

/* Moves the votes on post from to post into, except those of people who
 * voted on into already (theirs on from are dropped). The tally triggers
 * follow. */
int store_post_move_votes(struct store *st, int64_t from, int64_t into);

/* Undoes a merge of post into target: the votes the merge moved (as
 * recorded by store_post_move_votes) and still on target go back to post,
 * and post is open again with no link. */
int store_post_unmerge(struct store *st, int64_t post, int64_t target);

#endif
