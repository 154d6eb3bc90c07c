#ifndef OS_STORE_OUTCOMES_H
#define OS_STORE_OUTCOMES_H

/*
 * What a priority is to achieve and how it goes: goal and status,
 * measures with their history, milestones, progress updates and their
 * comments, and who follows it.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Fills p's goal, goal_html, status, measures, milestones and nupdates
 * (p->id set). */
int store_priority_load_outcomes(struct store *st, struct priority *p);

int store_priority_set_goal(struct store *st, int64_t id, const char *goal,
			    const char *goal_html);
int store_priority_set_status(struct store *st, int64_t id, int status);

/* One measure; OS_ENOTFOUND when absent. */
int store_measure_get(struct store *st, int64_t id, struct measure *m);
/* Inserts m (priority, name, unit, numbers) with its first history row;
 * sets m->id and m->updated_at. */
int store_measure_insert(struct store *st, struct measure *m, int64_t user);
/* Writes m; when current differs from the stored one a history row is
 * added. Sets m->updated_at. */
int store_measure_update(struct store *st, struct measure *m, int64_t user);
/* Deletes the measure and its history. */
int store_measure_delete(struct store *st, int64_t id);

struct measure_point {
	double value;
	int64_t at;          /* ms */
};
/* Every value current has had, oldest first. Caller frees *out. */
int store_measure_history(struct store *st, int64_t id, struct measure_point **out,
			  size_t *n);

int store_milestone_get(struct store *st, int64_t id, struct milestone *m);
/* Inserts (sets m->id) or, with m->id set, updates. */
int store_milestone_save(struct store *st, struct milestone *m);
int store_milestone_delete(struct store *st, int64_t id);

/* Counts a priority's measures (what 0) or milestones (what 1). */
int store_outcome_count(struct store *st, int64_t priority, int what, int64_t *n);

/* Inserts u (priority, body, body_html, author.id, status, created_at);
 * sets u->id. */
int store_update_insert(struct store *st, struct priority_update *u);
/* One update with its author, round and comment count. */
int store_update_get(struct store *st, int64_t id, struct priority_update *u);
/* A priority's updates, newest first. Caller clears each, frees the array. */
int store_updates_by_priority(struct store *st, int64_t priority,
			      struct priority_update **out, size_t *n);

/* A comment on an update: c->update, parent, body, body_html, author.id,
 * created_at; sets c->id. */
int store_update_comment_insert(struct store *st, struct comment *c);
int store_update_comment_get(struct store *st, int64_t id, struct comment *c);
/* An update's comments, oldest first. */
int store_update_comments(struct store *st, int64_t update, struct comment **out,
			  size_t *n);

/* The reader's own choice: 1 follows, 0 stopped, -1 never chose. */
int store_follow_get(struct store *st, int64_t priority, int64_t user, int *choice);
int store_follow_set(struct store *st, int64_t priority, int64_t user, int following);
/* 1 when user wrote, voted on or commented on an idea linked to priority. */
int store_priority_contributor(struct store *st, int64_t priority, int64_t user,
			       int *yes);
/* Everyone who follows priority (their choice, else as contributors).
 * Caller frees *ids. */
int store_priority_followers(struct store *st, int64_t priority, int64_t **ids,
			     size_t *n);

#endif
