/*
 * The PostgreSQL driver of src/store/sql.h (libpq): several openstrat
 * nodes share one database.
 *
 * Statements. The store's SQL numbers its parameters ?1, ?2 ...; they
 * become $1, $2 here, once, when a statement is first prepared. A
 * statement is prepared on the server (PQprepare, a name per statement)
 * at its first step, with the parameter types of its first bindings:
 * integers as int8, doubles as float8, text as text, blobs as bytea
 * (sent binary), NULL left for the server to infer. Everything else
 * travels as text and is read back as text: integers are parsed, a
 * boolean ("t"/"f") reads as 1/0, bytea is unescaped.
 *
 * Results are read whole at the first step: the store's queries are
 * paged or small.
 *
 * Durability. COMMIT waits for PostgreSQL's WAL flush (synchronous_commit
 * on) unless the server defers syncs (defer_sync): then the store's
 * connection commits with synchronous_commit off, which returns once the commit is in the
 * WAL buffers, and sync(), on the server's sync thread and a connection
 * of its own, commits a transaction that has a transaction id with
 * synchronous_commit on. Its commit record comes after every earlier
 * one, so when it is flushed every group committed before it is too.
 * Nothing is acknowledged before that, as with SQLite's deferred sync.
 *
 * A lost connection fails the statement running (and so its group); the
 * next statement outside a transaction reconnects, at most once a second,
 * and statements are prepared again on the new connection.
 */
#include "store/sql.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "store/migrations.h"

/* Type oids of pg_type (stable across versions). */
#define OID_BOOL    16
#define OID_BYTEA   17
#define OID_INT8    20
#define OID_INT2    21
#define OID_INT4    23
#define OID_TEXT    25
#define OID_FLOAT4  700
#define OID_FLOAT8  701
#define OID_NUMERIC 1700

#define NUM_LEN 32

struct pg_conn {
	struct sql_conn base;
	PGconn *pg;
	char *url;
	unsigned gen;          /* bumped at each reconnect: prepare again */
	unsigned next_name;
	int changes;
	/* The id the last INSERT returned (RETURNING id), when last_id_ok;
	 * else last_id() asks lastval(). */
	int64_t last_id;
	int last_id_ok;
	/* The tables whose id is an identity column, NUL-separated, for
	 * gen id_tables_gen - 1 (0: not read). */
	char *id_tables;
	size_t id_tables_len;
	unsigned id_tables_gen;
	time_t last_reset;
	char err[512];
	/* The advisory lock try_lead() holds, and the connection it was
	 * taken on (a reconnect loses it). */
	int64_t lead_key;
	unsigned lead_gen;
	/* Deferred sync: the sync thread's own connection. */
	int defer_sync;
	PGconn *sync_pg;
};

struct pg_param {
	const char *val;
	char *owned;           /* a copy, when the caller's text was not terminated */
	int len, fmt;
	Oid type;
	char num[NUM_LEN];
};

struct pg_stmt {
	struct sql_stmt base;
	char *sql;             /* with $n */
	char *sql_ret;         /* the same with RETURNING id (an INSERT) */
	char table[64];        /* the table an INSERT ... VALUES writes */
	int is_insert, returning;
	char name[24];
	unsigned prepared_gen; /* 0: not prepared */
	int nparams;
	uint64_t used;         /* which of $1..$64 the text names */
	struct pg_param *params;
	const char **vals;
	int *lens, *fmts;
	Oid *types;
	PGresult *res;
	int row, nrows, started;
	/* Unescaped bytea of the current row, per column. */
	unsigned char **blobs;
	size_t *blob_lens;
	int ncols;
};

#define PC(c) ((struct pg_conn *)(c))
#define PS(s) ((struct pg_stmt *)(s))

static const struct sql_driver pg_driver;
static int session_setup(struct pg_conn *c);

static void
set_err(struct pg_conn *c, const char *what, const char *msg)
{
	size_t n;

	snprintf(c->err, sizeof c->err, "%s%s%s", what ? what : "", what ? ": " : "",
		 msg ? msg : "");
	n = strlen(c->err);
	while (n && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
		c->err[--n] = '\0';
}

/* Maps a failed result onto an SQL_ code, keeping its message. */
static int
result_code(struct pg_conn *c, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	set_err(c, NULL, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
	if (!r || PQstatus(c->pg) == CONNECTION_BAD)
		return SQL_IOERR;
	if (!state)
		return SQL_ERROR;
	if (!strcmp(state, "23505"))
		return SQL_CONSTRAINT_UNIQUE;
	if (!strncmp(state, "23", 2))
		return SQL_CONSTRAINT;
	if (!strcmp(state, "53200"))
		return SQL_NOMEM;
	if (!strcmp(state, "53100"))
		return SQL_FULL;
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		return SQL_IOERR;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return SQL_BUSY;
	return SQL_ERROR;
}

/* Reconnects a broken connection, at most once a second, and never while
 * the store has a group open: the group's transaction died with the
 * connection, and its remaining statements must fail, not commit one by
 * one on a new connection. 0 when the connection is usable. */
static int
ensure_conn(struct pg_conn *c)
{
	time_t now;

	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	if (c->base.group_open) {
		set_err(c, "the connection to PostgreSQL was lost", PQerrorMessage(c->pg));
		return -1;
	}
	now = time(NULL);
	if (now == c->last_reset) {
		set_err(c, "no connection to PostgreSQL", PQerrorMessage(c->pg));
		return -1;
	}
	c->last_reset = now;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		set_err(c, "cannot reconnect to PostgreSQL", PQerrorMessage(c->pg));
		return -1;
	}
	c->gen++;
	if (session_setup(c))
		return -1;
	os_info("store: reconnected to PostgreSQL");
	return 0;
}

static int
word_char(char ch)
{
	return ch == '_' || (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z');
}

/* The store's SQL in PostgreSQL's: ?N becomes $N (a bare ? the next
 * number), ifnull() coalesce(), BEGIN IMMEDIATE plain BEGIN. Quoted text
 * and comments are copied as they are. *nparams gets the highest number. */
static char *
translate(const char *sql, int *nparams, uint64_t *used)
{
	size_t n = strlen(sql);
	char *out = malloc(n * 2 + 16), *o = out;
	const char *p = sql;
	int next = 0, max = 0;

	if (!out)
		return NULL;
	if (!strcmp(sql, "BEGIN IMMEDIATE")) {
		strcpy(out, "BEGIN");
		*nparams = 0;
		return out;
	}
	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p;

			*o++ = *p++;
			while (*p) {
				if (*p == q && p[1] == q) {
					*o++ = *p++;
					*o++ = *p++;
					continue;
				}
				if (*p == q)
					break;
				*o++ = *p++;
			}
			if (*p)
				*o++ = *p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				*o++ = *p++;
		} else if (*p == '?') {
			int v = 0;

			p++;
			if (*p >= '0' && *p <= '9') {
				while (*p >= '0' && *p <= '9')
					v = v * 10 + (*p++ - '0');
			} else {
				v = ++next;
			}
			if (v > max)
				max = v;
			if (v >= 1 && v <= 64)
				*used |= (uint64_t)1 << (v - 1);
			o += sprintf(o, "$%d", v);
		} else if (!strncasecmp(p, "ifnull(", 7) && (p == sql || !word_char(p[-1]))) {
			memcpy(o, "coalesce(", 9);
			o += 9;
			p += 7;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	*nparams = max;
	return out;
}

/* Whether the word kw starts at q in sql (any case). */
static int
keyword_at(const char *sql, const char *q, const char *kw)
{
	size_t n = strlen(kw);

	return (q == sql || !word_char(q[-1])) && !strncasecmp(q, kw, n) && !word_char(q[n]);
}

/* Whether sql is a one-row INSERT INTO t (...) VALUES (...) without a
 * RETURNING clause: then 1, and the table's name (folded to lower case)
 * in table. *is_insert says whether it is an INSERT at all. */
static int
insert_target(const char *sql, char *table, size_t size, int *is_insert)
{
	const char *p = sql;
	size_t n = 0;

	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	*is_insert = !strncasecmp(p, "INSERT", 6) && !word_char(p[6]);
	if (!*is_insert)
		return 0;
	p += 6;
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	if (strncasecmp(p, "INTO ", 5))
		return 0;
	p += 5;
	while (*p == ' ')
		p++;
	while (word_char(p[n]) && n + 1 < size) {
		table[n] = (char)(p[n] >= 'A' && p[n] <= 'Z' ? p[n] + 32 : p[n]);
		n++;
	}
	table[n] = '\0';
	if (!n || word_char(p[n]))
		return 0;
	/* Only the one-row form: INSERT ... SELECT may write many rows, and
	 * ON CONFLICT may write none (last_id() then asks lastval(), as for
	 * any other INSERT). */
	for (const char *q = p + n; *q; q++)
		if (keyword_at(sql, q, "RETURNING") || keyword_at(sql, q, "SELECT") ||
		    keyword_at(sql, q, "CONFLICT"))
			return 0;
	return 1;
}

static int
pg_prepare(struct sql_conn *conn, const char *sql, struct sql_stmt **out)
{
	struct pg_conn *c = PC(conn);
	struct pg_stmt *s;

	*out = NULL;
	if (!(s = calloc(1, sizeof *s)))
		return SQL_NOMEM;
	s->base.conn = conn;
	if (!(s->sql = translate(sql, &s->nparams, &s->used)))
		goto nomem;
	snprintf(s->name, sizeof s->name, "s%u", ++c->next_name);
	if (insert_target(s->sql, s->table, sizeof s->table, &s->is_insert) &&
	    !(s->sql_ret = malloc(strlen(s->sql) + sizeof " RETURNING id")))
		goto nomem;
	if (s->sql_ret) {
		strcpy(s->sql_ret, s->sql);
		strcat(s->sql_ret, " RETURNING id");
	}
	if (s->nparams) {
		s->params = calloc((size_t)s->nparams, sizeof *s->params);
		s->vals = calloc((size_t)s->nparams, sizeof *s->vals);
		s->lens = calloc((size_t)s->nparams, sizeof *s->lens);
		s->fmts = calloc((size_t)s->nparams, sizeof *s->fmts);
		s->types = calloc((size_t)s->nparams, sizeof *s->types);
		if (!s->params || !s->vals || !s->lens || !s->fmts || !s->types)
			goto nomem;
	}
	*out = &s->base;
	return SQL_OK;
nomem:
	free(s->params);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->types);
	free(s->sql_ret);
	free(s->sql);
	free(s);
	return SQL_NOMEM;
}

static void
free_blobs(struct pg_stmt *s)
{
	for (int i = 0; s->blobs && i < s->ncols; i++) {
		if (s->blobs[i])
			PQfreemem(s->blobs[i]);
		s->blobs[i] = NULL;
	}
}

static void
pg_reset(struct sql_stmt *st)
{
	struct pg_stmt *s = PS(st);

	free_blobs(s);
	free(s->blobs);
	free(s->blob_lens);
	s->blobs = NULL;
	s->blob_lens = NULL;
	s->ncols = 0;
	PQclear(s->res);
	s->res = NULL;
	s->started = 0;
	s->row = s->nrows = 0;
}

static void
pg_clear(struct sql_stmt *st)
{
	struct pg_stmt *s = PS(st);

	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i].owned);
		memset(&s->params[i], 0, sizeof s->params[i]);
	}
}

static void
pg_finalize(struct sql_stmt *st)
{
	struct pg_stmt *s = PS(st);

	pg_reset(st);
	pg_clear(st);
	free(s->params);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->types);
	free(s->sql_ret);
	free(s->sql);
	free(s);
}

static struct pg_param *
param(struct sql_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);

	if (i < 1 || i > s->nparams)
		return NULL;
	free(s->params[i - 1].owned);
	memset(&s->params[i - 1], 0, sizeof s->params[i - 1]);
	return &s->params[i - 1];
}

static int
pg_bind_int64(struct sql_stmt *st, int i, int64_t v)
{
	struct pg_param *p = param(st, i);

	if (!p)
		return SQL_ERROR;
	snprintf(p->num, sizeof p->num, "%lld", (long long)v);
	p->val = p->num;
	p->type = OID_INT8;
	return SQL_OK;
}

static int
pg_bind_double(struct sql_stmt *st, int i, double v)
{
	struct pg_param *p = param(st, i);

	if (!p)
		return SQL_ERROR;
	snprintf(p->num, sizeof p->num, "%.17g", v);
	p->val = p->num;
	p->type = OID_FLOAT8;
	return SQL_OK;
}

static int
pg_bind_text(struct sql_stmt *st, int i, const char *t, int n)
{
	struct pg_param *p = param(st, i);

	if (!p)
		return SQL_ERROR;
	if (!t)
		return SQL_OK; /* NULL */
	/* Text parameters travel NUL-terminated. */
	if (n >= 0 && t[n] != '\0') {
		if (!(p->owned = malloc((size_t)n + 1)))
			return SQL_NOMEM;
		memcpy(p->owned, t, (size_t)n);
		p->owned[n] = '\0';
		t = p->owned;
	}
	p->val = t;
	p->type = OID_TEXT;
	return SQL_OK;
}

static int
pg_bind_blob(struct sql_stmt *st, int i, const void *b, int n)
{
	struct pg_param *p = param(st, i);

	if (!p)
		return SQL_ERROR;
	p->val = b ? b : "";
	p->len = n;
	p->fmt = 1;
	p->type = OID_BYTEA;
	return SQL_OK;
}

static int
pg_bind_null(struct sql_stmt *st, int i)
{
	return param(st, i) ? SQL_OK : SQL_ERROR;
}

/* Reads which tables have an identity id, once per connection (and
 * again after migrations). 0, or -1 when it could not be read: then
 * INSERTs go without RETURNING and last_id() asks lastval(). */
static int
load_id_tables(struct pg_conn *c)
{
	PGresult *r;
	size_t len = 0;
	char *buf;
	int n;

	if (c->id_tables_gen == c->gen + 1)
		return 0;
	r = PQexec(c->pg, "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
			  " WHERE a.attname = 'id' AND a.attidentity <> '' AND c.relkind = 'r'"
			  " AND pg_table_is_visible(c.oid)");
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	n = PQntuples(r);
	for (int i = 0; i < n; i++)
		len += strlen(PQgetvalue(r, i, 0)) + 1;
	if (!(buf = malloc(len + 1))) {
		PQclear(r);
		return -1;
	}
	len = 0;
	for (int i = 0; i < n; i++) {
		size_t k = strlen(PQgetvalue(r, i, 0)) + 1;

		memcpy(buf + len, PQgetvalue(r, i, 0), k);
		len += k;
	}
	PQclear(r);
	free(c->id_tables);
	c->id_tables = buf;
	c->id_tables_len = len;
	c->id_tables_gen = c->gen + 1;
	return 0;
}

/* Whether an INSERT into table may end with RETURNING id. */
static int
has_identity_id(struct pg_conn *c, const char *table)
{
	if (load_id_tables(c))
		return 0;
	for (size_t i = 0; i < c->id_tables_len; i += strlen(c->id_tables + i) + 1)
		if (!strcmp(c->id_tables + i, table))
			return 1;
	return 0;
}

static int
run(struct pg_stmt *s)
{
	struct pg_conn *c = PC(s->base.conn);
	PGresult *r;
	ExecStatusType es;

	if (ensure_conn(c))
		return SQL_IOERR;
	for (int i = 0; i < s->nparams; i++) {
		s->vals[i] = s->params[i].val;
		s->lens[i] = s->params[i].len;
		s->fmts[i] = s->params[i].fmt;
	}
	if (s->prepared_gen != c->gen + 1) {
		for (int i = 0; i < s->nparams; i++)
			/* A number the text skips has no context to be typed
			 * from: text, when nothing was bound to it. */
			s->types[i] = s->params[i].type ? s->params[i].type
				      : i < 64 && !(s->used >> i & 1) ? OID_TEXT : 0;
		/* A one-row INSERT into a table with an identity id
		 * returns it: last_id() needs no round trip of its own. */
		s->returning = s->sql_ret && has_identity_id(c, s->table);
		r = PQprepare(c->pg, s->name, s->returning ? s->sql_ret : s->sql, s->nparams,
			      s->types);
		if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
			int rc = result_code(c, r);

			PQclear(r);
			return rc;
		}
		PQclear(r);
		s->prepared_gen = c->gen + 1;
	}
	r = PQexecPrepared(c->pg, s->name, s->nparams, s->vals, s->lens, s->fmts, 0);
	es = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK) {
		const char *t = PQcmdTuples(r);

		c->changes = t && *t ? atoi(t) : 0;
		s->res = r;
		s->nrows = es == PGRES_TUPLES_OK ? PQntuples(r) : 0;
		s->ncols = PQnfields(r);
		s->row = -1;
		if (s->is_insert)
			c->last_id_ok = 0;
		if (s->returning) {
			/* The caller asked for no rows: the id is kept for
			 * last_id(). */
			if (s->nrows > 0) {
				c->last_id = strtoll(PQgetvalue(r, s->nrows - 1, 0), NULL, 10);
				c->last_id_ok = 1;
			}
			s->nrows = 0;
			s->ncols = 0;
		}
		return SQL_OK;
	}
	{
		int rc = result_code(c, r);

		PQclear(r);
		return rc;
	}
}

static int
pg_step(struct sql_stmt *st)
{
	struct pg_stmt *s = PS(st);

	if (!s->started) {
		int rc;

		s->started = 1;
		if ((rc = run(s)) != SQL_OK) {
			s->row = s->nrows = 0;
			return rc;
		}
	}
	if (!s->res)
		return SQL_ERROR;
	free_blobs(s);
	if (s->row + 1 >= s->nrows) {
		s->row = s->nrows;
		return SQL_DONE;
	}
	s->row++;
	return SQL_ROW;
}

static int
has_value(struct pg_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < s->ncols &&
	       !PQgetisnull(s->res, s->row, i);
}

static int
pg_col_type(struct sql_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);

	if (!has_value(s, i))
		return SQL_NULL;
	switch (PQftype(s->res, i)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		return SQL_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return SQL_FLOAT;
	case OID_BYTEA:
		return SQL_BLOB;
	default:
		return SQL_TEXT;
	}
}

static int64_t
pg_col_int64(struct sql_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);
	const char *v;

	if (!has_value(s, i))
		return 0;
	v = PQgetvalue(s->res, s->row, i);
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	if (PQftype(s->res, i) == OID_FLOAT8 || PQftype(s->res, i) == OID_NUMERIC ||
	    PQftype(s->res, i) == OID_FLOAT4)
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double
pg_col_double(struct sql_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);

	return has_value(s, i) ? strtod(PQgetvalue(s->res, s->row, i), NULL) : 0.0;
}

static const unsigned char *
pg_col_text(struct sql_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);

	if (!has_value(s, i))
		return NULL;
	return (const unsigned char *)PQgetvalue(s->res, s->row, i);
}

static const void *
pg_col_blob(struct sql_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);

	if (!has_value(s, i))
		return NULL;
	if (PQftype(s->res, i) != OID_BYTEA)
		return PQgetvalue(s->res, s->row, i);
	/* Room for unescaped bytea only for results that read some: most
	 * statements have none. */
	if (!s->blobs) {
		s->blobs = calloc((size_t)s->ncols, sizeof *s->blobs);
		s->blob_lens = calloc((size_t)s->ncols, sizeof *s->blob_lens);
		if (!s->blobs || !s->blob_lens)
			return NULL;
	}
	if (!s->blobs[i])
		s->blobs[i] = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i),
					      &s->blob_lens[i]);
	return s->blobs[i];
}

static int
pg_col_bytes(struct sql_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);

	if (!has_value(s, i))
		return 0;
	if (PQftype(s->res, i) == OID_BYTEA)
		return pg_col_blob(st, i) ? (int)s->blob_lens[i] : 0;
	return PQgetlength(s->res, s->row, i);
}

static int
pg_col_count(struct sql_stmt *st)
{
	return PS(st)->res ? PS(st)->ncols : 0;
}

static int
pg_param_count(struct sql_stmt *st)
{
	return PS(st)->nparams;
}

static int
exec_on(struct pg_conn *c, PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType es = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int rc = SQL_OK;

	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
		rc = result_code(c, r);
		os_err("store: %s: %s", sql, c->err);
	}
	PQclear(r);
	return rc;
}

static int
pg_exec(struct sql_conn *conn, const char *sql)
{
	struct pg_conn *c = PC(conn);

	if (ensure_conn(c))
		return SQL_IOERR;
	if (!strcmp(sql, "BEGIN IMMEDIATE"))
		sql = "BEGIN";
	c->last_id_ok = 0;
	return exec_on(c, c->pg, sql);
}

static const char *
pg_errmsg(struct sql_conn *conn)
{
	return PC(conn)->err;
}

static int64_t
pg_last_id(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);
	PGresult *r;
	int64_t id = 0;

	if (c->last_id_ok)
		return c->last_id;
	r = PQexec(c->pg, "SELECT lastval()");
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		result_code(c, r);
	PQclear(r);
	return id;
}

static int
pg_changes(struct sql_conn *conn)
{
	return PC(conn)->changes;
}

static int
pg_in_transaction(struct sql_conn *conn)
{
	PGTransactionStatusType t = PQtransactionStatus(PC(conn)->pg);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static void
pg_close(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);

	if (!c)
		return;
	PQfinish(c->pg);
	PQfinish(c->sync_pg);
	free(c->id_tables);
	free(c->url);
	free(c);
}

static int
pg_schema_version(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);
	PGresult *r = PQexec(c->pg, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	int v = -1;

	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/* Each migration runs in its own transaction with its row in
 * schema_migrations; an advisory lock keeps nodes that start together
 * from migrating at once. */
static int
pg_migrate(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);
	int have, rc = OS_OK;

	if (exec_on(c, c->pg, "SELECT pg_advisory_lock(7238561)") ||
	    exec_on(c, c->pg,
		    "SET client_min_messages = warning;"
		    "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    " version integer PRIMARY KEY, name text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())"))
		return OS_EINTERNAL;
	have = pg_schema_version(conn);
	if (have < 0)
		rc = OS_EINTERNAL;
	for (int i = 0; !rc && i < store_pg_migration_count; i++) {
		const struct migration *m = &store_pg_migrations[i];
		const char *vals[2];
		char ver[16];
		PGresult *r;

		if (m->version <= have)
			continue;
		snprintf(ver, sizeof ver, "%d", m->version);
		vals[0] = ver;
		vals[1] = m->name;
		r = NULL;
		if (exec_on(c, c->pg, "BEGIN") || (r = PQexec(c->pg, m->sql),
							 PQresultStatus(r) != PGRES_COMMAND_OK)) {
			/* The error, not the migration's whole text. */
			result_code(c, r);
			PQclear(r);
			exec_on(c, c->pg, "ROLLBACK");
			os_err("store: migration postgresql/%s failed: %s", m->name, c->err);
			rc = OS_EINTERNAL;
			break;
		}
		PQclear(r);
		r = PQexecParams(c->pg, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
				 2, NULL, vals, NULL, NULL, 0);
		if (!r || PQresultStatus(r) != PGRES_COMMAND_OK || exec_on(c, c->pg, "COMMIT")) {
			PQclear(r);
			exec_on(c, c->pg, "ROLLBACK");
			os_err("store: migration %s failed", m->name);
			rc = OS_EINTERNAL;
			break;
		}
		PQclear(r);
		os_info("store: applied migration postgresql/%s", m->name);
	}
	if (!rc && store_pg_migration_count &&
	    have > store_pg_migrations[store_pg_migration_count - 1].version) {
		os_err("store: the database is at schema %d, newer than this program knows (%d)",
		       have, store_pg_migrations[store_pg_migration_count - 1].version);
		rc = OS_EINTERNAL;
	}
	exec_on(c, c->pg, "SELECT pg_advisory_unlock(7238561)");
	c->id_tables_gen = 0; /* the tables may be new */
	return rc;
}

/* Connects with a connect timeout of 3 s unless the URL names one: a
 * reconnect runs on the event loop, and a database host that does not
 * answer must not hold it for TCP's minutes. */
static PGconn *
connect_to(const char *url, char *err, size_t errsz)
{
	const char *const keys[] = {"connect_timeout", "dbname", NULL};
	const char *const vals[] = {"3", url, NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);

	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, errsz, "%s", PQerrorMessage(pg));
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

/* The session's settings, after each connect: text in UTF-8, times in
 * UTC, and with deferred sync, commits that return before the flush
 * (store_commit() still syncs after them). */
static int
session_setup(struct pg_conn *c)
{
	return exec_on(c, c->pg, c->defer_sync ? "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC';"
						 " SET synchronous_commit = off"
					       : "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
}

static int
pg_defer_sync(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);
	char err[256];

	if (c->defer_sync)
		return OS_OK;
	if (!(c->sync_pg = connect_to(c->url, err, sizeof err))) {
		os_err("store: cannot open the sync connection: %s", err);
		return OS_EINTERNAL;
	}
	c->defer_sync = 1;
	if (session_setup(c)) {
		PQfinish(c->sync_pg);
		c->sync_pg = NULL;
		c->defer_sync = 0;
		return OS_EINTERNAL;
	}
	return OS_OK;
}

static int
pg_commit_nosync(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);

	return exec_on(c, c->pg, "COMMIT");
}

/* On the sync thread: everything committed before the call is durable
 * when it returns 0 (see the top of the file). */
static int
pg_sync(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);
	PGresult *r;
	int ok;

	if (!c->defer_sync)
		return OS_OK;
	if (PQstatus(c->sync_pg) != CONNECTION_OK) {
		PQreset(c->sync_pg);
		if (PQstatus(c->sync_pg) != CONNECTION_OK) {
			os_err("store: the sync connection is lost: %s", PQerrorMessage(c->sync_pg));
			return OS_EINTERNAL;
		}
	}
	r = PQexec(c->sync_pg, "BEGIN; SELECT pg_current_xact_id(); COMMIT");
	ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		os_err("store: the WAL flush failed: %s",
		       r ? PQresultErrorMessage(r) : PQerrorMessage(c->sync_pg));
		PQclear(r);
		/* Leave no transaction open behind a failure. */
		PQclear(PQexec(c->sync_pg, "ROLLBACK"));
		return OS_EINTERNAL;
	}
	PQclear(r);
	return OS_OK;
}

static int
pg_integrity_check(struct sql_conn *conn)
{
	struct pg_conn *c = PC(conn);

	/* PostgreSQL checks its own pages (data checksums, when the cluster
	 * has them); what the store can check is that it answers and its
	 * schema is the one this program knows. */
	int v = pg_schema_version(conn);

	if (v < 0)
		return OS_EINTERNAL;
	if (store_pg_migration_count &&
	    v != store_pg_migrations[store_pg_migration_count - 1].version) {
		set_err(c, "schema", "not the version this program knows");
		return OS_EINTERNAL;
	}
	return OS_OK;
}

/* A backup of a PostgreSQL database is pg_dump's: a consistent snapshot
 * while every node keeps writing, in its custom format (pg_restore). */
static int
pg_backup(struct sql_conn *conn, const char *out)
{
	struct pg_conn *c = PC(conn);
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		os_err("backup: fork: %s", strerror(errno));
		return OS_EINTERNAL;
	}
	if (pid == 0) {
		execlp("pg_dump", "pg_dump", "--format=custom", "--no-owner", "--file", out,
		       "--dbname", c->url, (char *)NULL);
		fprintf(stderr, "openstrat: cannot run pg_dump: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return OS_EINTERNAL;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		os_err("backup: pg_dump failed");
		return OS_EINTERNAL;
	}
	return OS_OK;
}

static int
pg_try_lead(struct sql_conn *conn, int64_t key)
{
	struct pg_conn *c = PC(conn);
	char num[NUM_LEN];
	const char *vals[1] = {num};
	PGresult *r;
	int got;

	if (ensure_conn(c))
		return -1;
	if (c->lead_key == key && c->lead_gen == c->gen + 1)
		return 1;
	snprintf(num, sizeof num, "%lld", (long long)key);
	r = PQexecParams(c->pg, "SELECT pg_try_advisory_lock($1::bigint)", 1, NULL, vals, NULL,
			 NULL, 0);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		result_code(c, r);
		PQclear(r);
		return -1;
	}
	got = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (got) {
		c->lead_key = key;
		c->lead_gen = c->gen + 1;
	}
	return got;
}

static const struct sql_driver pg_driver = {
	.name = "postgresql",
	.dialect = SQL_POSTGRESQL,
	.prepare = pg_prepare,
	.step = pg_step,
	.reset = pg_reset,
	.clear = pg_clear,
	.finalize = pg_finalize,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.col_type = pg_col_type,
	.col_int64 = pg_col_int64,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_bytes = pg_col_bytes,
	.col_count = pg_col_count,
	.param_count = pg_param_count,
	.exec = pg_exec,
	.errmsg = pg_errmsg,
	.last_id = pg_last_id,
	.changes = pg_changes,
	.in_transaction = pg_in_transaction,
	.close = pg_close,
	.schema_version = pg_schema_version,
	.migrate = pg_migrate,
	.defer_sync = pg_defer_sync,
	.commit_nosync = pg_commit_nosync,
	.sync = pg_sync,
	.integrity_check = pg_integrity_check,
	.backup = pg_backup,
	.try_lead = pg_try_lead,
	.fts_at_commit = 0,
};

int
sql_pg_open(const char *url, enum store_sync sync, struct sql_conn **out)
{
	struct pg_conn *c;
	char err[512];

	(void)sync; /* commits wait for the WAL flush either way */
	*out = NULL;
	if (!(c = calloc(1, sizeof *c)) || !(c->url = strdup(url))) {
		free(c);
		return OS_ENOMEM;
	}
	c->base.drv = &pg_driver;
	if (!(c->pg = connect_to(url, err, sizeof err))) {
		os_err("store: cannot connect to PostgreSQL: %s", err);
		free(c->url);
		free(c);
		return OS_EINTERNAL;
	}
	if (session_setup(c)) {
		pg_close(&c->base);
		return OS_EINTERNAL;
	}
	*out = &c->base;
	return OS_OK;
}
