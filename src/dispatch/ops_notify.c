/* Notifications: the caller's list, and marking them read. */
#include <stdlib.h>

#include "base/err.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/notify.h"

static int
op_notifications_list(struct req *r)
{
	struct notification *items;
	int64_t before = 0, limit = 50, unread;
	size_t n;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_id(r, "before", 0, &before)) ||
	    (rc = req_int(r, "limit", 0, 1, NOTIFY_LIST_MAX, &limit)))
		return rc;
	if ((rc = notifications_list(r->d->forum, r->caller, before, (int)limit, &items, &n,
				     &unread)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "items", arr);
	for (size_t i = 0; !bad && i < n; i++) {
		/* Whoever did it is shown as the item's round allows. */
		req_view_round(r, items[i].round);
		bad = render_put(arr, NULL, render_notification(&items[i]));
	}
	free(items);
	if (bad || render_put(r->out, "unread", cJSON_CreateNumber((double)unread)))
		return req_nomem(r);
	return OS_OK;
}

#define READ_IDS_MAX 500

static int
op_notifications_read(struct req *r)
{
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(r->in, "ids"), *v;
	int64_t list[READ_IDS_MAX], unread;
	size_t n = 0;
	int all = 0, rc;

	if ((rc = req_bool(r, "all", 0, &all)))
		return rc;
	if (ids && !cJSON_IsNull(ids)) {
		if (!cJSON_IsArray(ids))
			return req_fail(r, OS_EBADREQ, "field 'ids' must be a list of ids");
		cJSON_ArrayForEach(v, ids) {
			if (n == READ_IDS_MAX)
				return req_fail(r, OS_EBADREQ, "at most %d 'ids' at once",
						READ_IDS_MAX);
			if (!cJSON_IsNumber(v) || v->valuedouble < 1 ||
			    v->valuedouble > 9007199254740991.0 ||
			    v->valuedouble != (double)(int64_t)v->valuedouble)
				return req_fail(r, OS_EBADREQ,
						"field 'ids' must be a list of ids");
			list[n++] = (int64_t)v->valuedouble;
		}
	} else if (!all) {
		return req_fail(r, OS_EBADREQ, "give 'ids' or 'all': true");
	}
	if ((rc = notifications_read(r->d->forum, r->caller, list, n, all, &unread)))
		return rc;
	return req_put(r, "unread", cJSON_CreateNumber((double)unread));
}

const struct op ops_notify[] = {
	{"notifications.list", op_notifications_list, 0},
	{"notifications.read", op_notifications_read, 1},
	{NULL, NULL, 0},
};
