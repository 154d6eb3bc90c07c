#include "store/sql.h"

#include "base/err.h"
#include "base/log.h"

int
sql_pg_open(const char *url, enum store_sync sync, struct sql_conn **out)
{
	(void)url;
	(void)sync;
	*out = NULL;
	os_err("store: this build has no PostgreSQL driver");
	return OS_EINTERNAL;
}
