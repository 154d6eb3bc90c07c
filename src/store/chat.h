#ifndef OS_STORE_CHAT_H
#define OS_STORE_CHAT_H

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

/* Inserts from c's round, body, author.id and created_at; sets c->id. */
int store_chat_insert(struct store *st, struct chat *c);

int store_chat_get(struct store *st, int64_t id, struct chat *c);

/* Up to limit messages of round with id < before (0: the newest), oldest
 * first; hidden ones only when with_hidden. */
int store_chat_history(struct store *st, int64_t round, int64_t before, int limit,
		       int with_hidden, struct chat **out, size_t *n);

int store_chat_set_hidden(struct store *st, int64_t id, int hidden);

#endif
