/*
 * LD_PRELOAD shim for durability tests: every fdatasync() of the process
 * first sleeps OS_TEST_SYNC_DELAY_MS milliseconds, then syncs, then
 * appends a line with the CLOCK_MONOTONIC times (nanoseconds) it began and
 * finished to the file named by OS_TEST_SYNC_LOG. A sync covers what was
 * written before it began, so a test can check that nothing was
 * acknowledged before the first sync that began after the write had
 * finished. While the file named by OS_TEST_SYNC_FAIL_IF exists, every
 * fdatasync() fails with EIO (after really syncing): a disk that reports
 * a write error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
fdatasync(int fd)
{
	static int (*real)(int);
	const char *delay = getenv("OS_TEST_SYNC_DELAY_MS");
	const char *log = getenv("OS_TEST_SYNC_LOG");
	struct timespec ts, t0;
	int rc;

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (delay && atoi(delay) > 0) {
		ts.tv_sec = atoi(delay) / 1000;
		ts.tv_nsec = (long)(atoi(delay) % 1000) * 1000000L;
		while (nanosleep(&ts, &ts))
			;
	}
	rc = real ? real(fd) : -1;
	if (getenv("OS_TEST_SYNC_FAIL_IF") && access(getenv("OS_TEST_SYNC_FAIL_IF"), F_OK) == 0) {
		rc = -1;
		errno = EIO;
	}
	if (log) {
		char line[64];
		int lf = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (lf >= 0) {
			int n = snprintf(line, sizeof line, "%lld %lld\n",
					 (long long)t0.tv_sec * 1000000000LL + t0.tv_nsec,
					 (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);

			int saved = errno;

			if (write(lf, line, (size_t)n) != n)
				n = 0;
			close(lf);
			errno = saved;
		}
	}
	return rc;
}
