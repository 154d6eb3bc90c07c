#ifndef OS_FORUM_NEEDS_H
#define OS_FORUM_NEEDS_H

/*
 * Needs: the real needs behind the wishes. Managers and admins name a need
 * in a round and link to it the ideas (any posts of the round) that express
 * it and the priorities that answer it, without merging anything: an idea
 * may serve several needs, a priority may answer several needs. Links never
 * cross rounds. Everyone in the round reads the needs (round.subscribe) and
 * hears of changes live (need.updated, need.deleted).
 *
 * Also here, because they read what needs gather: what became of a
 * person's own posts (my_ideas()) and the customer organisations overview
 * (orgs_list()).
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"
#include "store/needs.h"

int needs_create(struct forum *f, const struct user *caller, int64_t round,
		 const char *title, const char *description, struct need *out);

struct need_changes {
	const char *title;        /* NULL: unchanged */
	const char *description;  /* NULL: unchanged (Markdown) */
};

int needs_update(struct forum *f, const struct user *caller, int64_t id,
		 const struct need_changes *ch, struct need *out);

/* Deletes a need (it leaves every view; need.deleted tells the round). */
int needs_delete(struct forum *f, const struct user *caller, int64_t id);

enum need_target { NEED_POST, NEED_PRIORITY };

/* Links (link 1) or unlinks a post or a priority of the need's round.
 * A post or priority of another round is OS_EBADREQ; one the caller cannot
 * see, OS_ENOTFOUND; unlinking what is not linked, OS_ENOTFOUND too.
 * Linking what is linked already changes nothing and succeeds. */
int needs_link(struct forum *f, const struct user *caller, int64_t id, int target,
	       int64_t target_id, int link, struct need *out);

/* The needs of a round the caller may see, oldest first. Caller clears
 * each and frees the array. */
int needs_list(struct forum *f, const struct user *caller, int64_t round,
	       struct need **out, size_t *n);

/*
 * What a need's ideas gather, for leadership (round.insights, exports).
 * By group as in forum/ranking.h (0 employees, 1 customers, 2 managers and
 * admins): the up and down votes, dots and distinct supporters on the
 * need's ideas (hidden ideas left out). A group's support is its up votes
 * minus its down votes in up/down rounds, its dots in dots rounds. orgs are
 * the customer organisations standing behind the need (store_need_orgs()).
 */
struct need_support {
	struct need need;
	struct need_votes g[3];
	int64_t support;          /* the groups' support added up */
	struct store_org_count *orgs;
	size_t norgs;
};

/* Every need of a round with its support (no access check: the caller
 * checked). Caller frees with needs_support_free(). */
int needs_support(struct forum *f, int64_t round, int vote_mode, struct need_support **out,
		  size_t *n);
void needs_support_free(struct need_support *a, size_t n);
/* One group's support under vote_mode. */
int64_t needs_group_support(const struct need_votes *g, int vote_mode);

/*
 * What became of a post, as its author sees it. rank is the post's place
 * among the live posts of its kind in the round's Top order (score, then
 * newest first, as the web client sorts), of how many; 0 for a post that is
 * merged or hidden. merged_title is "" when the post is not merged or the
 * post it went into is hidden from the author.
 */
struct my_idea {
	struct post post;
	struct round round;
	int rank;
	int of;
	char merged_title[STORE_TITLE_SZ];
	struct need *needs;       /* id, round and title only */
	size_t nneeds;
	int has_priority;
	struct priority priority;
	char priority_status[16]; /* "" while priorities have no status */
};

/* Every post the caller wrote, newest first, in the rounds they may still
 * see; hidden posts only for moderators. Caller frees with
 * my_ideas_free(). */
int my_ideas(struct forum *f, const struct user *caller, struct my_idea **out, size_t *n);
void my_ideas_free(struct my_idea *a, size_t n);

/* An organisation counts as quiet when its people have done nothing for
 * this long (or never). */
#define ORGS_QUIET_MS (INT64_C(30) * 24 * 3600 * 1000)

/* The customer organisations overview (managers and admins only, else
 * OS_EFORBIDDEN): see store_orgs(). */
int orgs_list(struct forum *f, const struct user *caller, struct org_summary **out,
	      size_t *n);

#endif
