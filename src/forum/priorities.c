#include "forum/priorities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "forum/notify.h"
#include "forum/outcomes.h"
#include "store/audit.h"
#include "store/posts.h"
#include "store/priorities.h"
#include "store/users.h"

/* The round of a priority, when the caller may manage it. */
static int
manageable(struct forum *f, const struct user *caller, int64_t round, struct round *r)
{
	int rc = forum_round_for(f, caller, round, r);

	if (rc)
		return rc;
	if (!forum_is_moderator(caller))
		rc = OS_EFORBIDDEN;
	else
		rc = forum_phase_allows(caller, r, W_MANAGE);
	if (rc)
		round_clear(r);
	return rc;
}

static int
check_owner(struct forum *f, int64_t owner)
{
	struct user u;
	int rc;

	if (!owner)
		return OS_OK;
	/* Priorities are led by staff; a missing user is the caller's
	 * mistake, not a probe. A store that cannot tell is not. */
	rc = store_user_by_id(f->st, owner, &u);
	if (rc && rc != OS_ENOTFOUND)
		return rc;
	if (rc || u.role == ROLE_CUSTOMER || u.disabled)
		return OS_EBADREQ;
	return OS_OK;
}

static void
emit_priority(struct forum *f, const struct priority *p)
{
	/* Following is the reader's own: never in an event. */
	struct priority shared = *p;
	struct os_event ev = {.type = EV_PRIORITY_UPDATED, .round = p->round, .priority = &shared};

	shared.has_following = 0;
	forum_emit(f, &ev);
}

static void
emit_post(struct forum *f, struct post *p)
{
	struct os_event ev = {.type = EV_POST_UPDATED, .round = p->round, .post = p};

	p->has_my_vote = 0;
	forum_emit(f, &ev);
}

int
priorities_create(struct forum *f, const struct user *caller, int64_t round,
		  const char *title, const char *description, int64_t owner,
		  struct priority *out)
{
	char *t = NULL, *d = NULL;
	struct round r;
	int64_t id;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = manageable(f, caller, round, &r)))
		return rc;
	round_clear(&r);
	if ((rc = forum_text(title, OS_TITLE_MAX, 0, &t)) ||
	    (rc = forum_text(description ? description : "", OS_DESC_MAX, 1, &d)) ||
	    (rc = check_owner(f, owner)))
		goto out;
	if ((rc = store_priority_insert(f->st, round, t, d, owner, caller->id, &id)) ||
	    (rc = store_audit(f->st, caller->id, "priority.create", "priority", id, round, t)) ||
	    (rc = store_priority_get(f->st, id, out)) ||
	    (rc = outcomes_fill_following(f, caller, out)))
		goto out;
	emit_priority(f, out);
out:
	if (rc)
		priority_clear(out);
	free(t);
	free(d);
	return rc;
}

int
priorities_update(struct forum *f, const struct user *caller, int64_t id,
		  const struct priority_changes *ch, struct priority *out)
{
	struct priority cur, *all = NULL;
	struct notify_batch nb = {0};
	char *t = NULL, *d = NULL;
	struct round r = {0};
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_priority_get(f->st, id, &cur)))
		return rc;
	if (ch->title || ch->description || ch->has_owner || ch->rank)
		rc = manageable(f, caller, cur.round, &r);
	else
		rc = outcomes_editable(f, caller, &cur, &r);
	if (rc)
		goto out;
	if ((ch->goal || ch->has_status) &&
	    (rc = outcomes_set_goal_status(f, caller, &cur, &r, ch->goal,
					   ch->has_status ? ch->status : -1, &nb)))
		goto out;
	if ((rc = forum_text(ch->title ? ch->title : cur.title, OS_TITLE_MAX, 0, &t)) ||
	    (rc = forum_text(ch->description ? ch->description : cur.description,
			     OS_DESC_MAX, 1, &d)) ||
	    (ch->has_owner && (rc = check_owner(f, ch->owner))))
		goto out;
	if ((rc = store_priority_update(f->st, id, t, d,
					ch->has_owner ? ch->owner
						      : (cur.has_owner ? cur.owner.id : 0))))
		goto out;
	if (ch->rank && ch->rank != cur.rank &&
	    (rc = store_priority_move(f->st, id, cur.round, ch->rank)))
		goto out;
	if ((rc = store_audit(f->st, caller->id, "priority.update", "priority", id, cur.round,
			      t)) ||
	    (rc = store_priority_get(f->st, id, out)) ||
	    (rc = outcomes_fill_following(f, caller, out)))
		goto out;
	/* Every priority whose rank moved is news. Everything is read before
	 * anything is emitted: a write that fails emits nothing. */
	if (ch->rank && ch->rank != cur.rank &&
	    (rc = store_priorities_by_round(f->st, cur.round, &all, &n))) {
		priority_clear(out);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (all[i].id != id)
			emit_priority(f, &all[i]);
	emit_priority(f, out);
out:
	if (rc)
		priority_clear(out);
	notify_batch_done(f, &nb, rc);
	round_clear(&r);
	for (size_t i = 0; i < n; i++)
		priority_clear(&all[i]);
	free(all);
	free(t);
	free(d);
	priority_clear(&cur);
	return rc;
}

static int
link_common(struct forum *f, const struct user *caller, int64_t id, int64_t post,
	    int link, struct priority *out)
{
	struct priority cur, old = {0};
	struct notify_batch nb = {0};
	struct round r = {0};
	struct post p = {0};
	int64_t previous = 0;
	char detail[48];
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_priority_get(f->st, id, &cur)))
		return rc;
	if ((rc = manageable(f, caller, cur.round, &r)))
		goto out;
	if ((rc = forum_post_for(f, caller, post, &p, NULL)))
		goto out;
	rc = p.round == cur.round ? OS_OK : OS_EBADREQ;
	/* The author hears of a link, not of an unlink, nor of a link that
	 * was there already. */
	if (!rc && link && p.priority != id)
		rc = notify_add(f, &nb, caller, p.author.id, NK_LINKED, &r, post, 0, 0,
				p.hidden);
	post_clear(&p);
	if (rc)
		goto out;
	if (link)
		rc = store_priority_link(f->st, id, post, caller->id, &previous);
	else
		rc = store_priority_unlink(f->st, id, post);
	snprintf(detail, sizeof detail, "post %lld", (long long)post);
	if (rc || (rc = store_audit(f->st, caller->id,
				    link ? "priority.link" : "priority.unlink", "priority", id,
				    cur.round, detail)))
		goto out;
	/* The priority the post fed before, this one, and the post are news;
	 * all are read before anything is emitted, so that a write that fails
	 * emits nothing. */
	if ((previous && previous != id && (rc = store_priority_get(f->st, previous, &old))) ||
	    (rc = store_post_get(f->st, post, 0, &p)) ||
	    (rc = store_priority_get(f->st, id, out)) ||
	    (rc = outcomes_fill_following(f, caller, out)))
		goto out;
	if (old.id)
		emit_priority(f, &old);
	emit_priority(f, out);
	emit_post(f, &p);
out:
	if (rc)
		priority_clear(out);
	notify_batch_done(f, &nb, rc);
	round_clear(&r);
	priority_clear(&old);
	post_clear(&p);
	priority_clear(&cur);
	return rc;
}

int
priorities_link(struct forum *f, const struct user *caller, int64_t id, int64_t post,
		struct priority *out)
{
	return link_common(f, caller, id, post, 1, out);
}

int
priorities_unlink(struct forum *f, const struct user *caller, int64_t id, int64_t post,
		  struct priority *out)
{
	return link_common(f, caller, id, post, 0, out);
}
