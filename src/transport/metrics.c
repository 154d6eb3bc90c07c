/*
 * The metrics: counting helpers, and the Prometheus text built at each
 * scrape from the counters of every layer, the connection list and
 * /proc/self.
 */
#include "transport/metrics.h"
#include "transport/cluster.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "transport/internal.h"

/* Replies take from well under a millisecond (a read) to a few
 * milliseconds (a write waits for its group's fsync); seconds mean
 * trouble. */
const uint64_t metrics_latency_bounds[METRICS_LATENCY_BOUNDS] = {
	100,    250,    500,     1000,    2500,    5000,    10000,
	25000,  50000,  100000,  250000,  500000,  1000000, 2500000};
const uint64_t metrics_fsync_bounds[METRICS_FSYNC_BOUNDS] = {
	50,     100,    250,     500,     1000,    2500,    5000,
	10000,  25000,  50000,   100000,  250000,  1000000, 2500000};

void
metrics_signin(struct metrics *m, int err)
{
	int o;

	switch (err) {
	case OS_OK:
		o = SIGNIN_OK;
		break;
	case OS_EBADCRED:
		o = SIGNIN_BADCRED;
		break;
	case OS_ERATELIMIT:
		o = SIGNIN_THROTTLED;
		break;
	case OS_EBUSY:
		o = SIGNIN_BUSY;
		break;
	case OS_EBADREQ:
		o = SIGNIN_BADREQ;
		break;
	default:
		o = SIGNIN_ERROR;
		break;
	}
	m->signins[o]++;
}

void
metrics_http(struct metrics *m, int route, int status)
{
	if (route >= 0 && route < METRICS_HTTP_ROUTES && status >= 100 && status < 600)
		m->http[route][status / 100 - 1]++;
}

void
metrics_reply(struct metrics *m, int64_t rx_us, int64_t now_us)
{
	os_hist_observe(&m->reply, metrics_latency_bounds, METRICS_LATENCY_BOUNDS,
			now_us > rx_us ? (uint64_t)(now_us - rx_us) : 0);
}

/* ---- rendering ---- */

static void
family(struct os_buf *b, const char *name, const char *type, const char *help)
{
	os_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A family of one sample without labels. */
static void
single(struct os_buf *b, const char *name, const char *type, const char *help, uint64_t v)
{
	family(b, name, type, help);
	os_buf_addf(b, "%s %" PRIu64 "\n", name, v);
}

/* A histogram whose values and bounds are in units of scale (1e-6 for
 * microseconds shown as seconds, 1 for counts). */
static void
histogram(struct os_buf *b, const char *name, const char *help, const struct os_hist *h,
	  const uint64_t *bounds, size_t nb, double scale)
{
	uint64_t cum = 0;

	family(b, name, "histogram", help);
	for (size_t i = 0; i < nb; i++) {
		cum += h->counts[i];
		os_buf_addf(b, "%s_bucket{le=\"%.6g\"} %" PRIu64 "\n", name,
			    (double)bounds[i] * scale, cum);
	}
	os_buf_addf(b, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, h->count);
	if (scale == 1.0)
		os_buf_addf(b, "%s_sum %" PRIu64 "\n", name, h->sum);
	else
		os_buf_addf(b, "%s_sum %.6f\n", name, (double)h->sum * scale);
	os_buf_addf(b, "%s_count %" PRIu64 "\n", name, h->count);
}

/* Requests by op and outcome. Several errors share a protocol code
 * (internal): they are one outcome. Every op shows its "ok" line, so that
 * rates start from zero; the other outcomes once they have happened. */
static void
requests(struct os_buf *b, const struct dispatch *d)
{
	size_t nops = dispatch_ops();

	family(b, "openstrat_ws_requests_total", "counter",
	       "WebSocket requests answered, by op and outcome (ok or the error code); "
	       "op \"unknown\" for requests that named no known op");
	for (size_t op = 0; op <= nops; op++) {
		const char *name = dispatch_op_name(op);

		for (int e = 0; e < OS_ERR_COUNT; e++) {
			const char *code = e ? os_err_code(e) : "ok";
			uint64_t n = 0;
			int seen = 0;

			for (int f = 1; f < e && !seen; f++)
				seen = !strcmp(os_err_code(f), code);
			if (seen)
				continue;
			for (int f = e; f < OS_ERR_COUNT; f++)
				if (f == e || (e && !strcmp(os_err_code(f), code)))
					n += dispatch_requests(d, op, f);
			if (n || (e == 0 && op < nops))
				os_buf_addf(b,
					    "openstrat_ws_requests_total{op=\"%s\",outcome=\"%s\"} "
					    "%" PRIu64 "\n",
					    name, code, n);
		}
	}
}

static void
signins(struct os_buf *b, const struct metrics *m)
{
	static const char *const names[SIGNIN_N] = {
		[SIGNIN_OK] = "ok",           [SIGNIN_BADCRED] = "bad_credentials",
		[SIGNIN_THROTTLED] = "throttled", [SIGNIN_BUSY] = "busy",
		[SIGNIN_BADREQ] = "bad_request", [SIGNIN_ERROR] = "error"};

	family(b, "openstrat_signins_total", "counter",
	       "Sign-ins (POST /api/login) by outcome: ok, bad_credentials, throttled "
	       "(refused by the failure back-off), busy (the hashing queue was full), "
	       "bad_request, error");
	for (int i = 0; i < SIGNIN_N; i++)
		os_buf_addf(b, "openstrat_signins_total{outcome=\"%s\"} %" PRIu64 "\n",
			    names[i], m->signins[i]);
}

static void
http_requests(struct os_buf *b, const struct metrics *m)
{
	family(b, "openstrat_http_requests_total", "counter",
	       "HTTP requests answered, by route and status class (WebSocket upgrades "
	       "that were accepted are not among them)");
	for (int r = 0; r < METRICS_HTTP_ROUTES; r++) {
		const char *route = http_route_name(r);

		if (!route)
			continue;
		for (int c = 0; c < 5; c++)
			if (c == 1 || m->http[r][c])
				os_buf_addf(b,
					    "openstrat_http_requests_total{route=\"%s\",status=\"%dxx\"} "
					    "%" PRIu64 "\n",
					    route, c + 1, m->http[r][c]);
	}
}

static void
database_files(struct os_buf *b, const char *path)
{
	char wal[4200];
	struct stat main_sb, wal_sb;
	int has_main = path && stat(path, &main_sb) == 0;
	int has_wal = path && (size_t)snprintf(wal, sizeof wal, "%s-wal", path) < sizeof wal &&
		      stat(wal, &wal_sb) == 0;

	if (!has_main && !has_wal)
		return; /* an in-memory database */
	family(b, "openstrat_database_bytes", "gauge",
	       "Size of the database files: the main file and its write-ahead log");
	if (has_main)
		os_buf_addf(b, "openstrat_database_bytes{file=\"main\"} %lld\n",
			    (long long)main_sb.st_size);
	if (has_wal)
		os_buf_addf(b, "openstrat_database_bytes{file=\"wal\"} %lld\n",
			    (long long)wal_sb.st_size);
}

/* The process's own figures, named as every Prometheus client names them,
 * from /proc (Linux). What cannot be read is left out. */
static void
process_metrics(struct os_buf *b)
{
	unsigned long long utime, stime, start, vsize;
	long long rss;
	long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	char stat_line[1024], line[256];
	long long btime = -1;
	struct rlimit rl;
	FILE *f;
	DIR *dir;

	f = fopen("/proc/stat", "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	if (f)
		fclose(f);
	f = fopen("/proc/self/stat", "r");
	if (f) {
		size_t n = fread(stat_line, 1, sizeof stat_line - 1, f);
		/* The command name, in parentheses, may hold anything. */
		char *p;

		fclose(f);
		stat_line[n] = '\0';
		p = strrchr(stat_line, ')');
		if (p && tick > 0 && page > 0 &&
		    sscanf(p + 1,
			   /* state, then ppid ... cmajflt */
			   " %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s"
			   /* utime stime, cutime ... itrealvalue */
			   " %llu %llu %*s %*s %*s %*s %*s %*s"
			   /* starttime vsize rss */
			   " %llu %llu %lld",
			   &utime, &stime, &start, &vsize, &rss) == 5) {
			family(b, "process_cpu_seconds_total", "counter",
			       "Total user and system CPU time spent in seconds.");
			os_buf_addf(b, "process_cpu_seconds_total %.2f\n",
				    (double)(utime + stime) / (double)tick);
			single(b, "process_resident_memory_bytes", "gauge",
			       "Resident memory size in bytes.", (uint64_t)rss * (uint64_t)page);
			single(b, "process_virtual_memory_bytes", "gauge",
			       "Virtual memory size in bytes.", vsize);
			if (btime >= 0) {
				family(b, "process_start_time_seconds", "gauge",
				       "Start time of the process since unix epoch in seconds.");
				os_buf_addf(b, "process_start_time_seconds %.2f\n",
					    (double)btime + (double)start / (double)tick);
			}
		}
	}
	dir = opendir("/proc/self/fd");
	if (dir) {
		uint64_t n = 0;
		struct dirent *e;

		while ((e = readdir(dir)))
			if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(dir))
				n++;
		closedir(dir);
		single(b, "process_open_fds", "gauge", "Number of open file descriptors.", n);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		single(b, "process_max_fds", "gauge",
		       "Maximum number of open file descriptors.", (uint64_t)rl.rlim_cur);
}

char *
metrics_render(struct server *s, size_t *len)
{
	const struct metrics *m = &s->metrics;
	const struct store_stats *st = store_stats(s->st);
	struct os_hist syncs = {0};
	uint64_t sync_failures = 0, qbytes = 0, qmsgs = 0, subs = 0;
	struct os_buf b;

	os_buf_init(&b);
	for (const struct conn *c = s->conns; c; c = c->next) {
		qbytes += c->q_bytes;
		qmsgs += c->q_count;
		subs += c->nsubs;
	}
	if (s->sync.running) {
		pthread_mutex_lock(&s->sync.mu);
		syncs = m->fsync;
		sync_failures = m->fsync_failures;
		pthread_mutex_unlock(&s->sync.mu);
	}

	family(&b, "openstrat_build_info", "gauge", "The running version; always 1");
	os_buf_addf(&b, "openstrat_build_info{version=\"%s\"} 1\n", OPENSTRAT_VERSION);

	single(&b, "openstrat_ws_connections", "gauge", "WebSocket connections open",
	       s->nconns);
	single(&b, "openstrat_ws_connections_accepted_total", "counter",
	       "WebSocket connections accepted", m->ws_accepted);
	single(&b, "openstrat_ws_upgrades_refused_total", "counter",
	       "WebSocket upgrades refused (wrong path or subprotocol, foreign origin, "
	       "no valid session)",
	       m->ws_refused);
	single(&b, "openstrat_ws_messages_in_total", "counter",
	       "WebSocket messages received from clients", m->ws_in);
	single(&b, "openstrat_ws_messages_out_total", "counter",
	       "WebSocket messages queued to clients (replies and events; an event "
	       "counts once per connection it goes to)",
	       m->ws_out);
	single(&b, "openstrat_ws_frames_sent_total", "counter",
	       "WebSocket frames written (several messages may share one frame)",
	       m->ws_frames);
	single(&b, "openstrat_ws_sent_bytes_total", "counter",
	       "WebSocket payload bytes written", m->ws_bytes);
	single(&b, "openstrat_ws_queue_messages", "gauge",
	       "Messages waiting in the outbound queues of all connections", qmsgs);
	single(&b, "openstrat_ws_queue_bytes", "gauge",
	       "Bytes waiting in the outbound queues of all connections", qbytes);
	single(&b, "openstrat_ws_subscriptions", "gauge",
	       "Round subscriptions of the open connections", subs);
	single(&b, "openstrat_ws_slow_readers_dropped_total", "counter",
	       "Connections closed (1008) because their outbound queue passed its bound",
	       m->ws_slow);
	single(&b, "openstrat_ws_flooders_dropped_total", "counter",
	       "Connections closed (1008) for going on sending over the per-connection "
	       "request limit",
	       m->ws_flood);
	single(&b, "openstrat_ws_requests_refused_total", "counter",
	       "WebSocket requests answered rate_limited by the per-connection limit "
	       "without being carried out (not in openstrat_ws_requests_total)",
	       m->ws_over_budget);
	requests(&b, s->disp);
	histogram(&b, "openstrat_ws_reply_latency_seconds",
		  "Time from a request's arrival to its reply being queued; replies to "
		  "writes wait for their group commit and its fsync",
		  &m->reply, metrics_latency_bounds, METRICS_LATENCY_BOUNDS, 1e-6);

	single(&b, "openstrat_store_group_commits_total", "counter",
	       "Groups of writes committed", st->commits);
	single(&b, "openstrat_store_group_commit_failures_total", "counter",
	       "Groups of writes that failed to commit and were rolled back",
	       st->commit_failures);
	histogram(&b, "openstrat_store_group_writes",
		  "Write operations per committed group", &st->group_writes,
		  store_group_bounds, STORE_GROUP_BOUNDS, 1.0);
	histogram(&b, "openstrat_store_fsync_seconds",
		  "Duration of the fsync of the write-ahead log that makes committed "
		  "groups durable (the sync thread's, with --sync full)",
		  &syncs, metrics_fsync_bounds, METRICS_FSYNC_BOUNDS, 1e-6);
	single(&b, "openstrat_store_fsync_failures_total", "counter",
	       "Failed fsyncs of the write-ahead log (their writes were answered internal)",
	       sync_failures);
	database_files(&b, s->opts.db_path);
	if (s->mailer) {
		struct mailer_stats ms;

		mailer_stats(s->mailer, &ms);
		single(&b, "openstrat_mail_outbox_pending", "gauge",
		       "Mails in the outbox waiting to be sent", (uint64_t)ms.pending);
		single(&b, "openstrat_mail_outbox_failed", "gauge",
		       "Mails given up on after 24 hours of retries", (uint64_t)ms.failed);
		single(&b, "openstrat_mail_sent_total", "counter",
		       "Mails the SMTP server accepted since start", ms.sent);
		single(&b, "openstrat_mail_attempts_failed_total", "counter",
		       "SMTP attempts that failed since start (each is retried)",
		       ms.attempts_failed);
	}

	cluster_metrics(s, &b);
	signins(&b, m);
	single(&b, "openstrat_password_jobs", "gauge",
	       "Password hashing jobs queued or running", s->pw ? (uint64_t)pwpool_pending(s->pw) : 0);
	http_requests(&b, m);
	process_metrics(&b);
	return os_buf_detach(&b, len);
}
