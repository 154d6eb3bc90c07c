#include "forum/users.h"

#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "store/audit.h"
#include "store/sessions.h"
#include "store/users.h"

int
users_set_disabled(struct forum *f, const struct user *caller, int64_t user_id,
		   int disabled)
{
	struct os_event ev = {.type = EV_USER_DISABLED, .user_id = user_id};
	struct user u;
	int rc;

	if (caller && caller->role != ROLE_ADMIN)
		return OS_EFORBIDDEN;
	if (caller && caller->id == user_id)
		return OS_ECONFLICT;
	if ((rc = store_user_by_id(f->st, user_id, &u)))
		return rc == OS_ENOTFOUND ? OS_ENOTFOUND : rc;
	if ((rc = store_user_set_disabled(f->st, user_id, disabled)))
		return rc;
	if (disabled && (rc = store_session_revoke_user(f->st, user_id, os_now_ms())))
		return rc;
	if ((rc = store_audit(f->st, caller ? caller->id : 0,
			      disabled ? "user.disable" : "user.enable", "user", user_id, 0,
			      u.username)))
		return rc;
	if (disabled)
		forum_emit(f, &ev);
	return OS_OK;
}
