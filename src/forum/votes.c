#include "forum/votes.h"

#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "store/posts.h"
#include "store/votes.h"

int
votes_cast(struct forum *f, const struct user *caller, int64_t post, int has_value,
	   int value, int has_dots, int dots, struct post *out)
{
	struct os_event ev = {.type = EV_VOTE_TALLY};
	int old_value, old_dots, rc;
	struct round r = {0};
	struct post p;

	memset(out, 0, sizeof *out);
	if ((rc = forum_post_for(f, caller, post, &p, &r)))
		return rc;
	if ((rc = forum_phase_allows(caller, &r, W_VOTE)))
		goto out;
	if (p.status == STATUS_MERGED) {
		/* Its votes went to the post it was merged into. */
		rc = OS_ECONFLICT;
		goto out;
	}
	if (r.vote_mode == VOTE_UPDOWN) {
		if (!has_value || value < -1 || value > 1) {
			rc = OS_EBADREQ;
			goto out;
		}
		dots = 0;
	} else {
		int64_t spent;

		if (!has_dots || dots < 0 || dots > r.dots_per_member) {
			rc = OS_EBADREQ;
			goto out;
		}
		value = 0;
		if ((rc = store_vote_get(f->st, post, caller->id, &old_value, &old_dots)) ||
		    (rc = store_dots_spent(f->st, r.id, caller->id, &spent)))
			goto out;
		if (spent - old_dots + dots > r.dots_per_member) {
			rc = OS_ECONFLICT;
			goto out;
		}
	}
	if ((rc = forum_rate_take(f, caller)))
		goto out;
	if ((rc = store_vote_set(f->st, post, caller->id, r.id, caller->role, value, dots)))
		goto out;
	if ((rc = store_post_get(f->st, post, caller->id, out)))
		goto out;
	ev.round = r.id;
	ev.post = out;
	forum_emit(f, &ev);
out:
	post_clear(&p);
	round_clear(&r);
	return rc;
}
