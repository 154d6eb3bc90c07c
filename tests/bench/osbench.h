/*
 * osbench: the load tool's shared types.
 *
 * The tool is a set of worker threads, each with its own epoll loop over its
 * share of the connections, and a main thread that sets things up over
 * blocking connections, then steps the workers through phases (connect,
 * run, stop) and reads their counters. Three layers keep the parts apart so
 * that other scenarios and other servers can be added:
 *
 *   scenario (sc_*.c)   main thread: what to create, which roles, the phases,
 *                       the waits and the report
 *   role (roles.c)      worker: what one connection does (subscribe and count
 *                       deliveries, publish at a rate, write in a closed loop,
 *                       say hello); knows no wire format
 *   proto (proto_*.c)   worker: one server's wire format; builds requests and
 *                       turns received text into replies and deliveries
 *
 * and loop.c carries bytes: sockets, the HTTP upgrade and RFC 6455 frames.
 */
#ifndef OSBENCH_H
#define OSBENCH_H

#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "hist.h"

#define OSB_MAX_THREADS 64
/* Windows a run may be split into (storm, slow: before, during, after). */
#define OSB_WINDOWS 4
#define OSB_MAX_SOURCES 64
/* Servers (nodes of one forum) a run may spread its connections over. */
#define OSB_MAX_NODES 8

/* The main thread moves the workers through these, in order. */
enum phase {
	PH_IDLE,    /* loops run, nothing to do */
	PH_CONNECT, /* open every connection; roles act on open */
	PH_RUN,     /* publishers publish, writers write */
	PH_STOP,    /* no new requests; replies and deliveries still counted */
	PH_EXIT,    /* close everything and leave the loop */
};

enum role {
	ROLE_HELLO,  /* says hello once open, then idles */
	ROLE_SUB,    /* subscribes to c->target (a round) and counts deliveries */
	ROLE_PUB,    /* publishes to c->target at the offered rate */
	ROLE_WRITER, /* writes to c->target (a post) in a closed loop */
};

enum conn_state { CS_NEW, CS_CONNECTING, CS_UPGRADING, CS_OPEN, CS_CLOSED, CS_FAILED };

struct worker;
struct subwin;
struct pubstate;

struct conn {
	int fd;
	uint8_t state;
	uint8_t role;
	uint8_t frag_op;    /* opcode of a fragmented message in assembly, 0 if none */
	uint8_t corked;     /* queue writes without flushing */
	uint8_t close_sent;
	uint8_t node;       /* which server (--ports) it connects to */
	uint32_t idx;       /* in bench.conns */
	struct worker *w;
	const char *token;
	int64_t target;     /* round (ROLE_SUB, ROLE_PUB) or post (ROLE_WRITER) */
	uint32_t src;       /* ROLE_PUB: the source number its messages carry;
	                       ROLE_SUB: the one it expects (rounds) */
	char key[25];       /* Sec-WebSocket-Key while upgrading */
	char *in;           /* received bytes not yet parsed */
	uint32_t in_len, in_cap;
	char *frag;         /* a fragmented message in assembly */
	uint32_t frag_len, frag_cap;
	char *out;          /* bytes not yet written */
	uint32_t out_off, out_len, out_cap;
	uint64_t t_connect; /* when connect() was called */
	int64_t next_rid;
	int64_t wait_rid;   /* the one outstanding request of closed-loop roles, or -1 */
	uint64_t t_sent;    /* when wait_rid went out */
	struct subwin *win;     /* ROLE_SUB */
	struct pubstate *pub;   /* ROLE_PUB */
	void *ps;               /* the proto's own state (a peer's stream parser) */
};

/* Counters of one worker. Only the worker writes them (ST_ADD); the main
 * thread reads them while it runs (bench_sum), hence the relaxed atomics. */
struct wstats {
	uint64_t opened, failed, lost;      /* lost: closed after opening */
	uint64_t bytes_in, frames_in, msgs_in, objs_in, bad_msgs;
	uint64_t waits, wait_events, reads;  /* epoll_wait calls, events they returned, recv calls */
	uint64_t requests;                  /* hello and writer requests sent */
	uint64_t replies_ok, replies_err;   /* their replies */
	uint64_t measured_ok;               /* writer replies inside the window */
	uint64_t subscribed, sub_err;
	uint64_t deliveries, distinct, dups;
	uint64_t events_other;
	uint64_t pub_sent, pub_ok, pub_err, pub_stalls;
	uint64_t last_rx_ns, last_delivery_ns, first_delivery_ns;
	uint64_t cross;                     /* deliveries from another source (round) */
	uint64_t win_deliveries[OSB_WINDOWS]; /* by the window their message was sent in */
	/* By the node (server) of the receiving or writing connection. */
	uint64_t node_deliveries[OSB_MAX_NODES], node_distinct[OSB_MAX_NODES],
		node_dups[OSB_MAX_NODES], node_measured_ok[OSB_MAX_NODES];
};

#define ST_ADD(w, f, n) \
	__atomic_store_n(&(w)->st.f, (w)->st.f + (n), __ATOMIC_RELAXED)
#define ST_SET(w, f, v) __atomic_store_n(&(w)->st.f, (v), __ATOMIC_RELAXED)

struct worker {
	int idx;
	pthread_t thread;
	int epfd, evfd;
	struct bench *b;
	struct conn **conns;   /* this worker's share */
	struct conn **pubs;    /* its publishers, found at PH_CONNECT */
	size_t npubs;
	size_t nconns, next_connect, connecting;
	char *rbuf;            /* one read buffer for all of this worker's sockets */
	size_t rbuf_cap;
	uint32_t rng;          /* for frame masks */
	int seen_phase;
	uint64_t next_timeout_check;
	struct wstats st;
	struct hist h_connect;  /* connect() to 101 */
	struct hist h_reply;    /* request to reply: hello, writes, publishes */
	struct hist h_delivery; /* publish to delivery */
	struct hist h_win[OSB_WINDOWS]; /* the same, by the window of the send */
	struct hist h_node[OSB_MAX_NODES]; /* the same, by the subscriber's node */
	char error[200];        /* the first failure, for the report */
};

/* One account: from a users file or created with the CLI, then logged in. */
struct user {
	char name[64];
	char password[128];
	char role[16];
	char token[128];
};

struct bench_opts {
	const char *scenario;
	const char *host;
	int port;              /* the first of ports: setup, logins, publishers */
	int ports[OSB_MAX_NODES]; /* --ports / repeated --port: nodes of one forum */
	int nports;
	int threads;
	const char *users_file;
	const char *db, *bin, *password, *prefix;
	int create_users;
	int connections;       /* connect */
	int subscribers;       /* fanout */
	int writers;           /* writes */
	double rate;           /* publishes per second, 0 closed loop */
	int window;            /* publishes in flight at most */
	double duration, warmup, drain, settle, hold, connect_timeout;
	uint64_t messages;
	int size;              /* body bytes */
	int64_t round, post;
	int connect_parallel;
	const char *source_addrs; /* connect from these, round-robin */
	int rounds;            /* rounds: how many, each with --subscribers */
	const char *op;        /* rounds: post or chat */
	int logins, bad_logins; /* storm */
	const char *bad_source; /* storm: the wrong passwords' address */
	double slow_timeout;   /* slow: wait this long for the drop at most */
	int slow_rcvbuf;       /* slow: the stopped reader's SO_RCVBUF, 0 default */
	int server_pid;
	const char *label;
	int quiet;
};

struct proto;

struct bench {
	struct bench_opts o;
	size_t want_subs;       /* bench_subscribe_all(): subscribers to wait for */
	struct sockaddr_in addr;     /* node 0's, as node_addr[0] */
	char host_header[80];
	struct sockaddr_in node_addr[OSB_MAX_NODES];
	char node_host[OSB_MAX_NODES][80];
	int nnodes;                  /* 1 unless --ports names more */
	const struct proto *proto;
	struct user *users;
	size_t nusers;
	struct conn *conns;
	size_t nconns;
	struct worker workers[OSB_MAX_THREADS];
	int nworkers;
	int phase;            /* enum phase, atomic */
	int measuring;        /* writers count replies while set, atomic */
	char tag[9];          /* this run's marker tag (8 hex digits) */
	const char *delivery_ev;
	struct in_addr src_addrs[OSB_MAX_SOURCES]; /* --source-addrs */
	size_t nsrc;
	/* Publishers share o.rate and o.messages evenly (0 means 1). */
	int npubs;
	/* Set by the publishers' worker: how many are done, the first start
	 * and the last end. */
	int pub_done;
	uint64_t pub_start_ns, pub_end_ns;
	/* Measurement windows: a delivery counts in window k when its message
	 * was sent at or after win_start[k] (and before the next). Set by the
	 * main thread, win_start[k] before nwin. */
	uint64_t win_start[OSB_WINDOWS];
	int nwin;
	int drain_stalled;    /* the drain stopped early: nothing more came (nodes) */
};

static inline int
bench_phase(const struct bench *b)
{
	return __atomic_load_n(&b->phase, __ATOMIC_ACQUIRE);
}

uint64_t now_ns(void);

/* ---- loop.c: connections and the worker loops ---- */

/* Allocates n connections: the first ndedicated on one extra worker of
 * their own, the rest round-robin over the --threads workers. */
int bench_alloc_conns(struct bench *b, size_t n, size_t ndedicated);
/* Starts the worker threads (phase PH_IDLE). */
int bench_start(struct bench *b);
/* Moves every worker to phase p. */
void bench_set_phase(struct bench *b, int p);
/* PH_EXIT, then joins the workers. */
void bench_stop(struct bench *b);
/* Queues one text message on c (one masked frame) and sends it unless
 * corked. Returns 0, or -1 when the connection is gone. */
int conn_text(struct conn *c, const char *p, size_t n);
/* The same as one binary message (peers whose protocol is not text). */
int conn_binary(struct conn *c, const char *p, size_t n);
/* Writes what is queued; -1 when the connection is gone. */
int conn_flush(struct conn *c);
/* Notes the first failure of a worker for the report. */
void worker_error(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- roles.c: what each connection does ---- */

void role_open(struct conn *c, uint64_t now);
void role_phase(struct worker *w, int phase, uint64_t now);
/* Returns the longest the loop may sleep, in ms. */
int role_tick(struct worker *w, uint64_t now);
/* Called by the proto for each reply and each delivery (an event of
 * bench.delivery_ev, p..n being that object). */
void role_reply(struct conn *c, int64_t rid, int ok, const char *p, size_t n, uint64_t now);
void role_delivery(struct conn *c, const char *p, size_t n, uint64_t now);
/* For the main thread, once deliveries have stopped: the distinct messages
 * subscriber c saw, and the publishes publisher c had acknowledged. */
uint64_t role_sub_distinct(const struct conn *c);
uint64_t role_pub_acked(const struct conn *c);

/* ---- bench.c: helpers for scenarios ---- */

/* Sums one wstats field (by offset) over the workers. */
uint64_t bench_sum(struct bench *b, size_t off);
#define BENCH_SUM(b, f) bench_sum((b), offsetof(struct wstats, f))
uint64_t bench_max(struct bench *b, size_t off);
#define BENCH_MAX(b, f) bench_max((b), offsetof(struct wstats, f))
/* Polls until pred(b) holds or timeout_s passes; prints progress with label
 * unless quiet. Returns 0 when pred held. */
int bench_wait(struct bench *b, int (*pred)(struct bench *), double timeout_s,
	       const char *label);
/* Connects every allocated connection and waits until each is open (or
 * failed). Returns 0 when all opened. */
int bench_connect_all(struct bench *b);
/* Waits until no message arrived for quiet_s (at most max_s). */
void bench_settle(struct bench *b, double quiet_s, double max_s);
/* The start of every fan-out scenario: connects every connection, waits
 * until nsubs subscribers have subscribed, then for the join's presence
 * events to die down. 0, or -1 (said on stderr, workers stopped). */
int bench_subscribe_all(struct bench *b, size_t nsubs);
/* Publishing has ended (the publishers ran their course, or the
 * publishers are all done) and the waits for it: the publish phase with
 * its time limit (from --messages, --rate or --duration), then the drain.
 * 0, or 1 when either timed out. */
int bench_publish_and_drain(struct bench *b, int (*published)(struct bench *));
/* Every acknowledged publish answered and delivered to each of
 * --subscribers subscribers of its round. */
int bench_fanout_drained(struct bench *b);
/* Spreads conns[first .. first + n) over the nodes round-robin (the
 * first on node 0). */
void bench_spread(struct bench *b, size_t first, size_t n);
/* Sum of one per-node counter (node_deliveries, ...) for node k. */
uint64_t bench_node_sum(struct bench *b, size_t off, int k);
#define BENCH_NODE_SUM(b, f, k) bench_node_sum((b), offsetof(struct wstats, f), (k))
/* Merges the workers' publish-to-delivery histograms of node k. */
void bench_node_hist(struct bench *b, int k, struct hist *h);
/* Merges the workers' histograms. */
void bench_hists(struct bench *b, struct hist *connect, struct hist *reply,
		 struct hist *delivery);
/* Prints the first worker error, if any. */
void bench_print_errors(struct bench *b);

/* A measurement window: wall clock, the tool's CPU, the server's CPU. */
struct procstat {
	int ok;
	double cpu_s;      /* user + system */
	long rss_kb, hwm_kb;
	int threads;
};
int procstat_read(int pid, struct procstat *ps);

/* CPU time the whole machine spent busy, from /proc/stat (0 if unknown). */
double machine_busy_s(void);

struct window {
	uint64_t t0, t1;
	double m0, m1;     /* machine_busy_s at both ends */
	struct rusage r0, r1;
	struct procstat s0, s1;
};
void window_begin(struct bench *b, struct window *win);
void window_end(struct bench *b, struct window *win);

/* ---- report.c ---- */

struct report;
struct report *report_new(struct bench *b, const char *scenario);
void report_section(struct report *r, const char *title);
void report_int(struct report *r, const char *key, const char *label, long long v,
		const char *unit);
void report_num(struct report *r, const char *key, const char *label, double v,
		const char *unit, int decimals);
void report_str(struct report *r, const char *key, const char *label, const char *v);
/* Latency rows in microseconds: p50, p90, p99, p99.9, max, count. */
void report_hist(struct report *r, const char *key, const char *label,
		 const struct hist *h);
/* The tool's and the server's CPU and memory over the window; per_unit, when
 * not 0, also gives CPU per unit of work (deliveries, writes). */
void report_window(struct report *r, struct bench *b, const struct window *win,
		   uint64_t units, const char *unit_name);
/* With several nodes: for each, its subscribers (ROLE_SUB connections),
 * their deliveries, what they should have had (want(c) each, or acked
 * when want is NULL), missing and duplicate messages, how many got every
 * message, and the publish-to-delivery latency; then says which nodes got
 * none of another node's events. Returns the messages missing over all
 * nodes (0 with one node: the scenario's own totals say it). */
uint64_t report_nodes(struct report *r, struct bench *b, uint64_t acked,
		      uint64_t (*want)(struct bench *b, const struct conn *c));
/* Writes per node: each node's writers and acknowledged writes in the
 * window (nothing with one node). */
void report_node_writes(struct report *r, struct bench *b, double secs);
/* Prints the JSON line and frees r. */
void report_end(struct report *r);

/* ---- setup.c: accounts, login and the blocking control client ---- */

int users_load(struct bench *b, const char *path);
int users_create(struct bench *b, int n);
int users_login(struct bench *b);
/* The first manager or admin, or NULL. */
const struct user *users_manager(const struct bench *b);
/* The token the i-th connection uses: the employees in turn. */
const char *users_token_for(const struct bench *b, size_t i);

struct ctl;
/* A blocking WebSocket client for setup requests. */
struct ctl *ctl_open(struct bench *b, const char *token);
/* Sends a request (a JSON object without rid) and waits for its reply,
 * skipping events. Returns the reply (cJSON *, caller deletes) or NULL;
 * on a reply with "ok": false prints the error and returns NULL. */
void *ctl_call(struct ctl *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctl_close(struct ctl *ctl);
/* round.create (updown, internal) then round.update to open; the round id
 * or -1. */
int64_t setup_open_round(struct bench *b);
/* post.create (an idea) in round; the post id or -1. */
int64_t setup_post(struct bench *b, int64_t round);

/* ---- sc_*.c: scenarios ---- */

int sc_connect(struct bench *b);
int sc_fanout(struct bench *b);
int sc_writes(struct bench *b);
int sc_rounds(struct bench *b);
int sc_storm(struct bench *b);
int sc_slow(struct bench *b);

/* sc_storm.c, shared with sc_slow.c: a fan-out split into windows. */
struct fwin {
	const char *key, *label;
	struct window w;       /* CPU and memory over the window */
};
/* Opens window k (0, 1, ...) now: messages sent from now on count in it. */
void fwin_open(struct bench *b, struct fwin *f, int k, const char *key, const char *label);
void fwin_close(struct bench *b, struct fwin *f);
/* Reports window k: its deliveries, their latency and the server's CPU. */
void fwin_report(struct report *r, struct bench *b, const struct fwin *f, int k);
/* Creates the round (unless *round > 0 or --round), connects S subscribers
 * and a publisher that runs until PH_STOP; 0 when all subscribed. */
int fanout_prepare(struct bench *b, int64_t *round);
/* Stops publishing, drains, reports the whole run's totals over all (begun
 * before PH_RUN); 0 when every message reached every subscriber. */
int fanout_finish(struct bench *b, struct report *r, struct window *all);

/* selftest.c: known-answer checks of framing, scans and histogram. */
int osbench_selftest(void);

#endif
