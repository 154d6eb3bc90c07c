#ifndef OS_TEST_FAILMALLOC_H
#define OS_TEST_FAILMALLOC_H

/*
 * An allocation-failure hook for the out-of-memory tests, after SQLite's
 * own fault injection: "fail the Nth allocation from now", once (transient)
 * or that one and every later one (persistent).
 *
 * It sees three allocators:
 *  - openstrat's own malloc, calloc, realloc and strdup: the test is linked
 *    with -Wl,--wrap=malloc,... (CMakeLists.txt), which redirects every call
 *    from the objects of the executable, openstrat_core's included, to the
 *    __wrap_ functions here; the shared libraries keep the real ones;
 *  - cJSON's, through cJSON_InitHooks();
 *  - SQLite's, through sqlite3_config(SQLITE_CONFIG_MALLOC) with methods
 *    that wrap the default ones (SQLite answers SQLITE_NOMEM).
 * cmark and libsodium allocate with the C library directly and are not
 * failed (see docs/SECURITY.md for why).
 *
 * Single-threaded: the counters are plain, as the tests call everything
 * from one thread.
 */

enum fm_source { FM_OWN, FM_CJSON, FM_SQLITE, FM_NSOURCES };

/* Installs the cJSON and SQLite hooks. Call once, first thing in main(),
 * before anything initialises SQLite. Returns 0, or -1 when SQLite
 * refused (it was initialised already). */
int fm_install(void);

/* Arms the hook: the nth allocation from now (1: the next) fails, and with
 * persistent every one after it too. Resets the counters. */
void fm_arm(unsigned long nth, int persistent);

/* Disarms it; allocations succeed again. The counters keep their values. */
void fm_disarm(void);

/* Allocations seen and failures injected since the last fm_arm(), in all
 * or (fm_*_from) from one source. */
unsigned long fm_calls(void);
unsigned long fm_failures(void);
unsigned long fm_failures_from(enum fm_source src);

/* Failures injected since the process started, per source. */
unsigned long fm_total_failures_from(enum fm_source src);

#endif
