#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "store/migrations.h"

#define STMT_SLOTS 512 /* power of two, well above the number of queries */

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

/* The full-text indexes kept in step by the store (schema/003). */
enum { FTS_POSTS, FTS_COMMENTS, FTS_N };

struct store {
	sqlite3 *db;
	int group_open;
	int group_lost;  /* its transaction is gone: store_commit() must fail */
	int committing;  /* store_commit() is running COMMIT */
	int op_depth;
	unsigned group_ops; /* write operations kept in the open group */
	struct store_stats stats;
	/* The first row id the open group inserted into each indexed table,
	 * or 0: every row from there on is the group's own (ids are
	 * max(rowid) + 1 and nothing is deleted), so one statement indexes
	 * them all at commit. */
	int64_t fts_from[FTS_N];
	/* fts_from as the outermost open operation found it: an operation
	 * that flushed the index (to edit an indexed row) and then failed
	 * took the flushed entries with it, so they are pending again. */
	int64_t fts_from_op[FTS_N];
	/* Deferred sync (store_defer_sync()): commits only write the WAL,
	 * and store_sync() makes them durable with fdatasync on this
	 * descriptor of the WAL file, from any thread. */
	int defer_sync;
	int wal_fd;
	struct stmt_slot slots[STMT_SLOTS];
};

sqlite3 *
store_handle(struct store *st)
{
	return st->db;
}

int
store_rc(struct store *st, int rc, const char *what)
{
	if (rc == SQLITE_CONSTRAINT_COMMITHOOK) {
		os_err("store: %s: would commit outside its group", what);
		return OS_EINTERNAL;
	}
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return OS_OK;
	case SQLITE_CONSTRAINT:
		return OS_ECONFLICT;
	case SQLITE_NOMEM:
		return OS_ENOMEM;
	default:
		os_err("store: %s: %s (%d)", what, sqlite3_errmsg(st->db), rc);
		return OS_EINTERNAL;
	}
}

int
store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		os_err("store: %s: %s", sql, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc == SQLITE_NOMEM ? OS_ENOMEM : OS_EINTERNAL;
	}
	return OS_OK;
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) & (STMT_SLOTS - 1);

	for (size_t i = 0; i < STMT_SLOTS; i++) {
		struct stmt_slot *slot = &st->slots[(h + i) & (STMT_SLOTS - 1)];

		if (slot->sql == sql)
			return slot->stmt;
		if (!slot->sql) {
			sqlite3_stmt *s = NULL;
			int rc = sqlite3_prepare_v3(st->db, sql, -1,
						    SQLITE_PREPARE_PERSISTENT, &s, NULL);

			if (rc != SQLITE_OK) {
				os_err("store: prepare failed: %s: %s",
				       sqlite3_errmsg(st->db), sql);
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
store_done(sqlite3_stmt *s)
{
	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
}

void
store_col_text(sqlite3_stmt *s, int i, char *buf, size_t sz)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;

	if (n >= sz)
		n = sz - 1;
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

char *
store_col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
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
	sqlite3_stmt *s = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * While a group is open only store_commit() commits. Anything else that
 * would commit is a statement running on its own after SQLite rolled the
 * group back (see group_lost()): it is refused, and rolled back, so that no
 * write of a lost group is ever committed alone.
 */
static int
commit_hook(void *arg)
{
	struct store *st = arg;

	return st->group_open && !st->committing;
}

/* Each migration runs in its own transaction together with the bump of
 * user_version, so that a crash leaves the database at one version or the
 * next, never between. */
static int
migrate(struct store *st)
{
	int have = store_schema_version(st);

	if (have < 0)
		return OS_EINTERNAL;
	for (int i = 0; i < store_migration_count; i++) {
		const struct migration *m = &store_migrations[i];
		char bump[64];

		if (m->version <= have)
			continue;
		if (store_exec(st, "BEGIN IMMEDIATE"))
			return OS_EINTERNAL;
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", m->version);
		if (store_exec(st, m->sql) || store_exec(st, bump)) {
			store_exec(st, "ROLLBACK");
			os_err("store: migration %s failed", m->name);
			return OS_EINTERNAL;
		}
		if (store_exec(st, "COMMIT")) {
			store_exec(st, "ROLLBACK");
			return OS_EINTERNAL;
		}
		os_info("store: applied migration %s", m->name);
	}
	if (store_migration_count &&
	    have > store_migrations[store_migration_count - 1].version) {
		os_err("store: the database is at schema %d, newer than this "
		       "program knows (%d)", have,
		       store_migrations[store_migration_count - 1].version);
		return OS_EINTERNAL;
	}
	return OS_OK;
}

/* The byte at h[i] as os_utf8_fold() writes it. */
static unsigned char
folded_at(const unsigned char *h, size_t i)
{
	unsigned char c = h[i];

	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if (i && h[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
		return (unsigned char)(c + 0x20);
	return c;
}

/* 1 when needle (folded already) occurs in hay folded. A needle starts on
 * a character, so a match never starts inside one. */
static int
folded_contains(const unsigned char *hay, size_t hn, const unsigned char *needle, size_t nn)
{
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t k = 0;

		while (k < nn && folded_at(hay, i + k) == needle[k])
			k++;
		if (k == nn)
			return 1;
	}
	return 0;
}

/* os_match(needle, text...): 1 when the needle, folded by the caller with
 * os_utf8_fold(), occurs in any of the texts with their capitals in lower
 * case as os_utf8_fold() would make them. The listing of accounts matches
 * what people type whatever its case, without a copy per row. */
static void
match_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *needle = sqlite3_value_text(argv[0]);
	size_t nn = needle ? (size_t)sqlite3_value_bytes(argv[0]) : 0;

	for (int i = 1; needle && i < argc; i++) {
		const unsigned char *hay = sqlite3_value_text(argv[i]);

		if (hay && folded_contains(hay, (size_t)sqlite3_value_bytes(argv[i]), needle, nn)) {
			sqlite3_result_int(ctx, 1);
			return;
		}
	}
	sqlite3_result_int(ctx, 0);
}

int
store_open(const char *path, enum store_sync sync, struct store **out)
{
	struct store *st;
	int rc;

	*out = NULL;
	/* Memory statistics cost a global mutex on every allocation; nothing
	 * here reads them. (Refused harmlessly once SQLite is initialised.) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	st = calloc(1, sizeof *st);
	if (!st)
		return OS_ENOMEM;
	st->wal_fd = -1;
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		os_err("store: cannot open %s: %s", path,
		       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	/* Before the migrations: they build the search index with it. */
	if ((rc = store_tokenizer_register(st->db)) != SQLITE_OK) {
		os_err("store: cannot register the search tokenizer: %s", sqlite3_errstr(rc));
		goto fail;
	}
	/*
	 * WAL lets readers (the export command, a backup) run beside the
	 * server. synchronous=FULL fsyncs the WAL at every commit, so that an
	 * acknowledged write survives a power loss too; group commit pays for
	 * that fsync once per loop turn, not once per write.
	 */
	if (store_exec(st, "PRAGMA journal_mode = WAL") ||
	    store_exec(st, sync == STORE_SYNC_FULL ? "PRAGMA synchronous = FULL"
						   : "PRAGMA synchronous = NORMAL") ||
	    store_exec(st, "PRAGMA foreign_keys = ON") ||
	    store_exec(st, "PRAGMA temp_store = MEMORY") ||
	    store_exec(st, "PRAGMA cache_size = -16384"))
		goto fail;
	if (migrate(st))
		goto fail;
	if (sqlite3_create_function_v2(st->db, "os_match", -1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
				       NULL, match_fn, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_commit_hook(st->db, commit_hook, st);
	/* Transaction control is prepared now, while memory is there: ending
	 * a transaction must not depend on parsing SQL. */
	if (!store_stmt(st, "BEGIN IMMEDIATE") || !store_stmt(st, "SAVEPOINT op") ||
	    !store_stmt(st, "RELEASE op") || !store_stmt(st, "ROLLBACK TO op") ||
	    !store_stmt(st, "ROLLBACK"))
		goto fail;
	*out = st;
	return OS_OK;
fail:
	for (size_t i = 0; i < STMT_SLOTS; i++)
		sqlite3_finalize(st->slots[i].stmt);
	sqlite3_close(st->db);
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
	for (size_t i = 0; i < STMT_SLOTS; i++)
		sqlite3_finalize(st->slots[i].stmt);
	sqlite3_close(st->db);
	if (st->wal_fd >= 0)
		close(st->wal_fd);
	free(st);
}

/* Transaction control runs once or twice per write: prepared once, like
 * every other statement, instead of parsed again each time. */
static int
run_cached(struct store *st, const char *sql)
{
	sqlite3_stmt *s = store_stmt(st, sql);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		os_err("store: %s: %s", sql, sqlite3_errmsg(st->db));
		return OS_EINTERNAL;
	}
	return OS_OK;
}

/*
 * After SQLITE_NOMEM, SQLITE_IOERR or SQLITE_FULL in a statement that has
 * no statement journal (any read, for one), SQLite rolls the whole
 * transaction back by itself: the group's earlier writes are gone, and a
 * savepoint opened now would start a transaction of its own that its
 * RELEASE commits at once. Such a group is lost: no operation may join it,
 * and store_commit() reports it failed, so that none of its writes is
 * acknowledged.
 */
static int
group_lost(struct store *st)
{
	if (st->group_open && sqlite3_get_autocommit(st->db))
		st->group_lost = 1;
	return st->group_lost;
}

/* Ends whatever transaction is open with ROLLBACK: the cached statement
 * first (it needs no memory once prepared), sqlite3_exec() when it could
 * not be prepared. Returns 0 when no transaction is left open. */
static int
rollback_all(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return 0;
	if (run_cached(st, "ROLLBACK") && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return !sqlite3_get_autocommit(st->db);
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
		st->group_open = 1;
		st->group_ops = 0;
	}
	if (run_cached(st, "SAVEPOINT op")) {
		group_lost(st);
		return OS_EINTERNAL;
	}
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
	sqlite3_stmt *s = store_stmt(st, only_one ? one_sql[t] : fts_batch_sql[t]);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, from);
	rc = sqlite3_step(s);
	store_done(s);
	return store_rc(st, rc, "search index");
}

static int
fts_note(struct store *st, int t, int64_t id)
{
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
		st->group_open = st->group_lost = 0;
		memset(st->fts_from, 0, sizeof st->fts_from);
		st->stats.commit_failures++;
		return OS_EINTERNAL;
	}
	/* The group's new rows join the search index in the same
	 * transaction; if that fails, nothing of the group is committed. */
	st->committing = 1;
	rc = store_fts_flush(st) ? SQLITE_ERROR
				 : sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	st->committing = 0;
	if (rc != SQLITE_OK) {
		os_err("store: commit failed: %s", sqlite3_errmsg(st->db));
		/* A failed COMMIT may leave the transaction open (SQLITE_BUSY,
		 * SQLITE_FULL, SQLITE_NOMEM): end it so that the next group
		 * starts clean (or store_op_begin() ends it, should ROLLBACK
		 * fail too). */
		rollback_all(st);
		st->group_open = 0;
		st->stats.commit_failures++;
		return OS_EINTERNAL;
	}
	st->group_open = 0;
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
	const char *file = sqlite3_db_filename(st->db, "main");
	char path[4096];
	int fd;

	if (st->defer_sync)
		return OS_OK;
	/* An in-memory or temporary database has no WAL file. */
	if (!file || !*file || (size_t)snprintf(path, sizeof path, "%s-wal", file) >= sizeof path)
		return OS_EINTERNAL;
	/* A read opens (and creates) the WAL, if the last connection to
	 * close removed it. */
	if (store_exec(st, "SELECT count(*) FROM sqlite_master"))
		return OS_EINTERNAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		os_err("store: cannot open %s: %s", path, strerror(errno));
		return OS_EINTERNAL;
	}
	if (store_exec(st, "PRAGMA synchronous = NORMAL")) {
		close(fd);
		return OS_EINTERNAL;
	}
	st->wal_fd = fd;
	st->defer_sync = 1;
	return OS_OK;
}

int
store_sync(struct store *st)
{
	int rc;

	if (!st->defer_sync)
		return OS_OK;
	do
		rc = fdatasync(st->wal_fd);
	while (rc && errno == EINTR);
	if (rc) {
		os_err("store: fdatasync of the WAL failed: %s", strerror(errno));
		return OS_EINTERNAL;
	}
	return OS_OK;
}

int
store_integrity_check(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int ok = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);

		ok = t && !strcmp((const char *)t, "ok");
	}
	sqlite3_finalize(s);
	if (!ok)
		return OS_EINTERNAL;
	/* The search index must agree with the rows it indexes (rank 1: FTS5
	 * reads them all again through the tokenizer, which only the
	 * program's own connections have; the SQLite 3.40 of Debian 12 leaves
	 * virtual tables out of PRAGMA integrity_check). */
	for (int t = 0; t < FTS_N; t++) {
		static const char *const sql[FTS_N] = {
			"INSERT INTO posts_fts (posts_fts, rank) VALUES ('integrity-check', 1)",
			"INSERT INTO comments_fts (comments_fts, rank) VALUES ('integrity-check', 1)",
		};
		int rc = sqlite3_exec(st->db, sql[t], NULL, NULL, NULL);

		if (rc != SQLITE_OK) {
			os_err("store: the search index of the %s does not agree with them: %s",
			       t == FTS_POSTS ? "posts" : "comments", sqlite3_errmsg(st->db));
			return rc == SQLITE_NOMEM ? OS_ENOMEM : OS_EINTERNAL;
		}
	}
	return OS_OK;
}

int64_t
store_last_id(struct store *st)
{
	return sqlite3_last_insert_rowid(st->db);
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
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(out_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		os_err("backup: cannot create %s", out_path);
		sqlite3_close(dst);
		return OS_EINTERNAL;
	}
	/* The copy's integrity check reads its search index too. */
	if ((rc = store_tokenizer_register(dst)) != SQLITE_OK) {
		os_err("backup: cannot register the search tokenizer: %s", sqlite3_errstr(rc));
		sqlite3_close(dst);
		return OS_EINTERNAL;
	}
	b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (!b) {
		os_err("backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return OS_EINTERNAL;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(5);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		os_err("backup: %s", sqlite3_errstr(rc));
		sqlite3_close(dst);
		return OS_EINTERNAL;
	}
	{
		struct store tmp = {.db = dst};

		rc = store_integrity_check(&tmp);
	}
	sqlite3_close(dst);
	return rc;
}

int
store_update_int(struct store *st, const char *sql, int64_t id, int value, const char *what)
{
	sqlite3_stmt *s = store_stmt(st, sql);
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, value);
	rc = sqlite3_step(s);
	store_done(s);
	return store_rc(st, rc, what);
}
