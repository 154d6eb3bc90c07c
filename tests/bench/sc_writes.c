/*
 * writes: W writers, each creating comments on one post in a closed loop
 * (the next request when the reply arrives). An ok reply means committed
 * (PROTOCOL.md), so acknowledged writes per second are persisted writes.
 */
#include "osbench.h"

#include <stdio.h>
#include <unistd.h>

static int
all_answered(struct bench *b)
{
	return BENCH_SUM(b, replies_ok) + BENCH_SUM(b, replies_err) + BENCH_SUM(b, lost) >=
	       BENCH_SUM(b, requests);
}

int
sc_writes(struct bench *b)
{
	size_t wn = (size_t)b->o.writers;
	struct window win;
	struct hist hc, hr, hd;
	struct report *r;
	int64_t round = b->o.round, post = b->o.post;
	uint64_t acked, secs_ns;
	int rc = 0;

	if (post <= 0) {
		if (round <= 0 && (round = setup_open_round(b)) <= 0)
			return 2;
		if ((post = setup_post(b, round)) <= 0)
			return 2;
	}
	if (bench_alloc_conns(b, wn, 0))
		return 2;
	for (size_t i = 0; i < wn; i++) {
		b->conns[i].role = ROLE_WRITER;
		b->conns[i].target = post;
	}
	bench_spread(b, 0, wn);
	if (bench_start(b))
		return 2;
	if (!b->o.quiet)
		fprintf(stderr, "osbench: writes: post %lld, %zu writers\n", (long long)post, wn);
	if (bench_connect_all(b)) {
		bench_stop(b);
		return 2;
	}
	bench_set_phase(b, PH_RUN);
	if (b->o.warmup > 0)
		usleep((useconds_t)(b->o.warmup * 1e6));
	window_begin(b, &win);
	__atomic_store_n(&b->measuring, 1, __ATOMIC_RELAXED);
	usleep((useconds_t)(b->o.duration * 1e6));
	__atomic_store_n(&b->measuring, 0, __ATOMIC_RELAXED);
	win.t1 = now_ns();
	window_end(b, &win);
	bench_set_phase(b, PH_STOP);
	if (bench_wait(b, all_answered, 30, "finishing"))
		rc = 1;
	bench_hists(b, &hc, &hr, &hd);
	acked = BENCH_SUM(b, measured_ok);
	secs_ns = win.t1 - win.t0;

	r = report_new(b, "writes");
	report_int(r, "writers", "writers", (long long)wn, "");
	report_int(r, "post", "post", (long long)post, "");
	report_int(r, "body_bytes", "body size", b->o.size, "B");
	report_num(r, "warmup_s", "warm-up (not measured)", b->o.warmup, "s", 1);
	report_int(r, "acked", "acknowledged in the window", (long long)acked, "");
	report_num(r, "writes_per_s", "acknowledged writes per second",
		   secs_ns ? (double)acked * 1e9 / (double)secs_ns : 0, "/s", 0);
	report_hist(r, "reply", "comment.create -> ok", &hr);
	report_int(r, "total_acked", "acknowledged in all", (long long)BENCH_SUM(b, replies_ok), "");
	report_int(r, "errors", "error replies", (long long)BENCH_SUM(b, replies_err), "");
	report_int(r, "lost", "connections lost", (long long)BENCH_SUM(b, lost), "");
	report_int(r, "other_events", "events received", (long long)BENCH_SUM(b, events_other), "");
	report_window(r, b, &win, acked, "write");
	report_node_writes(r, b, (double)secs_ns / 1e9);
	report_end(r);
	bench_print_errors(b);
	bench_stop(b);
	if (BENCH_SUM(b, replies_err) || BENCH_SUM(b, lost))
		rc = 1;
	return rc;
}
