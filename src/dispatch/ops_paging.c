/* Big rounds: their posts a page at a time (posts.list, and the first page
 * in round.subscribe), and people to pick by name (users.find). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"
#include "forum/paging.h"
#include "forum/users.h"

#define POSTS_PAGE_DEFAULT 50
#define USERS_FIND_MAX 50
#define USERS_FIND_DEFAULT 20
#define USERS_FIND_QUERY_MAX 200

int
req_posts_query(struct req *r, const char *order_name, const char *kind_name,
		struct posts_query *q)
{
	const char *order = NULL, *kind = NULL;
	int rc;

	q->order = POSTS_TOP;
	q->kind = -1;
	if ((rc = req_str(r, order_name, 0, &order)) || (rc = req_str(r, kind_name, 0, &kind)))
		return rc;
	if (order && (q->order = posts_order_parse(order)) < 0)
		return req_fail(r, OS_EBADREQ, "field '%s' must be one of top, new", order_name);
	if (kind && (q->kind = os_kind_parse(kind)) < 0)
		return req_fail(r, OS_EBADREQ, "field '%s' must be one of plan, idea", kind_name);
	return OS_OK;
}

int
req_put_next(struct req *r, const char *next)
{
	return req_put(r, "next", next && *next ? cJSON_CreateString(next) : cJSON_CreateNull());
}

static int
op_posts_list(struct req *r)
{
	struct posts_query q = {0};
	struct posts_page page;
	const char *cursor = NULL;
	int64_t round, limit = POSTS_PAGE_DEFAULT;
	cJSON *arr;
	int rc, bad;

	if ((rc = req_id(r, "round", 1, &round)) ||
	    (rc = req_posts_query(r, "order", "kind", &q)) ||
	    (rc = req_str(r, "cursor", 0, &cursor)) ||
	    (rc = req_int(r, "limit", 0, 1, POSTS_PAGE_MAX, &limit)))
		return rc;
	q.cursor = cursor;
	q.limit = (int)limit;
	rc = posts_list(r->d->forum, r->caller, round, &q, &page);
	if (rc == OS_EBADREQ)
		return req_fail(r, rc, "'cursor' is not a cursor of this list (order '%s')",
				q.order == POSTS_TOP ? "top" : "new");
	if (rc)
		return rc;
	req_view_round(r, round);
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "posts", arr);
	for (size_t i = 0; !bad && i < page.n; i++)
		bad = render_put(arr, NULL, render_post(&page.posts[i]));
	if (!bad)
		bad = req_put_next(r, page.next);
	posts_page_clear(&page);
	return bad ? req_nomem(r) : OS_OK;
}

static int
op_users_find(struct req *r)
{
	struct account_query q = {.role = -1, .disabled = 0};
	char buf[USERS_FIND_QUERY_MAX * 4 + 1];
	const char *text = NULL, *role = NULL, *start;
	struct account *list;
	int64_t limit = USERS_FIND_DEFAULT;
	size_t n, len;
	cJSON *arr;
	int rc, bad;

	/* Who may look people up, before what they asked: an employee or a
	 * customer learns nothing from the shape of a refused request. */
	if (r->caller->role != ROLE_ADMIN && r->caller->role != ROLE_MANAGER)
		return OS_EFORBIDDEN;
	if ((rc = req_str(r, "query", 1, &text)) || (rc = req_str(r, "role", 0, &role)) ||
	    (rc = req_int(r, "limit", 0, 1, USERS_FIND_MAX, &limit)))
		return rc;
	if (os_utf8_len(text) > USERS_FIND_QUERY_MAX)
		return req_fail(r, OS_ETOOLARGE, "'query' is over its limit");
	len = os_trimmed(text, &start);
	if (!len)
		return req_fail(r, OS_EBADREQ, "'query' must not be empty");
	if (role && !strcmp(role, "staff"))
		q.staff_only = 1;
	else if (role && (q.role = os_role_parse(role)) < 0)
		return req_fail(r, OS_EBADREQ,
				"'role' must be admin, manager, employee, customer or staff");
	snprintf(buf, sizeof buf, "%.*s", (int)len, start);
	q.text = buf;
	q.limit = (int)limit;
	if ((rc = users_find(r->d->forum, r->caller, &q, &list, &n)))
		return rc;
	arr = cJSON_CreateArray();
	bad = render_put(r->out, "users", arr);
	for (size_t i = 0; !bad && i < n; i++)
		bad = render_put(arr, NULL, render_user(&list[i].user));
	free(list);
	return bad ? req_nomem(r) : OS_OK;
}

const struct op ops_paging[] = {
	{"posts.list", op_posts_list, 0},
	{"users.find", op_users_find, 0},
	{NULL, NULL, 0},
};
