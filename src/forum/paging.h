#ifndef OS_FORUM_PAGING_H
#define OS_FORUM_PAGING_H

/*
 * A round's posts a page at a time, in the orders of the round view:
 *
 *   top  plans, then ideas, then merged posts, then hidden ones (moderators
 *        only); within each, by score (highest first), then newest first;
 *   new  the same groups, newest first within each.
 *
 * A cursor names the place after the last post of a page (its group, its
 * score for top, its id), not a position: the next page starts after that
 * place in the order as it is when it is asked for. So posts created while
 * someone pages (they are newer than every cursor's post, and come first in
 * their group) never push others into the next page twice, and none is
 * skipped. A post whose place changed between two pages (its score in top
 * order; its group, after a merge or a hide, in either) may move across
 * the cursor: it is then skipped or listed a second time; clients keep
 * posts by id, and live events carry the change.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"
#include "forum/rounds.h"

enum posts_order { POSTS_TOP, POSTS_NEW };

#define POSTS_PAGE_MAX 200
#define POSTS_CURSOR_SZ 80

/* "top" or "new"; -1 for anything else. */
int posts_order_parse(const char *s);

struct posts_query {
	int order;          /* enum posts_order */
	int kind;           /* KIND_PLAN, KIND_IDEA, or -1 for both */
	const char *cursor; /* from a page's next; NULL or "" for the first page */
	int limit;          /* 1..POSTS_PAGE_MAX */
};

struct posts_page {
	struct post *posts;
	size_t n;
	char next[POSTS_CURSOR_SZ]; /* "" when this is the last page */
};

/* One page of round's posts as caller sees them (hidden ones for
 * moderators only), with caller's votes. OS_ENOTFOUND when caller may not
 * see the round; OS_EBADREQ for a cursor this server did not make, or made
 * for the other order. Clear *out with posts_page_clear(). */
int posts_list(struct forum *f, const struct user *caller, int64_t round,
	       const struct posts_query *q, struct posts_page *out);
void posts_page_clear(struct posts_page *p);

/* As rounds_snapshot(), but with the first page of posts in q's order
 * (q->cursor is ignored) and, in next, the cursor of the page after it
 * ("" when none). */
int posts_snapshot(struct forum *f, const struct user *caller, int64_t round,
		   const struct posts_query *q, struct round_snapshot *out,
		   char next[POSTS_CURSOR_SZ]);

/* The dots caller has spent across round (0 in up/down rounds), so that a
 * client that holds only a page of posts knows what budget is left. */
int posts_dots_spent(struct forum *f, const struct user *caller, int64_t round,
		     int64_t *spent);

#endif
