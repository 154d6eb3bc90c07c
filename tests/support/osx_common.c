/*
 * Shared plumbing: time, sockets, buffers, header parsing, SHA-1 (for the
 * WebSocket accept key; libsodium has none) and the JSON helpers.
 */
#include "osx_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long long
osx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
osx_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int
osx__trace(void)
{
	static _Atomic int t = -1;

	if (t < 0) {
		const char *e = getenv("OSX_TRACE");
		t = e && *e && strcmp(e, "0") != 0;
	}
	return t;
}

long long
osx__deadline(int timeout_ms)
{
	return osx_now_ms() + (timeout_ms > 0 ? timeout_ms : OSX_TIMEOUT_MS);
}

int
osx__left(long long deadline)
{
	long long l = deadline - osx_now_ms();

	return l > 0 ? (int)(l > 1000000000 ? 1000000000 : l) : 0;
}

int
osx__connect(int port, long long deadline)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	for (;;) {
		struct pollfd p = {fd, POLLOUT, 0};
		int r = poll(&p, 1, osx__left(deadline));
		int err = 0;
		socklen_t el = sizeof err;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			errno = r == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			close(fd);
			errno = err;
			return -1;
		}
		return fd;
	}
}

int
osx__write_all(int fd, const void *buf, size_t len, long long deadline)
{
	const char *p = buf;

	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = {fd, POLLOUT, 0};
			int r = poll(&pf, 1, osx__left(deadline));

			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			if (r < 0)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

int
osx__buf_add(struct osx_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 4096;
		char *d;

		while (nc < b->len + n + 1)
			nc *= 2;
		d = realloc(b->data, nc);
		if (!d)
			return -1;
		b->data = d;
		b->cap = nc;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void
osx__buf_consume(struct osx_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data)
		b->data[b->len] = '\0';
}

void
osx__buf_free(struct osx_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static char *
strndup_trim(const char *s, size_t n)
{
	char *r;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

int
osx__parse_headers(const char *head, struct osx_header **out, size_t *n)
{
	const char *p = strstr(head, "\r\n");
	struct osx_header *h = NULL;
	size_t cnt = 0;

	*out = NULL;
	*n = 0;
	if (!p)
		return 0;
	p += 2;
	while (*p && !(p[0] == '\r' && p[1] == '\n')) {
		const char *eol = strstr(p, "\r\n");
		const char *colon;
		struct osx_header *nh;

		if (!eol)
			eol = p + strlen(p);
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon) {
			nh = realloc(h, (cnt + 1) * sizeof *h);
			if (!nh)
				break;
			h = nh;
			h[cnt].name = strndup_trim(p, (size_t)(colon - p));
			h[cnt].value = strndup_trim(colon + 1, (size_t)(eol - colon - 1));
			cnt++;
		}
		if (!*eol)
			break;
		p = eol + 2;
	}
	*out = h;
	*n = cnt;
	return 0;
}

void
osx__free_headers(struct osx_header *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

const char *
osx__find_header(const struct osx_header *h, size_t n, const char *name,
		 size_t idx)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].name && !strcasecmp(h[i].name, name) && idx-- == 0)
			return h[i].value;
	return NULL;
}

/* SHA-1 (FIPS 180-4), only for Sec-WebSocket-Accept. */
#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
static void
sha1_block(uint32_t st[5], const unsigned char *blk)
{
	uint32_t w[80], a, b, c, d, e;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)blk[4 * i] << 24 | (uint32_t)blk[4 * i + 1] << 16 |
		       (uint32_t)blk[4 * i + 2] << 8 | blk[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = st[0]; b = st[1]; c = st[2]; d = st[3]; e = st[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d); k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d; k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d; k = 0xCA62C1D6;
		}
		t = ROL(a, 5) + f + e + k + w[i];
		e = d; d = c; c = ROL(b, 30); b = a; a = t;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e;
}

void
osx__sha1(const void *data, size_t len, unsigned char out[20])
{
	uint32_t st[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	const unsigned char *p = data;
	unsigned char tail[128];
	size_t full = len / 64 * 64, rest = len - full, tl;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t i = 0; i < full; i += 64)
		sha1_block(st, p + i);
	memset(tail, 0, sizeof tail);
	memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	tl = rest + 1 + 8 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tl; i += 64)
		sha1_block(st, tail + i);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(st[i] >> 24);
		out[4 * i + 1] = (unsigned char)(st[i] >> 16);
		out[4 * i + 2] = (unsigned char)(st[i] >> 8);
		out[4 * i + 3] = (unsigned char)st[i];
	}
}

/* JSON helpers. */

const cJSON *
osx_jget(const cJSON *j, const char *path)
{
	char seg[128];

	if (!j || !path)
		return NULL;
	while (*path) {
		size_t n = strcspn(path, ".");
		char *end;
		long idx;

		if (n >= sizeof seg)
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		if (cJSON_IsArray(j)) {
			idx = strtol(seg, &end, 10);
			if (!n || *end || idx < 0)
				return NULL;
			j = cJSON_GetArrayItem(j, (int)idx);
		} else if (cJSON_IsObject(j)) {
			j = cJSON_GetObjectItemCaseSensitive(j, seg);
		} else {
			return NULL;
		}
		if (!j)
			return NULL;
		path += n;
		if (*path == '.')
			path++;
	}
	return j;
}

const char *
osx_jstr(const cJSON *j, const char *path)
{
	const cJSON *v = osx_jget(j, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double
osx_jnum(const cJSON *j, const char *path, double dflt)
{
	const cJSON *v = osx_jget(j, path);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

long long
osx_jint(const cJSON *j, const char *path, long long dflt)
{
	const cJSON *v = osx_jget(j, path);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : dflt;
}

int
osx_jbool(const cJSON *j, const char *path)
{
	const cJSON *v = osx_jget(j, path);

	if (cJSON_IsTrue(v))
		return 1;
	if (cJSON_IsFalse(v))
		return 0;
	return -1;
}

int
osx_ok(const cJSON *j)
{
	return osx_jbool(j, "ok") == 1;
}

const char *
osx_errcode(const cJSON *j)
{
	return osx_jstr(j, "error.code");
}

const char *
osx_jtext(const cJSON *j)
{
	/* A few per thread, so that one message can show several. */
	static _Thread_local char bufs[4][2048];
	static _Thread_local unsigned next;
	char *buf = bufs[next++ % 4], *s;

	if (!j)
		return "(null)";
	s = cJSON_PrintUnformatted(j);
	if (!s)
		return "(unprintable)";
	snprintf(buf, sizeof bufs[0], "%s", s);
	if (strlen(s) >= sizeof bufs[0])
		memcpy(buf + sizeof bufs[0] - 4, "...", 4);
	free(s);
	return buf;
}
