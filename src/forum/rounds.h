#ifndef OS_FORUM_ROUNDS_H
#define OS_FORUM_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

/* The rounds caller may see, newest first. Caller clears each and frees
 * the array. */
int rounds_list(struct forum *f, const struct user *caller, struct round **out,
		size_t *n);

/* Creates a round in phase draft from r's title, description, audience,
 * vote_mode, dots_per_member and closes_at (managers and admins). On
 * success *r holds the stored round. Emits round.updated (which only
 * managers and admins receive while the round is a draft). */
int rounds_create(struct forum *f, const struct user *caller, struct round *r);

/* The fields a round.update may change; NULL or has_ = 0 leaves one as is. */
struct round_changes {
	const char *title;
	const char *description;
	int has_phase;
	int phase;
	int has_closes_at;
	int64_t closes_at; /* 0 clears */
	int has_customers_see_each_other;
	int customers_see_each_other;
};

/* Applies changes (managers and admins) and emits round.updated. *out gets
 * the updated round. A round that has left draft cannot go back to it. */
int rounds_update(struct forum *f, const struct user *caller, int64_t id,
		  const struct round_changes *ch, struct round *out);

/* What a subscriber starts from: the round, its posts (hidden ones for
 * moderators only) with the caller's votes, and its priorities. */
struct round_snapshot {
	struct round round;
	struct post *posts;
	size_t nposts;
	struct priority *priorities;
	size_t npriorities;
};

int rounds_snapshot(struct forum *f, const struct user *caller, int64_t id,
		    struct round_snapshot *out);
void rounds_snapshot_clear(struct round_snapshot *s);

/* The round's customers_see_each_other setting; 0 when it cannot be read
 * (the private answer). No access check: it says nothing about content. */
int rounds_customers_see_each_other(struct forum *f, int64_t round);

/* 1 when u may see round r (as rounds.list shows it), else 0. */
int rounds_visible(struct forum *f, const struct user *u, const struct round *r);

#endif
