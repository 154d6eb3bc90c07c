#ifndef OS_AUTH_THROTTLE_H
#define OS_AUTH_THROTTLE_H

/*
 * Login throttling. Failures are counted under three keys: the username
 * together with the client address (an attacker at one address: backs off
 * up to 15 minutes), the username alone (guessing from many addresses:
 * backs off at most a minute, so that nobody can lock a real user out for
 * long), and the address alone (one address trying many names). The table
 * has a fixed size; the least recently used entries make way.
 */

#include <stdint.h>

struct throttle;

struct throttle *throttle_new(void);
void throttle_free(struct throttle *t);

/* 0 when a login for username from addr may be tried at now_ms; otherwise
 * the number of seconds to wait. */
int throttle_check(struct throttle *t, const char *username, const char *addr,
		   int64_t now_ms);

/* Records a failed attempt. */
void throttle_fail(struct throttle *t, const char *username, const char *addr,
		   int64_t now_ms);

/* Records a success: forgets the failures of this username at addr. */
void throttle_success(struct throttle *t, const char *username, const char *addr);

/* Several nodes, one throttle: hook is told of every failure (ok 0) and
 * success (ok 1) recorded, to pass on to the other nodes. */
void throttle_set_hook(struct throttle *t,
		       void (*hook)(void *arg, const char *username, const char *addr, int ok),
		       void *arg);

#endif
