#ifndef OS_TRANSPORT_PROXY_H
#define OS_TRANSPORT_PROXY_H

/*
 * Trusted proxies (serve --trusted-proxy). Behind a TLS-terminating proxy
 * every connection comes from the proxy; the client's address is in the
 * X-Forwarded-For header the proxy appends to. That header is believed only
 * from the addresses listed here, and only its rightmost entry (the one
 * the trusted proxy itself wrote: everything left of it came from the
 * client and may be forged). Addresses are compared as binary IPv6, with
 * IPv4 as IPv4-mapped, so 127.0.0.1 and ::ffff:127.0.0.1 are one address.
 */

#include <stddef.h>

#define PROXY_MAX 32         /* trusted proxies at most */
#define PROXY_ADDR_LEN 64    /* enough for any canonical address and a NUL */

struct proxy_list {
	size_t n;
	unsigned char addr[PROXY_MAX][16];
};

/*
 * Adds the addresses of spec to l (a list of trusted proxies, or of peers
 * allowed to read the metrics): one, or several separated by commas
 * (blanks around each allowed), each exactly an IPv4 or IPv6 address (no
 * ranges, ports, names or zones). Returns 0, or -1 with a reason in why
 * (may be NULL) when an item is not an address or l would overflow; l is
 * then unchanged.
 */
int proxy_list_add(struct proxy_list *l, const char *spec, char *why, size_t whysz);

/* Parses the address s[0..len), blanks around it ignored, into 16 bytes
 * (IPv4 as IPv4-mapped IPv6). Returns 0, or -1 when it is not exactly one
 * IPv4 or IPv6 address. */
int proxy_addr_parse(const char *s, size_t len, unsigned char out[16]);

/* 1 when the address text addr is in l (NULL: the empty list), else 0. */
int proxy_list_has(const struct proxy_list *l, const char *addr);

/*
 * Writes the canonical text of the address s[0..len) to out (at least
 * PROXY_ADDR_LEN bytes are always enough): lower case, the shortest IPv6
 * form, an IPv4-mapped IPv6 address as plain IPv4. Blanks around it are
 * ignored. Returns 0, or -1 when it is not exactly one IPv4 or IPv6
 * address (out is then "").
 */
int proxy_addr_canon(const char *s, size_t len, char *out, size_t outsz);

/*
 * The address a request comes from, canonical, in out: when peer (the TCP
 * peer's address) is in l and xff (the X-Forwarded-For value, NULL when
 * absent) ends in an address, that last entry; otherwise peer itself (as
 * it is if it does not parse). Returns 1 when the address came from xff,
 * -1 when peer is trusted but xff gave no usable address, 0 when peer is
 * not trusted.
 */
int proxy_client_addr(const struct proxy_list *l, const char *peer, const char *xff,
		      char *out, size_t outsz);

#endif
