#include "forum/members.h"

#include <stdlib.h>

#include "base/err.h"
#include "forum/forum_int.h"
#include "store/audit.h"
#include "store/rounds.h"
#include "store/users.h"

static int
check(struct forum *f, const struct user *caller, int64_t round, int64_t user_id,
      struct user *u)
{
	struct round r;
	int rc;

	if ((rc = forum_round_for(f, caller, round, &r)))
		return rc;
	if (!forum_is_moderator(caller))
		rc = OS_EFORBIDDEN;
	else if (r.audience != AUD_INVITED)
		rc = OS_ECONFLICT;
	else if ((rc = forum_phase_allows(caller, &r, W_MANAGE)) == OS_OK)
		rc = store_user_by_id(f->st, user_id, u);
	if (!rc && u->role != ROLE_CUSTOMER)
		rc = OS_EBADREQ;
	round_clear(&r);
	return rc;
}

int
members_add(struct forum *f, const struct user *caller, int64_t round, int64_t user_id)
{
	struct user u;
	int rc = check(f, caller, round, user_id, &u);

	if (!rc)
		rc = store_member_add(f->st, round, user_id, caller->id);
	if (!rc)
		rc = store_audit(f->st, caller->id, "member.add", "user", user_id, round,
				 u.username);
	return rc;
}

int
members_revoke(struct forum *f, const struct user *caller, int64_t round, int64_t user_id)
{
	struct os_event ev = {.type = EV_ACCESS_REVOKED};
	struct user u;
	int rc = check(f, caller, round, user_id, &u);

	if (!rc)
		rc = store_member_revoke(f->st, round, user_id);
	if (!rc)
		rc = store_audit(f->st, caller->id, "member.revoke", "user", user_id, round,
				 u.username);
	if (!rc) {
		ev.round = round;
		ev.user_id = user_id;
		forum_emit(f, &ev);
	}
	return rc;
}

int
members_list(struct forum *f, const struct user *caller, int64_t round, struct user **out,
	     size_t *n)
{
	struct round r;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = forum_round_for(f, caller, round, &r)))
		return rc;
	round_clear(&r);
	if (!forum_is_moderator(caller))
		return OS_EFORBIDDEN;
	return store_members_list(f->st, round, out, n);
}
