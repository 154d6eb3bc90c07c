#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum os_log_level current = OS_LOG_INFO;

void
os_log_set_level(enum os_log_level level)
{
	current = level;
}

void
os_log(enum os_log_level level, const char *fmt, ...)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > current)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One fprintf per line so that lines from threads do not interleave. */
	char line[1024];
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s openstrat %s: %s\n", stamp, names[level], line);
}
