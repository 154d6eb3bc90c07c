#ifndef OS_STORE_FLAGS_H
#define OS_STORE_FLAGS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Records a flag; OS_ECONFLICT when this user flagged this item before. */
int store_flag_insert(struct store *st, int target, int64_t id, int64_t round,
		      int64_t user, const char *reason);

/* Distinct people whose flags on the item no moderator has decided yet. */
int store_flag_open_count(struct store *st, int target, int64_t id, int64_t *n);

/* A moderator decided: the item's open flags are resolved. */
int store_flags_resolve(struct store *st, int target, int64_t id);

/* One item in the moderation queue. */
struct flagged {
	int target;
	int64_t id;
	int64_t round;
	int64_t count;       /* open flags */
	int64_t last_at;     /* newest open flag */
	int hidden;
	struct user author;
	char *title;         /* posts only, else NULL */
	char *body;
	char *reasons;       /* the open reasons as a JSON array of strings */
	int64_t post;        /* the post a comment belongs to, else the post itself */
	/* A comment's earlier texts, oldest first, as a JSON array of
	 * {"body", "at" (ms)}; NULL when it was never edited. */
	char *edits;
};

/* Items with open flags, newest flag first; round 0: every round. */
int store_flag_queue(struct store *st, int64_t round, int limit,
		     struct flagged **out, size_t *n);
void store_flagged_free(struct flagged *arr, size_t n);

#endif
