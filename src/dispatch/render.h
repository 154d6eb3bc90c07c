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

/*
 * Customers' privacy. render_set_view() says whom what follows on this
 * thread is rendered for: viewer (NULL: someone who sees everyone), and
 * see_all when the round at hand lets its customers see each other. A
 * customer viewer sees staff, themself and customers of their own
 * (non-empty) organisation as they are; other customers are rendered
 * anonymously: their id, role "customer", empty username, display_name
 * and org, and "anonymous": true. Reset with render_set_view(NULL, 1).
 */
void render_set_view(const struct user *viewer, int see_all);
/* The current view, to put back what an inner rendering changed. */
struct render_view {
	int set;           /* a customer who does not see all */
	int64_t id;
	char org[OS_ORG_SZ];
};
struct render_view render_view_get(void);
void render_view_restore(const struct render_view *v);
/* 1 when u is rendered anonymously for the current view. */
int render_user_anonymous(const struct user *u);

cJSON *render_user(const struct user *u);
/* USER as sent to that user themself: also "lang" (their choice, or null).
 * Other people's USER objects never carry it. */
cJSON *render_user_self(const struct user *u);
/* USER with "email", for an admin or the account's owner: for the owner
 * (admin_view 0) with "lang" as render_user_self(); with admin_view also
 * "disabled", "last_seen_at" (null: never) and "source", but no "lang". */
cJSON *render_account(const struct account *a, int admin_view);
cJSON *render_round(const struct round *r);
cJSON *render_tally(const struct tally *t, int vote_mode);
/* my_vote is included only when p->has_my_vote. */
cJSON *render_post(const struct post *p);
cJSON *render_comment(const struct comment *c);
/* A FILE: {id, post, name, type, size, sha256, url} and, for a PDF, pages
 * (null when unknown). */
cJSON *render_file(const struct post_file *f);
cJSON *render_chat(const struct chat *c);
/* PRIORITY with its outcomes; "following" only when p->has_following. */
cJSON *render_priority(const struct priority *p);
/* NEED (src/dispatch/render_needs.c). */
cJSON *render_need(const struct need *n);
cJSON *render_measure(const struct measure *m);
cJSON *render_milestone(const struct milestone *m);
/* UPDATE {id, priority, body, body_html, author, created_at, status,
 * comment_count}. */
cJSON *render_update(const struct priority_update *u);
/* NOTIFICATION: post and comment only when the notice has them. */
cJSON *render_notification(const struct notification *n);

/* Adds an RFC 3339 time, or null for 0 when nullable. 0, or -1 when out of
 * memory. */
int render_time(cJSON *o, const char *name, int64_t ms, int nullable);

/* Adds item to the object o under name, or to the array o when name is
 * NULL, taking it. item may be NULL (its allocation failed). 0, or -1 when
 * it could not be added (item is freed then), so that a whole object is
 * built with "bad |= render_put(...)" and checked once. */
int render_put(cJSON *o, const char *name, cJSON *item);

#endif
