#ifndef OS_FORUM_MODERATION_H
#define OS_FORUM_MODERATION_H

/*
 * Moderation: anyone who can see an item (a post, comment or chat message)
 * can flag it once with a reason; an item flagged by the forum's
 * flag_threshold distinct people is hidden until a moderator decides.
 * Managers and admins hide and restore. Nothing is ever deleted: hidden
 * items stay visible to moderators, marked. Every action is audited.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"
#include "store/audit.h"
#include "store/flags.h"

/* Flags an item. OS_ECONFLICT when the caller flagged it before. *hidden
 * is set when this flag hid it. */
int mod_flag(struct forum *f, const struct user *caller, int target, int64_t id,
	     const char *reason, int *hidden);

/* Hides or restores an item (managers, admins), resolving its flags, and
 * emits post.updated, comment.updated or chat.updated. */
int mod_hide(struct forum *f, const struct user *caller, int target, int64_t id,
	     int hidden, const char *reason);

/* The moderation queue (managers, admins): items with undecided flags,
 * newest first; round 0: every round the caller sees. Caller frees with
 * store_flagged_free(). */
int mod_queue(struct forum *f, const struct user *caller, int64_t round,
	      struct flagged **out, size_t *n);

/* The audit log (admins), newest first. Caller frees each detail and the
 * array. */
int mod_audit(struct forum *f, const struct user *caller, int64_t before, int limit,
	      struct audit_entry **out, size_t *n);

#endif
