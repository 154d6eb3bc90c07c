#include "hist.h"

#include <string.h>

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

static unsigned
index_of(uint64_t v)
{
	unsigned e;

	if (v < HIST_SUB)
		return (unsigned)v;
	if (v >= (UINT64_C(1) << HIST_MAX_EXP))
		v = (UINT64_C(1) << HIST_MAX_EXP) - 1;
	e = 63u - (unsigned)__builtin_clzll(v);
	return HIST_SUB + (e - HIST_SUB_BITS) * HIST_SUB +
	       (unsigned)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

/* The middle of bucket i's value range. */
static uint64_t
value_of(unsigned i)
{
	unsigned e, m;

	if (i < HIST_SUB)
		return i;
	e = HIST_SUB_BITS + (i - HIST_SUB) / HIST_SUB;
	m = (i - HIST_SUB) % HIST_SUB;
	return ((uint64_t)(HIST_SUB + m) << (e - HIST_SUB_BITS)) +
	       ((UINT64_C(1) << (e - HIST_SUB_BITS)) >> 1);
}

void
hist_record(struct hist *h, uint64_t v)
{
	h->bucket[index_of(v)]++;
	h->count++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	if (!src->count)
		return;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;
	double r;

	if (!h->count)
		return 0;
	if (q <= 0)
		return h->min;
	if (q >= 1)
		return h->max;
	r = q * (double)h->count;
	rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (rank < 1)
		rank = 1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			v = value_of(i);
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

double
hist_mean(const struct hist *h)
{
	return h->count ? h->sum / (double)h->count : 0;
}
