#ifndef OS_STORE_NOTIFICATIONS_H
#define OS_STORE_NOTIFICATIONS_H

/*
 * Notices per recipient, each user's mail preference and unsubscribe
 * token. What a recipient may still see is decided here for lists and
 * counts, in SQL that mirrors forum_round_access() (src/forum/access.c):
 * a notice about a hidden post, comment or chat message, or in a round the
 * recipient can no longer see, is left out.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Inserts n (its id, recipient, kind, round, post, comment, chat,
 * actor.id, created_at); sets n->id. */
int store_notif_insert(struct store *st, struct notification *n);

/* The visible notices of user_id, newest first, with ids below before (0:
 * no bound), at most limit. The caller frees *out. */
int store_notif_list(struct store *st, int64_t user_id, int64_t before, int limit,
		     struct notification **out, size_t *n);

/* The number of visible unread notices of user_id. */
int store_notif_unread(struct store *st, int64_t user_id, int64_t *count);

/* Marks notice id (0: all) of user_id read at now; someone else's id is
 * left alone. */
int store_notif_mark_read(struct store *st, int64_t user_id, int64_t id, int64_t now);


/* Everyone not disabled who may see round (by role and membership; the
 * phase is the caller's to check). The caller frees *out. */
int store_round_audience(struct store *st, int64_t round, struct user **out, size_t *n);

/* The user's mail preference (enum os_notify_mode). */
int store_user_notify_get(struct store *st, int64_t user_id, int *mode);
int store_user_notify_set(struct store *st, int64_t user_id, int mode);

/* Stores the hash of a new unsubscribe token of user_id. */
int store_unsub_token_add(struct store *st, int64_t user_id, const unsigned char hash[32]);
/* The user whose token has this hash; OS_ENOTFOUND when none. */
int store_unsub_token_user(struct store *st, const unsigned char hash[32], int64_t *user_id);

#endif
