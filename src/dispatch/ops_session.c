#include "base/err.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"

static int
op_hello(struct req *r)
{
	cJSON *server;

	if (req_put(r, "user", render_user(r->caller)))
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
