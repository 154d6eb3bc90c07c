#include "auth/throttle.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SETS 4096
#define WAYS 4
#define WINDOW_MS (15LL * 60 * 1000)

struct entry {
	unsigned char key[16];
	int used;
	int fails;
	int64_t first_ms;
	int64_t last_ms;
	int64_t blocked_until;
};

struct throttle {
	unsigned char salt[crypto_shorthash_KEYBYTES];
	struct entry e[SETS][WAYS];
	void (*hook)(void *arg, const char *username, const char *addr, int ok);
	void *hook_arg;
};

void
throttle_set_hook(struct throttle *t,
		  void (*hook)(void *arg, const char *username, const char *addr, int ok),
		  void *arg)
{
	t->hook = hook;
	t->hook_arg = arg;
}

enum kind { K_PAIR, K_USER, K_ADDR };

static const struct {
	int free_fails;  /* the failure that starts the back-off */
	int64_t max_ms;  /* the longest back-off */
} policy[] = {
	[K_PAIR] = {5, 15LL * 60 * 1000},
	[K_USER] = {20, 60LL * 1000},
	[K_ADDR] = {50, 15LL * 60 * 1000},
};

struct throttle *
throttle_new(void)
{
	struct throttle *t = calloc(1, sizeof *t);

	if (t)
		randombytes_buf(t->salt, sizeof t->salt);
	return t;
}

void
throttle_free(struct throttle *t)
{
	free(t);
}

static void
make_key(enum kind k, const char *user, const char *addr, unsigned char key[16])
{
	crypto_generichash_state st;
	unsigned char tag = (unsigned char)k, zero = 0;

	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, &tag, 1);
	if (k != K_ADDR)
		for (const char *p = user; *p; p++) {
			unsigned char c = (unsigned char)tolower((unsigned char)*p);

			crypto_generichash_update(&st, &c, 1);
		}
	crypto_generichash_update(&st, &zero, 1);
	if (k != K_USER)
		crypto_generichash_update(&st, (const unsigned char *)addr, strlen(addr));
	crypto_generichash_final(&st, key, 16);
}

static struct entry *
find(struct throttle *t, const unsigned char key[16], int create, int64_t now)
{
	unsigned char h[8];
	uint64_t v;
	struct entry *set, *victim = NULL;

	crypto_shorthash(h, key, 16, t->salt);
	memcpy(&v, h, sizeof v);
	set = t->e[v % SETS];
	for (int i = 0; i < WAYS; i++)
		if (set[i].used && !memcmp(set[i].key, key, 16))
			return &set[i];
	if (!create)
		return NULL;
	for (int i = 0; i < WAYS; i++) {
		if (!set[i].used) {
			victim = &set[i];
			break;
		}
		if (!victim || set[i].last_ms < victim->last_ms)
			victim = &set[i];
	}
	memset(victim, 0, sizeof *victim);
	memcpy(victim->key, key, 16);
	victim->used = 1;
	victim->first_ms = now;
	return victim;
}

int
throttle_check(struct throttle *t, const char *username, const char *addr,
	       int64_t now_ms)
{
	int64_t wait = 0;

	for (int k = K_PAIR; k <= K_ADDR; k++) {
		unsigned char key[16];
		struct entry *e;

		make_key(k, username, addr, key);
		e = find(t, key, 0, now_ms);
		if (e && e->blocked_until > now_ms && e->blocked_until - now_ms > wait)
			wait = e->blocked_until - now_ms;
	}
	return wait ? (int)((wait + 999) / 1000) : 0;
}

void
throttle_fail(struct throttle *t, const char *username, const char *addr,
	      int64_t now_ms)
{
	for (int k = K_PAIR; k <= K_ADDR; k++) {
		unsigned char key[16];
		struct entry *e;

		make_key(k, username, addr, key);
		e = find(t, key, 1, now_ms);
		if (now_ms - e->last_ms > WINDOW_MS && e->blocked_until <= now_ms) {
			e->fails = 0;
			e->first_ms = now_ms;
		}
		e->fails++;
		e->last_ms = now_ms;
		if (e->fails >= policy[k].free_fails) {
			int over = e->fails - policy[k].free_fails + 1;
			int64_t ms = 1000LL << (over > 20 ? 20 : over - 1);

			if (ms > policy[k].max_ms)
				ms = policy[k].max_ms;
			e->blocked_until = now_ms + ms;
		}
	}
	if (t->hook)
		t->hook(t->hook_arg, username, addr, 0);
}

void
throttle_success(struct throttle *t, const char *username, const char *addr)
{
	unsigned char key[16];
	struct entry *e;

	make_key(K_PAIR, username, addr, key);
	e = find(t, key, 0, 0);
	if (e)
		memset(e, 0, sizeof *e);
	if (t->hook)
		t->hook(t->hook_arg, username, addr, 1);
}
