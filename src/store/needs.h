#ifndef OS_STORE_NEEDS_H
#define OS_STORE_NEEDS_H

/*
 * Needs (schema/015_needs.sql), what each need's ideas gather in votes and
 * backers, a person's own posts, and the customer organisations overview.
 * A deleted need is absent to every reader here.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* A title, as the fixed-size copies below keep it. */
#define STORE_TITLE_SZ (OS_TITLE_MAX * 4 + 1)

/* Reads one need with its linked post and priority ids. OS_ENOTFOUND when
 * absent or deleted. */
int store_need_get(struct store *st, int64_t id, struct need *n);

/* The needs of a round, oldest first, with their links. Caller clears each
 * and frees the array. */
int store_needs_by_round(struct store *st, int64_t round, struct need **out, size_t *n);

int store_need_insert(struct store *st, int64_t round, const char *title,
		      const char *description, const char *description_html,
		      int64_t created_by, int64_t *id);
int store_need_update(struct store *st, int64_t id, const char *title,
		      const char *description, const char *description_html);
/* Marks the need deleted; its links stay in the database. */
int store_need_delete(struct store *st, int64_t id);

/* Links a post or a priority (a link that exists already is kept as it
 * was); unlinking what is not linked is OS_ENOTFOUND. */
int store_need_link_post(struct store *st, int64_t need, int64_t post, int64_t user);
int store_need_unlink_post(struct store *st, int64_t need, int64_t post);
int store_need_link_priority(struct store *st, int64_t need, int64_t priority,
			     int64_t user);
int store_need_unlink_priority(struct store *st, int64_t need, int64_t priority);

/* The needs a post feeds (id, round and title only), oldest first. */
int store_needs_of_post(struct store *st, int64_t post, struct need **out, size_t *n);

/* Votes on a need's ideas (hidden ones left out), by group: index 0 the
 * employees, 1 the customers, 2 managers and admins (the voter's role when
 * voting). people counts the distinct voters of the group who voted up or
 * gave dots to at least one of the ideas. */
struct need_votes {
	int64_t up, down, dots, people;
};
int store_need_votes(struct store *st, int64_t need, struct need_votes g[3]);

/* A customer organisation behind something, and how many of its people. */
struct store_org_count {
	char org[OS_ORG_SZ];
	int64_t people;
};

/* The organisations of the customers who stand behind a need: who voted up
 * or gave dots to one of its ideas, wrote one, or commented on one (hidden
 * ideas and comments left out). Customers without an organisation are not
 * counted. Most people first. Caller frees *out. */
int store_need_orgs(struct store *st, int64_t need, struct store_org_count **out,
		    size_t *n);

/* The ids of the posts author wrote, newest first. Caller frees *out. */
int store_post_ids_by_author(struct store *st, int64_t author, int64_t **out, size_t *n);

/* The status of a priority when priorities have one (a later schema may
 * add it); buf "" when they do not. */
int store_priority_status(struct store *st, int64_t priority, char *buf, size_t sz);

/* The overview of customer organisations (see orgs_list()). */
struct org_ref {
	int64_t id;
	int64_t round;            /* a need's round (0 for a round itself) */
	char title[STORE_TITLE_SZ];
};

struct org_person {
	struct user user;
	int64_t last_active;      /* ms since the epoch; 0: never */
};

struct org_disagree {
	int64_t post;
	int64_t round;
	char title[STORE_TITLE_SZ];
	int64_t org_net;          /* up minus down votes of the organisation */
	int64_t staff_net;        /* the same of employees, managers and admins */
};

struct org_summary {
	char org[OS_ORG_SZ];      /* "" gathers customers without one */
	struct org_person *people;
	size_t npeople;
	struct org_ref *rounds;
	size_t nrounds;
	struct org_ref *needs;
	size_t nneeds;
	struct org_disagree *disagree;
	size_t ndisagree;
	int64_t ideas, comments, votes;
	int64_t last_active;      /* the latest of its people's */
};

/* Every organisation of customers' accounts, by name. Caller frees with
 * store_orgs_free(). */
int store_orgs(struct store *st, struct org_summary **out, size_t *n);
void store_orgs_free(struct org_summary *a, size_t n);

#endif
