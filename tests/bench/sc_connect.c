/*
 * connect: open N authenticated WebSockets, say hello on each, optionally
 * hold them idle. Measures the handshake and hello latencies, how fast the
 * server accepts, its memory per connection and its CPU at idle.
 */
#include "osbench.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The server's open file descriptors, or -1. */
static long
server_fds(int pid)
{
	char path[64];
	DIR *d;
	long n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", pid);
	if (pid <= 0 || !(d = opendir(path)))
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2; /* . and .. */
}

/* The server's soft limit on open files, from /proc/PID/limits, or -1. */
static long
server_fd_limit(int pid)
{
	char path[64], line[256];
	FILE *f;
	long soft = -1;

	snprintf(path, sizeof path, "/proc/%d/limits", pid);
	if (pid <= 0 || !(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "Max open files", 14)) {
			soft = strtol(line + 14, NULL, 10);
			break;
		}
	fclose(f);
	return soft;
}

static int
all_answered(struct bench *b)
{
	return BENCH_SUM(b, replies_ok) + BENCH_SUM(b, replies_err) >= BENCH_SUM(b, requests) &&
	       BENCH_SUM(b, requests) >= BENCH_SUM(b, opened);
}

int
sc_connect(struct bench *b)
{
	size_t n = (size_t)b->o.connections;
	struct window win, idle;
	struct hist hc, hr, hd;
	struct report *r;
	uint64_t t_open, t_hello, opened;
	int rc = 0;

	if (bench_alloc_conns(b, n, 0))
		return 2;
	for (size_t i = 0; i < n; i++)
		b->conns[i].role = ROLE_HELLO;
	bench_spread(b, 0, n);
	if (bench_start(b))
		return 2;
	window_begin(b, &win);
	if (bench_connect_all(b))
		rc = 1;
	t_open = now_ns();
	if (bench_wait(b, all_answered, 30, "hello"))
		rc = 1;
	t_hello = now_ns();
	window_end(b, &win);
	memset(&idle, 0, sizeof idle);
	if (b->o.hold > 0) {
		if (!b->o.quiet)
			fprintf(stderr, "osbench: holding %llu connections for %.0f s\n",
				(unsigned long long)BENCH_SUM(b, opened), b->o.hold);
		window_begin(b, &idle);
		usleep((useconds_t)(b->o.hold * 1e6));
		window_end(b, &idle);
	}
	bench_set_phase(b, PH_STOP);
	bench_hists(b, &hc, &hr, &hd);
	opened = BENCH_SUM(b, opened);

	r = report_new(b, "connect");
	report_int(r, "connections", "connections asked", (long long)n, "");
	report_str(r, "source_addrs", "from", b->o.source_addrs ? b->o.source_addrs : "any");
	report_int(r, "opened", "opened", (long long)opened, "");
	report_int(r, "failed", "failed", (long long)BENCH_SUM(b, failed), "");
	report_int(r, "lost", "lost after opening", (long long)BENCH_SUM(b, lost), "");
	report_num(r, "open_s", "time to open all", (double)(t_open - win.t0) / 1e9, "s", 3);
	report_num(r, "open_per_s", "connections opened per second",
		   t_open > win.t0 ? (double)opened * 1e9 / (double)(t_open - win.t0) : 0, "/s", 0);
	report_hist(r, "connect", "connect to 101", &hc);
	report_int(r, "hello_ok", "hello replies ok", (long long)BENCH_SUM(b, replies_ok), "");
	report_int(r, "hello_err", "hello replies with an error",
		   (long long)BENCH_SUM(b, replies_err), "");
	report_num(r, "hello_s", "time to all hello replies", (double)(t_hello - win.t0) / 1e9,
		   "s", 3);
	report_hist(r, "hello", "hello reply", &hr);
	report_window(r, b, &win, opened, "connection");
	if (win.s0.ok && win.s1.ok && opened)
		report_num(r, "server_kb_per_conn", "server RSS growth per connection",
			   (double)(win.s1.rss_kb - win.s0.rss_kb) / (double)opened, "KiB", 2);
	if (b->o.server_pid > 0) {
		report_int(r, "server_fds", "server's open descriptors",
			   server_fds(b->o.server_pid), "");
		report_int(r, "server_fd_limit", "server's limit on them (soft)",
			   server_fd_limit(b->o.server_pid), "");
	}
	if (idle.t1 && idle.s0.ok && idle.s1.ok) {
		double secs = (double)(idle.t1 - idle.t0) / 1e9;

		report_section(r, "idle hold");
		report_num(r, "idle_s", "held idle", secs, "s", 1);
		report_num(r, "idle_server_cpu_pct", "server CPU at idle, % of one core",
			   100.0 * (idle.s1.cpu_s - idle.s0.cpu_s) / secs, "%", 2);
		report_int(r, "idle_server_rss_kb", "server RSS while held", idle.s1.rss_kb, "KiB");
		report_int(r, "idle_lost", "connections lost during the hold",
			   (long long)BENCH_SUM(b, lost), "");
	}
	report_end(r);
	bench_print_errors(b);
	bench_stop(b);
	if (BENCH_SUM(b, failed) || BENCH_SUM(b, lost) || BENCH_SUM(b, replies_err))
		rc = 1;
	return rc;
}
