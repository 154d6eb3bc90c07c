/*
 * rounds: R rounds of S subscribers each and one publisher per round; the
 * offered rate is spread evenly over the publishers (each sends rate / R
 * per second, its turn offset so that together they send at an even pace).
 * By default every message is an idea (post.create, announced by
 * post.created), which is what a busy forum carries; --op chat, or a server
 * without posts (a comparison peer), publishes with the proto's publish
 * (chat.send). A subscriber must get every message of its own round exactly
 * once and nothing from any other round: each message carries its round's
 * source number in its sequence number (roles.c).
 */
#include "osbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* What subscriber c should have had: its round's acknowledged messages. */
static uint64_t
want_of_round(struct bench *b, const struct conn *c)
{
	return role_pub_acked(&b->conns[c->src]);
}

static int
published(struct bench *b)
{
	return __atomic_load_n(&b->pub_done, __ATOMIC_ACQUIRE) >= b->npubs ||
	       BENCH_SUM(b, lost);
}

/* The rounds: created and opened by the manager, or for a peer only the
 * subject numbers from --round (1) on. */
static int64_t *
make_rounds(struct bench *b, int n)
{
	int64_t *ids = calloc((size_t)n, sizeof *ids);

	if (!ids)
		return NULL;
	for (int i = 0; i < n; i++) {
		if (b->proto->peer) {
			ids[i] = (b->o.round > 0 ? b->o.round : 1) + i;
			continue;
		}
		ids[i] = setup_open_round(b);
		if (ids[i] <= 0) {
			free(ids);
			return NULL;
		}
	}
	return ids;
}

/* How many subscribers got every message of their own round, and the
 * most any one missed. Read once the deliveries have stopped. */
static void
check_subscribers(struct bench *b, size_t r, uint64_t *complete, uint64_t *worst)
{
	*complete = 0;
	*worst = 0;
	for (size_t i = r; i < b->nconns; i++) {
		const struct conn *c = &b->conns[i];
		uint64_t want = role_pub_acked(&b->conns[c->src]), got = role_sub_distinct(c);

		if (got >= want)
			(*complete)++;
		else if (want - got > *worst)
			*worst = want - got;
	}
}

int
sc_rounds(struct bench *b)
{
	size_t r = (size_t)b->o.rounds, s = (size_t)b->o.subscribers, nsubs = r * s;
	struct window win;
	struct hist hc, hr, hd;
	struct report *rep;
	uint64_t sent, ok, err, expected, distinct, deliveries, last, pub_start, pub_end;
	uint64_t complete, worst, cross;
	double pub_s, span_s;
	int64_t *rounds;
	int rc = 0, use_post;
	char mode[64];

	/* Ideas unless asked otherwise; the publisher role reads o.op. */
	use_post = (!b->o.op || !strcmp(b->o.op, "post")) && b->proto->post && !b->proto->peer;
	b->o.op = use_post ? "post" : "chat";
	if (b->o.rate > 0 && !b->o.messages && (double)r / b->o.rate > b->o.duration)
		fprintf(stderr, "osbench: rounds: warning: each round gets a message every %.1f s, "
				"longer than --duration: some rounds get none\n",
			(double)r / b->o.rate);
	if (!b->o.quiet)
		fprintf(stderr, "osbench: rounds: creating %zu rounds\n", r);
	if (!(rounds = make_rounds(b, (int)r)))
		return 2;
	b->delivery_ev = use_post ? b->proto->post_ev : "chat.message";
	b->npubs = (int)r;
	if (bench_alloc_conns(b, r + nsubs, r)) {
		free(rounds);
		return 2;
	}
	for (size_t i = 0; i < r; i++) {
		b->conns[i].role = ROLE_PUB;
		b->conns[i].target = rounds[i];
		b->conns[i].src = (uint32_t)i;
	}
	/* Round by round in turn, so that every worker holds subscribers of
	 * every round. */
	for (size_t i = 0; i < nsubs; i++) {
		struct conn *c = &b->conns[r + i];

		c->role = ROLE_SUB;
		c->src = (uint32_t)(i % r);
		c->target = rounds[i % r];
		/* Several nodes: each round's subscribers spread over all. */
		c->node = (uint8_t)((i / r) % (size_t)b->nnodes);
	}
	if (bench_start(b)) {
		free(rounds);
		return 2;
	}
	if (!b->o.quiet)
		fprintf(stderr, "osbench: rounds: rounds %lld..%lld, %zu subscribers each, %s\n",
			(long long)rounds[0], (long long)rounds[r - 1], s,
			use_post ? "post.create" : "chat.send");
	if (bench_subscribe_all(b, nsubs)) {
		free(rounds);
		return 2;
	}

	window_begin(b, &win);
	bench_set_phase(b, PH_RUN);
	rc = bench_publish_and_drain(b, published);
	bench_set_phase(b, PH_STOP);
	window_end(b, &win);
	bench_hists(b, &hc, &hr, &hd);
	check_subscribers(b, r, &complete, &worst);

	sent = BENCH_SUM(b, pub_sent);
	ok = BENCH_SUM(b, pub_ok);
	err = BENCH_SUM(b, pub_err);
	expected = ok * s;
	distinct = BENCH_SUM(b, distinct);
	deliveries = BENCH_SUM(b, deliveries);
	cross = BENCH_SUM(b, cross);
	last = BENCH_MAX(b, last_delivery_ns);
	pub_start = b->pub_start_ns;
	pub_end = b->pub_end_ns ? b->pub_end_ns : win.t1;
	pub_s = pub_end > pub_start ? (double)(pub_end - pub_start) / 1e9 : 0;
	span_s = last > pub_start ? (double)(last - pub_start) / 1e9 : 0;
	if (b->o.rate > 0)
		snprintf(mode, sizeof mode, "%.0f msg/s offered in all", b->o.rate);
	else
		snprintf(mode, sizeof mode, "closed loop, window %d each", b->o.window);

	rep = report_new(b, "rounds");
	report_int(rep, "rounds", "rounds", (long long)r, "");
	report_int(rep, "subscribers", "subscribers per round", (long long)s, "");
	report_int(rep, "subscribers_total", "subscribers in all", (long long)nsubs, "");
	report_int(rep, "round_first", "first round", (long long)rounds[0], "");
	report_int(rep, "round_last", "last round", (long long)rounds[r - 1], "");
	report_str(rep, "op", "published as", use_post ? "post.create" : "chat.send");
	report_str(rep, "tag", "marker tag (in every body)", b->tag);
	report_str(rep, "mode", "publishers (one per round)", mode);
	report_num(rep, "rate", "offered rate in all (0: closed loop)", b->o.rate, "msg/s", 0);
	report_num(rep, "rate_per_round", "offered rate per round", b->o.rate / (double)r,
		   "msg/s", 2);
	report_int(rep, "body_bytes", "body size", b->o.size, "B");
	report_section(rep, "publishers");
	report_int(rep, "sent", "published", (long long)sent, "");
	report_int(rep, "acked", "acknowledged ok", (long long)ok, "");
	report_int(rep, "send_errors", "error replies", (long long)err, "");
	report_int(rep, "unanswered", "no reply by the end of the drain",
		   (long long)(sent > ok + err ? sent - ok - err : 0), "");
	report_num(rep, "publish_s", "publishing time", pub_s, "s", 3);
	report_num(rep, "publish_rate", "achieved publish rate in all",
		   pub_s > 0 ? (double)sent / pub_s : 0, "msg/s", 1);
	report_hist(rep, "send", "publish -> ok", &hr);
	report_section(rep, "subscribers");
	report_int(rep, "deliveries", "deliveries of their own round", (long long)deliveries, "");
	report_int(rep, "expected", "expected (acked x subscribers per round)",
		   (long long)expected, "");
	report_int(rep, "missing", "missing",
		   (long long)(expected > distinct ? expected - distinct : 0), "");
	report_int(rep, "duplicates", "duplicate or late", (long long)BENCH_SUM(b, dups), "");
	report_int(rep, "cross_round", "deliveries from another round", (long long)cross, "");
	report_int(rep, "subscribers_complete", "subscribers with all of their round",
		   (long long)complete, "");
	report_int(rep, "worst_missing", "most missed by one subscriber", (long long)worst, "");
	report_int(rep, "lost", "connections lost", (long long)BENCH_SUM(b, lost), "");
	report_num(rep, "deliveries_per_s", "deliveries per second (first send to last delivery)",
		   span_s > 0 ? (double)deliveries / span_s : 0, "/s", 0);
	report_num(rep, "drain_s", "last delivery after last send",
		   last > pub_end ? (double)(last - pub_end) / 1e9 : 0, "s", 3);
	report_hist(rep, "delivery", "publish -> delivery", &hd);
	report_int(rep, "other_events", "other events (presence, ...)",
		   (long long)BENCH_SUM(b, events_other), "");
	report_int(rep, "frames_in", "frames received", (long long)BENCH_SUM(b, frames_in), "");
	report_int(rep, "objects_in", "objects received", (long long)BENCH_SUM(b, objs_in), "");
	report_window(rep, b, &win, deliveries, "delivery");
	report_nodes(rep, b, ok, want_of_round);
	report_str(rep, "complete", "every message to its round's every subscriber, only",
		   expected == distinct && complete == nsubs && !cross && !BENCH_SUM(b, dups) &&
				   !err && sent == ok
			   ? "yes"
			   : "NO");
	report_end(rep);
	bench_print_errors(b);
	bench_stop(b);
	free(rounds);
	if (expected != distinct || complete != nsubs || cross || err || sent != ok ||
	    BENCH_SUM(b, lost) || BENCH_SUM(b, dups))
		rc = 1;
	return rc;
}
