/* Who may read the metrics. */
#include "transport/metrics_allow.h"

#include <string.h>

static int
loopback(const unsigned char a[16])
{
	static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char v6_loop[16] = {0, 0, 0, 0, 0, 0, 0, 0,
						  0, 0, 0, 0, 0, 0, 0, 1};

	if (!memcmp(a, v4_mapped, sizeof v4_mapped))
		return a[12] == 127;
	return !memcmp(a, v6_loop, sizeof v6_loop);
}

int
metrics_peer_allowed(const struct proxy_list *allow, const char *peer)
{
	unsigned char a[16];

	if (!peer || proxy_addr_parse(peer, strlen(peer), a))
		return 0;
	return loopback(a) || proxy_list_has(allow, peer);
}
