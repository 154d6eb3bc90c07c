#include "forum/moderation.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "store/chat.h"
#include "store/comments.h"
#include "store/posts.h"
#include "store/rounds.h"

/* Where an item lives and whether it is hidden, when u may see it. */
static int
locate(struct forum *f, const struct user *u, int target, int64_t id, struct round *r,
       int *hidden)
{
	int rc;

	switch (target) {
	case TARGET_POST: {
		struct post p;

		if ((rc = forum_post_for(f, u, id, &p, r)))
			return rc;
		*hidden = p.hidden;
		post_clear(&p);
		return OS_OK;
	}
	case TARGET_COMMENT: {
		struct comment c;
		struct post p;

		if ((rc = store_comment_get(f->st, id, &c)))
			return rc;
		*hidden = c.hidden;
		rc = forum_post_for(f, u, c.post, &p, r);
		comment_clear(&c);
		if (rc)
			return rc;
		post_clear(&p);
		break;
	}
	case TARGET_CHAT: {
		struct chat c;

		if ((rc = store_chat_get(f->st, id, &c)))
			return rc;
		*hidden = c.hidden;
		rc = forum_round_for(f, u, c.round, r);
		chat_clear(&c);
		if (rc)
			return rc;
		break;
	}
	default:
		return OS_EBADREQ;
	}
	if (*hidden && !forum_is_moderator(u)) {
		round_clear(r);
		return OS_ENOTFOUND;
	}
	return OS_OK;
}

static int
set_hidden(struct forum *f, const struct user *viewer, int target, int64_t id,
	   int64_t round, int hidden)
{
	struct os_event ev = {.round = round};
	int rc;

	switch (target) {
	case TARGET_POST: {
		struct post p;

		if ((rc = store_post_set_hidden(f->st, id, hidden)) ||
		    (rc = store_post_get(f->st, id, 0, &p)))
			return rc;
		p.has_my_vote = 0;
		ev.type = EV_POST_UPDATED;
		ev.post = &p;
		forum_emit(f, &ev);
		post_clear(&p);
		return OS_OK;
	}
	case TARGET_COMMENT: {
		struct comment c;

		if ((rc = store_comment_set_hidden(f->st, id, hidden)) ||
		    (rc = store_comment_get(f->st, id, &c)))
			return rc;
		ev.type = EV_COMMENT_UPDATED;
		ev.comment = &c;
		forum_emit(f, &ev);
		comment_clear(&c);
		return OS_OK;
	}
	case TARGET_CHAT: {
		struct chat c;

		if ((rc = store_chat_set_hidden(f->st, id, hidden)) ||
		    (rc = store_chat_get(f->st, id, &c)))
			return rc;
		ev.type = EV_CHAT_UPDATED;
		ev.chat = &c;
		forum_emit(f, &ev);
		chat_clear(&c);
		return OS_OK;
	}
	}
	return OS_EBADREQ;
}

int
mod_flag(struct forum *f, const struct user *caller, int target, int64_t id,
	 const char *reason, int *hidden)
{
	char *why = NULL;
	struct round r = {0};
	int64_t open_flags;
	int was_hidden, rc;

	*hidden = 0;
	if ((rc = locate(f, caller, target, id, &r, &was_hidden)))
		return rc;
	if ((rc = forum_phase_allows(caller, &r, W_TALK)) ||
	    (rc = forum_text(reason, OS_REASON_MAX, 0, &why)) ||
	    (rc = forum_rate_take(f, caller)))
		goto out;
	if ((rc = store_flag_insert(f->st, target, id, r.id, caller->id, why)))
		goto out;
	if ((rc = store_audit(f->st, caller->id, "flag.create", os_target_name(target), id,
			      r.id, why)))
		goto out;
	if (was_hidden || f->opts.flag_threshold <= 0)
		goto out;
	if ((rc = store_flag_open_count(f->st, target, id, &open_flags)))
		goto out;
	if (open_flags >= f->opts.flag_threshold) {
		/* set_hidden() emits its event: it comes last, so that a write
		 * that fails emits nothing. */
		if ((rc = store_audit(f->st, 0, "mod.autohide", os_target_name(target), id,
				      r.id, "flagged by enough people")) ||
		    (rc = set_hidden(f, caller, target, id, r.id, 1)))
			goto out;
		*hidden = 1;
	}
out:
	free(why);
	round_clear(&r);
	return rc;
}

int
mod_hide(struct forum *f, const struct user *caller, int target, int64_t id, int hidden,
	 const char *reason)
{
	struct round r = {0};
	char *why = NULL;
	int was_hidden, rc;

	if ((rc = locate(f, caller, target, id, &r, &was_hidden)))
		return rc;
	if (!forum_is_moderator(caller))
		rc = OS_EFORBIDDEN;
	if (!rc)
		rc = forum_phase_allows(caller, &r, W_MANAGE);
	if (!rc)
		rc = forum_text(reason ? reason : "", OS_REASON_MAX, 1, &why);
	if (!rc)
		rc = store_flags_resolve(f->st, target, id);
	if (!rc)
		rc = store_audit(f->st, caller->id, hidden ? "mod.hide" : "mod.restore",
				 os_target_name(target), id, r.id, why);
	/* Last, as it emits the event: a write that fails emits nothing. */
	if (!rc && was_hidden != !!hidden)
		rc = set_hidden(f, caller, target, id, r.id, hidden);
	free(why);
	round_clear(&r);
	return rc;
}

int
mod_queue(struct forum *f, const struct user *caller, int64_t round, struct flagged **out,
	  size_t *n)
{
	struct flagged *all;
	size_t cnt, kept = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!forum_is_moderator(caller))
		return OS_EFORBIDDEN;
	if (round) {
		struct round r;

		if ((rc = forum_round_for(f, caller, round, &r)))
			return rc;
		round_clear(&r);
	}
	if ((rc = store_flag_queue(f->st, round, 200, &all, &cnt)))
		return rc;
	/* Managers and admins see every round; keep the check in one place
	 * should that ever change. */
	for (size_t i = 0; i < cnt; i++) {
		struct round r = {0};
		int access = rc ? rc : store_round_get(f->st, all[i].round, &r);

		if (access == OS_OK)
			access = forum_round_access(f, caller, &r);
		if (access == OS_OK) {
			all[kept++] = all[i];
		} else {
			/* Left out only when not visible; an error fails
			 * the whole queue. */
			if (access != OS_ENOTFOUND)
				rc = access;
			free(all[i].title);
			free(all[i].body);
			free(all[i].reasons);
			free(all[i].edits);
		}
		round_clear(&r);
	}
	if (rc) {
		store_flagged_free(all, kept);
		return rc;
	}
	*out = all;
	*n = kept;
	return OS_OK;
}

int
mod_audit(struct forum *f, const struct user *caller, int64_t before, int limit,
	  struct audit_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (caller->role != ROLE_ADMIN)
		return OS_EFORBIDDEN;
	if (limit < 1 || limit > 500)
		return OS_EBADREQ;
	return store_audit_list(f->st, before, limit, out, n);
}
