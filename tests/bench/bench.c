/* Helpers the scenarios share: counters, waits, windows. */
#include "osbench.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t
bench_sum(struct bench *b, size_t off)
{
	uint64_t s = 0;

	for (int t = 0; t < b->nworkers; t++)
		s += __atomic_load_n((uint64_t *)((char *)&b->workers[t].st + off),
				     __ATOMIC_RELAXED);
	return s;
}

uint64_t
bench_max(struct bench *b, size_t off)
{
	uint64_t m = 0;

	for (int t = 0; t < b->nworkers; t++) {
		uint64_t v = __atomic_load_n((uint64_t *)((char *)&b->workers[t].st + off),
					     __ATOMIC_RELAXED);

		if (v > m)
			m = v;
	}
	return m;
}

int
bench_wait(struct bench *b, int (*pred)(struct bench *), double timeout_s, const char *label)
{
	uint64_t start = now_ns(), deadline = start + (uint64_t)(timeout_s * 1e9), next = start;

	for (;;) {
		uint64_t now = now_ns();

		if (pred(b))
			return 0;
		if (now >= deadline) {
			if (label && !b->o.quiet)
				fprintf(stderr, "osbench: %s: gave up after %.1f s\n", label,
					timeout_s);
			return -1;
		}
		if (label && !b->o.quiet && now >= next && now > start) {
			if (next != start)
				fprintf(stderr, "osbench: %s: opened %llu failed %llu subscribed "
						"%llu deliveries %llu\n",
					label, (unsigned long long)BENCH_SUM(b, opened),
					(unsigned long long)BENCH_SUM(b, failed),
					(unsigned long long)BENCH_SUM(b, subscribed),
					(unsigned long long)BENCH_SUM(b, deliveries));
			next = now + 2000000000ull;
		}
		usleep(2000);
	}
}

static int
all_connected(struct bench *b)
{
	return BENCH_SUM(b, opened) + BENCH_SUM(b, failed) >= b->nconns;
}

int
bench_connect_all(struct bench *b)
{
	double timeout = b->o.connect_timeout > 0 ? b->o.connect_timeout
						  : 30.0 + (double)b->nconns / 100.0;

	bench_set_phase(b, PH_CONNECT);
	if (bench_wait(b, all_connected, timeout, "connecting"))
		return -1;
	if (BENCH_SUM(b, failed)) {
		fprintf(stderr, "osbench: %llu of %zu connections failed\n",
			(unsigned long long)BENCH_SUM(b, failed), b->nconns);
		bench_print_errors(b);
		return -1;
	}
	return 0;
}

void
bench_settle(struct bench *b, double quiet_s, double max_s)
{
	uint64_t start = now_ns(), quiet = (uint64_t)(quiet_s * 1e9);

	while (now_ns() - start < (uint64_t)(max_s * 1e9)) {
		uint64_t last = BENCH_MAX(b, last_rx_ns), now = now_ns();

		if (now > last && now - last >= quiet && now - start >= quiet)
			return;
		usleep(10000);
	}
}

void
bench_spread(struct bench *b, size_t first, size_t n)
{
	for (size_t i = 0; i < n && first + i < b->nconns; i++)
		b->conns[first + i].node = (uint8_t)(i % (size_t)b->nnodes);
}

uint64_t
bench_node_sum(struct bench *b, size_t off, int k)
{
	return bench_sum(b, off + (size_t)k * sizeof(uint64_t));
}

void
bench_node_hist(struct bench *b, int k, struct hist *h)
{
	hist_init(h);
	for (int t = 0; t < b->nworkers; t++)
		hist_merge(h, &b->workers[t].h_node[k]);
}

void
bench_hists(struct bench *b, struct hist *connect, struct hist *reply, struct hist *delivery)
{
	hist_init(connect);
	hist_init(reply);
	hist_init(delivery);
	for (int t = 0; t < b->nworkers; t++) {
		hist_merge(connect, &b->workers[t].h_connect);
		hist_merge(reply, &b->workers[t].h_reply);
		hist_merge(delivery, &b->workers[t].h_delivery);
	}
}

void
bench_print_errors(struct bench *b)
{
	int limited = 0;

	for (int t = 0; t < b->nworkers; t++)
		if (b->workers[t].error[0]) {
			fprintf(stderr, "osbench: worker %d: %s\n", t, b->workers[t].error);
			limited |= strstr(b->workers[t].error, "rate_limited") != NULL;
		}
	if (limited)
		fprintf(stderr, "osbench: the server rate-limits these connections; the figures "
				"measure its limit, not its speed\n(start it with --rate-limit 0 "
				"--conn-rate-limit 0)\n");
}

void
window_begin(struct bench *b, struct window *win)
{
	memset(win, 0, sizeof *win);
	/* A mark for whoever profiles the server during the window. */
	if (!b->o.quiet)
		fprintf(stderr, "osbench: measuring\n");
	procstat_read(b->o.server_pid, &win->s0);
	win->m0 = machine_busy_s();
	getrusage(RUSAGE_SELF, &win->r0);
	win->t0 = now_ns();
}

void
window_end(struct bench *b, struct window *win)
{
	if (!win->t1)
		win->t1 = now_ns();
	getrusage(RUSAGE_SELF, &win->r1);
	win->m1 = machine_busy_s();
	procstat_read(b->o.server_pid, &win->s1);
}

static int
all_subscribed(struct bench *b)
{
	return BENCH_SUM(b, subscribed) + BENCH_SUM(b, sub_err) + BENCH_SUM(b, lost) >=
	       (uint64_t)b->want_subs;
}

int
bench_subscribe_all(struct bench *b, size_t nsubs)
{
	b->want_subs = nsubs;
	if (bench_connect_all(b) ||
	    bench_wait(b, all_subscribed, 30 + (double)nsubs / 100, "subscribing") ||
	    BENCH_SUM(b, sub_err) || BENCH_SUM(b, lost)) {
		fprintf(stderr, "osbench: %s: not every subscriber subscribed (%llu of %zu)\n",
			b->o.scenario, (unsigned long long)BENCH_SUM(b, subscribed), nsubs);
		bench_print_errors(b);
		bench_stop(b);
		return -1;
	}
	/* Let the join's presence events die down before measuring. */
	bench_settle(b, b->o.settle, 30);
	return 0;
}

int
bench_fanout_drained(struct bench *b)
{
	uint64_t sent = BENCH_SUM(b, pub_sent), ok = BENCH_SUM(b, pub_ok),
		 err = BENCH_SUM(b, pub_err);

	return ok + err >= sent && BENCH_SUM(b, distinct) >= ok * (uint64_t)b->o.subscribers;
}

/* Several nodes: a node that never gets another node's events (started
 * without a link between them) would hold the drain for its whole length;
 * once nothing has arrived for DRAIN_STALL_NS after the last publish, the
 * rest is not coming. */
#define DRAIN_STALL_NS (5ull * 1000000000ull)

static int
drained_or_stalled(struct bench *b)
{
	uint64_t last = BENCH_MAX(b, last_delivery_ns),
		 end = __atomic_load_n(&b->pub_end_ns, __ATOMIC_RELAXED), now = now_ns();

	if (bench_fanout_drained(b))
		return 1;
	if (b->nnodes < 2 || !end)
		return 0;
	if (last < end)
		last = end;
	if (now > last && now - last >= DRAIN_STALL_NS) {
		b->drain_stalled = 1;
		return 1;
	}
	return 0;
}

int
bench_publish_and_drain(struct bench *b, int (*published)(struct bench *))
{
	double limit_s;
	int rc = 0;

	if (b->o.messages && b->o.rate > 0)
		limit_s = (double)b->o.messages / b->o.rate + 60;
	else if (b->o.messages)
		limit_s = 600;
	else
		limit_s = b->o.duration + 60;
	if (bench_wait(b, published, limit_s, "publishing"))
		rc = 1;
	if (bench_wait(b, drained_or_stalled, b->o.drain, "draining") || b->drain_stalled)
		rc = 1;
	if (b->drain_stalled && !b->o.quiet)
		fprintf(stderr, "osbench: draining: nothing arrived for %.0f s after the last "
				"publish; stopped waiting\n", (double)DRAIN_STALL_NS / 1e9);
	return rc;
}
