/*
 * fanout: S subscribers on one round, one publisher sending chat.send at an
 * offered rate (or closed-loop with a window). Each body carries the run's
 * tag, a sequence number and the send time (CLOCK_MONOTONIC, same machine),
 * so every subscriber measures publish-to-delivery latency and checks that
 * it got every message exactly once.
 */
#include "osbench.h"

#include <stdio.h>
#include <string.h>

static int
published(struct bench *b)
{
	return __atomic_load_n(&b->pub_done, __ATOMIC_ACQUIRE) || BENCH_SUM(b, lost);
}

int
sc_fanout(struct bench *b)
{
	size_t s = (size_t)b->o.subscribers;
	struct window win;
	struct hist hc, hr, hd;
	struct report *r;
	uint64_t sent, ok, err, expected, distinct, deliveries, last, pub_start, pub_end;
	double pub_s, span_s;
	int64_t round = b->o.round;
	int rc = 0;
	char mode[64];

	if (round <= 0 && (round = setup_open_round(b)) <= 0)
		return 2;
	b->delivery_ev = "chat.message";
	if (bench_alloc_conns(b, s + 1, 1))
		return 2;
	b->conns[0].role = ROLE_PUB;
	b->conns[0].target = round;
	for (size_t i = 1; i <= s; i++) {
		b->conns[i].role = ROLE_SUB;
		b->conns[i].target = round;
	}
	/* Several nodes: the publisher on the first, subscribers round-robin. */
	bench_spread(b, 1, s);
	if (bench_start(b))
		return 2;
	if (!b->o.quiet)
		fprintf(stderr, "osbench: fanout: round %lld, %zu subscribers on %d node%s\n",
			(long long)round, s, b->nnodes, b->nnodes == 1 ? "" : "s");
	if (bench_subscribe_all(b, s))
		return 2;

	window_begin(b, &win);
	bench_set_phase(b, PH_RUN);
	rc = bench_publish_and_drain(b, published);
	bench_set_phase(b, PH_STOP);
	window_end(b, &win);
	bench_hists(b, &hc, &hr, &hd);

	sent = BENCH_SUM(b, pub_sent);
	ok = BENCH_SUM(b, pub_ok);
	err = BENCH_SUM(b, pub_err);
	expected = ok * s;
	distinct = BENCH_SUM(b, distinct);
	deliveries = BENCH_SUM(b, deliveries);
	last = BENCH_MAX(b, last_delivery_ns);
	pub_start = b->pub_start_ns;
	pub_end = b->pub_end_ns ? b->pub_end_ns : win.t1;
	pub_s = pub_end > pub_start ? (double)(pub_end - pub_start) / 1e9 : 0;
	span_s = last > pub_start ? (double)(last - pub_start) / 1e9 : 0;
	if (b->o.rate > 0)
		snprintf(mode, sizeof mode, "%.0f msg/s offered", b->o.rate);
	else
		snprintf(mode, sizeof mode, "closed loop, window %d", b->o.window ? b->o.window : 64);

	r = report_new(b, "fanout");
	report_int(r, "subscribers", "subscribers", (long long)s, "");
	report_int(r, "round", "round", (long long)round, "");
	report_str(r, "mode", "publisher", mode);
	report_num(r, "rate", "offered rate (0: closed loop)", b->o.rate, "msg/s", 0);
	report_int(r, "body_bytes", "body size", b->o.size, "B");
	report_section(r, "publisher");
	report_int(r, "sent", "chat.send sent", (long long)sent, "");
	report_int(r, "acked", "acknowledged ok", (long long)ok, "");
	report_int(r, "send_errors", "error replies", (long long)err, "");
	report_int(r, "unanswered", "no reply by the end of the drain",
		   (long long)(sent > ok + err ? sent - ok - err : 0), "");
	report_int(r, "stalls", "window full (publisher waited)", (long long)BENCH_SUM(b, pub_stalls), "");
	report_num(r, "publish_s", "publishing time", pub_s, "s", 3);
	report_num(r, "publish_rate", "achieved publish rate", pub_s > 0 ? (double)sent / pub_s : 0,
		   "msg/s", 1);
	report_hist(r, "send", "chat.send -> ok", &hr);
	report_section(r, "subscribers");
	report_int(r, "deliveries", "chat.message deliveries", (long long)deliveries, "");
	report_int(r, "expected", "expected (acked x subscribers)", (long long)expected, "");
	report_int(r, "missing", "missing", (long long)(expected > distinct ? expected - distinct : 0), "");
	report_int(r, "duplicates", "duplicate or late", (long long)BENCH_SUM(b, dups), "");
	report_int(r, "lost", "connections lost", (long long)BENCH_SUM(b, lost), "");
	report_num(r, "deliveries_per_s", "deliveries per second (first send to last delivery)",
		   span_s > 0 ? (double)deliveries / span_s : 0, "/s", 0);
	report_num(r, "drain_s", "last delivery after last send",
		   last > pub_end ? (double)(last - pub_end) / 1e9 : 0, "s", 3);
	report_hist(r, "delivery", "publish -> delivery", &hd);
	report_int(r, "other_events", "other events (presence, ...)",
		   (long long)BENCH_SUM(b, events_other), "");
	report_int(r, "frames_in", "frames received", (long long)BENCH_SUM(b, frames_in), "");
	report_int(r, "objects_in", "objects received", (long long)BENCH_SUM(b, objs_in), "");
	report_int(r, "epoll_waits", "epoll_wait calls", (long long)BENCH_SUM(b, waits), "");
	report_int(r, "reads", "recv calls", (long long)BENCH_SUM(b, reads), "");
	report_window(r, b, &win, deliveries, "delivery");
	report_nodes(r, b, ok, NULL);
	report_str(r, "complete", "every message to every subscriber",
		   expected == distinct && !BENCH_SUM(b, dups) && !err && sent == ok ? "yes" : "NO");
	report_end(r);
	bench_print_errors(b);
	bench_stop(b);
	if (expected != distinct || err || sent != ok || BENCH_SUM(b, lost) || BENCH_SUM(b, dups))
		rc = 1;
	return rc;
}
