/*
 * Results as a table for people (stdout) and one JSON line for scripts
 * (stdout, starting with {"osbench":). Keys are stable; labels are free.
 */
#include "osbench.h"
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct report {
	char *json;
	size_t len, cap;
};

static void
jappend(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(r->json + r->len, r->cap - r->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < r->cap - r->len) {
			r->len += (size_t)n;
			return;
		}
		{
			size_t cap = r->cap * 2 + (size_t)(n > 0 ? n : 0) + 256;
			char *p = realloc(r->json, cap);

			if (!p)
				return;
			r->json = p;
			r->cap = cap;
		}
	}
}

static void
jstring(struct report *r, const char *s)
{
	jappend(r, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			jappend(r, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			jappend(r, "\\u%04x", (unsigned char)*s);
		else
			jappend(r, "%c", *s);
	}
	jappend(r, "\"");
}

static void
row(const char *label, const char *value, const char *unit)
{
	printf("  %-38s %14s %s\n", label, value, unit ? unit : "");
}

struct report *
report_new(struct bench *b, const char *scenario)
{
	struct report *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->cap = 1024;
	r->json = malloc(r->cap);
	if (!r->json) {
		free(r);
		return NULL;
	}
	r->json[0] = '\0';
	printf("\n== osbench %s: %s on %s (%d worker thread%s%s) ==\n", scenario,
	       b->proto->name, b->host_header, b->o.threads, b->o.threads == 1 ? "" : "s",
	       b->nworkers > b->o.threads ? " + 1 for the publisher" : "");
	jappend(r, "{\"osbench\":1,\"scenario\":");
	jstring(r, scenario);
	jappend(r, ",\"server\":");
	jstring(r, b->proto->name);
	if (b->o.label) {
		jappend(r, ",\"label\":");
		jstring(r, b->o.label);
	}
	jappend(r, ",\"threads\":%d", b->o.threads);
	return r;
}

void
report_section(struct report *r, const char *title)
{
	(void)r;
	printf("  -- %s\n", title);
}

void
report_int(struct report *r, const char *key, const char *label, long long v, const char *unit)
{
	char s[32];

	snprintf(s, sizeof s, "%lld", v);
	row(label, s, unit);
	jappend(r, ",\"%s\":%lld", key, v);
}

void
report_num(struct report *r, const char *key, const char *label, double v, const char *unit,
	   int decimals)
{
	char s[48];

	snprintf(s, sizeof s, "%.*f", decimals, v);
	row(label, s, unit);
	jappend(r, ",\"%s\":%.*f", key, decimals, v);
}

void
report_str(struct report *r, const char *key, const char *label, const char *v)
{
	row(label, v, NULL);
	jappend(r, ",\"%s\":", key);
	jstring(r, v);
}

void
report_hist(struct report *r, const char *key, const char *label, const struct hist *h)
{
	static const struct {
		const char *name;
		double q;
	} qs[] = {{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"p999", 0.999}, {"max", 1.0}};
	char line[160], kk[64];
	size_t n = 0;

	n += (size_t)snprintf(line + n, sizeof line - n, "%s (us):", label);
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		double us = (double)hist_quantile(h, qs[i].q) / 1000.0;

		n += (size_t)snprintf(line + n, sizeof line - n, " %s %.0f", qs[i].name, us);
		if (n >= sizeof line)
			n = sizeof line - 1;
		snprintf(kk, sizeof kk, "%s_%s_us", key, qs[i].name);
		jappend(r, ",\"%s\":%.1f", kk, us);
	}
	printf("  %s  (n=%llu, mean %.0f)\n", line, (unsigned long long)h->count,
	       hist_mean(h) / 1000.0);
	jappend(r, ",\"%s_mean_us\":%.1f,\"%s_count\":%llu", key, hist_mean(h) / 1000.0, key,
		(unsigned long long)h->count);
}

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

void
report_window(struct report *r, struct bench *b, const struct window *win, uint64_t units,
	      const char *unit_name)
{
	double secs = (double)(win->t1 - win->t0) / 1e9;
	double cpu = tv_s(&win->r1.ru_utime) - tv_s(&win->r0.ru_utime) +
		     tv_s(&win->r1.ru_stime) - tv_s(&win->r0.ru_stime);
	char label[96];

	report_section(r, "cost");
	report_num(r, "window_s", "measured window", secs, "s", 3);
	report_num(r, "client_cpu_s", "osbench CPU (user+sys)", cpu, "s", 3);
	report_num(r, "client_cpu_pct", "osbench CPU, % of one core",
		   secs > 0 ? 100.0 * cpu / secs : 0, "%", 1);
	if (units) {
		snprintf(label, sizeof label, "osbench CPU per %s", unit_name);
		report_num(r, "client_ns_per_unit", label, cpu * 1e9 / (double)units, "ns", 0);
	}
	if (win->s0.ok && win->s1.ok) {
		double scpu = win->s1.cpu_s - win->s0.cpu_s;

		report_num(r, "server_cpu_s", "server CPU (user+sys)", scpu, "s", 2);
		report_num(r, "server_cpu_pct", "server CPU, % of one core",
			   secs > 0 ? 100.0 * scpu / secs : 0, "%", 1);
		if (units) {
			snprintf(label, sizeof label, "server CPU per %s", unit_name);
			report_num(r, "server_ns_per_unit", label, scpu * 1e9 / (double)units,
				   "ns", 0);
		}
		report_int(r, "server_rss_kb", "server RSS at end", win->s1.rss_kb, "KiB");
		report_int(r, "server_hwm_kb", "server peak RSS (since start)", win->s1.hwm_kb,
			   "KiB");
		report_int(r, "server_threads", "server threads", win->s1.threads, "");
	}
	if (win->m1 > win->m0 && secs > 0) {
		double busy = win->m1 - win->m0;
		double other = busy - cpu - (win->s0.ok && win->s1.ok ? win->s1.cpu_s - win->s0.cpu_s : 0);

		report_num(r, "machine_cpu_pct", "whole machine busy, % of one core",
			   100.0 * busy / secs, "%", 1);
		/* Other processes competing for the cores make figures noisy. */
		report_num(r, "other_cpu_pct", "other processes, % of one core",
			   other > 0 ? 100.0 * other / secs : 0, "%", 1);
	}
	(void)b;
}

uint64_t
report_nodes(struct report *r, struct bench *b, uint64_t acked,
	     uint64_t (*want)(struct bench *b, const struct conn *c))
{
	uint64_t all_missing = 0, got_any[OSB_MAX_NODES] = {0};
	char key[64], label[96], ports[OSB_MAX_NODES * 7];
	size_t n = 0;

	if (b->nnodes < 2)
		return 0;
	for (int k = 0; k < b->nnodes; k++)
		n += (size_t)snprintf(ports + n, sizeof ports - n, "%s%d", k ? "," : "",
				      b->o.ports[k]);
	report_int(r, "nodes", "nodes (servers)", b->nnodes, "");
	report_str(r, "ports", "their ports (publisher on the first)", ports);
	for (int k = 0; k < b->nnodes; k++) {
		uint64_t subs = 0, expected = 0, missing = 0, complete = 0, dups, dels;
		struct hist h;

		for (size_t i = 0; i < b->nconns; i++) {
			const struct conn *c = &b->conns[i];
			uint64_t w, g;

			if (c->role != ROLE_SUB || c->node != k)
				continue;
			w = want ? want(b, c) : acked;
			g = role_sub_distinct(c);
			subs++;
			expected += w;
			if (g >= w)
				complete++;
			else
				missing += w - g;
		}
		dels = BENCH_NODE_SUM(b, node_deliveries, k);
		dups = BENCH_NODE_SUM(b, node_dups, k);
		got_any[k] = dels;
		all_missing += missing;
		snprintf(label, sizeof label, "node %d (port %d)%s", k + 1, b->o.ports[k],
			 k ? "" : ", the publisher's");
		report_section(r, label);
#define NKEY(s) (snprintf(key, sizeof key, "node%d_%s", k + 1, (s)), key)
		report_int(r, NKEY("port"), "port", b->o.ports[k], "");
		report_int(r, NKEY("subscribers"), "subscribers", (long long)subs, "");
		report_int(r, NKEY("deliveries"), "deliveries", (long long)dels, "");
		report_int(r, NKEY("expected"), "expected (acked x subscribers)", (long long)expected, "");
		report_int(r, NKEY("missing"), "missing", (long long)missing, "");
		report_int(r, NKEY("duplicates"), "duplicate or late", (long long)dups, "");
		report_int(r, NKEY("subscribers_complete"), "subscribers with every message",
			   (long long)complete, "");
		bench_node_hist(b, k, &h);
		report_hist(r, NKEY("delivery"), "publish -> delivery", &h);
#undef NKEY
	}
	for (int k = 1; k < b->nnodes; k++)
		if (!got_any[k] && acked) {
			char msg[200];

			snprintf(msg, sizeof msg, "node %d got none of node 1's messages: "
				 "the nodes do not pass events to each other", k + 1);
			fprintf(stderr, "osbench: %s (is each server started with --nats?)\n", msg);
			snprintf(key, sizeof key, "node%d_diagnosis", k + 1);
			report_str(r, key, "diagnosis", msg);
		}
	return all_missing;
}

void
report_node_writes(struct report *r, struct bench *b, double secs)
{
	char key[64], label[64];

	if (b->nnodes < 2)
		return;
	report_int(r, "nodes", "nodes (servers)", b->nnodes, "");
	for (int k = 0; k < b->nnodes; k++) {
		uint64_t writers = 0, ok = BENCH_NODE_SUM(b, node_measured_ok, k);

		for (size_t i = 0; i < b->nconns; i++)
			writers += b->conns[i].role == ROLE_WRITER && b->conns[i].node == k;
		snprintf(label, sizeof label, "node %d (port %d)", k + 1, b->o.ports[k]);
		report_section(r, label);
		snprintf(key, sizeof key, "node%d_port", k + 1);
		report_int(r, key, "port", b->o.ports[k], "");
		snprintf(key, sizeof key, "node%d_writers", k + 1);
		report_int(r, key, "writers", (long long)writers, "");
		snprintf(key, sizeof key, "node%d_writes_per_s", k + 1);
		report_num(r, key, "acknowledged writes per second",
			   secs > 0 ? (double)ok / secs : 0, "/s", 0);
	}
}

void
report_end(struct report *r)
{
	printf("%s}\n", r->json);
	fflush(stdout);
	free(r->json);
	free(r);
}
