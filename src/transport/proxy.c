/* Trusted proxies and the client address they forward. */
#include "transport/proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

int
proxy_addr_parse(const char *s, size_t len, unsigned char out[16])
{
	char buf[PROXY_ADDR_LEN];
	struct in_addr v4;

	while (len && blank(*s))
		s++, len--;
	while (len && blank(s[len - 1]))
		len--;
	if (!len || len >= sizeof buf || memchr(s, '\0', len))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memcpy(out, v4_mapped, sizeof v4_mapped);
		memcpy(out + 12, &v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

static int
format_addr(const unsigned char a[16], char *out, size_t outsz)
{
	const char *r;

	if (!memcmp(a, v4_mapped, sizeof v4_mapped))
		r = inet_ntop(AF_INET, a + 12, out, (socklen_t)outsz);
	else
		r = inet_ntop(AF_INET6, a, out, (socklen_t)outsz);
	return r ? 0 : -1;
}

int
proxy_addr_canon(const char *s, size_t len, char *out, size_t outsz)
{
	unsigned char a[16];

	if (outsz)
		out[0] = '\0';
	if (proxy_addr_parse(s, len, a) || format_addr(a, out, outsz)) {
		if (outsz)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

int
proxy_list_add(struct proxy_list *l, const char *spec, char *why, size_t whysz)
{
	struct proxy_list next = *l;

	for (const char *p = spec;; p++) {
		size_t len = strcspn(p, ",");
		unsigned char a[16];

		if (proxy_addr_parse(p, len, a)) {
			if (why)
				snprintf(why, whysz, "'%.*s' is not an IPv4 or IPv6 address",
					 (int)(len > 64 ? 64 : len), p);
			return -1;
		}
		if (next.n == PROXY_MAX) {
			if (why)
				snprintf(why, whysz, "at most %d addresses", PROXY_MAX);
			return -1;
		}
		memcpy(next.addr[next.n++], a, 16);
		p += len;
		if (!*p)
			break;
	}
	*l = next;
	return 0;
}

static int
has(const struct proxy_list *l, const unsigned char a[16])
{
	for (size_t i = 0; l && i < l->n; i++)
		if (!memcmp(l->addr[i], a, 16))
			return 1;
	return 0;
}

int
proxy_list_has(const struct proxy_list *l, const char *addr)
{
	unsigned char a[16];

	return !proxy_addr_parse(addr, strlen(addr), a) && has(l, a);
}

int
proxy_client_addr(const struct proxy_list *l, const char *peer, const char *xff,
		  char *out, size_t outsz)
{
	unsigned char a[16];
	int trusted = !proxy_addr_parse(peer, strlen(peer), a) && has(l, a);

	if (trusted && xff) {
		/* The rightmost entry: the trusted proxy appended it; whatever
		 * stands left of it the client may have sent. */
		const char *last = strrchr(xff, ',');

		last = last ? last + 1 : xff;
		if (!proxy_addr_canon(last, strlen(last), out, outsz))
			return 1;
	}
	if (proxy_addr_canon(peer, strlen(peer), out, outsz))
		snprintf(out, outsz, "%s", peer);
	return trusted ? -1 : 0;
}
