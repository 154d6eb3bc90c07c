/*
 * Everything before the measurement, all blocking and bounded by timeouts:
 * accounts (a users file, or created with the openstrat CLI), logins over
 * HTTP, and a small WebSocket client for the setup requests (a round, a
 * post). Also the server's CPU and memory from /proc.
 */
#include "osbench.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "jscan.h"
#include "proto.h"
#include "wsframe.h"

#define IO_TIMEOUT_MS   30000
#define CLI_TIMEOUT_S   60

static int
is_staff_manager(const struct user *u)
{
	return !strcmp(u->role, "manager") || !strcmp(u->role, "admin");
}

static int
add_user(struct bench *b, const char *name, const char *password, const char *role)
{
	struct user *u;

	if (strlen(name) >= sizeof u->name || strlen(password) >= sizeof u->password ||
	    strlen(role) >= sizeof u->role) {
		fprintf(stderr, "osbench: user %s: field too long\n", name);
		return -1;
	}
	u = realloc(b->users, (b->nusers + 1) * sizeof *b->users);
	if (!u)
		return -1;
	b->users = u;
	u = &b->users[b->nusers++];
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", name);
	snprintf(u->password, sizeof u->password, "%s", password);
	snprintf(u->role, sizeof u->role, "%s", role);
	return 0;
}

int
users_load(struct bench *b, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "osbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char name[128], pass[256], role[32] = "employee";
		int n;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		n = sscanf(line, "%127s %255s %31s", name, pass, role);
		if (n < 2) {
			fprintf(stderr, "osbench: %s:%d: expected 'username password [role]'\n",
				path, lineno);
			fclose(f);
			return -1;
		}
		if (add_user(b, name, pass, role)) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!b->nusers) {
		fprintf(stderr, "osbench: %s lists no users\n", path);
		return -1;
	}
	return 0;
}

static pid_t
spawn_user_add(struct bench *b, const struct user *u)
{
	pid_t pid = fork();

	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		setenv("OPENSTRAT_PASSWORD", u->password, 1);
		execl(b->o.bin, b->o.bin, "user", "add", "--db", b->o.db, "--username", u->name,
		      "--role", u->role, "--org", "osbench", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Creates <prefix>mgr (a manager) and <prefix>1..n (employees) with the CLI,
 * a few at a time; a user that exists already (a re-run) is fine, since the
 * login that follows is what counts. */
int
users_create(struct bench *b, int n)
{
	char name[64];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t par = ncpu > 0 ? (size_t)ncpu : 2, next, running = 0, created = 0;
	pid_t *pids;
	time_t deadline;

	if (!b->o.db || !b->o.bin) {
		fprintf(stderr, "osbench: --create-users needs --db and --bin\n");
		return -1;
	}
	snprintf(name, sizeof name, "%smgr", b->o.prefix);
	if (add_user(b, name, b->o.password, "manager"))
		return -1;
	for (int i = 1; i <= n; i++) {
		snprintf(name, sizeof name, "%s%d", b->o.prefix, i);
		if (add_user(b, name, b->o.password, "employee"))
			return -1;
	}
	pids = calloc(par, sizeof *pids);
	if (!pids)
		return -1;
	deadline = time(NULL) + CLI_TIMEOUT_S + (time_t)b->nusers;
	for (next = 0; next < b->nusers || running;) {
		while (running < par && next < b->nusers) {
			size_t slot = 0;

			while (pids[slot])
				slot++;
			pids[slot] = spawn_user_add(b, &b->users[next++]);
			if (pids[slot] < 0) {
				perror("osbench: fork");
				pids[slot] = 0;
				break;
			}
			running++;
		}
		for (size_t s = 0; s < par; s++) {
			int status;

			if (!pids[s] || waitpid(pids[s], &status, WNOHANG) != pids[s])
				continue;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				created++;
			pids[s] = 0;
			running--;
		}
		if (time(NULL) > deadline) {
			fprintf(stderr, "osbench: 'user add' timed out\n");
			for (size_t s = 0; s < par; s++)
				if (pids[s]) {
					kill(pids[s], SIGKILL);
					waitpid(pids[s], NULL, 0);
				}
			free(pids);
			return -1;
		}
		usleep(5000);
	}
	free(pids);
	if (!b->o.quiet)
		fprintf(stderr, "osbench: %zu users created (%zu existed or failed)\n", created,
			b->nusers - created);
	return 0;
}

const struct user *
users_manager(const struct bench *b)
{
	for (size_t i = 0; i < b->nusers; i++)
		if (is_staff_manager(&b->users[i]))
			return &b->users[i];
	return NULL;
}

const char *
users_token_for(const struct bench *b, size_t i)
{
	size_t n = 0, k;

	if (!b->nusers) /* a peer: no accounts */
		return "";
	for (size_t j = 0; j < b->nusers; j++)
		n += !is_staff_manager(&b->users[j]);
	if (!n) /* only managers: they will do */
		return b->users[i % b->nusers].token;
	k = i % n;
	for (size_t j = 0; j < b->nusers; j++)
		if (!is_staff_manager(&b->users[j]) && k-- == 0)
			return b->users[j].token;
	return b->users[0].token;
}

/* ---- blocking sockets ---- */

static int
dial(struct bench *b)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {IO_TIMEOUT_MS / 1000, 0};

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&b->addr, sizeof b->addr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* POST /api/login; fills u->token. Returns the HTTP status, or -1. */
static int
login_once(struct bench *b, struct user *u)
{
	char head[512], resp[8192];
	cJSON *req = cJSON_CreateObject(), *j, *tok;
	char *body;
	int fd, status = -1, hn;
	size_t got = 0;

	cJSON_AddStringToObject(req, "username", u->name);
	cJSON_AddStringToObject(req, "password", u->password);
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	if (!body)
		return -1;
	fd = dial(b);
	if (fd < 0) {
		free(body);
		return -1;
	}
	hn = snprintf(head, sizeof head,
		      "POST /api/login HTTP/1.1\r\nHost: %s\r\n"
		      "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		      "Connection: close\r\n\r\n",
		      b->host_header, strlen(body));
	if (write_all(fd, head, (size_t)hn) || write_all(fd, body, strlen(body)))
		goto out;
	/* Read the head, then Content-Length bytes of body (or to EOF). */
	for (;;) {
		char *end;
		ssize_t k = recv(fd, resp + got, sizeof resp - 1 - got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k > 0)
			got += (size_t)k;
		resp[got] = '\0';
		end = strstr(resp, "\r\n\r\n");
		if (end) {
			const char *cl = strcasestr(resp, "\r\ncontent-length:");
			size_t want = cl ? strtoul(cl + 17, NULL, 10) : 0;

			if (!cl && k > 0 && got < sizeof resp - 1)
				continue;
			if ((size_t)(resp + got - (end + 4)) < want && k > 0 &&
			    got < sizeof resp - 1)
				continue;
			if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
				status = -1;
			if (status == 200) {
				j = cJSON_Parse(end + 4);
				tok = cJSON_GetObjectItemCaseSensitive(j, "token");
				if (cJSON_IsString(tok) && strlen(tok->valuestring) < sizeof u->token)
					snprintf(u->token, sizeof u->token, "%s", tok->valuestring);
				else
					status = -1;
				cJSON_Delete(j);
			}
			break;
		}
		if (k <= 0 || got >= sizeof resp - 1)
			break;
	}
out:
	close(fd);
	free(body);
	return status;
}

struct login_job {
	struct bench *b;
	size_t next;
	int failed;
	pthread_mutex_t mu;
};

static void *
login_thread(void *arg)
{
	struct login_job *job = arg;

	for (;;) {
		size_t i;
		int status = -1;

		pthread_mutex_lock(&job->mu);
		i = job->next++;
		pthread_mutex_unlock(&job->mu);
		if (i >= job->b->nusers)
			return NULL;
		for (int attempt = 0; attempt < 4; attempt++) {
			status = login_once(job->b, &job->b->users[i]);
			if (status == 200 || status == 401)
				break;
			sleep(1); /* 429 or a refused connection: try again */
		}
		if (status != 200) {
			if (status < 0)
				fprintf(stderr, "osbench: login as %s failed: no answer from %s\n",
					job->b->users[i].name, job->b->host_header);
			else
				fprintf(stderr, "osbench: login as %s failed: HTTP %d\n",
					job->b->users[i].name, status);
			pthread_mutex_lock(&job->mu);
			job->failed++;
			pthread_mutex_unlock(&job->mu);
		}
	}
}

/* Logs every user in, a few at a time: each login costs the server an
 * argon2id verification on its worker threads. */
int
users_login(struct bench *b)
{
	struct login_job job = {.b = b};
	pthread_t th[8];
	size_t n = b->nusers < 8 ? b->nusers : 8;
	uint64_t t0 = now_ns();

	pthread_mutex_init(&job.mu, NULL);
	for (size_t i = 0; i < n; i++)
		pthread_create(&th[i], NULL, login_thread, &job);
	for (size_t i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&job.mu);
	if (!b->o.quiet)
		fprintf(stderr, "osbench: %zu logins in %.2f s\n", b->nusers,
			(double)(now_ns() - t0) / 1e9);
	return job.failed ? -1 : 0;
}

/* ---- the control connection ---- */

struct ctl {
	struct bench *b;
	int fd;
	char *buf;           /* received bytes not yet parsed */
	size_t len, cap;
	char *msg;           /* a fragmented message in assembly */
	size_t msg_len;
	int64_t rid;
};

static int
ctl_fill(struct ctl *ctl)
{
	ssize_t k;

	if (ctl->cap - ctl->len < 65536) {
		char *p = realloc(ctl->buf, ctl->cap * 2 + 65536);

		if (!p)
			return -1;
		ctl->buf = p;
		ctl->cap = ctl->cap * 2 + 65536;
	}
	do
		k = recv(ctl->fd, ctl->buf + ctl->len, ctl->cap - ctl->len, 0);
	while (k < 0 && errno == EINTR);
	if (k <= 0)
		return -1;
	ctl->len += (size_t)k;
	return 0;
}

static int
ctl_send(struct ctl *ctl, int opcode, const char *p, size_t n)
{
	uint8_t *f = malloc(n + WS_CLIENT_HDR_MAX);
	uint32_t mask;
	int rc;

	if (!f)
		return -1;
	mask = (uint32_t)random();
	rc = write_all(ctl->fd, f, ws_frame_encode(f, opcode, p, n, mask));
	free(f);
	return rc;
}

struct ctl *
ctl_open(struct bench *b, const char *token)
{
	struct ctl *ctl = calloc(1, sizeof *ctl);
	char req[1024], key[25], expect[29], *end;
	int n;

	if (!ctl)
		return NULL;
	ctl->b = b;
	ctl->fd = dial(b);
	if (ctl->fd < 0) {
		fprintf(stderr, "osbench: cannot connect to %s: %s\n", b->host_header,
			strerror(errno));
		free(ctl);
		return NULL;
	}
	ws_make_key(key);
	n = snprintf(req, sizeof req,
		     "GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
		     "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
		     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: openstrat.v1\r\n"
		     "Authorization: Bearer %s\r\n\r\n",
		     b->host_header, key, token);
	if (write_all(ctl->fd, req, (size_t)n))
		goto fail;
	for (;;) {
		if (ctl_fill(ctl))
			goto fail;
		ctl->buf[ctl->len < ctl->cap ? ctl->len : ctl->cap - 1] = '\0';
		end = memmem(ctl->buf, ctl->len, "\r\n\r\n", 4);
		if (end)
			break;
	}
	ws_accept_for(key, expect);
	*end = '\0';
	if (strncmp(ctl->buf, "HTTP/1.1 101", 12) || !strcasestr(ctl->buf, expect)) {
		fprintf(stderr, "osbench: WebSocket upgrade refused: %.60s\n", ctl->buf);
		goto fail;
	}
	end += 4;
	ctl->len -= (size_t)(end - ctl->buf);
	memmove(ctl->buf, end, ctl->len);
	return ctl;
fail:
	ctl_close(ctl);
	return NULL;
}

void
ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	if (ctl->fd >= 0) {
		uint8_t code[2] = {0x03, 0xE8};

		ctl_send(ctl, WS_CLOSE, (const char *)code, 2);
		close(ctl->fd);
	}
	free(ctl->buf);
	free(ctl->msg);
	free(ctl);
}

/* The next whole text message (malloc'd, NUL-terminated), or NULL. */
static char *
ctl_next(struct ctl *ctl, size_t *len)
{
	for (;;) {
		struct ws_frame f;
		size_t need;
		int r = ws_frame_parse((uint8_t *)ctl->buf, ctl->len, &f, &need);

		if (r < 0)
			return NULL;
		if (r == 0) {
			if (ctl_fill(ctl))
				return NULL;
			continue;
		}
		{
			const char *pl = ctl->buf + f.hdr_len;
			size_t pn = (size_t)f.len, used = f.hdr_len + pn;
			char *out = NULL;

			if (f.opcode == WS_PING) {
				ctl_send(ctl, WS_PONG, pl, pn);
			} else if (f.opcode == WS_CLOSE) {
				return NULL;
			} else if (f.opcode == WS_TEXT || f.opcode == WS_CONT) {
				char *m = realloc(ctl->msg, ctl->msg_len + pn + 1);

				if (!m)
					return NULL;
				memcpy(m + ctl->msg_len, pl, pn);
				ctl->msg = m;
				ctl->msg_len += pn;
				if (f.fin) {
					out = ctl->msg;
					out[ctl->msg_len] = '\0';
					*len = ctl->msg_len;
					ctl->msg = NULL;
					ctl->msg_len = 0;
				}
			}
			ctl->len -= used;
			memmove(ctl->buf, ctl->buf + used, ctl->len);
			if (out)
				return out;
		}
	}
}

struct find {
	int64_t rid;
	const char *p;
	size_t n;
};

static void
find_reply(void *arg, const char *p, size_t n)
{
	struct find *f = arg;
	struct jmsg m;

	jscan_classify(p, n, &m);
	if (m.kind == JMSG_REPLY && m.rid == f->rid) {
		f->p = p;
		f->n = n;
	}
}

void *
ctl_call(struct ctl *ctl, const char *fmt, ...)
{
	char buf[4096];
	int64_t rid = ++ctl->rid;
	int n = snprintf(buf, sizeof buf, "{\"rid\":%lld,", (long long)rid), m;
	va_list ap;
	time_t deadline = time(NULL) + IO_TIMEOUT_MS / 1000;

	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) >= sizeof buf || ctl_send(ctl, WS_TEXT, buf, (size_t)(n + m)))
		return NULL;
	while (time(NULL) <= deadline) {
		size_t len;
		char *msg = ctl_next(ctl, &len);
		struct find f = {rid, NULL, 0};
		cJSON *j, *ok;

		if (!msg) {
			fprintf(stderr, "osbench: control connection lost\n");
			return NULL;
		}
		jscan_objects(msg, len, find_reply, &f);
		if (!f.p) {
			free(msg);
			continue;
		}
		j = cJSON_ParseWithLength(f.p, f.n);
		ok = cJSON_GetObjectItemCaseSensitive(j, "ok");
		if (!cJSON_IsTrue(ok)) {
			fprintf(stderr, "osbench: %.*s -> %.*s\n", n + m > 120 ? 120 : n + m, buf,
				(int)(f.n > 300 ? 300 : f.n), f.p);
			cJSON_Delete(j);
			j = NULL;
		}
		free(msg);
		return j;
	}
	fprintf(stderr, "osbench: no reply to %.80s\n", buf);
	return NULL;
}

static int64_t
id_of(cJSON *reply, const char *obj)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(reply, obj);
	cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");

	return cJSON_IsNumber(id) ? (int64_t)id->valuedouble : -1;
}

int64_t
setup_open_round(struct bench *b)
{
	static int64_t peer_rounds; /* main thread only */
	const struct user *mgr = users_manager(b);
	struct ctl *ctl;
	cJSON *r;
	int64_t id = -1;

	/* A peer's round is only a subject or room number: fresh each time. */
	if (b->proto->peer)
		return ++peer_rounds;
	if (!mgr) {
		fprintf(stderr, "osbench: creating a round needs a manager among the users "
				"(or pass --round ID)\n");
		return -1;
	}
	ctl = ctl_open(b, mgr->token);
	if (!ctl)
		return -1;
	r = ctl_call(ctl, "\"op\":\"round.create\",\"title\":\"osbench %s\","
			  "\"description\":\"load test round\",\"audience\":\"internal\","
			  "\"vote_mode\":\"updown\"}",
		     b->tag);
	if (r) {
		id = id_of(r, "round");
		cJSON_Delete(r);
		r = id > 0 ? ctl_call(ctl, "\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}",
				      (long long)id)
			   : NULL;
		if (!r)
			id = -1;
		cJSON_Delete(r);
	}
	ctl_close(ctl);
	return id;
}

int64_t
setup_post(struct bench *b, int64_t round)
{
	const struct user *mgr = users_manager(b);
	struct ctl *ctl;
	cJSON *r;
	int64_t id = -1;

	if (b->proto->peer || !b->nusers) {
		fprintf(stderr, "osbench: posts need openstrat (--proto openstrat)\n");
		return -1;
	}
	ctl = ctl_open(b, mgr ? mgr->token : b->users[0].token);
	if (!ctl)
		return -1;
	r = ctl_call(ctl, "\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
			  "\"title\":\"osbench %s\",\"body\":\"The post that load-test "
			  "comments go to.\"}",
		     (long long)round, b->tag);
	if (r) {
		id = id_of(r, "post");
		cJSON_Delete(r);
	}
	ctl_close(ctl);
	return id;
}

/* ---- the server's CPU and memory ---- */

int
procstat_read(int pid, struct procstat *ps)
{
	char path[64], buf[4096], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;
	long tck = sysconf(_SC_CLK_TCK);

	memset(ps, 0, sizeof *ps);
	if (pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces; the fields follow its last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
				"%*d %*d %*d %*d %d",
			 &ut, &st, &ps->threads) != 3)
		return -1;
	ps->cpu_s = (double)(ut + st) / (double)(tck > 0 ? tck : 100);
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(buf, sizeof buf, f)) {
		if (!strncmp(buf, "VmRSS:", 6))
			ps->rss_kb = strtol(buf + 6, NULL, 10);
		else if (!strncmp(buf, "VmHWM:", 6))
			ps->hwm_kb = strtol(buf + 6, NULL, 10);
	}
	fclose(f);
	ps->ok = 1;
	return 0;
}

double
machine_busy_s(void)
{
	unsigned long long v[8] = {0};
	long tck = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return 0;
	/* user nice system idle iowait irq softirq steal */
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 7)
		return 0;
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)(tck > 0 ? tck : 100);
}
