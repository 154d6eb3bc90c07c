#ifndef OS_FORUM_EVENTS_H
#define OS_FORUM_EVENTS_H

/*
 * What the forum layer tells the world. The forum emits an event for every
 * change others should see, inside the write that made it; whoever
 * implements the sink (the transport) renders it at once and delivers it
 * only after the write is committed. Objects are valid during the call only.
 */

#include <stdint.h>

#include "base/model.h"

enum os_event_type {
	EV_ROUND_UPDATED,    /* round */
	EV_POST_CREATED,     /* post */
	EV_POST_UPDATED,     /* post */
	EV_COMMENT_CREATED,  /* comment */
	EV_COMMENT_UPDATED,  /* comment (hidden or restored) */
	EV_VOTE_TALLY,       /* post (its tally and score) */
	EV_CHAT_MESSAGE,     /* chat */
	EV_CHAT_UPDATED,     /* chat (hidden or restored) */
	EV_PRIORITY_UPDATED, /* priority */
	EV_ACCESS_REVOKED,   /* user_id lost access to round */
	EV_USER_DISABLED,    /* user_id may no longer sign in: close their sockets */
	EV_NOTIFICATION,     /* notification, for user_id (its recipient) only */
	EV_USER_UPDATED,     /* account (user_id) changed: by themself (user set: their
				settings), or by an admin (account set, user NULL):
				what its open connections may see and do follows
				at once */
	EV_SESSIONS_ENDED,   /* user_id's sessions but session_keep (when not NULL)
				were revoked: close their sockets */
	EV_NEED_UPDATED,     /* need (created, changed, linked or unlinked) */
	EV_NEED_DELETED,     /* need (its id and round) */
	EV_PRIORITY_UPDATE_POSTED, /* update: a progress update of a priority */
	EV_UPDATE_COMMENTED, /* comment: a comment on a progress update */
	EV_TYPE_COUNT
};

struct os_event {
	int type;
	int64_t round;
	const struct round *round_obj;
	const struct post *post;
	const struct comment *comment;
	const struct chat *chat;
	const struct priority *priority;
	const struct priority_update *update;
	const struct notification *notification;
	int64_t user_id;
	const struct user *user;
	/* The round's setting: 0 means each customer sees other
	 * organisations' customers anonymously, so events with USERs are
	 * rendered per viewer. The forum fills it in from round_obj; the
	 * transport knows it for the rounds people subscribe to. */
	int customers_see_each_other;
	const struct account *account;
	const unsigned char *session_keep; /* a session's token hash (32 bytes) */
	const struct need *need;
};

struct forum_events {
	void (*emit)(void *arg, const struct os_event *ev);
	void *arg;
};

#endif
