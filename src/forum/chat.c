#include "forum/chat.h"

#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "forum/notify.h"
#include "store/chat.h"

int
chat_send(struct forum *f, const struct user *caller, int64_t round, const char *body,
	  struct chat *out)
{
	struct os_event ev = {.type = EV_CHAT_MESSAGE};
	struct notify_batch nb = {0};
	struct mention_set ms;
	struct chat c = {0};
	struct round r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = forum_round_for(f, caller, round, &r)))
		return rc;
	if (!(rc = forum_phase_allows(caller, &r, W_TALK)) &&
	    !(rc = forum_text(body, OS_CHAT_MAX, 0, &c.body)) &&
	    !(rc = mentions_resolve(f, &r, c.body, &ms)) &&
	    !(rc = forum_rate_take(f, caller))) {
		c.round = round;
		c.author = *caller;
		c.created_at = os_now_ms();
		rc = store_chat_insert(f->st, &c);
		if (!rc)
			rc = notify_mentions(f, &nb, caller, &ms, &r, 0, 0, c.id);
		if (!rc)
			rc = store_chat_get(f->st, c.id, out);
		if (!rc) {
			ev.round = round;
			ev.chat = out;
			forum_emit(f, &ev);
		}
	}
	notify_batch_done(f, &nb, rc);
	chat_clear(&c);
	round_clear(&r);
	return rc;
}

int
chat_history(struct forum *f, const struct user *caller, int64_t round, int64_t before,
	     int limit, struct chat **out, size_t *n)
{
	struct round r;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit < 1 || limit > CHAT_HISTORY_MAX)
		return OS_EBADREQ;
	if ((rc = forum_round_for(f, caller, round, &r)))
		return rc;
	round_clear(&r);
	return store_chat_history(f->st, round, before, limit, forum_is_moderator(caller),
				  out, n);
}
