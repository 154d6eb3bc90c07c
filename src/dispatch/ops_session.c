/* The caller's own session: who they are, and their settings. */
#include "base/err.h"
#include "base/lang.h"
#include "base/model.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/users.h"

static int
op_hello(struct req *r)
{
	cJSON *server;

	if (req_put(r, "user", render_user_self(r->caller)))
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

/* user.settings {lang?, display_name?}: lang null clears the choice. Both
 * are checked before either is written. */
static int
op_user_settings(struct req *r)
{
	const cJSON *lang = cJSON_GetObjectItemCaseSensitive(r->in, "lang");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(r->in, "display_name");
	struct user_settings s = {0};
	struct user u;
	enum os_lang l;
	int rc;

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
	rc = users_update_settings(r->d->forum, r->caller, &s, &u);
	if (rc == OS_EBADREQ)
		return bad_display_name(r);
	if (rc)
		return rc;
	return req_put(r, "user", render_user_self(&u));
}

const struct op ops_session[] = {
	{"hello", op_hello, 0},
	{"user.settings", op_user_settings, 1},
	{NULL, NULL, 0},
};
