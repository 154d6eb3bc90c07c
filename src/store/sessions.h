#ifndef OS_STORE_SESSIONS_H
#define OS_STORE_SESSIONS_H

#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

#define OS_TOKEN_HASH_LEN 32

/* Stores a new session under the hash of its token. */
int store_session_insert(struct store *st, const unsigned char hash[OS_TOKEN_HASH_LEN],
			 int64_t user_id, int64_t now, int64_t expires_at,
			 int64_t *session_id);

/* Finds the live session for a token hash: not revoked, not past its
 * absolute expiry, seen within idle_ms, its user not disabled. Fills the
 * user and the time it was last seen. OS_EUNAUTH when there is none. */
int store_session_lookup(struct store *st, const unsigned char hash[OS_TOKEN_HASH_LEN],
			 int64_t now, int64_t idle_ms, struct user *u,
			 int64_t *session_id, int64_t *last_seen);

int store_session_touch(struct store *st, int64_t session_id, int64_t now);

/* Revokes the session with this hash; OS_OK also when there is none. */
int store_session_revoke(struct store *st, const unsigned char hash[OS_TOKEN_HASH_LEN],
			 int64_t now);

/* Revokes every session of a user. */
int store_session_revoke_user(struct store *st, int64_t user_id, int64_t now);

/* Revokes every session of a user but the one with hash keep. */
int store_session_revoke_others(struct store *st, int64_t user_id,
				const unsigned char keep[OS_TOKEN_HASH_LEN], int64_t now);

#endif
