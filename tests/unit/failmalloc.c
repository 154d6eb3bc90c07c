/* The allocation-failure hook of the out-of-memory tests (failmalloc.h). */
#include "failmalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>

/* What -Wl,--wrap=NAME leaves the real functions under. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t sz);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t sz);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static int armed, persistent;
static unsigned long nth, calls, failures;
static unsigned long per_source[FM_NSOURCES], total[FM_NSOURCES];

static int
fail_now(enum fm_source src)
{
	if (!armed)
		return 0;
	calls++;
	if (calls < nth || (calls > nth && !persistent))
		return 0;
	failures++;
	per_source[src]++;
	total[src]++;
	errno = ENOMEM;
	return 1;
}

void
fm_arm(unsigned long n, int persist)
{
	nth = n;
	persistent = persist;
	calls = failures = 0;
	for (int i = 0; i < FM_NSOURCES; i++)
		per_source[i] = 0;
	armed = 1;
}

void
fm_disarm(void)
{
	armed = 0;
}

unsigned long
fm_calls(void)
{
	return calls;
}

unsigned long
fm_failures(void)
{
	return failures;
}

unsigned long
fm_failures_from(enum fm_source src)
{
	return per_source[src];
}

unsigned long
fm_total_failures_from(enum fm_source src)
{
	return total[src];
}

/* ---- openstrat's own calls ---- */

void *
__wrap_malloc(size_t n)
{
	return fail_now(FM_OWN) ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t sz)
{
	return fail_now(FM_OWN) ? NULL : __real_calloc(n, sz);
}

void *
__wrap_realloc(void *p, size_t n)
{
	/* A failed realloc leaves the block as it was, as the real one does. */
	return fail_now(FM_OWN) ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now(FM_OWN) ? NULL : __real_strdup(s);
}

/* ---- cJSON ---- */

static void *
cjson_malloc(size_t n)
{
	return fail_now(FM_CJSON) ? NULL : __real_malloc(n);
}

/* ---- SQLite: the default methods, with a countdown in front ---- */

static sqlite3_mem_methods sqlite_real;

static void *
sq_malloc(int n)
{
	return fail_now(FM_SQLITE) ? NULL : sqlite_real.xMalloc(n);
}

static void
sq_free(void *p)
{
	sqlite_real.xFree(p);
}

static void *
sq_realloc(void *p, int n)
{
	return fail_now(FM_SQLITE) ? NULL : sqlite_real.xRealloc(p, n);
}

static int
sq_size(void *p)
{
	return sqlite_real.xSize(p);
}

static int
sq_roundup(int n)
{
	return sqlite_real.xRoundup(n);
}

static int
sq_init(void *arg)
{
	return sqlite_real.xInit(sqlite_real.pAppData);
}

static void
sq_shutdown(void *arg)
{
	sqlite_real.xShutdown(sqlite_real.pAppData);
}

int
fm_install(void)
{
	static const sqlite3_mem_methods wrapped = {
		sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup, sq_init, sq_shutdown, NULL,
	};
	cJSON_Hooks hooks = {.malloc_fn = cjson_malloc, .free_fn = free};

	cJSON_InitHooks(&hooks);
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_real) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapped) != SQLITE_OK)
		return -1;
	return 0;
}
