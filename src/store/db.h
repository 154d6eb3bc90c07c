#ifndef OS_STORE_DB_H
#define OS_STORE_DB_H

/*
 * The store: one SQLite connection, its pragmas, the schema migrations, a
 * cache of prepared statements kept for the life of the connection, and
 * group commit. A store is used from one thread only.
 *
 * Writes happen inside a group: store_op_begin() opens the group's
 * transaction if none is open and a savepoint for the one operation;
 * store_op_end() releases the savepoint, or rolls the operation back alone
 * when it failed. store_commit() commits the whole group. Nothing written is
 * durable, nor may be acknowledged, before store_commit() returns 0.
 */

#include <stdint.h>

#include "base/hist.h"

struct store;

enum store_sync { STORE_SYNC_NORMAL, STORE_SYNC_FULL };

/* Opens (creating if needed) the database at path (":memory:" works),
 * applies the pragmas and every pending migration. *out is owned by the
 * caller and freed with store_close(). */
int store_open(const char *path, enum store_sync sync, struct store **out);

/* True when target names a database on a server (postgresql:// or
 * postgres://) rather than a SQLite file. */
int store_target_is_remote(const char *target);

/* Commits any open group, finalizes the statements and closes. NULL is
 * fine. */
void store_close(struct store *st);

/* The schema version the database is at (PRAGMA user_version). */
int store_schema_version(struct store *st);

/* Begins one write operation (see above). */
int store_op_begin(struct store *st);

/* Ends the operation begun last: ok keeps its writes in the group, !ok
 * undoes them. Returns an error when the savepoint itself fails. */
int store_op_end(struct store *st, int ok);

/* True while a group transaction is open (writes not yet committed). */
int store_group_open(struct store *st);

/* Commits the open group, if any, durably. On failure the whole group is
 * rolled back and OS_EINTERNAL returned. (In deferred-sync mode a failure
 * of the sync itself also returns OS_EINTERNAL, with the group committed
 * but perhaps not on disk.) */
int store_commit(struct store *st);

/*
 * Deferred sync, for a server that overlaps the fsync of one group with
 * the work of the next. store_defer_sync() switches a file database to
 * synchronous=NORMAL: store_commit_nosync() then only writes the group to
 * the WAL (visible to every later read, but not yet durable), and
 * store_sync() makes everything committed before it was called durable
 * with one fdatasync of the WAL. store_sync() is the one store function
 * that may run on another thread than the rest; nothing committed may be
 * acknowledged, or shown to anyone, before a store_sync() that began after
 * its commit has returned 0. store_commit() stays durable in this mode (it
 * syncs). A database without a WAL file (":memory:") refuses deferral
 * and stays as it was.
 */
int store_defer_sync(struct store *st);
int store_commit_nosync(struct store *st);
int store_sync(struct store *st);

/* What group commit has done since the store was opened, for the server's
 * metrics. A write operation is one store_op_begin()/store_op_end(st, 1)
 * pair (the outermost, when they nest) that kept its writes. */
#define STORE_GROUP_BOUNDS 11
extern const uint64_t store_group_bounds[STORE_GROUP_BOUNDS]; /* 1, 2, 4 ... 1024 */
struct store_stats {
	uint64_t commits;          /* groups committed */
	uint64_t commit_failures;  /* groups that failed and were rolled back */
	struct os_hist group_writes; /* write operations per committed group */
};
const struct store_stats *store_stats(const struct store *st);

/* Runs PRAGMA integrity_check and FTS5's check that the search index
 * agrees with the posts and comments (on PostgreSQL: the schema version and
 * every search vector), then checks that each post's comment count and
 * vote tallies agree with its comments and votes; 0 when all pass. It
 * writes nothing but takes the write lock while it reads every post and
 * comment. */
int store_integrity_check(struct store *st);

/* Copies the database to out_path with SQLite's online backup, a few
 * hundred pages at a time so that writers are never held up for long, then
 * checks the copy's integrity. */
int store_backup(struct store *st, const char *out_path);

/* Work that one node does for the whole forum (sending the mail
 * outbox): 1 while this store's connection leads it, 0 while another
 * node's does, -1 when the database cannot say. A SQLite database always
 * leads; on PostgreSQL the lead is a session advisory lock, so it passes
 * to another node when the leader's connection ends. */
enum store_lead { STORE_LEAD_MAILER = 1 };
int store_try_lead(struct store *st, enum store_lead what);

/* The row id of the last insert on this connection. */
int64_t store_last_id(struct store *st);

#endif
