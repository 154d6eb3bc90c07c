#ifndef OS_STORE_SQL_H
#define OS_STORE_SQL_H

/*
 * Private to src/store/: the one statement interface every store file
 * speaks, whichever database is underneath. A driver (src/store/sqlite/,
 * src/store/pg/) implements it; no engine's own names appear outside its
 * driver.
 *
 * The shape is SQLite's, the smaller of the two: statements with numbered
 * parameters (?1, ?2 ... in the SQL text; the PostgreSQL driver turns them
 * into $1, $2), bound before the first sql_step(), which returns SQL_ROW
 * for each row and SQL_DONE at the end. Text and blobs bound are not
 * copied: they must stay valid until the statement is reset. Text a column
 * returns is valid until the next step or reset of its statement.
 *
 * SQL text is written once, in the subset both engines accept. Where they
 * differ (the search index, a few functions), a store file asks
 * sql_dialect() and passes the text for its engine.
 */

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* Result codes. The numbers are SQLite's, so that its driver passes its
 * own codes through; other drivers map theirs onto these. */
enum {
	SQL_OK = 0,
	SQL_ERROR = 1,
	SQL_BUSY = 5,
	SQL_NOMEM = 7,
	SQL_IOERR = 10,
	SQL_FULL = 13,
	SQL_CONSTRAINT = 19,
	SQL_ROW = 100,
	SQL_DONE = 101,
	/* Extended codes the store tells apart. */
	SQL_CONSTRAINT_COMMITHOOK = SQL_CONSTRAINT | (3 << 8),
	SQL_CONSTRAINT_UNIQUE = SQL_CONSTRAINT | (8 << 8),
};

/* Column types (sql_col_type()). */
enum { SQL_INTEGER = 1, SQL_FLOAT = 2, SQL_TEXT = 3, SQL_BLOB = 4, SQL_NULL = 5 };

enum sql_dialect { SQL_SQLITE, SQL_POSTGRESQL };

struct sql_conn;
struct sql_stmt;

struct sql_driver {
	const char *name;
	enum sql_dialect dialect;

	/* Statements. prepare() returns an SQL_ code and *out (NULL on
	 * error; sql_errmsg() says why). */
	int (*prepare)(struct sql_conn *c, const char *sql, struct sql_stmt **out);
	int (*step)(struct sql_stmt *s);
	void (*reset)(struct sql_stmt *s);   /* keeps the bindings */
	void (*clear)(struct sql_stmt *s);   /* clears them */
	void (*finalize)(struct sql_stmt *s);
	int (*bind_int64)(struct sql_stmt *s, int i, int64_t v);
	int (*bind_double)(struct sql_stmt *s, int i, double v);
	int (*bind_text)(struct sql_stmt *s, int i, const char *p, int n);
	int (*bind_blob)(struct sql_stmt *s, int i, const void *p, int n);
	int (*bind_null)(struct sql_stmt *s, int i);
	int (*col_type)(struct sql_stmt *s, int i);
	int64_t (*col_int64)(struct sql_stmt *s, int i);
	double (*col_double)(struct sql_stmt *s, int i);
	const unsigned char *(*col_text)(struct sql_stmt *s, int i);
	const void *(*col_blob)(struct sql_stmt *s, int i);
	int (*col_bytes)(struct sql_stmt *s, int i);
	int (*col_count)(struct sql_stmt *s);
	int (*param_count)(struct sql_stmt *s);

	/* The connection. exec() runs one or more statements without
	 * results and returns an SQL_ code. */
	int (*exec)(struct sql_conn *c, const char *sql);
	const char *(*errmsg)(struct sql_conn *c);
	int64_t (*last_id)(struct sql_conn *c);  /* id of the last INSERT */
	int (*changes)(struct sql_conn *c);      /* rows the last write changed */
	int (*in_transaction)(struct sql_conn *c);
	void (*close)(struct sql_conn *c);

	/* What differs beyond statements (see store/db.h for each). */
	int (*schema_version)(struct sql_conn *c);
	int (*migrate)(struct sql_conn *c);
	int (*defer_sync)(struct sql_conn *c);   /* NULL: not offered */
	int (*commit_nosync)(struct sql_conn *c);
	int (*sync)(struct sql_conn *c);
	int (*integrity_check)(struct sql_conn *c);
	int (*backup)(struct sql_conn *c, const char *out);
	/* 1 while this connection holds the forum-wide lead for key (work
	 * one node does for all), 0 while another holds it, -1 on error.
	 * NULL: the database serves one node, which always leads. */
	int (*try_lead)(struct sql_conn *c, int64_t key);
	/* 1 when new posts and comments are indexed by the store at commit
	 * (store_fts_note_post()); 0 when the store writes each row's search
	 * vector at once (PostgreSQL: src/store/search_pg.c). */
	int fts_at_commit;
};

/* What every connection starts with. The group flags are the store's,
 * kept here so that a driver can refuse a commit outside the group. */
struct sql_conn {
	const struct sql_driver *drv;
	int group_open;
	int committing;
};

struct sql_stmt {
	struct sql_conn *conn;
};

/* The drivers. Each opens its target and brings the schema up to date
 * (migrate) only when asked by the store. */
int sql_sqlite_open(const char *path, enum store_sync sync, struct sql_conn **out);
int sql_pg_open(const char *url, enum store_sync sync, struct sql_conn **out);

/* True when target names a PostgreSQL database (postgresql:// or
 * postgres://). */
int sql_target_is_pg(const char *target);

static inline enum sql_dialect
sql_conn_dialect(const struct sql_conn *c)
{
	return c->drv->dialect;
}

static inline int
sql_step(struct sql_stmt *s)
{
	return s->conn->drv->step(s);
}

static inline void
sql_reset(struct sql_stmt *s)
{
	s->conn->drv->reset(s);
}

static inline void
sql_finalize(struct sql_stmt *s)
{
	if (s)
		s->conn->drv->finalize(s);
}

static inline int
sql_bind_int64(struct sql_stmt *s, int i, int64_t v)
{
	return s->conn->drv->bind_int64(s, i, v);
}

static inline int
sql_bind_int(struct sql_stmt *s, int i, int v)
{
	return s->conn->drv->bind_int64(s, i, v);
}

static inline int
sql_bind_double(struct sql_stmt *s, int i, double v)
{
	return s->conn->drv->bind_double(s, i, v);
}

static inline int
sql_bind_text(struct sql_stmt *s, int i, const char *p, int n)
{
	return s->conn->drv->bind_text(s, i, p, n);
}

static inline int
sql_bind_blob(struct sql_stmt *s, int i, const void *p, int n)
{
	return s->conn->drv->bind_blob(s, i, p, n);
}

static inline int
sql_bind_null(struct sql_stmt *s, int i)
{
	return s->conn->drv->bind_null(s, i);
}

static inline int
sql_col_type(struct sql_stmt *s, int i)
{
	return s->conn->drv->col_type(s, i);
}

static inline int64_t
sql_col_int64(struct sql_stmt *s, int i)
{
	return s->conn->drv->col_int64(s, i);
}

static inline int
sql_col_int(struct sql_stmt *s, int i)
{
	return (int)s->conn->drv->col_int64(s, i);
}

static inline double
sql_col_double(struct sql_stmt *s, int i)
{
	return s->conn->drv->col_double(s, i);
}

static inline const unsigned char *
sql_col_text(struct sql_stmt *s, int i)
{
	return s->conn->drv->col_text(s, i);
}

static inline const void *
sql_col_blob(struct sql_stmt *s, int i)
{
	return s->conn->drv->col_blob(s, i);
}

static inline int
sql_col_bytes(struct sql_stmt *s, int i)
{
	return s->conn->drv->col_bytes(s, i);
}

static inline int
sql_col_count(struct sql_stmt *s)
{
	return s->conn->drv->col_count(s);
}

static inline int
sql_prepare(struct sql_conn *c, const char *sql, struct sql_stmt **out)
{
	return c->drv->prepare(c, sql, out);
}

static inline int
sql_exec(struct sql_conn *c, const char *sql)
{
	return c->drv->exec(c, sql);
}

static inline const char *
sql_errmsg(struct sql_conn *c)
{
	return c->drv->errmsg(c);
}

#endif
