/*
 * slow: a fan-out at a fixed rate with one more subscriber in a child
 * process, which subscribes, reads normally for a window, and is then
 * stopped with SIGSTOP. The server must not let that reader hold the others
 * back or grow its memory without bound: it queues at most 4,096 messages
 * or 8 MiB for a connection and then closes it (1008). The kernel's socket
 * buffers (the server's send buffer, the reader's receive buffer) absorb a
 * few MB first, so the rate and message size decide how long the drop
 * takes. Measured: the others' latency before, while the reader is stopped
 * and after it is gone; the server's RSS over time; when the server closed
 * the stopped reader's socket (its state in /proc/net/tcp); and, once the
 * child is continued, what it saw.
 *
 * The child is a fork of this process, made before any worker thread
 * starts; it runs its own one-connection bench and dies with its parent
 * (PR_SET_PDEATHSIG), so a stopped child never outlives a killed run.
 */
#include "osbench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto.h"

#define SAMPLE_US    250000
#define MAX_SAMPLES  4096

struct child {
	pid_t pid;
	int rd;          /* the child's lines */
	int wr;          /* "go" once continued */
	int port;        /* its local port */
	char line[512];  /* its last line */
};

/* ---- the child ---- */

static int
child_subscribed(struct bench *b)
{
	return BENCH_SUM(b, subscribed) + BENCH_SUM(b, sub_err) + BENCH_SUM(b, lost) +
		       BENCH_SUM(b, failed) >= 1;
}

static void
child_say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
child_say(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0 && write(fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1) < 0)
		_exit(3);
}

/* Reads until the connection ends or nothing came for 2 s (60 s at most). */
static void
child_drain(struct bench *b)
{
	uint64_t start = now_ns();

	while (!BENCH_SUM(b, lost) && now_ns() - start < 60000000000ull) {
		uint64_t last = BENCH_MAX(b, last_rx_ns), now = now_ns();

		if (now > last && now - last > 2000000000ull && now - start > 2000000000ull)
			break;
		usleep(20000);
	}
}

static void __attribute__((noreturn))
child_main(struct bench *b, int64_t round, int out, int in, pid_t parent, double wait_s)
{
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	struct pollfd pfd = {.fd = in, .events = POLLIN};
	char go;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	b->o.quiet = 1;
	b->nworkers = 1;
	b->o.connect_parallel = 1;
	if (bench_alloc_conns(b, 1, 0)) {
		child_say(out, "fail out of memory\n");
		_exit(1);
	}
	b->conns[0].role = ROLE_SUB;
	b->conns[0].target = round;
	if (bench_start(b)) {
		child_say(out, "fail cannot start a worker\n");
		_exit(1);
	}
	if (bench_connect_all(b) || bench_wait(b, child_subscribed, 30, NULL) ||
	    !BENCH_SUM(b, subscribed)) {
		child_say(out, "fail %s\n", b->workers[0].error[0] ? b->workers[0].error
								  : "not subscribed");
		_exit(1);
	}
	if (b->o.slow_rcvbuf > 0)
		setsockopt(b->conns[0].fd, SOL_SOCKET, SO_RCVBUF, &b->o.slow_rcvbuf,
			   sizeof b->o.slow_rcvbuf);
	getsockname(b->conns[0].fd, (struct sockaddr *)&me, &len);
	child_say(out, "ready %d\n", ntohs(me.sin_port));
	/* Here the parent stops us, later continues us and says go. */
	if (poll(&pfd, 1, (int)(wait_s * 1000)) <= 0 || read(in, &go, 1) != 1)
		_exit(1);
	child_drain(b);
	child_say(out, "done %llu %llu %llu %llu %llu %s\n",
		  (unsigned long long)BENCH_SUM(b, deliveries),
		  (unsigned long long)BENCH_SUM(b, distinct), (unsigned long long)BENCH_SUM(b, dups),
		  (unsigned long long)BENCH_SUM(b, bytes_in), (unsigned long long)BENCH_SUM(b, lost),
		  b->workers[0].error[0] ? b->workers[0].error : "still open");
	_exit(0);
}

/* ---- the parent's side ---- */

/* Reads one line from the child within timeout_s; 0 when one came. */
static int
child_line(struct child *ch, double timeout_s)
{
	size_t n = 0;
	uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);

	while (n < sizeof ch->line - 1) {
		struct pollfd pfd = {.fd = ch->rd, .events = POLLIN};
		uint64_t now = now_ns();
		int k;

		if (now >= deadline)
			break;
		k = poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || read(ch->rd, ch->line + n, 1) != 1)
			break;
		if (ch->line[n] == '\n') {
			ch->line[n] = '\0';
			return 0;
		}
		n++;
	}
	ch->line[n] = '\0';
	return -1;
}

static int
child_spawn(struct bench *b, struct child *ch, int64_t round, double wait_s)
{
	int up[2], down[2];
	pid_t parent = getpid();

	memset(ch, 0, sizeof *ch);
	ch->rd = ch->wr = -1;
	if (pipe(up) || pipe(down)) {
		perror("osbench: pipe");
		return -1;
	}
	fflush(NULL);
	ch->pid = fork();
	if (ch->pid < 0) {
		perror("osbench: fork");
		return -1;
	}
	if (ch->pid == 0) {
		close(up[0]);
		close(down[1]);
		child_main(b, round, up[1], down[0], parent, wait_s);
	}
	close(up[1]);
	close(down[0]);
	ch->rd = up[0];
	ch->wr = down[1];
	if (child_line(ch, 60) || sscanf(ch->line, "ready %d", &ch->port) != 1) {
		fprintf(stderr, "osbench: slow: the stopped reader did not subscribe: %s\n",
			ch->line[0] ? ch->line : "no answer");
		return -1;
	}
	return 0;
}

/* Ends the child whatever its state; safe to call more than once. */
static void
child_reap(struct child *ch)
{
	if (ch->pid > 0) {
		kill(ch->pid, SIGKILL);
		kill(ch->pid, SIGCONT);
		waitpid(ch->pid, NULL, 0);
		ch->pid = 0;
	}
	if (ch->rd >= 0)
		close(ch->rd);
	if (ch->wr >= 0)
		close(ch->wr);
	ch->rd = ch->wr = -1;
}

/* The TCP state of the connection from port lport to port rport in
 * /proc/net/tcp (1 established, 4 FIN_WAIT1, ...), 0 when there is none,
 * with its send and receive queues in bytes. */
static int
tcp_state(int lport, int rport, unsigned long *txq, unsigned long *rxq)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	int state = 0;

	*txq = *rxq = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		unsigned lp, rp, st;
		unsigned long tx, rx;

		if (sscanf(line, " %*d: %*8x:%x %*8x:%x %x %lx:%lx", &lp, &rp, &st, &tx, &rx) != 5)
			continue;
		if ((int)lp == lport && (int)rp == rport) {
			state = (int)st;
			*txq = tx;
			*rxq = rx;
			break;
		}
	}
	fclose(f);
	return state;
}

struct sample {
	double t;        /* seconds since the reader was stopped (negative before) */
	long rss_kb;
};

struct slowrun {
	struct sample s[MAX_SAMPLES];
	size_t n;
	uint64_t t_stop;
	long rss_max_kb;
	long rss_stop_kb;
};

/* Samples the server's RSS every SAMPLE_US for secs, or until until()
 * holds. Returns 1 when until() held. */
static int
watch(struct bench *b, struct slowrun *sr, double secs, int (*until)(void *), void *arg)
{
	uint64_t end = now_ns() + (uint64_t)(secs * 1e9);

	for (;;) {
		struct procstat ps;
		uint64_t now = now_ns();

		if (procstat_read(b->o.server_pid, &ps) == 0 && sr->n < MAX_SAMPLES) {
			sr->s[sr->n].t = ((double)now - (double)sr->t_stop) / 1e9;
			sr->s[sr->n].rss_kb = ps.rss_kb;
			sr->n++;
			if (ps.rss_kb > sr->rss_max_kb)
				sr->rss_max_kb = ps.rss_kb;
		}
		if (until && until(arg))
			return 1;
		if (now >= end)
			return 0;
		usleep(SAMPLE_US);
	}
}

struct dropwatch {
	int server_port, child_port;
	int state;
	unsigned long txq, rxq;         /* the server's send queue, the reader's receive queue */
	unsigned long txq_max, rxq_max;
};

static int
dropped(void *arg)
{
	struct dropwatch *d = arg;
	unsigned long rx_unused;

	d->state = tcp_state(d->server_port, d->child_port, &d->txq, &rx_unused);
	tcp_state(d->child_port, d->server_port, &rx_unused, &d->rxq);
	if (d->state == 1) {
		if (d->txq > d->txq_max)
			d->txq_max = d->txq;
		if (d->rxq > d->rxq_max)
			d->rxq_max = d->rxq;
	}
	return d->state >= 0 && d->state != 1;
}

/* The RSS series, one sample a second, as "t:KiB" pairs. */
static void
series(const struct slowrun *sr, char *out, size_t cap)
{
	size_t len = 0;
	double next = -1e9;

	out[0] = '\0';
	for (size_t i = 0; i < sr->n && len + 24 < cap; i++) {
		if (sr->s[i].t < next)
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s%.0f:%ld", len ? " " : "",
					sr->s[i].t, sr->s[i].rss_kb);
		next = sr->s[i].t + 0.999;
	}
}

static const char *
state_name(int st)
{
	static const char *names[] = {"none", "ESTABLISHED", "SYN_SENT", "SYN_RECV",
				      "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
				      "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

	return st >= 0 && st < (int)(sizeof names / sizeof names[0]) ? names[st] : "unknown";
}

int
sc_slow(struct bench *b)
{
	static struct slowrun sr;
	struct dropwatch dw = {0};
	struct child ch = {.pid = 0, .rd = -1, .wr = -1};
	struct fwin fw[3];
	struct window all;
	struct report *r;
	int64_t round = b->o.round;
	double wlen = b->o.duration, drop_s = -1;
	unsigned long long c_deliv = 0, c_distinct = 0, c_dups = 0, c_bytes = 0, c_lost = 0;
	char why[200] = "", ser[2048];
	int rc = 0, was_dropped;
	uint64_t acked;

	if (b->o.server_pid <= 0)
		fprintf(stderr, "osbench: slow: without --server-pid the server's memory is "
				"not sampled\n");
	if (round <= 0 && (round = b->proto->peer ? 1 : setup_open_round(b)) <= 0)
		return 2;
	/* Before any thread starts: the child is a plain copy of this one,
	 * and counts what fanout_prepare's subscribers count. */
	b->delivery_ev = "chat.message";
	if (child_spawn(b, &ch, round, b->o.slow_timeout + 4 * wlen + 300)) {
		child_reap(&ch);
		return 2;
	}
	if (fanout_prepare(b, &round)) {
		child_reap(&ch);
		return 2;
	}
	dw.server_port = b->o.port;
	dw.child_port = ch.port;

	window_begin(b, &all);
	bench_set_phase(b, PH_RUN);
	usleep((useconds_t)(b->o.warmup * 1e6));
	sr.t_stop = now_ns() + (uint64_t)(wlen * 1e9);
	fwin_open(b, &fw[0], 0, "before", "the reader reads");
	watch(b, &sr, wlen, NULL, NULL);
	fwin_close(b, &fw[0]);

	fwin_open(b, &fw[1], 1, "stopped", "the reader stopped, until the server drops it");
	sr.t_stop = now_ns();
	sr.rss_stop_kb = sr.n ? sr.s[sr.n - 1].rss_kb : 0;
	if (kill(ch.pid, SIGSTOP)) {
		perror("osbench: slow: SIGSTOP");
		bench_stop(b);
		child_reap(&ch);
		return 2;
	}
	if (!b->o.quiet)
		fprintf(stderr, "osbench: slow: reader %d (port %d) stopped; waiting at most %.0f s "
				"for the server to drop it\n", (int)ch.pid, ch.port, b->o.slow_timeout);
	was_dropped = watch(b, &sr, b->o.slow_timeout, dropped, &dw);
	if (was_dropped)
		drop_s = (double)(now_ns() - sr.t_stop) / 1e9;
	fwin_close(b, &fw[1]);

	fwin_open(b, &fw[2], 2, "after", was_dropped ? "after the drop" : "still stopped");
	watch(b, &sr, wlen, NULL, NULL);
	fwin_close(b, &fw[2]);

	r = report_new(b, "slow");
	report_int(r, "subscribers", "subscribers besides the stopped one", b->o.subscribers, "");
	report_int(r, "round", "round", (long long)round, "");
	report_num(r, "rate", "offered rate", b->o.rate, "msg/s", 0);
	report_int(r, "body_bytes", "body size", b->o.size, "B");
	report_section(r, "the stopped reader");
	report_str(r, "dropped", "server closed its socket", was_dropped ? "yes" : "NO");
	report_num(r, "drop_s", "after it was stopped (-1: not within the timeout)", drop_s, "s",
		   2);
	report_str(r, "drop_state", "server side of its socket at the end", state_name(dw.state));
	report_int(r, "kernel_server_sendq_max", "server's send queue at most (kernel)",
		   (long long)dw.txq_max, "B");
	report_int(r, "kernel_reader_recvq_max", "reader's receive queue at most (kernel)",
		   (long long)dw.rxq_max, "B");
	report_num(r, "bytes_per_delivery", "bytes received per delivery (others)",
		   BENCH_SUM(b, deliveries) ? (double)BENCH_SUM(b, bytes_in) /
						      (double)BENCH_SUM(b, deliveries)
					    : 0,
		   "B", 0);
	report_int(r, "rss_before_kb", "server RSS when it was stopped", sr.rss_stop_kb, "KiB");
	report_int(r, "rss_max_kb", "server RSS at most (sampled every 0.25 s)", sr.rss_max_kb,
		   "KiB");
	report_int(r, "rss_end_kb", "server RSS at the end", sr.n ? sr.s[sr.n - 1].rss_kb : 0,
		   "KiB");
	series(&sr, ser, sizeof ser);
	report_str(r, "rss_series", "RSS by second from the stop (s:KiB)", ser);
	for (int k = 0; k < 3; k++)
		fwin_report(r, b, &fw[k], k);
	if (fanout_finish(b, r, &all))
		rc = 1;
	acked = BENCH_SUM(b, pub_ok);

	/* Now let the child read what reached it, and hear what it saw. */
	kill(ch.pid, SIGCONT);
	if (write(ch.wr, "g", 1) == 1 && child_line(&ch, 90) == 0 &&
	    sscanf(ch.line, "done %llu %llu %llu %llu %llu %199[^\n]", &c_deliv, &c_distinct,
		   &c_dups, &c_bytes, &c_lost, why) >= 5) {
		report_section(r, "what the stopped reader saw once continued");
		report_int(r, "reader_deliveries", "deliveries", (long long)c_deliv, "");
		report_int(r, "reader_missing", "messages it never got",
			   (long long)(acked > c_distinct ? acked - c_distinct : 0), "");
		report_int(r, "reader_bytes", "bytes received", (long long)c_bytes, "B");
		report_str(r, "reader_end", "how its connection ended", why);
	} else {
		fprintf(stderr, "osbench: slow: no report from the reader: %s\n", ch.line);
	}
	report_end(r);
	bench_print_errors(b);
	bench_stop(b);
	child_reap(&ch);
	if (!was_dropped)
		rc = 1;
	return rc;
}
