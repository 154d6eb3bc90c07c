/* Priorities followed through: the rules of outcomes.h. */
#include "forum/outcomes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "forum/notify.h"
#include "forum/rounds.h"
#include "store/audit.h"
#include "store/priorities.h"

int
outcomes_date_valid(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, max;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	max = days[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

int
outcomes_fill_following(struct forum *f, const struct user *u, struct priority *p)
{
	int choice, yes = 0, rc;

	if ((rc = store_follow_get(f->st, p->id, u->id, &choice)))
		return rc;
	if (choice < 0 && (rc = store_priority_contributor(f->st, p->id, u->id, &yes)))
		return rc;
	p->has_following = 1;
	p->following = choice < 0 ? yes : choice;
	return OS_OK;
}

/* Reads priority id when u may see its round (its round in *r when not
 * NULL). */
static int
readable(struct forum *f, const struct user *u, int64_t id, struct priority *p,
	 struct round *r)
{
	struct round rr;
	int rc;

	if ((rc = store_priority_get(f->st, id, p)))
		return rc;
	if ((rc = forum_round_for(f, u, p->round, r ? r : &rr))) {
		priority_clear(p);
		return rc;
	}
	if (!r)
		round_clear(&rr);
	return OS_OK;
}

int
outcomes_priority_for(struct forum *f, const struct user *u, int64_t id, struct priority *out)
{
	int rc = readable(f, u, id, out, NULL);

	if (!rc && (rc = outcomes_fill_following(f, u, out)))
		priority_clear(out);
	return rc;
}

int
outcomes_editable(struct forum *f, const struct user *caller, const struct priority *p,
		  struct round *r)
{
	int rc = forum_round_for(f, caller, p->round, r);

	if (rc)
		return rc;
	/* The work goes on after the round has closed: no phase rule. */
	if (forum_is_moderator(caller) || (p->has_owner && p->owner.id == caller->id))
		return OS_OK;
	round_clear(r);
	return OS_EFORBIDDEN;
}

/* Reads priority id for a change by caller. */
static int
editable_by_id(struct forum *f, const struct user *caller, int64_t id, struct priority *p,
	       struct round *r)
{
	int rc = store_priority_get(f->st, id, p);

	if (rc)
		return rc;
	if ((rc = outcomes_editable(f, caller, p, r)))
		priority_clear(p);
	return rc;
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

/* Re-reads priority id into *out with the caller's following, then tells
 * the round: everything is read before anything is emitted, so that a
 * failure emits nothing. */
static int
finish(struct forum *f, const struct user *caller, int64_t id, struct priority *out)
{
	int rc = store_priority_get(f->st, id, out);

	if (!rc && (rc = outcomes_fill_following(f, caller, out)))
		priority_clear(out);
	if (rc)
		return rc;
	emit_priority(f, out);
	return OS_OK;
}

/* The audit entry of a change to priority cur's measure or milestone (what
 * and id), then finish(). */
static int
audited(struct forum *f, const struct user *caller, const struct priority *cur,
	const char *action, const char *what, int64_t id, struct priority *out)
{
	char detail[64];
	int rc;

	snprintf(detail, sizeof detail, "%s %lld", what, (long long)id);
	if ((rc = store_audit(f->st, caller->id, action, "priority", cur->id, cur->round,
			      detail)))
		return rc;
	return finish(f, caller, cur->id, out);
}

static int
notify_followers(struct forum *f, struct notify_batch *nb, const struct user *actor,
		 const struct round *r, int64_t priority, int kind, int64_t update)
{
	int64_t *ids;
	size_t n;
	int rc = store_priority_followers(f->st, priority, &ids, &n);

	for (size_t i = 0; !rc && i < n; i++)
		rc = notify_priority(f, nb, actor, ids[i], kind, r, priority, update);
	free(ids);
	return rc;
}

int
outcomes_set_goal_status(struct forum *f, const struct user *caller,
			 const struct priority *cur, const struct round *r,
			 const char *goal, int status, struct notify_batch *nb)
{
	char *g = NULL, *html = NULL, detail[64];
	int rc = OS_OK;

	if (status >= PST_COUNT)
		return OS_EBADREQ;
	if (goal) {
		if ((rc = forum_text(goal, OS_GOAL_MAX, 1, &g)) ||
		    (rc = forum_markdown(g, &html)) ||
		    (rc = store_priority_set_goal(f->st, cur->id, g, html)))
			goto out;
	}
	if (status >= 0 && status != cur->status) {
		snprintf(detail, sizeof detail, "%s -> %s", os_prio_status_name(cur->status),
			 os_prio_status_name(status));
		if ((rc = store_priority_set_status(f->st, cur->id, status)) ||
		    (rc = store_audit(f->st, caller->id, "priority.status", "priority", cur->id,
				      cur->round, detail)) ||
		    (rc = notify_followers(f, nb, caller, r, cur->id, NK_PRIORITY_STATUS, 0)))
			goto out;
	}
out:
	free(g);
	free(html);
	return rc;
}

static int
number_ok(double v)
{
	return isfinite(v) && fabs(v) <= OUTCOME_NUMBER_MAX;
}

/* Copies a validated text into a fixed buffer. */
static int
text_into(const char *in, size_t max, int may_be_empty, char *buf, size_t sz)
{
	char *t;
	int rc = forum_text(in, max, may_be_empty, &t);

	if (rc)
		return rc;
	snprintf(buf, sz, "%s", t);
	free(t);
	return OS_OK;
}

int
outcomes_measure_set(struct forum *f, const struct user *caller, int64_t priority,
		     const struct measure *in, struct priority *out)
{
	struct measure m = {0}, old;
	struct priority cur;
	struct round r;
	int64_t count;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = editable_by_id(f, caller, priority, &cur, &r)))
		return rc;
	round_clear(&r);
	if (in->id) {
		rc = store_measure_get(f->st, in->id, &old);
		if (!rc && old.priority != priority)
			rc = OS_ENOTFOUND;
		if (rc)
			goto out;
	} else {
		if ((rc = store_outcome_count(f->st, priority, 0, &count)))
			goto out;
		if (count >= OUTCOME_MEASURES_MAX) {
			rc = OS_ETOOLARGE;
			goto out;
		}
	}
	m.id = in->id;
	m.priority = priority;
	if ((rc = text_into(in->name, OS_TITLE_MAX, 0, m.name, sizeof m.name)) ||
	    (rc = text_into(in->unit, OS_UNIT_MAX, 1, m.unit, sizeof m.unit)))
		goto out;
	if (!number_ok(in->baseline) || !number_ok(in->target) || !number_ok(in->current)) {
		rc = OS_EBADREQ;
		goto out;
	}
	m.baseline = in->baseline;
	m.target = in->target;
	m.current = in->current;
	rc = m.id ? store_measure_update(f->st, &m, caller->id)
		  : store_measure_insert(f->st, &m, caller->id);
	if (!rc)
		rc = audited(f, caller, &cur, "measure.set", "measure", m.id, out);
out:
	priority_clear(&cur);
	return rc;
}

int
outcomes_measure_delete(struct forum *f, const struct user *caller, int64_t id,
			struct priority *out)
{
	struct priority cur;
	struct measure m;
	struct round r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_measure_get(f->st, id, &m)))
		return rc;
	if ((rc = editable_by_id(f, caller, m.priority, &cur, &r)))
		return rc;
	round_clear(&r);
	if (!(rc = store_measure_delete(f->st, id)))
		rc = audited(f, caller, &cur, "measure.delete", "measure", id, out);
	priority_clear(&cur);
	return rc;
}

int
outcomes_measure_history(struct forum *f, const struct user *caller, int64_t id,
			 struct measure *m, struct measure_point **pts, size_t *n)
{
	struct priority p;
	int rc;

	*pts = NULL;
	*n = 0;
	if ((rc = store_measure_get(f->st, id, m)))
		return rc;
	if ((rc = readable(f, caller, m->priority, &p, NULL)))
		return rc;
	priority_clear(&p);
	return store_measure_history(f->st, id, pts, n);
}

int
outcomes_milestone_set(struct forum *f, const struct user *caller, int64_t priority,
		       int64_t id, const char *title, const char *due, int done,
		       struct priority *out)
{
	struct milestone m = {0}, old = {0};
	struct priority cur;
	struct round r;
	int64_t count;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = editable_by_id(f, caller, priority, &cur, &r)))
		return rc;
	round_clear(&r);
	if (id) {
		rc = store_milestone_get(f->st, id, &old);
		if (!rc && old.priority != priority)
			rc = OS_ENOTFOUND;
		if (rc)
			goto out;
	} else {
		if ((rc = store_outcome_count(f->st, priority, 1, &count)))
			goto out;
		if (count >= OUTCOME_MILESTONES_MAX) {
			rc = OS_ETOOLARGE;
			goto out;
		}
	}
	m.id = id;
	m.priority = priority;
	if ((rc = text_into(title, OS_TITLE_MAX, 0, m.title, sizeof m.title)))
		goto out;
	if (!outcomes_date_valid(due)) {
		rc = OS_EBADREQ;
		goto out;
	}
	memcpy(m.due, due, 11);
	if (done > 0)
		m.done_at = old.done_at ? old.done_at : os_now_ms();
	else if (done < 0)
		m.done_at = old.done_at;
	if (!(rc = store_milestone_save(f->st, &m)))
		rc = audited(f, caller, &cur, "milestone.set", "milestone", m.id, out);
out:
	priority_clear(&cur);
	return rc;
}

int
outcomes_milestone_delete(struct forum *f, const struct user *caller, int64_t id,
			  struct priority *out)
{
	struct priority cur;
	struct milestone m;
	struct round r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_milestone_get(f->st, id, &m)))
		return rc;
	if ((rc = editable_by_id(f, caller, m.priority, &cur, &r)))
		return rc;
	round_clear(&r);
	if (!(rc = store_milestone_delete(f->st, id)))
		rc = audited(f, caller, &cur, "milestone.delete", "milestone", id, out);
	priority_clear(&cur);
	return rc;
}

int
outcomes_post_update(struct forum *f, const struct user *caller, int64_t priority,
		     const char *body, struct priority_update *out)
{
	struct os_event ev = {.type = EV_PRIORITY_UPDATE_POSTED};
	struct priority_update u = {0};
	struct notify_batch nb = {0};
	struct priority cur, now = {0};
	struct round r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = editable_by_id(f, caller, priority, &cur, &r)))
		return rc;
	if ((rc = forum_text(body, OS_UPDATE_MAX, 0, &u.body)) ||
	    (rc = forum_markdown(u.body, &u.body_html)))
		goto out;
	u.priority = priority;
	u.author = *caller;
	u.status = cur.status;
	u.created_at = os_now_ms();
	if ((rc = store_update_insert(f->st, &u)) ||
	    (rc = store_audit(f->st, caller->id, "priority.post_update", "priority", priority,
			      cur.round, "")) ||
	    (rc = notify_followers(f, &nb, caller, &r, priority, NK_PRIORITY_UPDATE, u.id)) ||
	    (rc = store_update_get(f->st, u.id, out)) ||
	    (rc = store_priority_get(f->st, priority, &now)))
		goto out;
	ev.round = cur.round;
	ev.update = out;
	forum_emit(f, &ev);
	emit_priority(f, &now);
out:
	if (rc)
		priority_update_clear(out);
	notify_batch_done(f, &nb, rc);
	priority_update_clear(&u);
	priority_clear(&now);
	priority_clear(&cur);
	round_clear(&r);
	return rc;
}

void
outcomes_updates_free(struct priority_update *u, size_t n, struct comment **comments,
		      size_t *ncomments)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; comments && ncomments && j < ncomments[i]; j++)
			comment_clear(&comments[i][j]);
		if (comments)
			free(comments[i]);
		priority_update_clear(&u[i]);
	}
	free(u);
	free(comments);
	free(ncomments);
}

int
outcomes_updates(struct forum *f, const struct user *caller, int64_t priority,
		 struct priority_update **out, size_t *n, struct comment ***comments,
		 size_t **ncomments)
{
	struct priority p;
	int rc;

	*out = NULL;
	*n = 0;
	*comments = NULL;
	*ncomments = NULL;
	if ((rc = readable(f, caller, priority, &p, NULL)))
		return rc;
	priority_clear(&p);
	if ((rc = store_updates_by_priority(f->st, priority, out, n)))
		return rc;
	if (!*n)
		return OS_OK;
	*comments = calloc(*n, sizeof **comments);
	*ncomments = calloc(*n, sizeof **ncomments);
	if (!*comments || !*ncomments)
		rc = OS_ENOMEM;
	for (size_t i = 0; !rc && i < *n; i++)
		rc = store_update_comments(f->st, (*out)[i].id, &(*comments)[i], &(*ncomments)[i]);
	if (rc) {
		outcomes_updates_free(*out, *n, *comments, *ncomments);
		*out = NULL;
		*n = 0;
		*comments = NULL;
		*ncomments = NULL;
	}
	return rc;
}

int
outcomes_comment(struct forum *f, const struct user *caller, int64_t update,
		 int64_t parent, const char *body, struct comment *out)
{
	struct os_event ev = {.type = EV_UPDATE_COMMENTED};
	struct priority_update u;
	struct comment c = {0}, par = {0};
	struct round r = {0};
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_update_get(f->st, update, &u)))
		return rc;
	/* Members read and comment in every phase: the work goes on after
	 * the round has closed. */
	if ((rc = forum_round_for(f, caller, u.round, &r)))
		goto out;
	if (parent) {
		rc = store_update_comment_get(f->st, parent, &par);
		if (rc == OS_ENOTFOUND || (!rc && par.update != update))
			rc = OS_EBADREQ;
		if (rc)
			goto out;
	}
	if ((rc = forum_text(body, OS_COMMENT_MAX, 0, &c.body)) ||
	    (rc = forum_markdown(c.body, &c.body_html)) ||
	    (rc = forum_rate_take(f, caller)))
		goto out;
	c.update = update;
	c.parent = parent;
	c.author = *caller;
	c.created_at = os_now_ms();
	if ((rc = store_update_comment_insert(f->st, &c)) ||
	    (rc = store_update_comment_get(f->st, c.id, out)))
		goto out;
	ev.round = r.id;
	ev.comment = out;
	forum_emit(f, &ev);
out:
	comment_clear(&c);
	comment_clear(&par);
	priority_update_clear(&u);
	round_clear(&r);
	return rc;
}

int
outcomes_follow(struct forum *f, const struct user *caller, int64_t priority, int follow,
		struct priority *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = readable(f, caller, priority, out, NULL)))
		return rc;
	priority_clear(out);
	if ((rc = store_follow_set(f->st, priority, caller->id, follow)))
		return rc;
	return outcomes_priority_for(f, caller, priority, out);
}

void
outcomes_overview_free(struct outcome_round *o, size_t n)
{
	for (size_t i = 0; o && i < n; i++) {
		round_clear(&o[i].round);
		for (size_t k = 0; k < o[i].npriorities; k++)
			priority_clear(&o[i].priorities[k]);
		free(o[i].priorities);
	}
	free(o);
}

int
outcomes_overview(struct forum *f, const struct user *caller, struct outcome_round **out,
		  size_t *n)
{
	struct round *rounds = NULL;
	struct outcome_round *o = NULL;
	size_t nr = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!forum_is_moderator(caller))
		return OS_EFORBIDDEN;
	if ((rc = rounds_list(f, caller, &rounds, &nr)))
		return rc;
	if (nr && !(o = calloc(nr, sizeof *o)))
		rc = OS_ENOMEM;
	for (size_t i = 0; !rc && i < nr; i++) {
		struct outcome_round *x = &o[cnt];

		rc = store_priorities_by_round(f->st, rounds[i].id, &x->priorities,
					       &x->npriorities);
		if (rc || !x->npriorities)
			continue;
		x->round = rounds[i];
		memset(&rounds[i], 0, sizeof rounds[i]);
		cnt++;
	}
	for (size_t i = 0; i < nr; i++)
		round_clear(&rounds[i]);
	free(rounds);
	if (rc) {
		outcomes_overview_free(o, cnt);
		return rc;
	}
	*out = o;
	*n = cnt;
	return OS_OK;
}
