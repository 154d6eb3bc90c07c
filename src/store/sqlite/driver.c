/*
 * The SQLite driver of src/store/sql.h: the embedded default. Statements
 * map one to one onto SQLite's; this file also holds what only SQLite
 * has: the pragmas, the migrations tracked in PRAGMA user_version, the
 * FTS5 tokenizer's registration, deferred sync of the WAL, the online
 * backup and the integrity checks.
 */
#include "store/sqlite/sqlite_int.h"

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

struct lite_conn {
	struct sql_conn base;
	sqlite3 *db;
	/* Deferred sync: commits only write the WAL, and sync() makes them
	 * durable with fdatasync on this descriptor, from any thread. */
	int defer_sync;
	int wal_fd;
};

struct lite_stmt {
	struct sql_stmt base;
	sqlite3_stmt *s;
};

#define LC(c) ((struct lite_conn *)(c))
#define LS(x) (((struct lite_stmt *)(x))->s)

static const struct sql_driver lite_driver;

sqlite3 *
sql_sqlite_handle(struct sql_conn *c)
{
	return c && c->drv == &lite_driver ? LC(c)->db : NULL;
}

static int
lite_prepare(struct sql_conn *c, const char *sql, struct sql_stmt **out)
{
	struct lite_stmt *w;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v3(LC(c)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if (!(w = malloc(sizeof *w))) {
		sqlite3_finalize(s);
		return SQLITE_NOMEM;
	}
	w->base.conn = c;
	w->s = s;
	*out = &w->base;
	return SQLITE_OK;
}

static int
lite_step(struct sql_stmt *s)
{
	return sqlite3_step(LS(s));
}

static void
lite_reset(struct sql_stmt *s)
{
	sqlite3_reset(LS(s));
}

static void
lite_clear(struct sql_stmt *s)
{
	sqlite3_clear_bindings(LS(s));
}

static void
lite_finalize(struct sql_stmt *s)
{
	sqlite3_finalize(LS(s));
	free(s);
}

static int
lite_bind_int64(struct sql_stmt *s, int i, int64_t v)
{
	return sqlite3_bind_int64(LS(s), i, v);
}

static int
lite_bind_double(struct sql_stmt *s, int i, double v)
{
	return sqlite3_bind_double(LS(s), i, v);
}

static int
lite_bind_text(struct sql_stmt *s, int i, const char *p, int n)
{
	return sqlite3_bind_text(LS(s), i, p, n, SQLITE_STATIC);
}

static int
lite_bind_blob(struct sql_stmt *s, int i, const void *p, int n)
{
	return sqlite3_bind_blob(LS(s), i, p, n, SQLITE_STATIC);
}

static int
lite_bind_null(struct sql_stmt *s, int i)
{
	return sqlite3_bind_null(LS(s), i);
}

static int
lite_col_type(struct sql_stmt *s, int i)
{
	return sqlite3_column_type(LS(s), i);
}

static int64_t
lite_col_int64(struct sql_stmt *s, int i)
{
	return sqlite3_column_int64(LS(s), i);
}

static double
lite_col_double(struct sql_stmt *s, int i)
{
	return sqlite3_column_double(LS(s), i);
}

static const unsigned char *
lite_col_text(struct sql_stmt *s, int i)
{
	return sqlite3_column_text(LS(s), i);
}

static const void *
lite_col_blob(struct sql_stmt *s, int i)
{
	return sqlite3_column_blob(LS(s), i);
}

static int
lite_col_bytes(struct sql_stmt *s, int i)
{
	return sqlite3_column_bytes(LS(s), i);
}

static int
lite_col_count(struct sql_stmt *s)
{
	return sqlite3_column_count(LS(s));
}

static int
lite_param_count(struct sql_stmt *s)
{
	return sqlite3_bind_parameter_count(LS(s));
}

static int
lite_exec(struct sql_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(LC(c)->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		os_err("store: %s: %s", sql, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

static const char *
lite_errmsg(struct sql_conn *c)
{
	return sqlite3_errmsg(LC(c)->db);
}

static int64_t
lite_last_id(struct sql_conn *c)
{
	return sqlite3_last_insert_rowid(LC(c)->db);
}

static int
lite_changes(struct sql_conn *c)
{
	return sqlite3_changes(LC(c)->db);
}

static int
lite_in_transaction(struct sql_conn *c)
{
	return !sqlite3_get_autocommit(LC(c)->db);
}

static void
lite_close(struct sql_conn *c)
{
	struct lite_conn *l = LC(c);

	if (!l)
		return;
	sqlite3_close(l->db);
	if (l->wal_fd >= 0)
		close(l->wal_fd);
	free(l);
}

static int
lite_schema_version(struct sql_conn *c)
{
	sqlite3_stmt *s = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(LC(c)->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Each migration runs in its own transaction together with the bump of
 * user_version, so that a crash leaves the database at one version or the
 * next, never between. */
static int
lite_migrate(struct sql_conn *c)
{
	int have = lite_schema_version(c);

	if (have < 0)
		return OS_EINTERNAL;
	for (int i = 0; i < store_migration_count; i++) {
		const struct migration *m = &store_migrations[i];
		char bump[64];

		if (m->version <= have)
			continue;
		if (lite_exec(c, "BEGIN IMMEDIATE"))
			return OS_EINTERNAL;
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", m->version);
		if (lite_exec(c, m->sql) || lite_exec(c, bump)) {
			lite_exec(c, "ROLLBACK");
			os_err("store: migration %s failed", m->name);
			return OS_EINTERNAL;
		}
		if (lite_exec(c, "COMMIT")) {
			lite_exec(c, "ROLLBACK");
			return OS_EINTERNAL;
		}
		os_info("store: applied migration %s", m->name);
	}
	if (store_migration_count && have > store_migrations[store_migration_count - 1].version) {
		os_err("store: the database is at schema %d, newer than this "
		       "program knows (%d)",
		       have, store_migrations[store_migration_count - 1].version);
		return OS_EINTERNAL;
	}
	return OS_OK;
}

static int
lite_defer_sync(struct sql_conn *c)
{
	struct lite_conn *l = LC(c);
	const char *file = sqlite3_db_filename(l->db, "main");
	char path[4096];
	int fd;

	if (l->defer_sync)
		return OS_OK;
	/* An in-memory or temporary database has no WAL file. */
	if (!file || !*file || (size_t)snprintf(path, sizeof path, "%s-wal", file) >= sizeof path)
		return OS_EINTERNAL;
	/* A read opens (and creates) the WAL, if the last connection to
	 * close removed it. */
	if (lite_exec(c, "SELECT count(*) FROM sqlite_master"))
		return OS_EINTERNAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		os_err("store: cannot open %s: %s", path, strerror(errno));
		return OS_EINTERNAL;
	}
	if (lite_exec(c, "PRAGMA synchronous = NORMAL")) {
		close(fd);
		return OS_EINTERNAL;
	}
	l->wal_fd = fd;
	l->defer_sync = 1;
	return OS_OK;
}

static int
lite_commit_nosync(struct sql_conn *c)
{
	return sqlite3_exec(LC(c)->db, "COMMIT", NULL, NULL, NULL);
}

static int
lite_sync(struct sql_conn *c)
{
	struct lite_conn *l = LC(c);
	int rc;

	if (!l->defer_sync)
		return OS_OK;
	do
		rc = fdatasync(l->wal_fd);
	while (rc && errno == EINTR);
	if (rc) {
		os_err("store: fdatasync of the WAL failed: %s", strerror(errno));
		return OS_EINTERNAL;
	}
	return OS_OK;
}

static int
integrity(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK &&
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
	for (int t = 0; t < 2; t++) {
		static const char *const sql[2] = {
			"INSERT INTO posts_fts (posts_fts, rank) VALUES ('integrity-check', 1)",
			"INSERT INTO comments_fts (comments_fts, rank) VALUES ('integrity-check', 1)",
		};
		int rc = sqlite3_exec(db, sql[t], NULL, NULL, NULL);

		if (rc != SQLITE_OK) {
			os_err("store: the search index of the %s does not agree with them: %s",
			       t == 0 ? "posts" : "comments", sqlite3_errmsg(db));
			return rc == SQLITE_NOMEM ? OS_ENOMEM : OS_EINTERNAL;
		}
	}
	return OS_OK;
}

static int
lite_integrity_check(struct sql_conn *c)
{
	return integrity(LC(c)->db);
}

/* Copies the database with SQLite's online backup, a few hundred pages
 * at a time so that writers are never held up for long, then checks the
 * copy's integrity. */
static int
lite_backup(struct sql_conn *c, const char *out_path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(out_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		os_err("backup: cannot create %s", out_path);
		sqlite3_close(dst);
		return OS_EINTERNAL;
	}
	/* The copy's integrity check reads its search index too. */
	if ((rc = sql_sqlite_tokenizer_register(dst)) != SQLITE_OK) {
		os_err("backup: cannot register the search tokenizer: %s", sqlite3_errstr(rc));
		sqlite3_close(dst);
		return OS_EINTERNAL;
	}
	b = sqlite3_backup_init(dst, "main", LC(c)->db, "main");
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
	rc = integrity(dst);
	sqlite3_close(dst);
	return rc;
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

/*
 * While a group is open only the store's commit commits. Anything else
 * that would commit is a statement running on its own after SQLite rolled
 * the group back: it is refused, and rolled back, so that no write of a
 * lost group is ever committed alone.
 */
static int
commit_hook(void *arg)
{
	struct sql_conn *c = arg;

	return c->group_open && !c->committing;
}

static const struct sql_driver lite_driver = {
	.name = "sqlite",
	.dialect = SQL_SQLITE,
	.prepare = lite_prepare,
	.step = lite_step,
	.reset = lite_reset,
	.clear = lite_clear,
	.finalize = lite_finalize,
	.bind_int64 = lite_bind_int64,
	.bind_double = lite_bind_double,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.col_type = lite_col_type,
	.col_int64 = lite_col_int64,
	.col_double = lite_col_double,
	.col_text = lite_col_text,
	.col_blob = lite_col_blob,
	.col_bytes = lite_col_bytes,
	.col_count = lite_col_count,
	.param_count = lite_param_count,
	.exec = lite_exec,
	.errmsg = lite_errmsg,
	.last_id = lite_last_id,
	.changes = lite_changes,
	.in_transaction = lite_in_transaction,
	.close = lite_close,
	.schema_version = lite_schema_version,
	.migrate = lite_migrate,
	.defer_sync = lite_defer_sync,
	.commit_nosync = lite_commit_nosync,
	.sync = lite_sync,
	.integrity_check = lite_integrity_check,
	.backup = lite_backup,
	.fts_at_commit = 1,
};

int
sql_sqlite_open(const char *path, enum store_sync sync, struct sql_conn **out)
{
	struct lite_conn *l;
	int rc;

	*out = NULL;
	/* Memory statistics cost a global mutex on every allocation; nothing
	 * here reads them. (Refused harmlessly once SQLite is initialised.) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (!(l = calloc(1, sizeof *l)))
		return OS_ENOMEM;
	l->base.drv = &lite_driver;
	l->wal_fd = -1;
	rc = sqlite3_open_v2(path, &l->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		os_err("store: cannot open %s: %s", path,
		       l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(l->db, 1);
	sqlite3_busy_timeout(l->db, 5000);
	/* Before the migrations: they build the search index with it. */
	if ((rc = sql_sqlite_tokenizer_register(l->db)) != SQLITE_OK) {
		os_err("store: cannot register the search tokenizer: %s", sqlite3_errstr(rc));
		goto fail;
	}
	/*
	 * WAL lets readers (the export command, a backup) run beside the
	 * server. synchronous=FULL fsyncs the WAL at every commit, so that an
	 * acknowledged write survives a power loss too; group commit pays for
	 * that fsync once per loop turn, not once per write.
	 */
	if (lite_exec(&l->base, "PRAGMA journal_mode = WAL") ||
	    lite_exec(&l->base, sync == STORE_SYNC_FULL ? "PRAGMA synchronous = FULL"
							: "PRAGMA synchronous = NORMAL") ||
	    lite_exec(&l->base, "PRAGMA foreign_keys = ON") ||
	    lite_exec(&l->base, "PRAGMA temp_store = MEMORY") ||
	    lite_exec(&l->base, "PRAGMA cache_size = -16384"))
		goto fail;
	if (sqlite3_create_function_v2(l->db, "os_match", -1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       match_fn, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_commit_hook(l->db, commit_hook, &l->base);
	*out = &l->base;
	return OS_OK;
fail:
	sqlite3_close(l->db);
	free(l);
	return OS_EINTERNAL;
}
