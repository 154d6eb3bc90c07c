#include "base/err.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"

static int
op_hello(struct req *r)
{
	cJSON *server;

	cJSON_AddItemToObject(r->out, "user", render_user(r->caller));
	server = cJSON_AddObjectToObject(r->out, "server");
	if (server) {
		cJSON_AddStringToObject(server, "version", OPENSTRAT_VERSION);
		cJSON_AddStringToObject(server, "protocol", "openstrat.v1");
	}
	return OS_OK;
}

const struct op ops_session[] = {
	{"hello", op_hello, 0},
	{NULL, NULL, 0},
};
