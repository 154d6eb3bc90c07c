#ifndef OS_TRANSPORT_METRICS_ALLOW_H
#define OS_TRANSPORT_METRICS_ALLOW_H

/*
 * Who may read GET /metrics: loopback peers (127.0.0.0/8 and ::1, also as
 * IPv4-mapped IPv6) and the exact addresses of serve --metrics-allow. The
 * decision is made on the TCP peer alone, never on X-Forwarded-For: a
 * proxy on the same host is a loopback peer, so it must not pass /metrics
 * on (docs/SECURITY.md).
 */

#include "transport/proxy.h"

/* 1 when the address text peer (as the socket gives it) may read the
 * metrics given the extra addresses in allow (NULL: none), else 0. A peer
 * that is not an IP address is refused. */
int metrics_peer_allowed(const struct proxy_list *allow, const char *peer);

#endif
