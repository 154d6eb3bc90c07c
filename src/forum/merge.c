#include "forum/merge.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "forum/notify.h"
#include "store/audit.h"
#include "store/posts.h"

int
posts_merge(struct forum *f, const struct user *caller, int64_t post, int64_t into,
	    struct post *out)
{
	struct os_event ev = {0};
	struct notify_batch nb = {0};
	struct post p = {0}, t = {0};
	struct round r = {0};
	char detail[64];
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = forum_post_for(f, caller, post, &p, &r)))
		return rc;
	if ((rc = forum_post_for(f, caller, into, &t, NULL)))
		goto out;
	if (!forum_is_moderator(caller)) {
		rc = OS_EFORBIDDEN;
		goto out;
	}
	if ((rc = forum_phase_allows(caller, &r, W_MANAGE)))
		goto out;
	/* Same round, two different live posts, and no cycles. */
	if (t.round != p.round || post == into) {
		rc = OS_EBADREQ;
		goto out;
	}
	if (p.status == STATUS_MERGED || t.status == STATUS_MERGED) {
		rc = OS_ECONFLICT;
		goto out;
	}
	if ((rc = store_post_move_votes(f->st, post, into)) ||
	    (rc = store_post_set_merged(f->st, post, into)))
		goto out;
	snprintf(detail, sizeof detail, "into %lld", (long long)into);
	if ((rc = store_audit(f->st, caller->id, "post.merge", "post", post, r.id, detail)))
		goto out;
	if ((rc = notify_add(f, &nb, caller, p.author.id, NK_MERGED, &r, post, 0, 0,
			     p.hidden || t.hidden)))
		goto out;
	post_clear(&t);
	if ((rc = store_post_get(f->st, into, 0, &t)) ||
	    (rc = store_post_get(f->st, post, caller->id, out)))
		goto out;
	ev.round = r.id;
	ev.type = EV_POST_UPDATED;
	ev.post = out;
	out->has_my_vote = 0;
	forum_emit(f, &ev);
	out->has_my_vote = 1;
	t.has_my_vote = 0;
	ev.type = EV_VOTE_TALLY;
	ev.post = &t;
	forum_emit(f, &ev);
out:
	notify_batch_done(f, &nb, rc);
	post_clear(&p);
	post_clear(&t);
	round_clear(&r);
	return rc;
}

int
posts_unmerge(struct forum *f, const struct user *caller, int64_t post, struct post *out)
{
	struct os_event ev = {0};
	struct post p = {0}, t = {0};
	struct round r = {0};
	char detail[64];
	int64_t target;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = forum_post_for(f, caller, post, &p, &r)))
		return rc;
	if (!forum_is_moderator(caller)) {
		rc = OS_EFORBIDDEN;
		goto out;
	}
	if ((rc = forum_phase_allows(caller, &r, W_MANAGE)))
		goto out;
	if (p.status != STATUS_MERGED || !p.merged_into) {
		rc = OS_ECONFLICT;
		goto out;
	}
	target = p.merged_into;
	if ((rc = store_post_unmerge(f->st, post, target)))
		goto out;
	snprintf(detail, sizeof detail, "from %lld", (long long)target);
	if ((rc = store_audit(f->st, caller->id, "post.unmerge", "post", post, r.id, detail)))
		goto out;
	if ((rc = store_post_get(f->st, target, 0, &t)) ||
	    (rc = store_post_get(f->st, post, caller->id, out)))
		goto out;
	ev.round = r.id;
	ev.type = EV_POST_UPDATED;
	ev.post = out;
	out->has_my_vote = 0;
	forum_emit(f, &ev);
	out->has_my_vote = 1;
	t.has_my_vote = 0;
	ev.post = &t;
	forum_emit(f, &ev);
out:
	if (rc)
		post_clear(out);
	post_clear(&p);
	post_clear(&t);
	round_clear(&r);
	return rc;
}
