#include "store/store_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "store/search_int.h"
#include "store/words.h"

/* Operations nest at most this deep. */
#define STORE_OP_DEPTH_MAX 16

#define STMT_SLOTS 512 /* power of two, well above the number of queries */

struct stmt_slot {
	const char *sql;
	struct sql_stmt *stmt;
};

/* The full-text indexes kept in step by the store (schema/003). */
enum { FTS_POSTS, FTS_COMMENTS, FTS_N };

struct store {
	struct sql_conn *db;
	int group_open;
	int group_lost;  /* its transaction is gone: store_commit() must fail */
	int op_depth;
	unsigned group_ops; /* write operations kept in the open group */
	struct store_stats stats;
	/* The first row id the open group inserted into each indexed table,
	 * or 0: every row from there on is the group's own (ids are
	 * max(rowid) + 1 and nothing is deleted), so one statement indexes
	 * them all at commit. (Only for a driver whose database does not
	 * index by itself: fts_at_commit.) */
	int64_t fts_from[FTS_N];
	/* fts_from as the outermost open operation found it: an operation
	 * that flushed the index (to edit an indexed row) and then failed
	 * took the flushed entries with it, so they are pending again. */
	int64_t fts_from_op[FTS_N];
	/* PostgreSQL: the post of each comment the open group wrote, one
	 * entry a comment. Their comment_count is raised at commit, in post
	 * id order, not by a trigger at each insert: the post's row lock is
	 * then held from that UPDATE to the COMMIT, not for the whole group,
	 * and the groups of several nodes on a busy post do not wait for
	 * each other (docs/STORAGE.md). count_mark[d] is how many entries
	 * there were when the operation at depth d began: one that fails
	 * takes its own with it. */
	int64_t *counted;
	size_t ncounted, counted_cap;
	size_t count_mark[STORE_OP_DEPTH_MAX];
	/* The stemmers, for a store that splits words itself (PostgreSQL's
	 * search): made at first use. */
	struct words *words;
	struct stmt_slot slots[STMT_SLOTS];
};

struct sql_conn *
store_conn(struct store *st)
{
	return st->db;
}

enum sql_dialect
store_dialect(const struct store *st)
{
	return st->db->drv->dialect;
}

const char *
store_errmsg(struct store *st)
{
	return sql_errmsg(st->db);
}

int
store_changes(struct store *st)
{
	return st->db->drv->changes(st->db);
}

int
store_rc(struct store *st, int rc, const char *what)
{
		if (rc == SQL_CONSTRAINT_COMMITHOOK) {
		os_err("store: %s: would commit outside its group", what);
		return OS_EINTERNAL;
	}
	switch (rc & 0xff) {
	case SQL_OK:
	case SQL_DONE:
	case SQL_ROW:
		return OS_OK;
	case SQL_CONSTRAINT:
		return OS_ECONFLICT;
	case SQL_NOMEM:
		return OS_ENOMEM;
	default:
		os_err("store: %s: %s (%d)", what, sql_errmsg(st->db), rc);
		return OS_EINTERNAL;
	}
}

int
store_exec(struct store *st, const char *sql)
{
	int rc = sql_exec(st->db, sql);

	if (rc != SQL_OK)
		return rc == SQL_NOMEM ? OS_ENOMEM : OS_EINTERNAL;
	return OS_OK;
}

struct sql_stmt *
store_stmt(struct store *st, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) & (STMT_SLOTS - 1);

	for (size_t i = 0; i < STMT_SLOTS; i++) {
		struct stmt_slot *slot = &st->slots[(h + i) & (STMT_SLOTS - 1)];

		if (slot->sql == sql)
			return slot->stmt;
		if (!slot->sql) {
			struct sql_stmt *s = NULL;
			int rc = sql_prepare(st->db, sql, &s);

			if (rc != SQL_OK) {
				os_err("store: prepare failed: %s: %s", sql_errmsg(st->db), sql);
				return NULL;
			}
			slot->sql = sql;
			slot->stmt = s;
			return s;
		}
	}
	os_err("store: statement cache full");
	return NULL;
}

void
store_done(struct sql_stmt *s)
{
	if (s) {
		s->conn->drv->reset(s);
		s->conn->drv->clear(s);
	}
}

void
store_col_text(struct sql_stmt *s, int i, char *buf, size_t sz)
{
	const unsigned char *t = sql_col_text(s, i);
	size_t n = t ? (size_t)sql_col_bytes(s, i) : 0;

	if (n >= sz)
		n = sz - 1;
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

char *
store_col_dup(struct sql_stmt *s, int i)
{
	const unsigned char *t = sql_col_text(s, i);
	size_t n = t ? (size_t)sql_col_bytes(s, i) : 0;
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	if (n)
		memcpy(p, t, n);
	p[n] = '\0';
	return p;
}

int
store_schema_version(struct store *st)
{
	return st->db->drv->schema_version(st->db);
}

int
sql_target_is_pg(const char *target)
{
	return !strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11);
}

static void
finalize_all(struct store *st)
{
	for (size_t i = 0; i < STMT_SLOTS; i++)
		sql_finalize(st->slots[i].stmt);
}

int
store_target_is_remote(const char *target)
{
	return sql_target_is_pg(target);
}

int
store_open(const char *path, enum store_sync sync, struct store **out)
{
	struct store *st;
	int rc;

	*out = NULL;
	st = calloc(1, sizeof *st);
	if (!st)
		return OS_ENOMEM;
	rc = sql_target_is_pg(path) ? sql_pg_open(path, sync, &st->db)
				    : sql_sqlite_open(path, sync, &st->db);
	if (rc) {
		free(st);
		return rc;
	}
	if (st->db->drv->migrate(st->db))
		goto fail;
	/* Transaction control is prepared now, while memory is there: ending
	 * a transaction must not depend on parsing SQL. */
	if (!store_stmt(st, "BEGIN IMMEDIATE") || !store_stmt(st, "SAVEPOINT op") ||
	    !store_stmt(st, "RELEASE op") || !store_stmt(st, "ROLLBACK TO op") ||
	    !store_stmt(st, "ROLLBACK"))
		goto fail;
	*out = st;
	return OS_OK;
fail:
	finalize_all(st);
	st->db->drv->close(st->db);
	free(st);
	return OS_EINTERNAL;
}

void
store_close(struct store *st)
{
	if (!st)
		return;
	if (st->group_open)
		store_commit(st);
	finalize_all(st);
	st->db->drv->close(st->db);
	words_free(st->words);
	free(st->counted);
	free(st);
}

struct words *
store_words(struct store *st)
{
	if (!st->words && words_new(&st->words))
		st->words = NULL;
	return st->words;
}

/* Transaction control runs once or twice per write: prepared once, like
 * every other statement, instead of parsed again each time. */
static int
run_cached(struct store *st, const char *sql)
{
	struct sql_stmt *s = store_stmt(st, sql);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	rc = sql_step(s);
	sql_reset(s);
	if (rc != SQL_DONE) {
		os_err("store: %s: %s", sql, sql_errmsg(st->db));
		return OS_EINTERNAL;
	}
	return OS_OK;
}

static int
in_transaction(struct store *st)
{
	return st->db->drv->in_transaction(st->db);
}

/*
 * After running out of memory, an I/O error or a full disk in a statement that has
 * no statement journal (any read, for one), SQLite rolls the whole
 * transaction back by itself: the group's earlier writes are gone, and a
 * savepoint opened now would start a transaction of its own that its
 * RELEASE commits at once. (A PostgreSQL connection that broke loses its
 * transaction the same way.) Such a group is lost: no operation may join
 * it, and store_commit() reports it failed, so that none of its writes is
 * acknowledged.
 */
static int
group_lost(struct store *st)
{
	if (st->group_open && !in_transaction(st))
		st->group_lost = 1;
	return st->group_lost;
}

/* Ends whatever transaction is open with ROLLBACK: the cached statement
 * first (it needs no memory once prepared), a plain exec when it could
 * not be prepared. Returns 0 when no transaction is left open. */
static int
rollback_all(struct store *st)
{
	if (!in_transaction(st))
		return 0;
	if (run_cached(st, "ROLLBACK") && in_transaction(st))
		sql_exec(st->db, "ROLLBACK");
	return in_transaction(st);
}

static void
set_group_open(struct store *st, int open)
{
	st->group_open = open;
	st->db->group_open = open;
	st->ncounted = 0;
}

/* Gives the whole group up (its transaction is rolled back now). */
static void
lose_group(struct store *st)
{
	rollback_all(st);
	st->group_lost = 1;
}

int
store_op_begin(struct store *st)
{
	if (group_lost(st))
		return OS_EINTERNAL;
	/* A ROLLBACK that failed (out of memory) left a transaction open:
	 * it ends before a new group starts. */
	if (!st->group_open && rollback_all(st))
		return OS_EINTERNAL;
	if (!st->group_open) {
		if (run_cached(st, "BEGIN IMMEDIATE"))
			return OS_EINTERNAL;
		set_group_open(st, 1);
		st->group_ops = 0;
	}
	if (st->op_depth >= STORE_OP_DEPTH_MAX) {
		os_err("store: operations nested too deep");
		return OS_EINTERNAL;
	}
	if (run_cached(st, "SAVEPOINT op")) {
		group_lost(st);
		return OS_EINTERNAL;
	}
	st->count_mark[st->op_depth] = st->ncounted;
	if (!st->op_depth)
		memcpy(st->fts_from_op, st->fts_from, sizeof st->fts_from);
	st->op_depth++;
	return OS_OK;
}

int
store_op_end(struct store *st, int ok)
{
	if (!st->op_depth)
		return OS_OK;
	st->op_depth--;
	if (group_lost(st))
		return OS_EINTERNAL;
	if (ok && run_cached(st, "RELEASE op") == OS_OK) {
		if (!st->op_depth)
			st->group_ops++;
		return OS_OK;
	}
	/* A failed operation, or one whose RELEASE failed (out of memory):
	 * its writes must not stay in the group. When they cannot be undone
	 * alone, the group goes with them. */
	if (run_cached(st, "ROLLBACK TO op") || run_cached(st, "RELEASE op")) {
		lose_group(st);
		return OS_EINTERNAL;
	}
	if (!st->op_depth)
		memcpy(st->fts_from, st->fts_from_op, sizeof st->fts_from);
	st->ncounted = st->count_mark[st->op_depth];
	return ok ? OS_EINTERNAL : OS_OK;
}

static const char *const fts_batch_sql[FTS_N] = {
	"INSERT INTO posts_fts (rowid, title, body) "
	"SELECT id, title, body FROM posts WHERE id >= ?1",
	"INSERT INTO comments_fts (rowid, body) "
	"SELECT id, body FROM comments WHERE id >= ?1",
};

static int
fts_index_from(struct store *st, int t, int64_t from, int only_one)
{
	static const char *const one_sql[FTS_N] = {
		"INSERT INTO posts_fts (rowid, title, body) "
		"SELECT id, title, body FROM posts WHERE id = ?1",
		"INSERT INTO comments_fts (rowid, body) "
		"SELECT id, body FROM comments WHERE id = ?1",
	};
	struct sql_stmt *s = store_stmt(st, only_one ? one_sql[t] : fts_batch_sql[t]);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, from);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "search index");
}

static int
fts_edited(struct store *st, int t, int64_t id)
{
	if (store_dialect(st) != SQL_POSTGRESQL)
		return OS_OK; /* SQLite: the update triggers of schema/002 */
	return t == FTS_POSTS ? store_pg_index_post(st, id) : store_pg_index_comment(st, id);
}

int
store_fts_edited_post(struct store *st, int64_t id)
{
	return fts_edited(st, FTS_POSTS, id);
}

int
store_fts_edited_comment(struct store *st, int64_t id)
{
	return fts_edited(st, FTS_COMMENTS, id);
}

static int
fts_note(struct store *st, int t, int64_t id)
{
	/* Without FTS5 (PostgreSQL) the row's INSERT wrote its vector
	 * (store_fts_new_post()). */
	if (!st->db->drv->fts_at_commit)
		return OS_OK;
	/* Outside a group (the command line, tests) the row is its own
	 * transaction: index it now. */
	if (!st->group_open)
		return fts_index_from(st, t, id, 1);
	if (!st->fts_from[t])
		st->fts_from[t] = id;
	return OS_OK;
}

int
store_fts_note_post(struct store *st, int64_t id)
{
	return fts_note(st, FTS_POSTS, id);
}

int
store_fts_note_comment(struct store *st, int64_t id)
{
	return fts_note(st, FTS_COMMENTS, id);
}

int
store_fts_new_post(struct store *st, const char *title, const char *body, char **vec)
{
	*vec = NULL;
	if (st->db->drv->fts_at_commit)
		return OS_OK;
	return store_pg_post_vector(st, title, body, vec);
}

int
store_fts_new_comment(struct store *st, const char *body, char **vec)
{
	*vec = NULL;
	if (st->db->drv->fts_at_commit)
		return OS_OK;
	return store_pg_comment_vector(st, body, vec);
}

int
store_fts_flush(struct store *st)
{
	int rc = OS_OK;

	for (int t = 0; t < FTS_N; t++) {
		if (!st->fts_from[t])
			continue;
		if (!rc)
			rc = fts_index_from(st, t, st->fts_from[t], 0);
		st->fts_from[t] = 0;
	}
	return rc;
}

/* Raises post's comment_count by n. */
static int
raise_count(struct store *st, int64_t post, int n)
{
	return store_update_int(st, "UPDATE posts SET comment_count = comment_count + ?2 "
				    "WHERE id = ?1", post, n, "comment count");
}

int
store_count_comment(struct store *st, int64_t post)
{
	if (store_dialect(st) != SQL_POSTGRESQL)
		return OS_OK; /* SQLite: the insert trigger of schema/001 */
	if (!st->group_open)
		return raise_count(st, post, 1);
	if (store_grow((void **)&st->counted, &st->counted_cap, st->ncounted,
		       sizeof *st->counted))
		return OS_ENOMEM;
	st->counted[st->ncounted++] = post;
	return OS_OK;
}

int64_t
store_comments_pending(const struct store *st, int64_t post)
{
	int64_t n = 0;

	for (size_t i = 0; i < st->ncounted; i++)
		n += st->counted[i] == post;
	return n;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The group's comment counts, one UPDATE a post, in id order (so that two
 * nodes' commits take the rows' locks in the same order). */
static int
counts_flush(struct store *st)
{
	if (!st->ncounted)
		return 0;
	qsort(st->counted, st->ncounted, sizeof *st->counted, cmp_id);
	for (size_t i = 0, j; i < st->ncounted; i = j) {
		for (j = i + 1; j < st->ncounted && st->counted[j] == st->counted[i]; j++)
			;
		if (raise_count(st, st->counted[i], (int)(j - i)))
			return -1;
	}
	st->ncounted = 0;
	return 0;
}

int
store_group_open(struct store *st)
{
	return st->group_open;
}

int
store_commit_nosync(struct store *st)
{
	int rc;

	if (!st->group_open)
		return OS_OK;
	while (st->op_depth)
		store_op_end(st, 0);
	if (group_lost(st)) {
		os_err("store: a group of writes was rolled back by an error");
		lose_group(st);
		set_group_open(st, 0);
		st->group_lost = 0;
		memset(st->fts_from, 0, sizeof st->fts_from);
		st->stats.commit_failures++;
		return OS_EINTERNAL;
	}
	/* The group's new rows join the search index in the same
	 * transaction; if that fails, nothing of the group is committed. */
	st->db->committing = 1;
	rc = store_fts_flush(st) || counts_flush(st) ? SQL_ERROR
						      : st->db->drv->commit_nosync(st->db);
	st->db->committing = 0;
	if (rc != SQL_OK) {
		os_err("store: commit failed: %s", sql_errmsg(st->db));
		/* A failed COMMIT may leave the transaction open (busy,
		 * disk full, out of memory): end it so that the next group
		 * starts clean (or store_op_begin() ends it, should ROLLBACK
		 * fail too). */
		rollback_all(st);
		set_group_open(st, 0);
		st->stats.commit_failures++;
		return OS_EINTERNAL;
	}
	set_group_open(st, 0);
	st->stats.commits++;
	os_hist_observe(&st->stats.group_writes, store_group_bounds, STORE_GROUP_BOUNDS,
			st->group_ops);
	return OS_OK;
}

const uint64_t store_group_bounds[STORE_GROUP_BOUNDS] = {1,  2,   4,   8,   16,  32,
							 64, 128, 256, 512, 1024};

const struct store_stats *
store_stats(const struct store *st)
{
	return &st->stats;
}

int
store_commit(struct store *st)
{
	int was_open = st->group_open, rc = store_commit_nosync(st);

	if (rc || !was_open)
		return rc;
	return store_sync(st);
}

int
store_defer_sync(struct store *st)
{
	return st->db->drv->defer_sync ? st->db->drv->defer_sync(st->db) : OS_EINTERNAL;
}

int
store_sync(struct store *st)
{
	return st->db->drv->sync(st->db);
}

/* How many rows the query (one count) finds; -1 when it failed. */
static int64_t
count_rows(struct store *st, const char *sql)
{
	struct sql_stmt *s = store_stmt(st, sql);
	int64_t n = -1;
	int rc;

	if (!s)
		return -1;
	if ((rc = sql_step(s)) == SQL_ROW)
		n = sql_col_int64(s, 0);
	else
		store_rc(st, rc, "check");
	store_done(s);
	return n;
}

/* The counts the store keeps beside the rows they count: each post's
 * comment_count and each post's tally by role (SQLite's triggers,
 * PostgreSQL's commit-time counts and tally shards). */
static int
counts_check(struct store *st)
{
	int64_t posts = count_rows(st,
		"SELECT count(*) FROM posts p WHERE p.comment_count <> "
		"(SELECT count(*) FROM comments c WHERE c.post_id = p.id)");
	int64_t tallies = count_rows(st,
		"SELECT count(*) FROM (SELECT post_id, voter_role AS role, "
		"sum(CASE WHEN value = 1 THEN 1 ELSE 0 END) AS up, "
		"sum(CASE WHEN value = -1 THEN 1 ELSE 0 END) AS down, sum(dots) AS dots "
		"FROM votes GROUP BY post_id, voter_role) v "
		"FULL OUTER JOIN (SELECT post_id, role, sum(up) AS up, sum(down) AS down, "
		"sum(dots) AS dots FROM post_tallies GROUP BY post_id, role) t "
		"ON t.post_id = v.post_id AND t.role = v.role "
		"WHERE coalesce(v.up, 0) <> coalesce(t.up, 0) "
		"OR coalesce(v.down, 0) <> coalesce(t.down, 0) "
		"OR coalesce(v.dots, 0) <> coalesce(t.dots, 0)");

	if (posts < 0 || tallies < 0)
		return OS_EINTERNAL;
	if (posts)
		os_err("check: %lld posts whose comment count is not their number of comments",
		       (long long)posts);
	if (tallies)
		os_err("check: %lld vote tallies (post and role) that are not their votes' sum",
		       (long long)tallies);
	return posts || tallies ? OS_EINTERNAL : OS_OK;
}

int
store_integrity_check(struct store *st)
{
	int rc = st->db->drv->integrity_check(st->db);

	/* FTS5 checks its index in SQLite's integrity_check; PostgreSQL's
	 * search vectors are the store's own. */
	if (!rc && store_dialect(st) == SQL_POSTGRESQL)
		rc = store_pg_search_check(st);
	if (!rc)
		rc = counts_check(st);
	return rc;
}

int
store_try_lead(struct store *st, enum store_lead what)
{
	if (!st->db->drv->try_lead)
		return 1;
	return st->db->drv->try_lead(st->db, 0x6f73740000000000LL + (int64_t)what);
}

int64_t
store_last_id(struct store *st)
{
	return st->db->drv->last_id(st->db);
}

int
store_grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

int
store_backup(struct store *st, const char *out_path)
{
	return st->db->drv->backup(st->db, out_path);
}

int
store_update_int(struct store *st, const char *sql, int64_t id, int value, const char *what)
{
	struct sql_stmt *s = store_stmt(st, sql);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int(s, 2, value);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, what);
}
