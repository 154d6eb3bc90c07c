#ifndef OS_AUTH_SESSION_H
#define OS_AUTH_SESSION_H

/*
 * Sessions: a token is 32 random bytes in base64url (43 characters) handed
 * to the client once; the database stores only its BLAKE2b-256 hash.
 */

#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

#define OS_TOKEN_STR_LEN 44 /* 43 characters and a NUL */

struct session_policy {
	int64_t idle_ms;     /* a session unused this long is dead */
	int64_t absolute_ms; /* and none lives longer than this */
};

extern const struct session_policy session_default_policy;

/* A fresh random token of 32 bytes, base64url without padding. */
void session_token_new(char out[OS_TOKEN_STR_LEN]);

/* BLAKE2b-256 of the token's text. */
void session_token_hash(const char *token, unsigned char out[32]);

/* Creates a session for user_id and writes its token; the user is seen
 * now. Runs inside a write operation of the store; the caller commits. */
int session_create(struct store *st, const struct session_policy *pol,
		   int64_t user_id, char token[OS_TOKEN_STR_LEN]);

/* Resolves a token to its user. OS_EUNAUTH for a malformed, unknown,
 * revoked, expired or disabled one; OS_EINTERNAL or OS_ENOMEM when the
 * store could not tell. Marks the session and its user as seen (a write,
 * at most every few minutes) when touch is set. */
int session_resolve(struct store *st, const struct session_policy *pol,
		    const char *token, int touch, struct user *u);

/* Checks again a session known by its hash (a connection's): OS_OK and
 * *u refreshed while it lives, OS_EUNAUTH once it is revoked, expired or
 * its user disabled. Never writes. */
int session_check_hash(struct store *st, const struct session_policy *pol,
		       const unsigned char hash[32], struct user *u);

/* session_check_hash() for a connection in use: it also marks the session
 * and its user as seen (a write, at most every few minutes), so that an
 * open connection keeps its session alive and "last seen" stays true. */
int session_check_live(struct store *st, const struct session_policy *pol,
		       const unsigned char hash[32], struct user *u);

/* Revokes the session of token; harmless when there is none. */
int session_revoke(struct store *st, const char *token);

#endif
