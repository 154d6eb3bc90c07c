/*
 * osbench: a load generator for openstrat. See README.md.
 */
#include "osbench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto.h"

static const struct scenario {
	const char *name;
	int (*run)(struct bench *b);
	const char *summary;
} scenarios[] = {
	{"fanout", sc_fanout, "S subscribers on one round, 1 publisher (chat.send)"},
	{"writes", sc_writes, "W writers creating comments in a closed loop"},
	{"connect", sc_connect, "N connections, hello on each, optional idle hold"},
	{"rounds", sc_rounds, "R rounds of S subscribers, one publisher each (post.create)"},
	{"storm", sc_storm, "fanout, then 100 logins at once: latency before, during, after"},
	{"slow", sc_slow, "fanout with one reader stopped (SIGSTOP): is it dropped?"},
	{NULL, NULL, NULL},
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: osbench SCENARIO --port N [options]\n"
		"       osbench users --db PATH --bin PATH/openstrat --count N > users.txt\n"
		"       osbench selftest\n"
		"\n"
		"scenarios:\n");
	for (const struct scenario *s = scenarios; s->name; s++)
		fprintf(f, "  %-8s %s\n", s->name, s->summary);
	fprintf(f,
		"\n"
		"server:\n"
		"  --host ADDR            IPv4 address (127.0.0.1)\n"
		"  --port N               the server's port (required); repeat it, or give\n"
		"  --ports P1,P2,...      several, for nodes of one forum: fanout and rounds\n"
		"                         spread subscribers over them (publishers on the\n"
		"                         first), writes and connect spread every connection;\n"
		"                         each node's deliveries are reported (at most %d)\n"
		"  --server-pid PID       also report the server's CPU and RSS from /proc\n"
		"  --proto NAME           the server's protocol: openstrat, or a comparison peer:\n"
		"                         nats (nats-server's WebSocket listener), ws (the Node\n"
		"                         broadcast server of peers/); peers need no accounts\n"
		"accounts (the users file, or create them with the CLI):\n"
		"  --users FILE           lines 'username password [role]'; the first manager\n"
		"                         creates rounds, connections share the others' logins\n"
		"  --create-users N       create <prefix>mgr and <prefix>1..N first, with\n"
		"  --db PATH --bin PATH   'openstrat user add' on this database\n"
		"  --password P           their password (osbench-password)\n"
		"  --prefix P             their name prefix (bench)\n"
		"load:\n"
		"  --threads N            worker threads, each with its own epoll loop (1)\n"
		"  --connections N        connect: connections (1000)\n"
		"  --hold S               connect: keep them open and idle S seconds (0)\n"
		"  --subscribers N        fanout, storm, slow: subscribers (500); rounds: per\n"
		"                         round (100)\n"
		"  --rate R               fanout: chat.send per second; 0 = closed loop (50)\n"
		"  --window K             fanout: publishes in flight at most (64 closed loop,\n"
		"                         unbounded with a rate)\n"
		"  --duration S           fanout, rounds: publishing time; writes: measured time;\n"
		"                         storm, slow: the windows before and after (10)\n"
		"  --messages N           fanout: publish N messages instead of --duration\n"
		"  --size B               body bytes (100)\n"
		"  --drain S              fanout: wait at most S for the last deliveries (15)\n"
		"  --settle S             fanout: quiet time before publishing (0.5)\n"
		"  --writers N            writes: writers (16)\n"
		"  --warmup S             writes: unmeasured time first (1)\n"
		"  --round ID --post ID   use these instead of creating them\n"
		"  --connect-parallel N   handshakes in progress at most (256)\n"
		"  --source-addrs A,B,..  connect from these local addresses in turn (such as\n"
		"                         127.0.0.1,127.0.0.2): each has its own ephemeral ports\n"
		"  --rounds N             rounds: rounds, each with --subscribers (100; S 100)\n"
		"  --op post|chat         rounds: publish ideas (post.create) or chat.send (post)\n"
		"  --logins N             storm: logins sent at once (100)\n"
		"  --bad-logins N         storm: also N with a wrong password, unknown user (0)\n"
		"  --bad-source ADDR      storm: where those come from (127.0.0.2)\n"
		"  --slow-timeout S       slow: wait at most S for the drop (60)\n"
		"  --slow-rcvbuf B        slow: the stopped reader's SO_RCVBUF (system default)\n"
		"  --connect-timeout S    give up connecting after S (30 + N/100)\n"
		"output:\n"
		"  --label TEXT           copied into the JSON line\n"
		"  --quiet                no progress on stderr\n"
		"\n"
		"Results: a table, then one JSON line starting with {\"osbench\":.\n"
		"Exit status 0 when complete, 1 when something was lost or failed,\n"
		"2 on a usage or setup error.\n"
		"Start the server with --rate-limit 0 --conn-rate-limit 0, or the\n"
		"publisher and the writers get rate_limited.\n", OSB_MAX_NODES);
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
need_fds(size_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < n + 64) {
		fprintf(stderr,
			"osbench: %zu connections need %zu file descriptors; the limit is %llu "
			"(raise the hard limit: ulimit -Hn)\n",
			n, n + 64, (unsigned long long)rl.rlim_cur);
		return -1;
	}
	return 0;
}

enum {
	O_HOST = 256, O_PORT, O_THREADS, O_USERS, O_DB, O_BIN, O_PASSWORD, O_PREFIX,
	O_CREATE, O_CONNS, O_SUBS, O_WRITERS, O_RATE, O_WINDOW, O_DURATION, O_WARMUP,
	O_DRAIN, O_SETTLE, O_HOLD, O_MESSAGES, O_SIZE, O_ROUND, O_POST, O_PAR, O_CTIMEOUT,
	O_PID, O_LABEL, O_QUIET, O_COUNT, O_PROTO, O_SOURCES, O_ROUNDS, O_OP, O_LOGINS,
	O_BAD_LOGINS, O_BAD_SOURCE, O_SLOW_TIMEOUT, O_SLOW_RCVBUF, O_PORTS, O_HELP,
};

static const struct option longopts[] = {
	{"host", 1, NULL, O_HOST},          {"port", 1, NULL, O_PORT},
	{"threads", 1, NULL, O_THREADS},    {"users", 1, NULL, O_USERS},
	{"db", 1, NULL, O_DB},              {"bin", 1, NULL, O_BIN},
	{"password", 1, NULL, O_PASSWORD},  {"prefix", 1, NULL, O_PREFIX},
	{"create-users", 1, NULL, O_CREATE}, {"connections", 1, NULL, O_CONNS},
	{"subscribers", 1, NULL, O_SUBS},   {"writers", 1, NULL, O_WRITERS},
	{"rate", 1, NULL, O_RATE},          {"window", 1, NULL, O_WINDOW},
	{"duration", 1, NULL, O_DURATION},  {"warmup", 1, NULL, O_WARMUP},
	{"drain", 1, NULL, O_DRAIN},        {"settle", 1, NULL, O_SETTLE},
	{"hold", 1, NULL, O_HOLD},          {"messages", 1, NULL, O_MESSAGES},
	{"size", 1, NULL, O_SIZE},          {"round", 1, NULL, O_ROUND},
	{"post", 1, NULL, O_POST},          {"connect-parallel", 1, NULL, O_PAR},
	{"connect-timeout", 1, NULL, O_CTIMEOUT}, {"server-pid", 1, NULL, O_PID},
	{"label", 1, NULL, O_LABEL},        {"quiet", 0, NULL, O_QUIET},
	{"count", 1, NULL, O_COUNT},        {"proto", 1, NULL, O_PROTO},
	{"source-addrs", 1, NULL, O_SOURCES}, {"rounds", 1, NULL, O_ROUNDS},
	{"op", 1, NULL, O_OP},              {"logins", 1, NULL, O_LOGINS},
	{"bad-logins", 1, NULL, O_BAD_LOGINS}, {"bad-source", 1, NULL, O_BAD_SOURCE},
	{"slow-timeout", 1, NULL, O_SLOW_TIMEOUT}, {"slow-rcvbuf", 1, NULL, O_SLOW_RCVBUF},
	{"ports", 1, NULL, O_PORTS},
	{"help", 0, NULL, O_HELP},
	{NULL, 0, NULL, 0},
};

static int
num(const char *opt, const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "osbench: --%s must be a number from %g to %g\n", opt, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* --source-addrs: a comma-separated list of IPv4 addresses. */
static int
sources(struct bench *b, const char *list)
{
	char buf[1024], *save = NULL;

	snprintf(buf, sizeof buf, "%s", list);
	b->nsrc = 0;
	for (char *a = strtok_r(buf, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		if (b->nsrc == OSB_MAX_SOURCES ||
		    inet_pton(AF_INET, a, &b->src_addrs[b->nsrc]) != 1) {
			fprintf(stderr, "osbench: --source-addrs: '%s' is not an IPv4 address "
					"(at most %d of them)\n", a, OSB_MAX_SOURCES);
			return -1;
		}
		b->nsrc++;
	}
	b->o.source_addrs = list;
	return b->nsrc ? 0 : -1;
}

/* --port (repeated) and --ports P1,P2,...: the nodes, in order. */
static int
add_ports(struct bench *b, const char *list)
{
	char buf[256], *save = NULL, *end;

	snprintf(buf, sizeof buf, "%s", list);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		long v = strtol(p, &end, 10);

		if (end == p || *end || v < 1 || v > 65535 || b->o.nports == OSB_MAX_NODES) {
			fprintf(stderr, "osbench: --ports: '%s' is not a port from 1 to 65535 "
					"(at most %d of them)\n", p, OSB_MAX_NODES);
			return -1;
		}
		b->o.ports[b->o.nports++] = (int)v;
	}
	return b->o.nports ? 0 : -1;
}

/* The connections a scenario opens (the file descriptors it needs). */
static size_t
conns_needed(const struct bench *b, const char *name)
{
	size_t s = (size_t)b->o.subscribers;

	if (!strcmp(name, "fanout") || !strcmp(name, "slow"))
		return s + 1;
	if (!strcmp(name, "storm"))
		return s + 1 + (size_t)b->o.logins + (size_t)b->o.bad_logins;
	if (!strcmp(name, "rounds"))
		return (size_t)b->o.rounds * (s + 1);
	if (!strcmp(name, "writes"))
		return (size_t)b->o.writers;
	return (size_t)b->o.connections;
}

static int
parse(struct bench *b, int argc, char **argv, int *count, const char **proto)
{
	struct bench_opts *o = &b->o;
	double v;
	int c, idx;

	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		const char *name = c >= 256 && c <= O_HELP ? longopts[c - 256].name : "?";

#define NUM(min, max)                                  \
	do {                                           \
		if (num(name, optarg, (min), (max), &v)) \
			return -1;                     \
	} while (0)
		switch (c) {
		case O_HOST: o->host = optarg; break;
		case O_PORT:
		case O_PORTS:
			if (add_ports(b, optarg))
				return -1;
			break;
		case O_THREADS: NUM(1, OSB_MAX_THREADS); o->threads = (int)v; break;
		case O_USERS: o->users_file = optarg; break;
		case O_DB: o->db = optarg; break;
		case O_BIN: o->bin = optarg; break;
		case O_PASSWORD: o->password = optarg; break;
		case O_PREFIX: o->prefix = optarg; break;
		case O_CREATE: NUM(1, 100000); o->create_users = (int)v; break;
		case O_COUNT: NUM(1, 100000); *count = (int)v; break;
		case O_CONNS: NUM(1, 10000000); o->connections = (int)v; break;
		case O_SUBS: NUM(1, 10000000); o->subscribers = (int)v; break;
		case O_WRITERS: NUM(1, 10000000); o->writers = (int)v; break;
		case O_RATE: NUM(0, 1e9); o->rate = v; break;
		case O_WINDOW: NUM(1, 65536); o->window = (int)v; break;
		case O_DURATION: NUM(0.1, 86400); o->duration = v; break;
		case O_WARMUP: NUM(0, 3600); o->warmup = v; break;
		case O_DRAIN: NUM(0, 3600); o->drain = v; break;
		case O_SETTLE: NUM(0, 600); o->settle = v; break;
		case O_HOLD: NUM(0, 86400); o->hold = v; break;
		case O_MESSAGES: NUM(1, 1e12); o->messages = (uint64_t)v; break;
		case O_SIZE: NUM(0, 8000); o->size = (int)v; break;
		case O_ROUND: NUM(1, 9e15); o->round = (int64_t)v; break;
		case O_POST: NUM(1, 9e15); o->post = (int64_t)v; break;
		case O_PAR: NUM(1, 100000); o->connect_parallel = (int)v; break;
		case O_CTIMEOUT: NUM(1, 86400); o->connect_timeout = v; break;
		case O_PID: NUM(1, 1e9); o->server_pid = (int)v; break;
		case O_LABEL: o->label = optarg; break;
		case O_PROTO: *proto = optarg; break;
		case O_SOURCES: if (sources(b, optarg)) return -1; break;
		case O_ROUNDS: NUM(1, 100000); o->rounds = (int)v; break;
		case O_OP:
			if (strcmp(optarg, "post") && strcmp(optarg, "chat")) {
				fprintf(stderr, "osbench: --op is post or chat\n");
				return -1;
			}
			o->op = optarg;
			break;
		case O_LOGINS: NUM(1, 10000); o->logins = (int)v; break;
		case O_BAD_LOGINS: NUM(0, 10000); o->bad_logins = (int)v; break;
		case O_BAD_SOURCE: o->bad_source = optarg; break;
		case O_SLOW_TIMEOUT: NUM(1, 3600); o->slow_timeout = v; break;
		case O_SLOW_RCVBUF: NUM(0, 1 << 30); o->slow_rcvbuf = (int)v; break;
		case O_QUIET: o->quiet = 1; break;
		case 'h':
		case O_HELP: usage(stdout); exit(0);
		default: return -1;
		}
#undef NUM
	}
	return 0;
}

/* The Node peer (peers/ws-broadcast.js) answers the requests osbench makes
 * as openstrat does and sends the same chat.message events, so its proto is
 * openstrat's under its own name, without accounts. */
static const struct proto *
proto_named(const char *name)
{
	static struct proto ws;

	if (!strcmp(name, proto_openstrat.name))
		return &proto_openstrat;
	if (!strcmp(name, proto_nats.name))
		return &proto_nats;
	if (!strcmp(name, "ws")) {
		ws = proto_openstrat;
		ws.name = "ws";
		ws.peer = 1;
		return &ws;
	}
	return NULL;
}

/* Loads or creates the accounts and logs each in. */
static int
accounts(struct bench *b)
{
	if (b->o.users_file && users_load(b, b->o.users_file))
		return -1;
	if (!b->o.users_file && b->o.create_users && users_create(b, b->o.create_users))
		return -1;
	if (!b->nusers) {
		fprintf(stderr, "osbench: no accounts: pass --users FILE or --create-users N "
				"--db PATH --bin PATH\n");
		return -1;
	}
	return users_login(b);
}

/* osbench users: create the accounts once, print a users file. */
static int
cmd_users(struct bench *b, int count)
{
	if (!b->o.db || !b->o.bin || count < 1) {
		fprintf(stderr, "osbench: users needs --db, --bin and --count\n");
		return 2;
	}
	if (users_create(b, count))
		return 1;
	printf("# osbench users: username password role\n");
	for (size_t i = 0; i < b->nusers; i++)
		printf("%s %s %s\n", b->users[i].name, b->users[i].password, b->users[i].role);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct bench b;
	const struct scenario *sc = NULL;
	uint8_t raw[4];
	size_t conns;
	const char *proto = "openstrat";
	int count = 0, rc;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	b.o = (struct bench_opts){
		.scenario = argv[1], .host = "127.0.0.1", .threads = 1,
		.password = "osbench-password", .prefix = "bench", .connections = 1000,
		.writers = 16, .rate = 50, .duration = 10,
		.warmup = 1, .drain = 15, .settle = 0.5, .size = 100,
		.connect_parallel = 256, .rounds = 100, .logins = 100,
		.bad_source = "127.0.0.2", .slow_timeout = 60,
	};
	if (sodium_init() < 0) {
		fprintf(stderr, "osbench: libsodium failed to start\n");
		return 2;
	}
	optind = 2;
	if (parse(&b, argc, argv, &count, &proto)) {
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "osbench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!strcmp(b.o.scenario, "users"))
		return cmd_users(&b, count);
	if (!strcmp(b.o.scenario, "selftest"))
		return osbench_selftest();
	for (const struct scenario *s = scenarios; s->name; s++)
		if (!strcmp(s->name, b.o.scenario))
			sc = s;
	if (!sc) {
		fprintf(stderr, "osbench: unknown scenario '%s'\n", b.o.scenario);
		usage(stderr);
		return 2;
	}
	if (!b.o.nports) {
		fprintf(stderr, "osbench: --port is required\n");
		return 2;
	}
	b.o.port = b.o.ports[0];
	b.nnodes = b.o.nports;
	if (b.o.rate <= 0 && !b.o.window)
		b.o.window = 64;
	if (!b.o.subscribers)
		b.o.subscribers = !strcmp(sc->name, "rounds") ? 100 : 500;
	b.proto = proto_named(proto);
	if (!b.proto) {
		fprintf(stderr, "osbench: --proto must be openstrat, nats or ws\n");
		return 2;
	}
	if (b.nnodes > 1 && (b.proto->peer || !strcmp(sc->name, "storm") ||
			     !strcmp(sc->name, "slow"))) {
		fprintf(stderr, "osbench: several ports are for openstrat's fanout, rounds, "
				"writes and connect\n");
		return 2;
	}
	if (b.proto->peer && !strcmp(sc->name, "writes")) {
		fprintf(stderr, "osbench: writes needs openstrat: the peers persist nothing\n");
		return 2;
	}
	if (b.o.size > 1000 && !strcmp(sc->name, "fanout") && !b.proto->peer)
		fprintf(stderr, "osbench: warning: chat bodies over 1000 characters are too_large\n");
	b.nworkers = b.o.threads;
	b.addr.sin_family = AF_INET;
	b.addr.sin_port = htons((uint16_t)b.o.port);
	if (inet_pton(AF_INET, b.o.host, &b.addr.sin_addr) != 1) {
		fprintf(stderr, "osbench: --host must be an IPv4 address\n");
		return 2;
	}
	snprintf(b.host_header, sizeof b.host_header, "%s:%d", b.o.host, b.o.port);
	for (int k = 0; k < b.nnodes; k++) {
		b.node_addr[k] = b.addr;
		b.node_addr[k].sin_port = htons((uint16_t)b.o.ports[k]);
		snprintf(b.node_host[k], sizeof b.node_host[k], "%s:%d", b.o.host, b.o.ports[k]);
	}
	randombytes_buf(raw, sizeof raw);
	snprintf(b.tag, sizeof b.tag, "%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3]);

	raise_nofile();
	conns = conns_needed(&b, sc->name);
	if (need_fds(conns))
		return 2;

	/* Peers have no accounts: --users and --create-users are ignored. */
	if (!b.proto->peer && accounts(&b))
		return 2;
	rc = sc->run(&b);
	free(b.users);
	return rc;
}
