/* What the exports share about outcomes: numbers, progress, the next
 * milestone, one-line summaries for CSV cells. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export/export_int.h"

void
export_number(double v, char buf[EXPORT_SCORE_LEN])
{
	snprintf(buf, EXPORT_SCORE_LEN, "%.15g", v == 0 ? 0 : v); /* no "-0" */
}

double
export_progress(const struct measure *m, int *defined)
{
	double span = m->target - m->baseline;

	*defined = span != 0 && isfinite(span);
	return *defined ? (m->current - m->baseline) / span : 0;
}

const struct milestone *
export_next_milestone(const struct priority *p)
{
	for (size_t i = 0; i < p->nmilestones; i++)
		if (!p->milestones[i].done_at)
			return &p->milestones[i];
	return NULL;
}

const struct priority *
export_priority_of(const struct ranking *r, int64_t id, size_t *k)
{
	for (size_t i = 0; id && i < r->npriorities; i++)
		if (r->priorities[i].id == id) {
			if (k)
				*k = i;
			return &r->priorities[i];
		}
	return NULL;
}

void
export_measures_line(struct os_buf *b, const struct priority *p)
{
	for (size_t i = 0; p && i < p->nmeasures; i++) {
		const struct measure *m = &p->measures[i];
		char base[EXPORT_SCORE_LEN], cur[EXPORT_SCORE_LEN], tgt[EXPORT_SCORE_LEN];

		export_number(m->baseline, base);
		export_number(m->current, cur);
		export_number(m->target, tgt);
		if (i)
			os_buf_adds(b, "; ");
		os_buf_adds(b, m->name);
		if (m->unit[0])
			os_buf_addf(b, " [%s]", m->unit);
		os_buf_addf(b, ": %s -> %s -> %s", base, cur, tgt);
	}
}

void
export_milestones_line(struct os_buf *b, const struct priority *p)
{
	for (size_t i = 0; p && i < p->nmilestones; i++) {
		const struct milestone *m = &p->milestones[i];

		if (i)
			os_buf_adds(b, "; ");
		os_buf_addf(b, "%s %s%s", m->due, m->title, m->done_at ? " [done]" : "");
	}
}
