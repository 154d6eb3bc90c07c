/*
 * storm: a fan-out at a fixed rate, measured in three windows: before, while
 * N logins (POST /api/login, real accounts, correct passwords) are all in
 * flight at once, and after. Password hashing (argon2id, tens of ms each)
 * runs on the server's worker threads, off its event loop, so the fan-out's
 * latency should not move; this measures whether it does. --bad-logins adds
 * logins with wrong passwords for unknown users, from --bad-source (another
 * loopback address), so that the server's per-address throttle, which they
 * may trip, never blocks 127.0.0.1 and the logins of later runs.
 *
 * Also here: the windows, shared with sc_slow.c. A delivery counts in the
 * window its message was sent in (roles.c), so a message published during
 * the storm and delivered after it still counts as the storm's.
 */
#include "osbench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "proto.h"

#define LOGIN_IO_TIMEOUT_S 120

/* ---- windows ---- */

void
fwin_open(struct bench *b, struct fwin *f, int k, const char *key, const char *label)
{
	f->key = key;
	f->label = label;
	window_begin(b, &f->w);
	__atomic_store_n(&b->win_start[k], f->w.t0, __ATOMIC_RELAXED);
	__atomic_store_n(&b->nwin, k + 1, __ATOMIC_RELEASE);
}

void
fwin_close(struct bench *b, struct fwin *f)
{
	window_end(b, &f->w);
}

void
fwin_report(struct report *r, struct bench *b, const struct fwin *f, int k)
{
	const struct window *w = &f->w;
	double secs = (double)(w->t1 - w->t0) / 1e9;
	uint64_t n = bench_sum(b, offsetof(struct wstats, win_deliveries) +
				       (size_t)k * sizeof(uint64_t));
	struct hist h;
	char key[64], label[96];

	hist_init(&h);
	for (int t = 0; t < b->nworkers; t++)
		hist_merge(&h, &b->workers[t].h_win[k]);
	snprintf(label, sizeof label, "window: %s", f->label);
	report_section(r, label);
	snprintf(key, sizeof key, "%s_window_s", f->key);
	report_num(r, key, "length", secs, "s", 3);
	snprintf(key, sizeof key, "%s_deliveries", f->key);
	report_int(r, key, "deliveries of messages sent in it", (long long)n, "");
	snprintf(key, sizeof key, "%s_deliveries_per_s", f->key);
	report_num(r, key, "the same per second of window", secs > 0 ? (double)n / secs : 0,
		   "/s", 0);
	snprintf(key, sizeof key, "%s_delivery", f->key);
	report_hist(r, key, "publish -> delivery", &h);
	if (w->s0.ok && w->s1.ok && secs > 0) {
		snprintf(key, sizeof key, "%s_server_cpu_pct", f->key);
		report_num(r, key, "server CPU, % of one core",
			   100.0 * (w->s1.cpu_s - w->s0.cpu_s) / secs, "%", 1);
		snprintf(key, sizeof key, "%s_server_rss_kb", f->key);
		report_int(r, key, "server RSS at its end", w->s1.rss_kb, "KiB");
	}
	if (w->m1 > w->m0 && secs > 0) {
		snprintf(key, sizeof key, "%s_machine_cpu_pct", f->key);
		report_num(r, key, "whole machine busy, % of one core",
			   100.0 * (w->m1 - w->m0) / secs, "%", 1);
	}
}

/* ---- the logins ---- */

struct login {
	struct storm *st;
	pthread_t thread;
	int bad;            /* a wrong password from the bad source */
	char *body;         /* the request's JSON */
	int status;         /* HTTP status, -1 when no answer */
	int has_token;
	uint64_t ns;        /* send to answer */
	char why[64];       /* for status -1 */
};

/* The threads wait for go, so that every login is sent at the same moment
 * whatever the time it took to start the threads. */
struct storm {
	struct bench *b;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready;
	int go;
	struct in_addr bad_src;
};

static int
send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* One POST /api/login over its own blocking connection (Connection: close,
 * so the answer ends at EOF). */
static void
login_run(struct login *l)
{
	struct bench *b = l->st->b;
	struct timeval tv = {LOGIN_IO_TIMEOUT_S, 0};
	char head[256], resp[4096];
	size_t got = 0;
	int fd, n;

	l->status = -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(l->why, sizeof l->why, "socket: %s", strerror(errno));
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (l->bad) {
		struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr = l->st->bad_src};

		if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) {
			snprintf(l->why, sizeof l->why, "bind: %s", strerror(errno));
			close(fd);
			return;
		}
	}
	n = snprintf(head, sizeof head,
		     "POST /api/login HTTP/1.1\r\nHost: %s\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n",
		     b->host_header, strlen(l->body));
	if (connect(fd, (struct sockaddr *)&b->addr, sizeof b->addr) < 0 ||
	    send_all(fd, head, (size_t)n) || send_all(fd, l->body, strlen(l->body))) {
		snprintf(l->why, sizeof l->why, "%s", strerror(errno));
		close(fd);
		return;
	}
	for (;;) {
		ssize_t k = recv(fd, resp + got, sizeof resp - 1 - got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
		if (got == sizeof resp - 1)
			break;
	}
	close(fd);
	resp[got] = '\0';
	if (sscanf(resp, "HTTP/1.%*d %d", &l->status) != 1) {
		l->status = -1;
		snprintf(l->why, sizeof l->why, "%s", got ? "no status line" : "no answer");
	}
	l->has_token = strstr(resp, "\"token\"") != NULL;
}

static void *
login_thread(void *arg)
{
	struct login *l = arg;
	uint64_t t0;

	pthread_mutex_lock(&l->st->mu);
	l->st->ready++;
	pthread_cond_broadcast(&l->st->cv);
	while (!l->st->go)
		pthread_cond_wait(&l->st->cv, &l->st->mu);
	pthread_mutex_unlock(&l->st->mu);
	t0 = now_ns();
	login_run(l);
	l->ns = now_ns() - t0;
	return NULL;
}

static char *
login_body(const char *name, const char *password)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "username", name);
	cJSON_AddStringToObject(o, "password", password);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* Builds the requests: the real accounts in turn with their passwords,
 * then the bad ones (an unknown name each, so that no real account's
 * failures count against it). */
static struct login *
logins_new(struct bench *b, struct storm *st, size_t ngood, size_t nbad)
{
	struct login *ls = calloc(ngood + nbad, sizeof *ls);

	if (!ls)
		return NULL;
	for (size_t i = 0; i < ngood + nbad; i++) {
		char name[64];

		ls[i].st = st;
		ls[i].bad = i >= ngood;
		if (!ls[i].bad) {
			const struct user *u = &b->users[i % b->nusers];

			ls[i].body = login_body(u->name, u->password);
		} else {
			snprintf(name, sizeof name, "osbench-nobody-%s-%zu", b->tag, i - ngood);
			ls[i].body = login_body(name, "not-the-password");
		}
		if (!ls[i].body) {
			while (i-- > 0)
				cJSON_free(ls[i].body);
			free(ls);
			return NULL;
		}
	}
	return ls;
}

static void
logins_free(struct login *ls, size_t n)
{
	for (size_t i = 0; ls && i < n; i++)
		cJSON_free(ls[i].body);
	free(ls);
}

/* Starts every login thread, releases them together and waits for all.
 * Returns -1 when not every thread started (those that did still ran). */
static int
logins_run(struct storm *st, struct login *ls, size_t n)
{
	size_t started = 0;

	for (; started < n; started++) {
		pthread_attr_t a;
		int err;

		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 256u << 10);
		err = pthread_create(&ls[started].thread, &a, login_thread, &ls[started]);
		pthread_attr_destroy(&a);
		if (err)
			break;
	}
	pthread_mutex_lock(&st->mu);
	while (st->ready < started)
		pthread_cond_wait(&st->cv, &st->mu);
	st->go = 1;
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
	for (size_t i = 0; i < started; i++)
		pthread_join(ls[i].thread, NULL);
	if (started < n) {
		fprintf(stderr, "osbench: storm: only %zu of %zu login threads started\n",
			started, n);
		return -1;
	}
	return 0;
}

/* One group's answers (good or bad logins): the status codes and the
 * latency from the release to the answer. Returns how many got 200. */
static size_t
report_logins(struct report *r, const char *key, const char *title, const struct login *ls,
	      size_t n, int bad)
{
	static const int codes[] = {200, 401, 429, 503};
	size_t count[5] = {0}, noans = 0, notoken = 0, m = 0;
	struct hist h;
	char k[64], label[64];
	const char *why = NULL;

	hist_init(&h);
	for (size_t i = 0; i < n; i++) {
		const struct login *l = &ls[i];
		size_t c = 4;

		if (l->bad != bad)
			continue;
		m++;
		if (l->status <= 0) {
			noans++;
			if (!why && l->why[0])
				why = l->why;
			continue;
		}
		hist_record(&h, l->ns);
		for (size_t j = 0; j < 4; j++)
			if (l->status == codes[j])
				c = j;
		count[c]++;
		if (l->status == 200 && !l->has_token)
			notoken++;
	}
	if (!m)
		return 0;
	report_section(r, title);
	snprintf(k, sizeof k, "%s_sent", key);
	report_int(r, k, "sent at once", (long long)m, "");
	for (size_t j = 0; j < 4; j++) {
		snprintf(k, sizeof k, "%s_%d", key, codes[j]);
		snprintf(label, sizeof label, "answered %d", codes[j]);
		report_int(r, k, label, (long long)count[j], "");
	}
	snprintf(k, sizeof k, "%s_other", key);
	report_int(r, k, "answered with another status", (long long)count[4], "");
	snprintf(k, sizeof k, "%s_no_answer", key);
	report_int(r, k, "no answer (or not sent)", (long long)noans, "");
	if (why)
		fprintf(stderr, "osbench: storm: a login got no answer: %s\n", why);
	if (!bad) {
		snprintf(k, sizeof k, "%s_200_without_token", key);
		report_int(r, k, "200 without a token", (long long)notoken, "");
	}
	snprintf(k, sizeof k, "%s_latency", key);
	report_hist(r, k, "release -> answer", &h);
	return count[0] - notoken;
}

/* A fan-out publisher that runs until PH_STOP: the windows decide the
 * length. Connects S subscribers and the publisher; 0 when all are in. */
int
fanout_prepare(struct bench *b, int64_t *round)
{
	size_t s = (size_t)b->o.subscribers;

	if (*round <= 0)
		*round = b->o.round > 0 ? b->o.round
					: b->proto->peer ? 1 : setup_open_round(b);
	if (*round <= 0)
		return -1;
	b->delivery_ev = "chat.message";
	b->o.op = NULL; /* the proto's publish: chat.send */
	b->o.messages = 0;
	b->o.duration = 86400;
	if (bench_alloc_conns(b, s + 1, 1))
		return -1;
	b->conns[0].role = ROLE_PUB;
	b->conns[0].target = *round;
	for (size_t i = 1; i <= s; i++) {
		b->conns[i].role = ROLE_SUB;
		b->conns[i].target = *round;
	}
	if (bench_start(b))
		return -1;
	if (!b->o.quiet)
		fprintf(stderr, "osbench: %s: round %lld, %zu subscribers, %.0f msg/s\n",
			b->o.scenario, (long long)*round, s, b->o.rate);
	return bench_subscribe_all(b, s);
}

/* Stops publishing, waits for the last deliveries and reports the totals
 * (as fanout does). Returns 0 when every message reached every subscriber. */
int
fanout_finish(struct bench *b, struct report *r, struct window *all)
{
	uint64_t sent, ok, err, expected, distinct, deliveries, last, end;
	struct hist hc, hr, hd;
	int rc = 0;

	bench_set_phase(b, PH_STOP);
	end = now_ns();
	if (bench_wait(b, bench_fanout_drained, b->o.drain, "draining"))
		rc = 1;
	window_end(b, all);
	bench_hists(b, &hc, &hr, &hd);
	sent = BENCH_SUM(b, pub_sent);
	ok = BENCH_SUM(b, pub_ok);
	err = BENCH_SUM(b, pub_err);
	expected = ok * (uint64_t)b->o.subscribers;
	distinct = BENCH_SUM(b, distinct);
	deliveries = BENCH_SUM(b, deliveries);
	last = BENCH_MAX(b, last_delivery_ns);
	report_section(r, "the whole run");
	report_int(r, "sent", "chat.send sent", (long long)sent, "");
	report_int(r, "acked", "acknowledged ok", (long long)ok, "");
	report_int(r, "send_errors", "error replies", (long long)err, "");
	report_int(r, "unanswered", "no reply by the end of the drain",
		   (long long)(sent > ok + err ? sent - ok - err : 0), "");
	report_hist(r, "send", "chat.send -> ok", &hr);
	report_int(r, "deliveries", "chat.message deliveries", (long long)deliveries, "");
	report_int(r, "expected", "expected (acked x subscribers)", (long long)expected, "");
	report_int(r, "missing", "missing",
		   (long long)(expected > distinct ? expected - distinct : 0), "");
	report_int(r, "duplicates", "duplicate or late", (long long)BENCH_SUM(b, dups), "");
	report_int(r, "lost", "connections lost", (long long)BENCH_SUM(b, lost), "");
	report_num(r, "drain_s", "last delivery after the publisher stopped",
		   last > end ? (double)(last - end) / 1e9 : 0, "s", 3);
	report_hist(r, "delivery", "publish -> delivery, whole run", &hd);
	report_window(r, b, all, deliveries, "delivery");
	if (expected != distinct || BENCH_SUM(b, dups) || err || sent != ok ||
	    BENCH_SUM(b, lost))
		rc = 1;
	report_str(r, "complete", "every message to every subscriber", rc ? "NO" : "yes");
	return rc;
}

static void
sleep_s(double s)
{
	if (s > 0)
		usleep((useconds_t)(s * 1e6));
}

int
sc_storm(struct bench *b)
{
	size_t ngood = (size_t)b->o.logins, nbad = (size_t)b->o.bad_logins, ok200;
	double wlen = b->o.duration;
	struct storm st = {.b = b};
	struct fwin fw[3];
	struct window all;
	struct login *ls;
	struct report *r;
	int64_t round = 0;
	int rc;
	uint64_t t_storm;

	if (b->proto->peer) {
		fprintf(stderr, "osbench: storm needs openstrat: the peers have no logins\n");
		return 2;
	}
	if (nbad && inet_pton(AF_INET, b->o.bad_source, &st.bad_src) != 1) {
		fprintf(stderr, "osbench: --bad-source must be an IPv4 address\n");
		return 2;
	}
	pthread_mutex_init(&st.mu, NULL);
	pthread_cond_init(&st.cv, NULL);
	if (!(ls = logins_new(b, &st, ngood, nbad)))
		return 2;
	if (fanout_prepare(b, &round)) {
		logins_free(ls, ngood + nbad);
		return 2;
	}
	window_begin(b, &all);
	bench_set_phase(b, PH_RUN);
	/* The publisher's first second is not measured. */
	sleep_s(b->o.warmup);
	fwin_open(b, &fw[0], 0, "before", "before the logins");
	sleep_s(wlen);
	fwin_close(b, &fw[0]);
	fwin_open(b, &fw[1], 1, "storm", "logins in flight");
	t_storm = now_ns();
	rc = logins_run(&st, ls, ngood + nbad) ? 1 : 0;
	t_storm = now_ns() - t_storm;
	fwin_close(b, &fw[1]);
	fwin_open(b, &fw[2], 2, "after", "after the logins");
	sleep_s(wlen);
	fwin_close(b, &fw[2]);

	r = report_new(b, "storm");
	report_int(r, "subscribers", "subscribers", b->o.subscribers, "");
	report_int(r, "round", "round", (long long)round, "");
	report_num(r, "rate", "offered rate", b->o.rate, "msg/s", 0);
	report_int(r, "body_bytes", "body size", b->o.size, "B");
	report_num(r, "storm_s", "all logins answered after", (double)t_storm / 1e9, "s", 3);
	ok200 = report_logins(r, "login", "logins (real accounts, right password)", ls,
			      ngood + nbad, 0);
	report_logins(r, "bad", "logins (unknown user, wrong password)", ls, ngood + nbad, 1);
	for (int k = 0; k < 3; k++)
		fwin_report(r, b, &fw[k], k);
	if (fanout_finish(b, r, &all))
		rc = 1;
	report_end(r);
	bench_print_errors(b);
	bench_stop(b);
	logins_free(ls, ngood + nbad);
	pthread_cond_destroy(&st.cv);
	pthread_mutex_destroy(&st.mu);
	if (ok200 != ngood) {
		fprintf(stderr, "osbench: storm: %zu of %zu logins with the right password "
				"succeeded\n", ok200, ngood);
		rc = 1;
	}
	return rc;
}
