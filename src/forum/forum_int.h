#ifndef OS_FORUM_INT_H
#define OS_FORUM_INT_H

/* Private to src/forum/. */

#include "forum/forum.h"

struct rate_slot {
	int64_t user;      /* 0: empty */
	double tokens;
	int64_t at_us;
};

struct forum {
	struct store *st;
	struct forum_events events;
	struct forum_opts opts;
	/* One token bucket per user who wrote, in an open-addressing table
	 * that grows with the number of writers. */
	struct rate_slot *rate;
	size_t rate_cap, rate_used;
	/* Told of every write taken from a bucket (other nodes count it). */
	void (*rate_hook)(void *arg, int64_t user);
	void *rate_hook_arg;
};

/* What a write is, for the phase rules. */
enum write_kind {
	W_CONTRIBUTE, /* posts and comments: the round must be open */
	W_VOTE,       /* open or voting */
	W_TALK,       /* chat and flags: any phase but closed */
	W_MANAGE,     /* round settings, priorities, merges: any phase but closed */
};

/* Reads round id into *out when u may see it; OS_ENOTFOUND otherwise, the
 * same answer as for a round that does not exist. */
int forum_round_for(struct forum *f, const struct user *u, int64_t id,
		    struct round *out);

/* OS_OK when u may see round r, OS_ENOTFOUND when not, or the error that
 * kept the store from telling (never taken for either answer). */
int forum_round_access(struct forum *f, const struct user *u, const struct round *r);

/* The phase a round is in now: closed once closes_at has passed. */
int forum_phase_now(const struct round *r);

/* OS_OK when u may make a write of this kind in r's phase, else
 * OS_EPHASE. Admins may write in closed rounds. */
int forum_phase_allows(const struct user *u, const struct round *r, enum write_kind k);

/* 1 for managers and admins. */
int forum_is_moderator(const struct user *u);

/* Validates a text field: well-formed UTF-8, at most max characters,
 * not empty after trimming (unless may_be_empty). *out is a malloc'd
 * trimmed copy. OS_EBADREQ, OS_ETOOLARGE or OS_ENOMEM otherwise. */
int forum_text(const char *in, size_t max, int may_be_empty, char **out);

/* Renders Markdown safely (no raw HTML, no unsafe links) into *html. */
int forum_markdown(const char *src, char **html);
/* The same, with each top-level block marked data-block="N" (0-based) and
 * *blocks set to their number; blocks NULL: forum_markdown(). */
int forum_markdown_blocks(const char *src, char **html, int *blocks);

/* Reads post id into *p when u may see it (its round visible, and hidden
 * posts only for moderators), with my_vote for u. Also fills *r when not
 * NULL. OS_ENOTFOUND otherwise. */
int forum_post_for(struct forum *f, const struct user *u, int64_t id,
		   struct post *p, struct round *r);
/* The same without the post's tallies, for a write that only checks it. */
int forum_post_for_untallied(struct forum *f, const struct user *u, int64_t id,
			     struct post *p, struct round *r);

#endif
