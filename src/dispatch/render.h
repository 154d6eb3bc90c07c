#ifndef OS_DISPATCH_RENDER_H
#define OS_DISPATCH_RENDER_H

/*
 * The protocol's objects as cJSON trees (USER, ROUND, POST, COMMENT, TALLY,
 * CHAT, PRIORITY). The caller owns what each returns and frees it with
 * cJSON_Delete(); NULL means out of memory, and an object is never returned
 * with a field missing. Used by dispatch and export.
 */

#include <cjson/cJSON.h>

#include "base/model.h"

cJSON *render_user(const struct user *u);
/* USER with "email", for an admin or the account's owner; with admin_view
 * also "disabled", "last_seen_at" (null: never) and "source". */
cJSON *render_account(const struct account *a, int admin_view);
cJSON *render_round(const struct round *r);
cJSON *render_tally(const struct tally *t, int vote_mode);
/* my_vote is included only when p->has_my_vote. */
cJSON *render_post(const struct post *p);
cJSON *render_comment(const struct comment *c);
cJSON *render_chat(const struct chat *c);
cJSON *render_priority(const struct priority *p);

/* Adds an RFC 3339 time, or null for 0 when nullable. 0, or -1 when out of
 * memory. */
int render_time(cJSON *o, const char *name, int64_t ms, int nullable);

/* Adds item to the object o under name, or to the array o when name is
 * NULL, taking it. item may be NULL (its allocation failed). 0, or -1 when
 * it could not be added (item is freed then), so that a whole object is
 * built with "bad |= render_put(...)" and checked once. */
int render_put(cJSON *o, const char *name, cJSON *item);

#endif
