#ifndef OS_STORE_SQLITE_INT_H
#define OS_STORE_SQLITE_INT_H

/* Private to the SQLite implementation of the store (src/store/sqlite/):
 * the only place sqlite3.h is included in the program. */

#include <sqlite3.h>

#include "store/sql.h"
#include "store/store_int.h"

/* The FTS5 tokenizer of the search index (tokenizer.c; the name is the
 * one schema/004_search_stem.sql gives the tables). */
#define STORE_TOKENIZER "openstrat_stem"

/* Registers STORE_TOKENIZER on db. Every connection that may touch the
 * search tables needs it, before it does: without it they cannot be read,
 * written, migrated or checked. A SQLite result code. */
int sql_sqlite_tokenizer_register(sqlite3 *db);

/* The SQLite handle under a connection of this driver, NULL for another
 * driver's (tests look at the database with it). */
sqlite3 *sql_sqlite_handle(struct sql_conn *c);

/* The same for a store. */
static inline sqlite3 *
store_sqlite(struct store *st)
{
	return sql_sqlite_handle(store_conn(st));
}

#endif
