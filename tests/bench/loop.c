/*
 * The worker loops: non-blocking sockets on one epoll instance per thread,
 * edge-triggered, the HTTP upgrade, and RFC 6455 frames in and out. Every
 * socket of a worker reads into the worker's one buffer; a connection keeps
 * only the tail of a partial frame, so ten thousand idle connections cost
 * little memory.
 */
#include "osbench.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "wsframe.h"

#define READ_CHUNK   (256u << 10)
#define MAX_EVENTS   512
#define HANDSHAKE_TIMEOUT_NS (20ull * 1000000000ull)

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
worker_error(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->error, sizeof w->error, fmt, ap);
	va_end(ap);
}

static int
grow(char **buf, uint32_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 256;
	char *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (n > UINT32_MAX)
		return -1;
	p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = (uint32_t)n;
	return 0;
}

static void
conn_release(struct conn *c)
{
	if (c->ps && c->w->b->proto->release)
		c->w->b->proto->release(c);
	if (c->fd >= 0) {
		epoll_ctl(c->w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	free(c->in);
	free(c->frag);
	free(c->out);
	c->in = c->frag = c->out = NULL;
	c->in_len = c->in_cap = c->frag_len = c->frag_cap = 0;
	c->out_off = c->out_len = c->out_cap = 0;
}

/* The connection ends: a failure before it opened, a loss after. */
static void
conn_end(struct conn *c, const char *why)
{
	struct worker *w = c->w;

	if (c->state >= CS_CLOSED)
		return;
	if (c->state == CS_OPEN) {
		/* Closing at exit is expected; anything else is a loss. */
		if (bench_phase(w->b) < PH_EXIT) {
			ST_ADD(w, lost, 1);
			worker_error(w, "connection %u lost: %s", c->idx, why);
		}
		c->state = CS_CLOSED;
	} else {
		w->connecting--;
		ST_ADD(w, failed, 1);
		worker_error(w, "connection %u failed: %s", c->idx, why);
		c->state = CS_FAILED;
	}
	conn_release(c);
}

int
conn_flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL);

		if (n > 0) {
			c->out_off += (uint32_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0; /* EPOLLOUT (edge-triggered) resumes */
		conn_end(c, n < 0 ? strerror(errno) : "write returned 0");
		return -1;
	}
	c->out_off = c->out_len = 0;
	if (c->out_cap > (64u << 10)) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	return 0;
}

static int
queue_frame(struct conn *c, int opcode, const void *p, size_t n)
{
	struct worker *w = c->w;
	uint32_t mask;

	if (c->state != CS_OPEN && c->state != CS_UPGRADING)
		return -1;
	if (grow(&c->out, &c->out_cap, (size_t)c->out_len + n + WS_CLIENT_HDR_MAX))
		return -1;
	/* xorshift32: masks need not be secret from this client's own server. */
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 17;
	w->rng ^= w->rng << 5;
	mask = w->rng;
	c->out_len += (uint32_t)ws_frame_encode((uint8_t *)c->out + c->out_len, opcode, p,
						n, mask);
	return c->corked ? 0 : conn_flush(c);
}

int
conn_text(struct conn *c, const char *p, size_t n)
{
	if (c->state != CS_OPEN)
		return -1;
	return queue_frame(c, WS_TEXT, p, n);
}

int
conn_binary(struct conn *c, const char *p, size_t n)
{
	if (c->state != CS_OPEN)
		return -1;
	return queue_frame(c, WS_BINARY, p, n);
}

static void
send_close(struct conn *c, uint16_t code)
{
	uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};

	if (c->close_sent || c->state != CS_OPEN)
		return;
	c->close_sent = 1;
	c->corked = 0;
	queue_frame(c, WS_CLOSE, b, 2);
}

/* --source-addrs: the connection's source address, in turn. The port is
 * left to connect() (IP_BIND_ADDRESS_NO_PORT), so that each address has its
 * own ephemeral ports towards the server: about 28,000 on Linux. */
static int
bind_source(struct conn *c)
{
	struct bench *b = c->w->b;
	struct sockaddr_in src = {.sin_family = AF_INET,
				  .sin_addr = b->src_addrs[c->idx % b->nsrc]};
	int one = 1;

	setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	return bind(c->fd, (struct sockaddr *)&src, sizeof src);
}

static void
start_connect(struct conn *c)
{
	struct worker *w = c->w;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				 .data.ptr = c};
	int one = 1;

	c->t_connect = now_ns();
	c->state = CS_CONNECTING;
	w->connecting++;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_end(c, strerror(errno));
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (w->b->nsrc && bind_source(c)) {
		conn_end(c, strerror(errno));
		return;
	}
	if (connect(c->fd, (struct sockaddr *)&w->b->node_addr[c->node],
		    sizeof w->b->node_addr[c->node]) < 0 &&
	    errno != EINPROGRESS) {
		conn_end(c, strerror(errno));
		return;
	}
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		conn_end(c, strerror(errno));
}

static void
send_upgrade(struct conn *c)
{
	struct bench *b = c->w->b;
	char req[1024];
	/* Peers have no accounts: no token, no header. */
	int auth = c->token && c->token[0], n;

	ws_make_key(c->key);
	n = snprintf(req, sizeof req,
		     "GET %s HTTP/1.1\r\n"
		     "Host: %s\r\n"
		     "Upgrade: websocket\r\n"
		     "Connection: Upgrade\r\n"
		     "Sec-WebSocket-Key: %s\r\n"
		     "Sec-WebSocket-Version: 13\r\n"
		     "%s%s%s"
		     "%s%s%s"
		     "\r\n",
		     b->proto->path, b->node_host[c->node], c->key,
		     b->proto->subprotocol ? "Sec-WebSocket-Protocol: " : "",
		     b->proto->subprotocol ? b->proto->subprotocol : "",
		     b->proto->subprotocol ? "\r\n" : "", auth ? "Authorization: Bearer " : "",
		     auth ? c->token : "", auth ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof req || grow(&c->out, &c->out_cap, (size_t)n)) {
		conn_end(c, "upgrade request too long");
		return;
	}
	memcpy(c->out, req, (size_t)n);
	c->out_len = (uint32_t)n;
	c->state = CS_UPGRADING;
	conn_flush(c);
}

/* Finds header name's value in the response head (NUL-terminated). */
static const char *
header(const char *head, const char *name, size_t *len)
{
	size_t nl = strlen(name);

	for (const char *l = strstr(head, "\r\n"); l; l = strstr(l, "\r\n")) {
		l += 2;
		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			const char *v = l + nl + 1, *e;

			while (*v == ' ' || *v == '\t')
				v++;
			e = strstr(v, "\r\n");
			if (!e)
				return NULL;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			*len = (size_t)(e - v);
			return v;
		}
	}
	return NULL;
}

/* The upgrade response in buf[0..n); returns the bytes it took, 0 when
 * incomplete, -1 when refused. */
static long
handle_upgrade(struct conn *c, char *buf, size_t n, uint64_t now)
{
	struct worker *w = c->w;
	char *end = memmem(buf, n, "\r\n\r\n", 4), expect[29], save;
	const char *v;
	size_t vl;
	long used;

	if (!end) {
		if (n > 16384)
			conn_end(c, "upgrade response too long");
		return 0;
	}
	used = end + 4 - buf;
	save = end[2];
	end[2] = '\0';
	if (strncmp(buf, "HTTP/1.1 101", 12)) {
		char status[64];
		const char *eol = strstr(buf, "\r\n");

		snprintf(status, sizeof status, "upgrade refused: %.*s",
			 (int)(eol ? eol - buf : 40), buf);
		end[2] = save;
		conn_end(c, status);
		return -1;
	}
	ws_accept_for(c->key, expect);
	v = header(buf, "Sec-WebSocket-Accept", &vl);
	if (!v || vl != strlen(expect) || memcmp(v, expect, vl)) {
		end[2] = save;
		conn_end(c, "bad Sec-WebSocket-Accept");
		return -1;
	}
	end[2] = save;
	c->state = CS_OPEN;
	w->connecting--;
	ST_ADD(w, opened, 1);
	hist_record(&w->h_connect, now - c->t_connect);
	if (w->b->proto->open && w->b->proto->open(c)) {
		conn_end(c, "the protocol's preamble failed");
		return -1;
	}
	role_open(c, now);
	return used;
}

static int
frag_append(struct conn *c, const char *p, size_t n)
{
	if ((size_t)c->frag_len + n > WS_MAX_MESSAGE ||
	    grow(&c->frag, &c->frag_cap, (size_t)c->frag_len + n)) {
		conn_end(c, "fragmented message too large");
		return -1;
	}
	if (n)
		memcpy(c->frag + c->frag_len, p, n);
	c->frag_len += (uint32_t)n;
	return 0;
}

static void
deliver(struct conn *c, const char *p, size_t n, uint64_t now)
{
	struct worker *w = c->w;

	ST_ADD(w, msgs_in, 1);
	ST_SET(w, last_rx_ns, now);
	w->b->proto->on_text(c, p, n, now);
}

/* Parses what buf[0..n) holds; returns the bytes consumed. *need is the
 * size a partial frame needs in one buffer. */
static size_t
process(struct conn *c, char *buf, size_t n, uint64_t now, size_t *need)
{
	struct worker *w = c->w;
	size_t off = 0;

	*need = 0;
	if (c->state == CS_UPGRADING) {
		long used = handle_upgrade(c, buf, n, now);

		if (used <= 0)
			return 0;
		off = (size_t)used;
	}
	while (off < n && c->state == CS_OPEN) {
		struct ws_frame f;
		size_t fneed;
		int r = ws_frame_parse((uint8_t *)buf + off, n - off, &f, &fneed);
		const char *pl;

		if (r < 0) {
			conn_end(c, "protocol error in a server frame");
			break;
		}
		if (r == 0) {
			*need = fneed;
			break;
		}
		pl = buf + off + f.hdr_len;
		off += f.hdr_len + (size_t)f.len;
		ST_ADD(w, frames_in, 1);
		switch (f.opcode) {
		case WS_TEXT:
		case WS_BINARY:
			/* openstrat sends text; nats-server sends binary. The
			 * proto judges the payload (openstrat's counts a binary
			 * message as bad, since it is not JSON). */
			if (c->frag_op) {
				conn_end(c, "data frame inside a fragmented message");
				break;
			}
			if (f.fin) {
				deliver(c, pl, (size_t)f.len, now);
			} else {
				c->frag_op = (uint8_t)f.opcode;
				c->frag_len = 0;
				frag_append(c, pl, (size_t)f.len);
			}
			break;
		case WS_CONT:
			if (!c->frag_op) {
				conn_end(c, "continuation without a start");
				break;
			}
			if (frag_append(c, pl, (size_t)f.len))
				break;
			if (f.fin) {
				c->frag_op = 0;
				deliver(c, c->frag, c->frag_len, now);
				c->frag_len = 0;
			}
			break;
		case WS_PING:
			queue_frame(c, WS_PONG, pl, (size_t)f.len);
			break;
		case WS_PONG:
			break;
		case WS_CLOSE: {
			char why[64];
			unsigned code = f.len >= 2 ? ((uint8_t)pl[0] << 8 | (uint8_t)pl[1]) : 1005;

			send_close(c, f.len >= 2 ? (uint16_t)code : 1000);
			snprintf(why, sizeof why, "server closed with %u %.*s", code,
				 f.len > 2 ? (int)(f.len - 2 > 40 ? 40 : f.len - 2) : 0, pl + 2);
			conn_end(c, why);
			break;
		}
		default:
			conn_end(c, "unknown opcode");
			break;
		}
	}
	return off;
}

static void
on_readable(struct conn *c, uint64_t now, int rdhup)
{
	struct worker *w = c->w;

	while (c->state == CS_OPEN || c->state == CS_UPGRADING) {
		size_t have = c->in_len, room, total, used, need;
		ssize_t n;

		if (w->rbuf_cap < have + READ_CHUNK) {
			char *p = realloc(w->rbuf, have + READ_CHUNK);

			if (!p) {
				conn_end(c, "out of memory");
				return;
			}
			w->rbuf = p;
			w->rbuf_cap = have + READ_CHUNK;
		}
		if (have)
			memcpy(w->rbuf, c->in, have);
		room = w->rbuf_cap - have;
		n = recv(c->fd, w->rbuf + have, room, 0);
		ST_ADD(w, reads, 1);
		if (n == 0) {
			conn_end(c, "server closed the connection");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_end(c, strerror(errno));
			return;
		}
		ST_ADD(w, bytes_in, (uint64_t)n);
		/* The time of this read, not of the wake-up: a worker may spend
		 * a while on the sockets before this one. */
		now = now_ns();
		total = have + (size_t)n;
		used = process(c, w->rbuf, total, now, &need);
		if (c->state >= CS_CLOSED)
			return;
		/* Keep the tail; it may be a partial frame or handshake. */
		if (grow(&c->in, &c->in_cap, total - used)) {
			conn_end(c, "out of memory");
			return;
		}
		if (total > used)
			memmove(c->in, w->rbuf + used, total - used);
		c->in_len = (uint32_t)(total - used);
		if (!c->in_len && c->in_cap > 4096) {
			free(c->in);
			c->in = NULL;
			c->in_cap = 0;
		}
		if (need + READ_CHUNK > w->rbuf_cap) {
			char *p = realloc(w->rbuf, need + READ_CHUNK);

			if (p) {
				w->rbuf = p;
				w->rbuf_cap = need + READ_CHUNK;
			}
		}
		/* A short read drained the socket; edge-triggered epoll reports
		 * the next data that arrives. Not so the peer's FIN once its
		 * edge has been reported: then read on until recv returns 0. */
		if ((size_t)n < room && !rdhup)
			return;
	}
}

static void
on_event(struct conn *c, uint32_t events, uint64_t now)
{
	if (c->state == CS_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;

		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err || (events & (EPOLLERR | EPOLLHUP))) {
			conn_end(c, err ? strerror(err) : "connect failed");
			return;
		}
		send_upgrade(c);
		return;
	}
	if ((events & EPOLLOUT) && c->out_len && conn_flush(c))
		return;
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		on_readable(c, now, (events & (EPOLLRDHUP | EPOLLHUP)) != 0);
	if ((events & EPOLLERR) && c->state < CS_CLOSED)
		conn_end(c, "socket error");
}

/* Opens more connections while few are in their handshake: a burst of
 * thousands at once only overflows the server's listen backlog. */
static void
ramp(struct worker *w)
{
	struct bench *b = w->b;
	size_t limit = (size_t)(b->o.connect_parallel / b->nworkers);

	if (limit < 1)
		limit = 1;
	while (w->next_connect < w->nconns && w->connecting < limit)
		start_connect(w->conns[w->next_connect++]);
}

static void
check_timeouts(struct worker *w, uint64_t now)
{
	if (!w->connecting || now < w->next_timeout_check)
		return;
	w->next_timeout_check = now + 200000000ull;
	for (size_t i = 0; i < w->next_connect; i++) {
		struct conn *c = w->conns[i];

		if ((c->state == CS_CONNECTING || c->state == CS_UPGRADING) &&
		    now > c->t_connect && now - c->t_connect > HANDSHAKE_TIMEOUT_NS)
			conn_end(c, "handshake timed out");
	}
}

static void
close_all(struct worker *w)
{
	for (size_t i = 0; i < w->nconns; i++) {
		struct conn *c = w->conns[i];

		if (c->state == CS_OPEN) {
			send_close(c, 1000);
			c->state = CS_CLOSED;
		}
		conn_release(c);
		free(c->win);
		free(c->pub);
		c->win = NULL;
		c->pub = NULL;
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;
	struct epoll_event evs[MAX_EVENTS];

	for (;;) {
		int ph = bench_phase(b), timeout, n;
		uint64_t now = now_ns();

		if (ph != w->seen_phase) {
			w->seen_phase = ph;
			if (ph == PH_EXIT)
				break;
			role_phase(w, ph, now);
		}
		if (ph >= PH_CONNECT && ph < PH_STOP)
			ramp(w);
		check_timeouts(w, now);
		timeout = role_tick(w, now);
		if (w->connecting && timeout > 100)
			timeout = 100;
		n = epoll_wait(w->epfd, evs, MAX_EVENTS, timeout);
		ST_ADD(w, waits, 1);
		if (n > 0)
			ST_ADD(w, wait_events, (uint64_t)n);
		if (n < 0 && errno != EINTR) {
			worker_error(w, "epoll_wait: %s", strerror(errno));
			break;
		}
		now = now_ns();
		for (int i = 0; i < n; i++) {
			if (!evs[i].data.ptr) {
				uint64_t v;

				if (read(w->evfd, &v, sizeof v) < 0)
					(void)0;
				continue;
			}
			on_event(evs[i].data.ptr, evs[i].events, now);
		}
	}
	close_all(w);
	return NULL;
}

int
bench_alloc_conns(struct bench *b, size_t n, size_t ndedicated)
{
	int shared = b->nworkers;

	if (ndedicated) {
		/* The first ndedicated connections get a worker of their own,
		 * so that a publisher's pace and its replies never wait behind
		 * a batch of thousands of subscriber sockets. */
		if (b->nworkers >= OSB_MAX_THREADS)
			return -1;
		b->nworkers++;
	}
	b->conns = calloc(n, sizeof *b->conns);
	if (!b->conns)
		return -1;
	b->nconns = n;
	for (int t = 0; t < b->nworkers; t++) {
		struct worker *w = &b->workers[t];

		w->conns = calloc(n / (size_t)shared + ndedicated + 1, sizeof *w->conns);
		if (!w->conns)
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct conn *c = &b->conns[i];
		struct worker *w = i < ndedicated ? &b->workers[shared]
						  : &b->workers[(i - ndedicated) % (size_t)shared];

		c->fd = -1;
		c->idx = (uint32_t)i;
		c->w = w;
		c->wait_rid = -1;
		c->next_rid = 1;
		c->token = users_token_for(b, i);
		w->conns[w->nconns++] = c;
	}
	return 0;
}

int
bench_start(struct bench *b)
{
	for (int t = 0; t < b->nworkers; t++) {
		struct worker *w = &b->workers[t];
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};

		w->idx = t;
		w->b = b;
		w->rng = 0x9E3779B9u * (uint32_t)(t + 1);
		w->seen_phase = PH_IDLE;
		hist_init(&w->h_connect);
		hist_init(&w->h_reply);
		hist_init(&w->h_delivery);
		for (int k = 0; k < OSB_WINDOWS; k++)
			hist_init(&w->h_win[k]);
		for (int k = 0; k < OSB_MAX_NODES; k++)
			hist_init(&w->h_node[k]);
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (w->epfd < 0 || w->evfd < 0 ||
		    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev) < 0) {
			perror("osbench: epoll");
			return -1;
		}
		if (pthread_create(&w->thread, NULL, worker_main, w)) {
			fprintf(stderr, "osbench: cannot start a worker thread\n");
			return -1;
		}
	}
	return 0;
}

void
bench_set_phase(struct bench *b, int p)
{
	uint64_t one = 1;

	__atomic_store_n(&b->phase, p, __ATOMIC_RELEASE);
	for (int t = 0; t < b->nworkers; t++)
		if (write(b->workers[t].evfd, &one, sizeof one) < 0)
			(void)0;
}

void
bench_stop(struct bench *b)
{
	bench_set_phase(b, PH_EXIT);
	for (int t = 0; t < b->nworkers; t++) {
		struct worker *w = &b->workers[t];

		pthread_join(w->thread, NULL);
		close(w->epfd);
		close(w->evfd);
		free(w->rbuf);
		free(w->conns);
	}
	free(b->conns);
	b->conns = NULL;
}
