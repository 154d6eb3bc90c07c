#ifndef OS_STORE_PAGING_H
#define OS_STORE_PAGING_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* What a round's post list is ordered by, for one post: enough to place it
 * without reading its text. */
struct post_key {
	int64_t id;
	int kind;          /* enum os_kind */
	int status;        /* enum os_status, STATUS_HIDDEN for a hidden post */
	int64_t up, down;  /* totals across roles */
	int64_t dots;
};

/* The keys of a round's posts, in id order. Hidden posts are left out
 * unless with_hidden; kind -1 takes both kinds. *out is malloc'd (NULL when
 * none); the caller frees it. */
int store_post_keys(struct store *st, int64_t round, int with_hidden, int kind,
		    struct post_key **out, size_t *n);

#endif
