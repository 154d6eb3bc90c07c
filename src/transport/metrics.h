#ifndef OS_TRANSPORT_METRICS_H
#define OS_TRANSPORT_METRICS_H

/*
 * The server's metrics, served as Prometheus text on GET /metrics. The
 * counters are plain integers that the event loop bumps where things
 * happen (an array slot, no allocation, no string work); the text is built
 * only when someone scrapes. Everything here is loop-thread only, except
 * the fsync figures, which the sync thread updates under its mutex
 * (struct syncer in internal.h).
 *
 * Other counters live with the layer that counts them: requests by op and
 * outcome in dispatch (dispatch_requests()), group commits in the store
 * (store_stats()).
 */

#include <stddef.h>
#include <stdint.h>

#include "base/hist.h"

/* Sign-in outcomes (POST /api/login), see metrics_signin(). */
enum { SIGNIN_OK, SIGNIN_BADCRED, SIGNIN_THROTTLED, SIGNIN_BUSY, SIGNIN_BADREQ,
       SIGNIN_ERROR, SIGNIN_N };

#define METRICS_HTTP_ROUTES 24 /* http.c's routes fit */

/* Reply latency bounds (microseconds) and fsync bounds (microseconds). */
#define METRICS_LATENCY_BOUNDS 14
#define METRICS_FSYNC_BOUNDS 14
extern const uint64_t metrics_latency_bounds[METRICS_LATENCY_BOUNDS];
extern const uint64_t metrics_fsync_bounds[METRICS_FSYNC_BOUNDS];

struct metrics {
	uint64_t ws_accepted;      /* WebSocket connections established */
	uint64_t ws_refused;       /* upgrades refused (path, protocol, origin, session) */
	uint64_t ws_in;            /* complete messages received */
	uint64_t ws_out;           /* messages queued to a connection */
	uint64_t ws_frames;        /* frames written (a batch is one frame) */
	uint64_t ws_bytes;         /* payload bytes written */
	uint64_t ws_slow;          /* connections dropped as slow readers (1008) */
	uint64_t ws_flood;         /* connections dropped for flooding (1008) */
	uint64_t ws_over_budget;   /* requests refused by --conn-rate-limit */
	struct os_hist reply;      /* message received -> its reply queued, µs */
	uint64_t signins[SIGNIN_N];
	uint64_t http[METRICS_HTTP_ROUTES][5]; /* by route and status class */
	/* The sync thread's, under its mutex. */
	struct os_hist fsync;      /* µs */
	uint64_t fsync_failures;
};

/* Counts a sign-in that ended with err (OS_OK: signed in). */
void metrics_signin(struct metrics *m, int err);

/* Counts an HTTP answer with status to a request on route (http.c's). */
void metrics_http(struct metrics *m, int route, int status);

/* Counts a reply queued at now_us to a message received at rx_us. */
void metrics_reply(struct metrics *m, int64_t rx_us, int64_t now_us);

struct server;

/* The Prometheus text (exposition format 0.0.4) of every metric, malloc'd
 * (the caller frees), or NULL when out of memory. Loop thread only. */
char *metrics_render(struct server *s, size_t *len);

/* The Content-Type of that text. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
