/* Who is told what: the rules of notify.h. */
#include "forum/notify.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "auth/session.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "store/notifications.h"
#include "store/users.h"

static int
already(const struct notify_batch *b, int64_t recipient)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].recipient == recipient)
			return 1;
	return 0;
}

static int
add_checked(struct forum *f, struct notify_batch *b, const struct user *actor,
	    const struct user *u, int kind, const struct round *r, int64_t post,
	    int64_t comment, int64_t chat, int64_t priority, int64_t update)
{
	struct notification *n;
	int rc;

	if (u->id == actor->id || u->disabled || already(b, u->id))
		return OS_OK;
	rc = forum_round_access(f, u, r);
	if (rc == OS_ENOTFOUND)
		return OS_OK;
	if (rc)
		return rc;
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 8;
		struct notification *p = realloc(b->items, ncap * sizeof *p);

		if (!p)
			return OS_ENOMEM;
		b->items = p;
		b->cap = ncap;
	}
	n = &b->items[b->n];
	memset(n, 0, sizeof *n);
	n->recipient = u->id;
	n->kind = kind;
	n->round = r->id;
	n->post = post;
	n->comment = comment;
	n->chat = chat;
	n->priority = priority;
	n->update = update;
	n->actor = *actor;
	n->created_at = os_now_ms();
	if ((rc = store_notif_insert(forum_store(f), n)))
		return rc;
	b->see_all = r->customers_see_each_other;
	b->n++;
	return OS_OK;
}

int
notify_add(struct forum *f, struct notify_batch *b, const struct user *actor,
	   int64_t recipient, int kind, const struct round *r, int64_t post,
	   int64_t comment, int64_t chat, int item_hidden)
{
	struct user u;
	int rc;

	if (item_hidden || !recipient || recipient == actor->id || already(b, recipient))
		return OS_OK;
	rc = store_user_by_id(forum_store(f), recipient, &u);
	if (rc == OS_ENOTFOUND)
		return OS_OK;
	if (rc)
		return rc;
	return add_checked(f, b, actor, &u, kind, r, post, comment, chat, 0, 0);
}

int
notify_mentions(struct forum *f, struct notify_batch *b, const struct user *actor,
		const struct mention_set *ms, const struct round *r, int64_t post,
		int64_t comment, int64_t chat)
{
	int rc;

	for (size_t i = 0; i < ms->n; i++)
		if ((rc = add_checked(f, b, actor, &ms->users[i], NK_MENTION, r, post,
				      comment, chat, 0, 0)))
			return rc;
	return OS_OK;
}

int
notify_round_phase(struct forum *f, struct notify_batch *b, const struct user *actor,
		   const struct round *r)
{
	struct user *users = NULL;
	size_t n = 0;
	int kind, rc;

	switch (r->phase) {
	case PHASE_OPEN:
		kind = NK_ROUND_OPEN;
		break;
	case PHASE_VOTING:
		kind = NK_ROUND_VOTING;
		break;
	case PHASE_CLOSED:
		kind = NK_ROUND_CLOSED;
		break;
	default:
		return OS_OK;
	}
	if ((rc = store_round_audience(forum_store(f), r->id, &users, &n)))
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = add_checked(f, b, actor, &users[i], kind, r, 0, 0, 0, 0, 0);
	free(users);
	return rc;
}

int
notify_priority(struct forum *f, struct notify_batch *b, const struct user *actor,
		int64_t recipient, int kind, const struct round *r, int64_t priority,
		int64_t update)
{
	struct user u;
	int rc;

	if (!recipient || recipient == actor->id || already(b, recipient))
		return OS_OK;
	rc = store_user_by_id(forum_store(f), recipient, &u);
	if (rc == OS_ENOTFOUND)
		return OS_OK;
	if (rc)
		return rc;
	return add_checked(f, b, actor, &u, kind, r, 0, 0, 0, priority, update);
}

int
notify_batch_done(struct forum *f, struct notify_batch *b, int rc)
{
	for (size_t i = 0; !rc && i < b->n; i++) {
		struct os_event ev = {.type = EV_NOTIFICATION};

		ev.round = b->items[i].round;
		ev.user_id = b->items[i].recipient;
		/* Rendered for the recipient: a customer sees another
		 * organisation's customer by name only where the round says. */
		ev.customers_see_each_other = b->see_all;
		ev.notification = &b->items[i];
		forum_emit(f, &ev);
	}
	free(b->items);
	memset(b, 0, sizeof *b);
	return rc;
}

int
notifications_list(struct forum *f, const struct user *caller, int64_t before,
		   int limit, struct notification **out, size_t *n, int64_t *unread)
{
	int rc;

	*out = NULL;
	*n = 0;
	*unread = 0;
	if (limit < 1 || limit > NOTIFY_LIST_MAX || before < 0)
		return OS_EBADREQ;
	if ((rc = store_notif_list(forum_store(f), caller->id, before, limit, out, n)))
		return rc;
	if ((rc = store_notif_unread(forum_store(f), caller->id, unread))) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int
notifications_read(struct forum *f, const struct user *caller, const int64_t *ids,
		   size_t n, int all, int64_t *unread)
{
	int64_t now = os_now_ms();
	int rc = OS_OK;

	*unread = 0;
	if (all)
		rc = store_notif_mark_read(forum_store(f), caller->id, 0, now);
	for (size_t i = 0; !all && !rc && i < n; i++)
		if (ids[i] > 0)
			rc = store_notif_mark_read(forum_store(f), caller->id, ids[i], now);
	if (!rc)
		rc = store_notif_unread(forum_store(f), caller->id, unread);
	return rc;
}

int
notify_set_mode(struct forum *f, const struct user *caller, int mode)
{
	if (mode < 0 || mode >= NOTIFY_MODE_COUNT)
		return OS_EBADREQ;
	return store_user_notify_set(forum_store(f), caller->id, mode);
}

int
notify_unsubscribe(struct forum *f, const char *token)
{
	unsigned char hash[32];
	int64_t user_id;
	int rc;

	if (!token || strlen(token) != OS_TOKEN_STR_LEN - 1)
		return OS_ENOTFOUND;
	session_token_hash(token, hash);
	if ((rc = store_unsub_token_user(forum_store(f), hash, &user_id)))
		return rc;
	return store_user_notify_set(forum_store(f), user_id, NOTIFY_OFF);
}
