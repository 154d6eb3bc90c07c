/*
 * A log-linear latency histogram in the manner of HdrHistogram: exact below
 * 64, then 64 sub-buckets per power of two (a relative error under 1.6%).
 * Fixed size, no allocation, so every worker thread keeps its own and the
 * main thread merges them; recording is a few instructions.
 */
#ifndef OSBENCH_HIST_H
#define OSBENCH_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_SUB      (1u << HIST_SUB_BITS)
#define HIST_MAX_EXP  44 /* values are clamped below 2^44 (about 4.9 hours in ns) */
#define HIST_BUCKETS  (HIST_SUB + (HIST_MAX_EXP - HIST_SUB_BITS) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t min, max;
	double sum;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_record(struct hist *h, uint64_t v);
/* Adds every sample of src to dst. */
void hist_merge(struct hist *dst, const struct hist *src);
/* The value at quantile q (0..1), to the bucket's resolution; 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);
double hist_mean(const struct hist *h);

#endif
