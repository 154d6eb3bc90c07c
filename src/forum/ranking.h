#ifndef OS_FORUM_RANKING_H
#define OS_FORUM_RANKING_H

/*
 * The ranked list leadership takes away from a round, and where the groups
 * in it disagree. Built once, then rendered by the exports and the insights
 * view.
 *
 * Groups: employees, customers, and managers (managers and admins). A
 * group's support for a post is, in up/down rounds, the share of its votes
 * that are up; in dots rounds, the share of the group's dots that went to
 * the post, relative to the post the group favoured most (so 1.0 is the
 * group's favourite). A group counts for a post once it has cast
 * RANKING_MIN_VOTES votes on it (up/down) or RANKING_MIN_DOTS dots in the
 * round (dots).
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

enum { GROUP_EMPLOYEES, GROUP_CUSTOMERS, GROUP_MANAGERS, GROUP_COUNT };

#define RANKING_MIN_VOTES 2
#define RANKING_MIN_DOTS 3
#define RANKING_SPREAD_MIN 0.3   /* disagreement worth showing */
#define RANKING_AGREE_MIN 0.6    /* every group at least this supportive */
#define RANKING_INSIGHTS_MAX 10

struct group_stat {
	int present;
	int64_t votes;     /* votes (up/down) or dots */
	double support;    /* 0..1 */
};

struct insight {
	size_t post;       /* index into ranking.posts */
	struct group_stat g[GROUP_COUNT];
	double spread;     /* max support - min support over present groups */
	double floor;      /* min support over present groups */
};

struct need_support;

struct ranking {
	struct round round;
	struct priority *priorities;
	size_t npriorities;
	struct post *posts;   /* best first, merged and hidden posts last;
			       * rank is index + 1 */
	size_t nposts;
	struct insight *disagree; /* most disagreement first */
	size_t ndisagree;
	struct insight *agree;    /* broadest agreement first */
	size_t nagree;
	/* The round's needs with their support (forum/needs.h), oldest
	 * first. */
	struct need_support *needs;
	size_t nneeds;
	/* Each priority's latest progress update, in the priorities' order
	 * (id 0: none yet). */
	struct priority_update *latest;
};

/* Builds the ranking of a round. caller NULL is the command line (no
 * checks); otherwise managers and admins only (OS_EFORBIDDEN for others
 * who can see the round, OS_ENOTFOUND for those who cannot). */
int ranking_build(struct forum *f, const struct user *caller, int64_t round,
		  struct ranking *out);
void ranking_clear(struct ranking *r);

/* "employees", "customers", "managers". */
const char *ranking_group_name(int group);

/* The title of the priority a post feeds, or NULL. */
const char *ranking_priority_title(const struct ranking *r, int64_t priority);

#endif
