#ifndef OS_STORE_INVITES_H
#define OS_STORE_INVITES_H

#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

struct invite {
	int64_t id;
	int role;           /* ROLE_CUSTOMER or ROLE_EMPLOYEE */
	int64_t round;      /* 0: none */
	int64_t created_by; /* 0: the command line */
	int64_t expires_at;
	int64_t used_at;    /* 0: unused */
	int has_org;        /* the invite fixes the organisation: org */
	char org[OS_ORG_SZ];
};

/* org NULL: the person accepting gives their own. */
int store_invite_insert(struct store *st, const unsigned char hash[32], int role,
			int64_t round, int64_t created_by, int64_t expires_at,
			const char *org, int64_t *id);

/* The invite with this token hash; OS_ENOTFOUND when there is none. */
int store_invite_by_hash(struct store *st, const unsigned char hash[32],
			 struct invite *inv);

/* Marks an unused invite used by user_id; OS_EINVUSED when it was used in
 * the meantime. */
int store_invite_use(struct store *st, int64_t id, int64_t user_id, int64_t now);

#endif
