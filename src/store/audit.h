#ifndef OS_STORE_AUDIT_H
#define OS_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

struct audit_entry {
	int64_t id;
	int64_t at;
	int has_actor;
	struct user actor;
	char action[48];
	char target_kind[16];
	int64_t target_id;
	int64_t round;
	char *detail;
};

/* Appends to the audit log; actor 0 is the system or the command line. */
int store_audit(struct store *st, int64_t actor, const char *action,
		const char *target_kind, int64_t target_id, int64_t round,
		const char *detail);

/* Newest first, up to limit, entries with id < before (0: newest). Caller
 * frees each detail and the array. */
int store_audit_list(struct store *st, int64_t before, int limit,
		     struct audit_entry **out, size_t *n);

#endif
