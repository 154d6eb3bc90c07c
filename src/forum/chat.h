#ifndef OS_FORUM_CHAT_H
#define OS_FORUM_CHAT_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

#define CHAT_HISTORY_MAX 200
#define CHAT_HISTORY_DEFAULT 50

/* Sends a chat message to a round's room; emits chat.message. */
int chat_send(struct forum *f, const struct user *caller, int64_t round,
	      const char *body, struct chat *out);

/* Up to limit (1..200) messages before message id before (0: the latest),
 * oldest first. Hidden ones are shown to moderators only. */
int chat_history(struct forum *f, const struct user *caller, int64_t round,
		 int64_t before, int limit, struct chat **out, size_t *n);

#endif
