#ifndef OS_BASE_HIST_H
#define OS_BASE_HIST_H

/*
 * A histogram of fixed buckets, in whole units (microseconds, counts), for
 * the server's metrics. Observing is a short scan and two additions: no
 * allocation, no floating point. The bounds live with whoever observes
 * (the same array each time), not in the histogram, so that a zeroed
 * histogram is ready to use.
 */

#include <stddef.h>
#include <stdint.h>

#define OS_HIST_MAX 16 /* bounds at most */

struct os_hist {
	/* counts[i]: observations <= bounds[i] and above bounds[i - 1];
	 * counts[nbounds]: above every bound. Not cumulative. */
	uint64_t counts[OS_HIST_MAX + 1];
	uint64_t sum;   /* of the observed values */
	uint64_t count; /* observations */
};

/* Adds v to h, whose nbounds (<= OS_HIST_MAX) bounds ascend. */
void os_hist_observe(struct os_hist *h, const uint64_t *bounds, size_t nbounds,
		     uint64_t v);

#endif
