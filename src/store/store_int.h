#ifndef OS_STORE_INT_H
#define OS_STORE_INT_H

/* Private to src/store/: what the store files share. They speak to the
 * database only through src/store/sql.h. */

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "store/sql.h"

/* A cached, reset statement for sql, which must be a string literal (the
 * cache is keyed by its address). NULL on a prepare error, logged. */
struct sql_stmt *store_stmt(struct store *st, const char *sql);

/* Resets and clears a statement taken from store_stmt(). */
void store_done(struct sql_stmt *s);
/* Runs a bound INSERT INTO users and finishes it: the new id in *id (if not
 * NULL), OS_EUSERTAKEN for a taken username, else the store's error. */
int store_user_insert_step(struct store *st, struct sql_stmt *s, int64_t *id, const char *what);

/* Runs one or more statements with no results. 0 or OS_EINTERNAL. */
int store_exec(struct store *st, const char *sql);

/* Maps an SQL_ result code to an os_err, logging unexpected ones. */
int store_rc(struct store *st, int rc, const char *what);

/* The connection, its engine's dialect, its last error message and the
 * number of rows its last write changed. */
struct sql_conn *store_conn(struct store *st);
enum sql_dialect store_dialect(const struct store *st);
const char *store_errmsg(struct store *st);
int store_changes(struct store *st);

/* A new post or comment for the search index: indexed now outside a group
 * of writes, else with the whole group just before its COMMIT
 * (store_fts_flush(), which store_commit() runs); on PostgreSQL nothing:
 * the row's INSERT wrote its vector (store_fts_new_post()).
 * Anything that changes an indexed body must call store_fts_flush() first,
 * and store_fts_edited_post() (or _comment()) after: SQLite's update
 * triggers keep FTS5 in step, PostgreSQL's vector is written again. */
int store_fts_note_post(struct store *st, int64_t id);
int store_fts_note_comment(struct store *st, int64_t id);
/* The vector of a new post or comment on PostgreSQL, which its INSERT
 * writes (then *vec is set, malloc'd); NULL on SQLite, where
 * store_fts_note_post() (or _comment()) follows the INSERT. */
int store_fts_new_post(struct store *st, const char *title, const char *body, char **vec);
int store_fts_new_comment(struct store *st, const char *body, char **vec);
int store_fts_flush(struct store *st);
/* A new comment on post for its comment_count: on PostgreSQL counted at
 * the group's commit (at once outside a group); on SQLite its insert
 * trigger counts it. store_comments_pending() is how many of the open
 * group's comments on post are not counted yet (0 on SQLite). */
int store_count_comment(struct store *st, int64_t post);
int64_t store_comments_pending(const struct store *st, int64_t post);
int store_fts_edited_post(struct store *st, int64_t id);
int store_fts_edited_comment(struct store *st, int64_t id);

/* The store's stemmers (src/store/words.h), made at first use; NULL when
 * out of memory. */
struct words *store_words(struct store *st);

/* Copies column i as text into buf (always NUL-terminated). */
void store_col_text(struct sql_stmt *s, int i, char *buf, size_t sz);

/* Column i as a malloc'd string ("" for NULL); NULL when out of memory. */
char *store_col_dup(struct sql_stmt *s, int i);

/* Makes room in *arr (elements of size sz, capacity *cap) for element n.
 * 0, or -1 when out of memory (the array is left as it was). */
int store_grow(void **arr, size_t *cap, size_t n, size_t sz);

/* Runs an UPDATE sql whose ?1 is a row id and ?2 an integer value. */
int store_update_int(struct store *st, const char *sql, int64_t id, int value,
		     const char *what);

/* Reads the six user columns (id, username, display_name, role, org,
 * disabled) starting at column col. */
struct user;
void store_read_user(struct sql_stmt *s, int col, struct user *u);

/* The user columns of alias a, in store_read_user() order. */
#define STORE_USER_COLS(a) a ".id, " a ".username, " a ".display_name, " \
	a ".role, " a ".org, " a ".disabled"

/*
 * The notices recipient ?1 may still see: nothing hidden, and only in
 * rounds forum_round_access() would show them (moderators every round,
 * employees every round out of draft, customers the invited rounds they
 * are active members of). Keep the two in step.
 */
#define STORE_NOTIF_VISIBLE                                                            \
	" JOIN rounds r ON r.id = n.round_id"                                    \
	" JOIN users me ON me.id = n.recipient_id"                               \
	" JOIN users a ON a.id = n.actor_id"                                     \
	" LEFT JOIN posts p ON p.id = n.post_id"                                 \
	" LEFT JOIN comments c ON c.id = n.comment_id"                           \
	" LEFT JOIN chat_messages m ON m.id = n.chat_id"                         \
	" WHERE n.recipient_id = ?1"                                             \
	" AND coalesce(p.hidden, 0) = 0 AND coalesce(c.hidden, 0) = 0"           \
	" AND coalesce(m.hidden, 0) = 0 AND me.disabled = 0"                     \
	" AND (me.role IN ('admin', 'manager') OR (r.phase <> 'draft' AND"       \
	"      (me.role = 'employee' OR (me.role = 'customer'"                   \
	"       AND r.audience = 'invited' AND EXISTS (SELECT 1 FROM"            \
	"       round_members rm WHERE rm.round_id = r.id AND rm.user_id = me.id" \
	"       AND rm.revoked_at IS NULL)))))"

#endif
