#ifndef OS_FORUM_OUTCOMES_H
#define OS_FORUM_OUTCOMES_H

/*
 * Priorities followed through: goal and status, measures (every change of
 * a measure's current is kept), milestones, progress updates and comments
 * on them, and followers.
 *
 * Who: the priority's owner, managers and admins change goal, status,
 * measures and milestones and post updates, in every phase, a closed
 * round's included; everyone else who can see the round reads, comments
 * on updates (in every phase too) and follows. Someone who cannot see the
 * round gets OS_ENOTFOUND; a reader who tries to change something
 * OS_EFORBIDDEN.
 *
 * Followers: everyone who wrote, voted on or commented on an idea or plan
 * linked to the priority, and whoever chose to follow it, less those who
 * chose not to. Each update and each status change is a notice to them.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"
#include "store/outcomes.h"

#define OUTCOME_MEASURES_MAX   50   /* per priority */
#define OUTCOME_MILESTONES_MAX 100  /* per priority */
#define OUTCOME_NUMBER_MAX     1e15 /* a measure's numbers, either sign */

/* 1 when s is a calendar date YYYY-MM-DD (years 1900 to 9999). */
int outcomes_date_valid(const char *s);

/* Sets p->following for reader u (and has_following). */
int outcomes_fill_following(struct forum *f, const struct user *u, struct priority *p);

/* Reads priority id for u, with following. */
int outcomes_priority_for(struct forum *f, const struct user *u, int64_t id,
			  struct priority *out);

/* OS_OK when caller may change the outcomes of p (see above); fills *r
 * with p's round then. */
int outcomes_editable(struct forum *f, const struct user *caller, const struct priority *p,
		      struct round *r);

/* Writes goal (NULL: unchanged) and status (-1: unchanged) of cur, which
 * the caller may edit (outcomes_editable()), in round r; a new status is
 * a notice to the followers, added to nb (a struct notify_batch). */
struct notify_batch;
int outcomes_set_goal_status(struct forum *f, const struct user *caller,
			     const struct priority *cur, const struct round *r,
			     const char *goal, int status, struct notify_batch *nb);

/* A new measure (in->id 0) of priority, or a change of measure in->id
 * (which must belong to priority). name 1..200 characters, unit 0..20,
 * numbers finite and within OUTCOME_NUMBER_MAX. *out: the priority. */
int outcomes_measure_set(struct forum *f, const struct user *caller, int64_t priority,
			 const struct measure *in, struct priority *out);
int outcomes_measure_delete(struct forum *f, const struct user *caller, int64_t id,
			    struct priority *out);
/* The measure and every value its current has had, oldest first. */
int outcomes_measure_history(struct forum *f, const struct user *caller, int64_t id,
			     struct measure *m, struct measure_point **pts, size_t *n);

/* A new milestone (id 0) or a change of one; done: 1 done (now, unless it
 * was already), 0 not done, -1 as it was. due YYYY-MM-DD. */
int outcomes_milestone_set(struct forum *f, const struct user *caller, int64_t priority,
			   int64_t id, const char *title, const char *due, int done,
			   struct priority *out);
int outcomes_milestone_delete(struct forum *f, const struct user *caller, int64_t id,
			      struct priority *out);

/* A progress update (Markdown, 1..10,000 characters) with the priority's
 * status now. */
int outcomes_post_update(struct forum *f, const struct user *caller, int64_t priority,
			 const char *body, struct priority_update *out);
/* A priority's updates, newest first; each update's comments, oldest
 * first, in (*comments)[i] with (*ncomments)[i] of them. Free with
 * outcomes_updates_free(). */
int outcomes_updates(struct forum *f, const struct user *caller, int64_t priority,
		     struct priority_update **out, size_t *n, struct comment ***comments,
		     size_t **ncomments);
void outcomes_updates_free(struct priority_update *u, size_t n, struct comment **comments,
			   size_t *ncomments);

/* A comment on update (parent: 0, or a comment on the same update),
 * 1..5,000 characters, rate limited like comments on posts. */
int outcomes_comment(struct forum *f, const struct user *caller, int64_t update,
		     int64_t parent, const char *body, struct comment *out);

/* Follows (1) or stops following (0) a priority the caller can see. */
int outcomes_follow(struct forum *f, const struct user *caller, int64_t priority,
		    int follow, struct priority *out);

/* Leadership's view across rounds (managers and admins; OS_EFORBIDDEN for
 * others): every round the caller can see that has priorities, in
 * rounds_list() order, each with its priorities by rank. Free with
 * outcomes_overview_free(). */
struct outcome_round {
	struct round round;
	struct priority *priorities;
	size_t npriorities;
};
int outcomes_overview(struct forum *f, const struct user *caller, struct outcome_round **out,
		      size_t *n);
void outcomes_overview_free(struct outcome_round *o, size_t n);

#endif
