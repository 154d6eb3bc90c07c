#include "auth/session.h"

#include <sodium.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/sessions.h"
#include "store/users.h"

const struct session_policy session_default_policy = {
	.idle_ms = 30LL * 24 * 3600 * 1000,
	.absolute_ms = 90LL * 24 * 3600 * 1000,
};

/* Touching a session on every request would turn reads into writes. */
#define TOUCH_EVERY_MS (5LL * 60 * 1000)

void
session_token_new(char out[OS_TOKEN_STR_LEN])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, OS_TOKEN_STR_LEN, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void
session_token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

static int
well_formed(const char *token)
{
	size_t n = token ? strlen(token) : 0;

	if (n != OS_TOKEN_STR_LEN - 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = token[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int
session_create(struct store *st, const struct session_policy *pol,
	       int64_t user_id, char token[OS_TOKEN_STR_LEN])
{
	unsigned char hash[32];
	int64_t now = os_now_ms();

	int rc;

	session_token_new(token);
	session_token_hash(token, hash);
	rc = store_session_insert(st, hash, user_id, now, now + pol->absolute_ms, NULL);
	return rc ? rc : store_user_seen(st, user_id, now);
}

/* Marks a session, and its user, as seen now: a write operation of its
 * own, which the caller's group commits. */
static void
touch(struct store *st, int64_t sid, int64_t uid, int64_t now)
{
	if (store_op_begin(st) == OS_OK)
		store_op_end(st, store_session_touch(st, sid, now) == OS_OK &&
					 store_user_seen(st, uid, now) == OS_OK);
}

/* The store could not tell (out of memory, I/O): that is not "no such
 * session", which would close connections and sign people out. */
static int
store_failed(int rc)
{
	return rc == OS_EINTERNAL || rc == OS_ENOMEM;
}

int
session_resolve(struct store *st, const struct session_policy *pol,
		const char *token, int do_touch, struct user *u)
{
	unsigned char hash[32];
	int64_t now = os_now_ms(), sid, seen;
	int rc;

	if (!well_formed(token))
		return OS_EUNAUTH;
	session_token_hash(token, hash);
	rc = store_session_lookup(st, hash, now, pol->idle_ms, u, &sid, &seen);
	if (rc)
		return store_failed(rc) ? rc : OS_EUNAUTH;
	if (do_touch && now - seen > TOUCH_EVERY_MS)
		touch(st, sid, u->id, now);
	return OS_OK;
}

int
session_check_hash(struct store *st, const struct session_policy *pol,
		   const unsigned char hash[32], struct user *u)
{
	int64_t sid, seen;
	int rc = store_session_lookup(st, hash, os_now_ms(), pol->idle_ms, u, &sid, &seen);

	/* Out of memory still counts as ended here: server.c's periodic
	 * check takes *u for any answer but OS_EUNAUTH, and *u is not set on
	 * an error. */
	return rc == OS_EINTERNAL ? rc : rc ? OS_EUNAUTH : OS_OK;
}

int
session_revoke(struct store *st, const char *token)
{
	unsigned char hash[32];

	if (!well_formed(token))
		return OS_OK;
	session_token_hash(token, hash);
	return store_session_revoke(st, hash, os_now_ms());
}

int
session_check_live(struct store *st, const struct session_policy *pol,
		   const unsigned char hash[32], struct user *u)
{
	int64_t sid, seen, now = os_now_ms();
	int rc = store_session_lookup(st, hash, now, pol->idle_ms, u, &sid, &seen);

	if (rc == OS_EINTERNAL)
		return rc;
	if (rc)
		return OS_EUNAUTH;
	if (now - seen > TOUCH_EVERY_MS)
		touch(st, sid, u->id, now);
	return OS_OK;
}
