#ifndef OS_DISPATCH_VIEW_H
#define OS_DISPATCH_VIEW_H

/*
 * Events rendered on another node arrive as staff see them (the cluster
 * bus carries text, not the forum's structs). A customer on this node must
 * see them as if this node had rendered them for them: every USER object
 * in the text goes through the same rule as render_user() (render.h).
 */

#include <stddef.h>

#include "base/model.h"

/* The event text json (as staff see it) as viewer sees it under the round's
 * customers_see_each_other setting see_all: a malloc'd copy (caller frees),
 * NULL when json is not an object or memory ran out. Staff, and customers
 * who see everyone, get the text unchanged. */
char *dispatch_event_for_viewer(const char *json, size_t len, const struct user *viewer,
				int see_all, size_t *out_len);

#endif
