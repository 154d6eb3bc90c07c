#include "base/hist.h"

void
os_hist_observe(struct os_hist *h, const uint64_t *bounds, size_t nbounds, uint64_t v)
{
	size_t i = 0;

	while (i < nbounds && v > bounds[i])
		i++;
	h->counts[i]++;
	h->sum += v;
	h->count++;
}
