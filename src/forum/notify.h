#ifndef OS_FORUM_NOTIFY_H
#define OS_FORUM_NOTIFY_H

/*
 * Who is told what. A write that concerns someone adds notices to a batch
 * (each inserted at once, in the write's own store operation, so that the
 * notice commits or rolls back with the write); once the whole write has
 * succeeded notify_batch_done() emits one `notification` event per notice,
 * and on failure emits nothing.
 *
 * Nobody is told of their own action; a disabled user is told nothing;
 * nobody is told of an item they cannot see (a hidden item, a round they
 * cannot see). One write tells each person at most once (a reply that also
 * mentions the author of the parent is one notice, a reply).
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

#define MENTION_MAX 20 /* distinct people one item may mention */

struct notify_batch {
	struct notification *items;
	size_t n, cap;
	/* The round's customers_see_each_other, for rendering the notices to
	 * their recipients (the notices of one batch are of one round). */
	int see_all;
};

/* Calls fn for each @mention in text, in order: the name (not terminated,
 * len bytes) after an '@' that starts the text or follows a character
 * that cannot be in an address or a name (so that a@b.com is no mention),
 * made of username characters, without the '.', '-' or '_' that end a
 * sentence ("thanks @anna."). Stops early when fn returns non-zero and
 * returns that value. */
typedef int (*mention_fn)(const char *name, size_t len, void *arg);
int mentions_scan(const char *text, mention_fn fn, void *arg);

/* The people text mentions who can see round r (not disabled), at most
 * MENTION_MAX, each once. */
struct mention_set {
	struct user users[MENTION_MAX];
	size_t n;
};
int mentions_resolve(struct forum *f, const struct round *r, const char *text,
		     struct mention_set *out);

/* Renders Markdown like forum_markdown(), with each mention of someone in
 * ms as a link to /u/USERNAME (a link node of cmark: its text is escaped
 * like any other). */
int forum_markdown_mentions(const char *src, const struct mention_set *ms, char **html);
/* The same for a post's body: each top-level block marked with
 * data-block="N", and *blocks set to their number. */
int forum_markdown_mentions_blocks(const char *src, const struct mention_set *ms, char **html,
				   int *blocks);

/* Adds a notice of kind for recipient about an item of round r (post,
 * comment, chat: 0 when absent; item_hidden when the item is hidden),
 * unless one of the rules above leaves it out. */
int notify_add(struct forum *f, struct notify_batch *b, const struct user *actor,
	       int64_t recipient, int kind, const struct round *r, int64_t post,
	       int64_t comment, int64_t chat, int item_hidden);

/* A notice about a priority of round r (NK_PRIORITY_UPDATE with the
 * update's id, NK_PRIORITY_STATUS with update 0) for recipient, by the
 * same rules. */
int notify_priority(struct forum *f, struct notify_batch *b, const struct user *actor,
		    int64_t recipient, int kind, const struct round *r, int64_t priority,
		    int64_t update);

/* A notice of kind for everyone ms names. */
int notify_mentions(struct forum *f, struct notify_batch *b, const struct user *actor,
		    const struct mention_set *ms, const struct round *r, int64_t post,
		    int64_t comment, int64_t chat);

/* The members of round r told that it entered its phase: everyone who can
 * see it (staff for an internal round; staff and the active customer
 * members for an invited one). */
int notify_round_phase(struct forum *f, struct notify_batch *b, const struct user *actor,
		       const struct round *r);

/* The caller's notices (newest first, ids below before, 0: no bound; at
 * most limit, 1 to NOTIFY_LIST_MAX) and how many are unread. The caller
 * frees *out. */
#define NOTIFY_LIST_MAX 100
int notifications_list(struct forum *f, const struct user *caller, int64_t before,
		       int limit, struct notification **out, size_t *n, int64_t *unread);

/* Marks the caller's notices ids (n of them; someone else's are ignored),
 * or all of them, read; *unread is what is left unread. */
int notifications_read(struct forum *f, const struct user *caller, const int64_t *ids,
		       size_t n, int all, int64_t *unread);

/* Sets the caller's mail preference (enum os_notify_mode). */
int notify_set_mode(struct forum *f, const struct user *caller, int mode);

/* One-click unsubscribe: sets notify to off for the user of token.
 * OS_ENOTFOUND for a token that is unknown or malformed. */
int notify_unsubscribe(struct forum *f, const char *token);

/* Emits the batch's events when rc is OS_OK, then empties it. Returns rc. */
int notify_batch_done(struct forum *f, struct notify_batch *b, int rc);

#endif
