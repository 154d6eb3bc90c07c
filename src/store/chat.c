#include "store/chat.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

#define CHAT_SELECT "SELECT c.id, c.round_id, c.body, c.created_at, c.hidden, " \
	STORE_USER_COLS("u") " FROM chat_messages c JOIN users u ON u.id = c.author_id "

static int
read_chat(struct sql_stmt *s, struct chat *c)
{
	memset(c, 0, sizeof *c);
	c->id = sql_col_int64(s, 0);
	c->round = sql_col_int64(s, 1);
	c->body = store_col_dup(s, 2);
	c->created_at = sql_col_int64(s, 3);
	c->hidden = sql_col_int(s, 4);
	store_read_user(s, 5, &c->author);
	return c->body ? OS_OK : OS_ENOMEM;
}

int
store_chat_insert(struct store *st, struct chat *c)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO chat_messages (round_id, author_id, body, created_at) "
		"VALUES (?1, ?2, ?3, ?4)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, c->round);
	sql_bind_int64(s, 2, c->author.id);
	sql_bind_text(s, 3, c->body, -1);
	sql_bind_int64(s, 4, c->created_at);
	rc = sql_step(s);
	store_done(s);
	if (rc == SQL_DONE)
		c->id = store_last_id(st);
	return store_rc(st, rc, "chat insert");
}

int
store_chat_get(struct store *st, int64_t id, struct chat *c)
{
	struct sql_stmt *s = store_stmt(st, CHAT_SELECT "WHERE c.id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		rc = read_chat(s, c);
	else
		rc = rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "chat get");
	store_done(s);
	return rc;
}

int
store_chat_history(struct store *st, int64_t round, int64_t before, int limit,
		   int with_hidden, struct chat **out, size_t *n)
{
	/* Newest first from the index, then reversed into oldest first. */
	struct sql_stmt *s = store_stmt(st, CHAT_SELECT
		"WHERE c.round_id = ?1 AND c.id < ?2 AND (?4 <> 0 OR c.hidden = 0) "
		"ORDER BY c.id DESC LIMIT ?3");
	struct chat *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc, err = OS_OK;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, round);
	sql_bind_int64(s, 2, before > 0 ? before : INT64_MAX);
	sql_bind_int(s, 3, limit);
	sql_bind_int(s, 4, with_hidden ? 1 : 0);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr) ||
		    read_chat(s, &arr[cnt])) {
			err = OS_ENOMEM;
			break;
		}
		cnt++;
	}
	store_done(s);
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "chat history");
	if (err) {
		for (size_t i = 0; i < cnt; i++)
			chat_clear(&arr[i]);
		free(arr);
		return err;
	}
	for (size_t i = 0; i < cnt / 2; i++) {
		struct chat t = arr[i];

		arr[i] = arr[cnt - 1 - i];
		arr[cnt - 1 - i] = t;
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_chat_set_hidden(struct store *st, int64_t id, int hidden)
{
	return store_update_int(st, "UPDATE chat_messages SET hidden = ?2 WHERE id = ?1", id,
				hidden ? 1 : 0, "chat hide");
}
