#include "forum/rounds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "forum/notify.h"
#include "store/audit.h"
#include "store/posts.h"
#include "forum/outcomes.h"
#include "store/priorities.h"
#include "store/rounds.h"

#define DOTS_MAX 1000

int
rounds_list(struct forum *f, const struct user *caller, struct round **out, size_t *n)
{
	struct round *all;
	size_t cnt, kept = 0;
	int rc = store_rounds_all(f->st, &all, &cnt);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < cnt; i++) {
		int access = rc ? rc : forum_round_access(f, caller, &all[i]);

		if (access == OS_OK) {
			all[kept++] = all[i];
			continue;
		}
		/* A round whose access cannot be told fails the list: leaving
		 * it out would tell the caller it is gone. */
		if (access != OS_ENOTFOUND)
			rc = access;
		round_clear(&all[i]);
	}
	if (rc) {
		for (size_t i = 0; i < kept; i++)
			round_clear(&all[i]);
		free(all);
		return rc;
	}
	*out = all;
	*n = kept;
	return OS_OK;
}

int
rounds_create(struct forum *f, const struct user *caller, struct round *r)
{
	char *title = NULL, *desc = NULL;
	int rc;

	if (!forum_is_moderator(caller))
		return OS_EFORBIDDEN;
	if (r->audience < 0 || r->audience >= AUD_COUNT || r->vote_mode < 0 ||
	    r->vote_mode >= VOTE_MODE_COUNT)
		return OS_EBADREQ;
	if (r->vote_mode == VOTE_DOTS &&
	    (r->dots_per_member < 1 || r->dots_per_member > DOTS_MAX))
		return OS_EBADREQ;
	if (r->vote_mode == VOTE_UPDOWN)
		r->dots_per_member = 0;
	rc = forum_text(r->title, OS_TITLE_MAX, 0, &title);
	if (!rc)
		rc = forum_text(r->description ? r->description : "", OS_DESC_MAX, 1, &desc);
	if (rc)
		goto out;
	r->title = title;
	r->description = desc;
	r->phase = PHASE_DRAFT;
	r->created_by = caller->id;
	r->created_at = os_now_ms();
	rc = store_round_insert(f->st, r);
	r->title = r->description = NULL;
	if (!rc)
		rc = store_round_get(f->st, r->id, r);
	if (!rc) {
		/* Last: a write that fails emits nothing. */
		struct os_event ev = {.type = EV_ROUND_UPDATED, .round = r->id, .round_obj = r};

		forum_emit(f, &ev);
	}
out:
	free(title);
	free(desc);
	return rc;
}

int
rounds_update(struct forum *f, const struct user *caller, int64_t id,
	      const struct round_changes *ch, struct round *out)
{
	struct os_event ev = {.type = EV_ROUND_UPDATED};
	struct notify_batch nb = {0};
	char *title = NULL, *desc = NULL, detail[48];
	struct round r;
	int rc, reopen, from;

	memset(out, 0, sizeof *out);
	rc = forum_round_for(f, caller, id, &r);
	if (rc)
		return rc;
	if (!forum_is_moderator(caller)) {
		rc = OS_EFORBIDDEN;
		goto out;
	}
	/* A closed round takes writes from admins only, but its managers may
	 * take it back to voting or open (a round closed by mistake). */
	reopen = ch->has_phase && (ch->phase == PHASE_OPEN || ch->phase == PHASE_VOTING);
	if (!reopen && (rc = forum_phase_allows(caller, &r, W_MANAGE)))
		goto out;
	if (ch->title && (rc = forum_text(ch->title, OS_TITLE_MAX, 0, &title)))
		goto out;
	if (ch->description && (rc = forum_text(ch->description, OS_DESC_MAX, 1, &desc)))
		goto out;
	if (ch->has_phase) {
		if (ch->phase < 0 || ch->phase >= PHASE_COUNT) {
			rc = OS_EBADREQ;
			goto out;
		}
		if (ch->phase == PHASE_DRAFT && r.phase != PHASE_DRAFT) {
			/* People have seen it; it cannot be hidden again. */
			rc = OS_ECONFLICT;
			goto out;
		}
	}
	if (title) {
		free(r.title);
		r.title = title;
		title = NULL;
	}
	if (desc) {
		free(r.description);
		r.description = desc;
		desc = NULL;
	}
	from = r.phase;
	if (ch->has_phase)
		r.phase = ch->phase;
	if (ch->has_closes_at)
		r.closes_at = ch->closes_at;
	if (ch->has_customers_see_each_other)
		r.customers_see_each_other = ch->customers_see_each_other != 0;
	if ((rc = store_round_update(f->st, &r)))
		goto out;
	if (r.phase != from) {
		snprintf(detail, sizeof detail, "%s -> %s", os_phase_name(from),
			 os_phase_name(r.phase));
		if ((rc = store_audit(f->st, caller->id, "round.phase", "round", r.id, r.id,
				      detail)))
			goto out;
	}
	if (r.phase != from && (rc = notify_round_phase(f, &nb, caller, &r)))
		goto out;
	ev.round = r.id;
	ev.round_obj = &r;
	forum_emit(f, &ev);
	*out = r;
	memset(&r, 0, sizeof r);
out:
	notify_batch_done(f, &nb, rc);
	free(title);
	free(desc);
	round_clear(&r);
	return rc;
}

int
rounds_snapshot(struct forum *f, const struct user *caller, int64_t id,
		struct round_snapshot *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = forum_round_for(f, caller, id, &out->round);
	if (!rc)
		rc = store_posts_by_round(f->st, id, caller->id, forum_is_moderator(caller),
					  &out->posts, &out->nposts);
	if (!rc)
		rc = store_priorities_by_round(f->st, id, &out->priorities,
					       &out->npriorities);
	for (size_t i = 0; !rc && i < out->npriorities; i++)
		rc = outcomes_fill_following(f, caller, &out->priorities[i]);
	if (rc)
		rounds_snapshot_clear(out);
	return rc;
}

void
rounds_snapshot_clear(struct round_snapshot *s)
{
	round_clear(&s->round);
	for (size_t i = 0; i < s->nposts; i++)
		post_clear(&s->posts[i]);
	free(s->posts);
	for (size_t i = 0; i < s->npriorities; i++)
		priority_clear(&s->priorities[i]);
	free(s->priorities);
	memset(s, 0, sizeof *s);
}

int
rounds_customers_see_each_other(struct forum *f, int64_t round)
{
	struct round r;
	int v;

	if (store_round_get(f->st, round, &r))
		return 0;
	v = r.customers_see_each_other;
	round_clear(&r);
	return v;
}

int
rounds_visible(struct forum *f, const struct user *u, const struct round *r)
{
	return forum_round_access(f, u, r) == OS_OK;
}
