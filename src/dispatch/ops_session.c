#include "base/err.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/users.h"

static int
op_hello(struct req *r)
{
	struct account me;
	cJSON *server;
	int rc;

	/* The caller's own USER carries their email. */
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

const struct op ops_session[] = {
	{"hello", op_hello, 0},
	{NULL, NULL, 0},
};
