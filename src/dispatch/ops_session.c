/* The caller's own session: who they are, and their settings. */
#include "base/err.h"
#include "base/lang.h"
#include "base/model.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/notify.h"
#include "forum/users.h"
#include "store/notifications.h"

static int
op_hello(struct req *r)
{
	struct account me;
	cJSON *server;
	int rc;

	/* The caller's own USER: with their language and email. */
	if ((rc = users_get(r->d->forum, r->caller, r->caller->id, &me)))
		return rc;
	if (req_put(r, "user", render_account(&me, 0)))
		return OS_ENOMEM;
	server = cJSON_CreateObject();
	if (req_put(r, "server", server) ||
	    render_put(server, "version", cJSON_CreateString(OPENSTRAT_VERSION)) ||
	    render_put(server, "protocol", cJSON_CreateString("openstrat.v1")))
		return req_nomem(r);
	return OS_OK;
}

static int
bad_display_name(struct req *r)
{
	return req_fail(r, OS_EBADREQ, "'display_name' must be 1 to %d characters, without "
			"control characters", OS_DISPLAY_MAX);
}

/* user.settings {lang?, display_name?, notify?}: lang null clears the
 * choice. All are checked before any is written. The reply has the user
 * and the mail setting (notify). */
static int
op_user_settings(struct req *r)
{
	const cJSON *lang = cJSON_GetObjectItemCaseSensitive(r->in, "lang");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(r->in, "display_name");
	const char *notify = NULL;
	struct user_settings s = {0};
	struct account me;
	enum os_lang l;
	int rc, mode = -1;

	if ((rc = req_str(r, "notify", 0, &notify)))
		return rc;
	if (notify && (mode = os_notify_mode_parse(notify)) < 0)
		return req_fail(r, OS_EBADREQ, "'notify' must be \"instant\", \"daily\" or \"off\"");

	if (lang) {
		s.set_lang = 1;
		if (cJSON_IsString(lang) && lang->valuestring &&
		    !os_lang_parse(lang->valuestring, &l)) {
			s.has_lang = 1;
			s.lang = (int)l;
		} else if (!cJSON_IsNull(lang)) {
			return req_fail(r, OS_EBADREQ, "'lang' must be \"en\", \"nb\", "
					"\"sv\", \"da\" or null");
		}
	}
	if (name) {
		if (!cJSON_IsString(name) || !name->valuestring)
			return req_fail(r, OS_EBADREQ, "field 'display_name' must be a string");
		if ((rc = users_display_name_check(name->valuestring)))
			return rc == OS_EBADREQ ? bad_display_name(r) : rc;
		s.display_name = name->valuestring;
	}
	/* Everything that can fail comes before the settings, whose change
	 * is announced to the user's connections. */
	if (mode >= 0 && (rc = notify_set_mode(r->d->forum, r->caller, mode)))
		return rc;
	if (mode < 0 &&
	    (rc = store_user_notify_get(forum_store(r->d->forum), r->caller->id, &mode)))
		return rc;
	rc = users_update_settings(r->d->forum, r->caller, &s, &me);
	if (rc == OS_EBADREQ)
		return bad_display_name(r);
	if (rc)
		return rc;
	/* The caller's own USER as stored now, with their email. */
	if ((rc = req_put(r, "user", render_account(&me, 0))))
		return rc;
	return req_put(r, "notify", cJSON_CreateString(os_notify_mode_name(mode)));
}

const struct op ops_session[] = {
	{"hello", op_hello, 0},
	{"user.settings", op_user_settings, 1},
	{NULL, NULL, 0},
};
