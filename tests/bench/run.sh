#!/usr/bin/env bash
# Runs the openstrat load scenarios against a fresh server on loopback and
# prints the results. Builds nothing: give it the binaries.
#
#   OPENSTRAT_BIN=build/openstrat OSBENCH_BIN=build/osbench tests/bench/run.sh [options]
#
# Options (defaults in brackets):
#   --fanout "N ..."     subscriber counts for the fan-out scenario ["500 2000"]
#   --rate R             offered chat.send rate of the fixed-rate runs [100];
#                        "N:R ..." sets it per subscriber count (others 100),
#                        such as "500:200 2000:200 10000:20"
#   --no-max             skip the closed-loop (maximum throughput) fan-out runs
#   --window K           publishes in flight in the closed-loop runs [64]
#   --drain S            fan-out: wait at most S after the last publish for the
#                        last deliveries (a server that falls behind the offered
#                        rate catches up; past S what is missing counts as lost) [60]
#   --writers "N ..."    writer counts for the writes scenario ["1 16 64"]
#   --connect N          also open N idle connections, first, on the fresh
#                        server (0: skip) [0]
#   --source-addrs LIST  --connect from these addresses in turn, such as
#                        127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 (each has about
#                        28,000 ephemeral ports towards the server) [127.0.0.1]
#   --hold S             how long those connections stay idle; past 30 s the
#                        server's keepalive pings are part of it [--duration]
#   --rounds RxS         also R rounds of S subscribers, one publisher each,
#                        --rate spread over them, such as 100x100 [skip]
#   --rounds-op OP       what the rounds publish: post (post.create) or chat [post]
#   --storm              also the login storm: fan-out to 500 subscribers at
#                        --rate while 100 logins run at once [skip]
#   --storm-bad N        then a second storm with N wrong-password logins
#                        besides (from 127.0.0.2) [0]
#   --slow               also the slow reader, first: fan-out to 100
#                        subscribers, one more reader stopped [skip]
#   --slow-rate R        its offered rate, of 900-byte messages [500]
#   --cost "N ..."       also fan-out at one delivery rate for each N, for the
#                        server's CPU per delivery, such as "500 2000 10000" [skip]
#   --cost-rate D        deliveries per second those runs offer [100000]
#   --idle "N ..."       also fan-out to --idle-subs subscribers at --idle-rate
#                        while N other connections sit idle, for each N, such
#                        as "0 10000": does a delivery cost more when many
#                        people are connected but quiet? [skip]
#   --idle-subs N        subscribers of those runs [100]
#   --idle-rate R        their offered chat.send rate [200]
#   --duration S         measured seconds per run [10]
#   --threads N          osbench worker threads [1]
#   --users N            accounts to create (connections share their logins) [50]
#   --sync full|normal   the server's --sync level [the server's default]
#   --serve-arg ARG      one more argument for 'openstrat serve' (repeatable)
#   --db-dir DIR         where the temporary database lives [$TMPDIR or /tmp]
# PostgreSQL and several nodes (docs/PERFORMANCE.md, "PostgreSQL and several
# nodes"):
#   --db-url URL         run the set against this PostgreSQL database
#                        (postgresql://...; migrated with 'openstrat init',
#                        accounts added: give it a scratch database)
#   --pg                 the same on a throwaway PostgreSQL cluster of its own
#                        (initdb into a temporary folder on a free port, as the
#                        postgres user when run as root; stopped and removed at
#                        the end): tests/support/pg.sh when the tree has it
#   --stores "S ..."     the stores to run the set on, one after the other,
#                        each with a fresh server: sqlite, pg ["sqlite", or
#                        "pg" with --db-url or --pg]; "sqlite pg" puts their
#                        writes side by side (the pg runs' labels start "pg:");
#                        "" for none (with --cluster: only the nodes' runs)
#   --cluster N          then N openstrat nodes on the PostgreSQL database,
#                        linked by a nats-server of their own (--nats-bin) on a
#                        free port: each fan-out of --cluster-fanout with the
#                        publisher on node 1 and the subscribers spread over all
#                        nodes, then the same on node 1 alone [skip]
#   --cluster-fanout "N:R ..."  those fan-outs: subscribers:rate ["500:200"]
#   --cluster-writers "N ..."   also writes spread over the nodes [""]
#   --no-nats            start the nodes without --nats (unlinked: osbench
#                        reports the other nodes' deliveries as missing)
#   --out FILE           also append every result's JSON line to FILE
#   --peers "NAME ..."   also run each fan-out against these comparison peers,
#                        each started fresh for the run and stopped after:
#                        nats (nats-server's WebSocket listener, peers/nats.conf),
#                        ws (the Node server peers/ws-broadcast.js); "" for none
#                        [each one that is installed]
#   --nats-bin PATH      the nats-server to run [nats-server]
#   --node-bin PATH      the node to run the ws peer with [node]
#   --keep               keep the temporary directory (database, logs)
#   -- ARGS              passed to every osbench run
#
# The server runs with --rate-limit 0 --conn-rate-limit 0: the per-user write
# limit would otherwise answer rate_limited, since many connections share one
# account, and the per-connection request limit would cap the publisher and
# every writer.
# Everything is bounded: each wait has a timeout, each osbench run a time
# limit, and the server and any peer are stopped with SIGTERM (then SIGKILL)
# on exit.
set -euo pipefail

fanout_sizes="500 2000"
rate=100
do_max=1
window=64
drain=60
writer_counts="1 16 64"
connect_n=0
source_addrs=""
hold=""
rounds=""
rounds_op=post
do_storm=0
storm_bad=0
do_slow=0
slow_rate=500
cost_sizes=""
cost_rate=100000
idle_sizes=""
idle_subs=100
idle_rate=200
duration=10
threads=1
nusers=50
sync=""
db_dir="${TMPDIR:-/tmp}"
out=""
keep=0
extra=()
serve_extra=()
peers=auto
nats_bin=nats-server
node_bin=node
db_url=""
want_pg=0
stores=auto
cluster_n=0
cluster_fanout="500:200"
cluster_writers=""
use_nats=1

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
	case "$1" in
	--fanout) fanout_sizes="$2"; shift 2 ;;
	--rate) rate="$2"; shift 2 ;;
	--no-max) do_max=0; shift ;;
	--window) window="$2"; shift 2 ;;
	--drain) drain="$2"; shift 2 ;;
	--writers) writer_counts="$2"; shift 2 ;;
	--connect) connect_n="$2"; shift 2 ;;
	--source-addrs) source_addrs="$2"; shift 2 ;;
	--hold) hold="$2"; shift 2 ;;
	--rounds) rounds="$2"; shift 2 ;;
	--rounds-op) rounds_op="$2"; shift 2 ;;
	--storm) do_storm=1; shift ;;
	--storm-bad) storm_bad="$2"; shift 2 ;;
	--slow) do_slow=1; shift ;;
	--slow-rate) slow_rate="$2"; shift 2 ;;
	--cost) cost_sizes="$2"; shift 2 ;;
	--cost-rate) cost_rate="$2"; shift 2 ;;
	--idle) idle_sizes="$2"; shift 2 ;;
	--idle-subs) idle_subs="$2"; shift 2 ;;
	--idle-rate) idle_rate="$2"; shift 2 ;;
	--duration) duration="$2"; shift 2 ;;
	--threads) threads="$2"; shift 2 ;;
	--users) nusers="$2"; shift 2 ;;
	--sync) sync="$2"; shift 2 ;;
	--serve-arg) serve_extra+=("$2"); shift 2 ;;
	--db-dir) db_dir="$2"; shift 2 ;;
	--out) out="$2"; shift 2 ;;
	--keep) keep=1; shift ;;
	--peers) peers="$2"; shift 2 ;;
	--nats-bin) nats_bin="$2"; shift 2 ;;
	--node-bin) node_bin="$2"; shift 2 ;;
	--db-url) db_url="$2"; shift 2 ;;
	--pg) want_pg=1; shift ;;
	--stores) stores="$2"; shift 2 ;;
	--cluster) cluster_n="$2"; shift 2 ;;
	--cluster-fanout) cluster_fanout="$2"; shift 2 ;;
	--cluster-writers) cluster_writers="$2"; shift 2 ;;
	--no-nats) use_nats=0; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; extra=("$@"); break ;;
	*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done

: "${OPENSTRAT_BIN:?set OPENSTRAT_BIN to the built openstrat binary}"
: "${OSBENCH_BIN:?set OSBENCH_BIN to the built osbench binary}"
for b in "$OPENSTRAT_BIN" "$OSBENCH_BIN"; do
	[ -x "$b" ] || { echo "run.sh: $b is not an executable" >&2; exit 2; }
done
case "$db_url" in
"" | postgresql://* | postgres://*) ;;
*) echo "run.sh: --db-url takes a postgresql:// URL" >&2; exit 2 ;;
esac
if [ -n "$db_url" ] && [ "$want_pg" = 1 ]; then
	echo "run.sh: --db-url or --pg, not both" >&2
	exit 2
fi
if [ "$stores" = auto ]; then
	stores=sqlite
	if [ -n "$db_url" ] || [ "$want_pg" = 1 ]; then
		stores=pg
	fi
fi
for st in $stores; do
	case "$st" in
	sqlite) ;;
	pg) [ -n "$db_url" ] || want_pg=1 ;;
	*) echo "run.sh: unknown store $st (sqlite, pg)" >&2; exit 2 ;;
	esac
done
case "$cluster_n" in
'' | *[!0-9]*) echo "run.sh: --cluster takes a number of nodes" >&2; exit 2 ;;
esac
if [ "$cluster_n" -gt 8 ]; then
	echo "run.sh: --cluster: at most 8 nodes" >&2
	exit 2
fi
if [ "$cluster_n" -gt 0 ] && [ -z "$db_url" ]; then
	want_pg=1
fi

tmp=$(mktemp -d "$db_dir/osbench.XXXXXX")
db="$tmp/os.db"
server_pid=""
sampler_pid=""
results="$tmp/results.jsonl"
: > "$results"
pass_results="$tmp/pass.jsonl"
# Several nodes (--cluster): node 1 is server_pid; the others and the
# nats-server that links them.
node_pids=()
nats_pid=""
pg_dir=""
pg_script="$(cd "$(dirname "$0")/../support" 2>/dev/null && pwd)/pg.sh"

# stop_pid PID WHAT: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1"
		for _ in $(seq 100); do
			kill -0 "$1" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$1" 2>/dev/null; then
			echo "run.sh: $2 did not stop in 10 s; killing it" >&2
			kill -KILL "$1" 2>/dev/null || true
		fi
		wait "$1" 2>/dev/null || true
	fi
}
stop_server() {
	[ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null && wait "$sampler_pid" 2>/dev/null || true
	sampler_pid=""
	stop_pid "$server_pid" server
	server_pid=""
	local p
	for p in ${node_pids[@]+"${node_pids[@]}"}; do
		stop_pid "$p" node
	done
	node_pids=()
	stop_pid "$nats_pid" nats-server
	nats_pid=""
}

# A throwaway PostgreSQL cluster (--pg): tests/support/pg.sh when the tree
# has it, otherwise the same steps here: initdb into a folder of its own
# (outside $tmp, which only its owner may enter), as the postgres user when
# run as root, trust authentication on 127.0.0.1, fsync on, a free port.
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_pg() {
	local bindir port started=""
	pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/osbench-pg.XXXXXX")
	if [ -x "$pg_script" ]; then
		db_url=$("$pg_script" start "$pg_dir" 2> "$tmp/pg.err") || { cat "$tmp/pg.err" >&2; return 1; }
		return 0
	fi
	bindir=$(pg_bindir)
	if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
		echo "run.sh: --pg needs a PostgreSQL server (Debian package postgresql)" >&2
		return 1
	fi
	[ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
	chmod 700 "$pg_dir"
	pg_as_owner "$bindir/initdb" -D "$pg_dir/data" -U openstrat --auth=trust -E UTF8 \
		--locale=C.UTF-8 > "$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; return 1; }
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		if pg_as_owner "$bindir/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
			-o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" \
			start > /dev/null; then
			started=1
			break
		fi
	done
	[ -n "$started" ] || { cat "$pg_dir/server.log" >&2; return 1; }
	pg_as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U openstrat osbench
	db_url="postgresql://openstrat@127.0.0.1:$port/osbench"
}
stop_pg() {
	[ -n "$pg_dir" ] || return 0
	if [ -x "$pg_script" ]; then
		"$pg_script" stop "$pg_dir" > /dev/null 2>&1 || true
	else
		[ -d "$pg_dir/data" ] &&
			pg_as_owner "$(pg_bindir)/pg_ctl" -D "$pg_dir/data" -m fast -w stop > /dev/null 2>&1 || true
		rm -rf "$pg_dir"
	fi
	pg_dir=""
}

# The comparison peers (README.md: "Comparison peers"). One runs at a time,
# started fresh for each osbench run and stopped after it.
peer_dir="$(cd "$(dirname "$0")" && pwd)/peers"
peer_pid=""
peer_port=""
peer_sampler=""
stop_peer() {
	[ -n "$peer_sampler" ] && kill "$peer_sampler" 2>/dev/null && wait "$peer_sampler" 2>/dev/null || true
	peer_sampler=""
	if [ -n "$peer_pid" ] && kill -0 "$peer_pid" 2>/dev/null; then
		kill -TERM "$peer_pid"
		for _ in $(seq 100); do
			kill -0 "$peer_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$peer_pid" 2>/dev/null; then
			echo "run.sh: peer did not stop in 10 s; killing it" >&2
			kill -KILL "$peer_pid" 2>/dev/null || true
		fi
		wait "$peer_pid" 2>/dev/null || true
	fi
	peer_pid=""
	peer_port=""
}
cleanup() {
	stop_peer
	stop_server
	stop_pg
	if [ "$keep" = 1 ]; then
		echo "run.sh: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

clk_tck=$(getconf CLK_TCK)
# The server's CPU time in clock ticks (utime + stime).
# A process's CPU time in clock ticks (utime + stime) and a /proc status
# field in KiB; the process is the server's unless given.
server_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/${1:-$server_pid}/stat" 2>/dev/null || echo 0; }
server_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/${2:-$server_pid}/status" 2>/dev/null || echo 0; }

echo "== openstrat benchmark: $(nproc) cores, $(uname -srm), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   database in $tmp ($(df -PT "$tmp" | awk 'NR==2 { print $2 }'))"

# The peers: each one installed, or those --peers names (then missing is an
# error). The Node peer's packages come from its package-lock.json.
peers_asked=1
if [ "$peers" = auto ]; then
	peers_asked=0
	peers="nats ws"
fi
peers_ok=""
for p in $peers; do
	case "$p" in
	nats) have=$(command -v "$nats_bin" || true) ;;
	ws) have=$(command -v "$node_bin" || true) ;;
	*) echo "run.sh: unknown peer $p (nats, ws)" >&2; exit 2 ;;
	esac
	if [ -n "$have" ] && [ "$p" = ws ] && [ ! -d "$peer_dir/node_modules/ws" ]; then
		echo "   installing the ws peer's packages (npm ci in $peer_dir)"
		(cd "$peer_dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) > "$tmp/npm.log" 2>&1 ||
			{ cat "$tmp/npm.log" >&2; have=""; }
	fi
	if [ -z "$have" ]; then
		[ "$peers_asked" = 1 ] && { echo "run.sh: peer $p is not available" >&2; exit 2; }
		echo "   peer $p is not available; skipping it"
		continue
	fi
	peers_ok="$peers_ok $p"
done
peers="${peers_ok# }"
for p in $peers; do
	case "$p" in
	nats) echo "   peer nats: $("$nats_bin" --version 2>&1 | head -1), $peer_dir/nats.conf" ;;
	ws) echo "   peer ws: node $("$node_bin" --version), ws $("$node_bin" -p 'require(process.argv[1] + "/node_modules/ws/package.json").version' "$peer_dir"), $peer_dir/ws-broadcast.js" ;;
	esac
done

# The server keeps the open-file limit it is started with (it does not raise
# its own soft limit): give it, and everything else here, the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$want_pg" = 1 ]; then
	echo "   starting a throwaway PostgreSQL cluster$([ -x "$pg_script" ] && echo " ($pg_script)")"
	start_pg || { echo "run.sh: could not start PostgreSQL" >&2; exit 1; }
fi
if [ -n "$db_url" ]; then
	command -v psql > /dev/null || { echo "run.sh: PostgreSQL runs need psql (Debian package postgresql-client)" >&2; exit 2; }
	echo "   PostgreSQL: $(psql "$db_url" -Atc 'SHOW server_version' 2>&1 | head -1) at $db_url"
fi

serve_usage=$("$OPENSTRAT_BIN" serve --help 2>&1 || true)

# setup_db DB: the schema and the accounts (users.txt) on this database.
setup_db() {
	"$OPENSTRAT_BIN" init --db "$1" > "$tmp/init.out" 2>&1 || { cat "$tmp/init.out" >&2; exit 1; }
	echo "   creating $nusers users and a manager (argon2id, a few seconds)"
	"$OSBENCH_BIN" users --db "$1" --bin "$OPENSTRAT_BIN" --count "$nusers" > "$tmp/users.txt" 2> "$tmp/users.err" ||
		{ cat "$tmp/users.err" >&2; exit 1; }
	# 'users' takes an account that exists already as created: make sure
	# they are all there (a database the program cannot write says so here).
	local have tool
	case "$1" in postgres*) tool=psql ;; *) tool=sqlite3 ;; esac
	command -v "$tool" > /dev/null || return 0
	have=$(dbcount "$1" "SELECT count(*) FROM users WHERE username LIKE 'bench%'" 2>&1) || true
	if ! [ "$have" -ge $((nusers + 1)) ] 2>/dev/null; then
		cat "$tmp/init.out" "$tmp/users.err" >&2
		echo "run.sh: the accounts are not in $1 (found: $have)" >&2
		exit 1
	fi
}

# start_node DB LOG [ARGS...]: starts 'openstrat serve' on DB with the
# benchmark's arguments and ARGS; sets started_pid and started_port.
start_node() {
	local ndb="$1" log="$2"
	shift 2
	serve_args=(serve --db "$ndb" --port 0 --rate-limit 0)
	# Older servers have no per-connection limit and no flag for it.
	if grep -q -- '--conn-rate-limit' <<< "$serve_usage"; then
		serve_args+=(--conn-rate-limit 0)
	fi
	case "$ndb" in postgres*) serve_args+=(--files "$tmp/files") ;; esac
	[ -n "$sync" ] && serve_args+=(--sync "$sync")
	serve_args+=("$@" ${serve_extra[@]+"${serve_extra[@]}"})
	"$OPENSTRAT_BIN" "${serve_args[@]}" > "$log.out" 2> "$log.err" &
	started_pid=$!
	started_port=""
	for _ in $(seq 150); do
		started_port=$(sed -n 's|^openstrat: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$log.out")
		[ -n "$started_port" ] && break
		kill -0 "$started_pid" 2>/dev/null || { cat "$log.err" >&2; echo "run.sh: the server exited" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$started_port" ] || { echo "run.sh: the server did not say it was listening within 15 s" >&2; exit 1; }
}

# start_server DB: the one server of a store's set (or node 1), with its
# RSS sampler; sets server_pid and port.
start_server() {
	start_node "$1" "$tmp/serve" "${@:2}"
	server_pid=$started_pid
	port=$started_port
	echo "   server pid $server_pid on port $port: ${serve_args[*]}"
	# Samples the server's RSS twice a second, for the peak during each run.
	(
		while kill -0 "$server_pid" 2>/dev/null; do
			echo "$(date +%s.%N) $(server_kb VmRSS)"
			sleep 0.5
		done
	) > "$tmp/rss.txt" 2>/dev/null &
	sampler_pid=$!
	target_pid=$server_pid
	target_pids=$server_pid
	target_port=$port
}

failures=0
# What run() measures: openstrat unless peer_run says otherwise.
target=openstrat
target_pid=""
target_pids=""  # whose CPU the whole-run line adds up (every node)
target_port=""  # a port, or several separated by commas (nodes)
target_args=(--users "$tmp/users.txt")
target_rss="$tmp/rss.txt"
lp=""           # the label prefix of the store or cluster pass
# The CPU ticks of the processes of target_pids together.
ticks_of() {
	local p n=0
	for p in $target_pids; do
		n=$((n + $(server_ticks "$p")))
	done
	echo "$n"
}
# The CPU ticks of the throwaway PostgreSQL cluster (--pg): the postmaster
# with its children that have ended, and the backends running; empty
# without one.
pg_ticks() {
	local pm p n
	[ -n "$pg_dir" ] && [ -r "$pg_dir/data/postmaster.pid" ] || return 0
	pm=$(head -n 1 "$pg_dir/data/postmaster.pid")
	n=$(awk '{ sub(/.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pm/stat" 2>/dev/null || echo 0)
	for p in $(pgrep -P "$pm" 2>/dev/null); do
		n=$((n + $(server_ticks "$p")))
	done
	echo "$n"
}
# run NAME LIMIT_SECONDS OSBENCH_ARGS...: one osbench run, its table and the
# server's CPU and peak RSS over the whole run (setup included), and
# PostgreSQL's CPU when the run started it (in the JSON line: run_s and
# pg_cpu_s, over the whole run).
run() {
	local name="$lp$1" limit="$2"
	shift 2
	local t0 t1 c0 c1 rc=0 peak p0 p1 pgs=""
	t0=$(date +%s.%N)
	c0=$(ticks_of)
	p0=$(pg_ticks)
	echo
	echo "-- $name ($target): osbench $* --ports $target_port"
	timeout --kill-after=10 "$limit" "$OSBENCH_BIN" "$@" --ports "$target_port" "${target_args[@]}" \
		--server-pid "$target_pid" --threads "$threads" --label "$name" ${extra[@]+"${extra[@]}"} \
		> "$tmp/run.out" 2> "$tmp/run.err" || rc=$?
	c1=$(ticks_of)
	p1=$(pg_ticks)
	t1=$(date +%s.%N)
	[ -n "$p0" ] && [ -n "$p1" ] && pgs=$(awk -v a="$p0" -v b="$p1" -v t="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / t }')
	grep -v '^{"osbench"' "$tmp/run.out" || true
	grep '^{"osbench"' "$tmp/run.out" |
		sed "s/}\$/,\"run_s\":$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')${pgs:+,\"pg_cpu_s\":$pgs}}/" \
		>> "$pass_results" || true
	grep -v '^osbench: .*\(logins in\|users created\|: round\|: post\)' "$tmp/run.err" >&2 || true
	peak=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { print m + 0 }' "$target_rss")
	awk -v c="$((c1 - c0))" -v t="$clk_tck" -v s0="$t0" -v s1="$t1" -v p="$peak" -v pg="$pgs" 'BEGIN {
		printf "  whole run (setup included): %.1f s, server CPU %.2f s%s, server peak RSS %d KiB (sampled)\n",
			s1 - s0, c / t, pg == "" ? "" : ", PostgreSQL CPU " pg " s", p }'
	if [ "$rc" != 0 ]; then
		echo "  ** osbench exit status $rc (1: something lost or failed, 2: setup, 124: time limit)"
		failures=$((failures + 1))
	fi
}

# start_peer NAME: starts a fresh peer and its RSS sampler; sets peer_pid
# and peer_port.
start_peer() {
	local log="$tmp/peer-$1.log" pat
	case "$1" in
	nats)
		"$nats_bin" -c "$peer_dir/nats.conf" > "$log" 2>&1 &
		pat='s|.*Listening for websocket clients on ws://127\.0\.0\.1:\([0-9]*\)$|\1|p' ;;
	ws)
		"$node_bin" "$peer_dir/ws-broadcast.js" --port 0 > "$log" 2>&1 &
		pat='s|^ws-broadcast: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' ;;
	esac
	peer_pid=$!
	for _ in $(seq 150); do
		peer_port=$(sed -n "$pat" "$log")
		[ -n "$peer_port" ] && break
		kill -0 "$peer_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$peer_port" ]; then
		cat "$log" >&2
		echo "run.sh: peer $1 did not say it was listening within 15 s" >&2
		stop_peer
		return 1
	fi
	(
		while kill -0 "$peer_pid" 2>/dev/null; do
			echo "$(date +%s.%N) $(server_kb VmRSS "$peer_pid")"
			sleep 0.5
		done
	) > "$tmp/rss-$1.txt" 2>/dev/null &
	peer_sampler=$!
}

# peer_run NAME LIMIT_SECONDS OSBENCH_ARGS...: the same run against each
# peer, started fresh for it (no accounts, so no --users) and stopped after.
peer_run() {
	local p
	for p in $peers_pass; do
		if ! start_peer "$p"; then
			failures=$((failures + 1))
			continue
		fi
		target=$p target_pid=$peer_pid target_pids=$peer_pid target_port=$peer_port
		target_rss="$tmp/rss-$p.txt"
		target_args=(--proto "$p")
		run "$@"
		stop_peer
		target=openstrat target_pid=$server_pid target_pids=$server_pid target_port=$port
		target_rss="$tmp/rss.txt"
		target_args=(--users "$tmp/users.txt")
	done
}

# compare NAME LIMIT_SECONDS OSBENCH_ARGS...: openstrat, then each peer.
compare() {
	run "$@"
	peer_run "$@"
}

limit=$(awk -v d="$duration" 'BEGIN { printf "%d", d + 180 }')
flimit=$(awk -v d="$duration" -v w="$drain" 'BEGIN { printf "%d", d + w + 180 }')
# rate_for N: the fixed rate for N subscribers (--rate R or "N:R ...").
rate_for() {
	local r
	case "$rate" in
	*:*) for r in $rate; do [ "${r%%:*}" = "$1" ] && { echo "${r#*:}"; return; }; done; echo 100 ;;
	*) echo "$rate" ;;
	esac
}
# run_set: the standard set against the server on port (the store's pass).
run_set() {
	# The slow reader first, while the server's heap has little free space in
	# which the stopped reader's queue could hide; then what the server logged.
	if [ "$do_slow" = 1 ]; then
		slimit=$(awk -v d="$duration" -v w="$drain" 'BEGIN { printf "%d", 2 * d + w + 60 + 240 }')
		run "slow-100-rate$slow_rate" "$slimit" slow --subscribers 100 --rate "$slow_rate" --size 900 \
			--duration "$duration" --drain "$drain" --slow-timeout 60
		grep 'dropping slow connection' "$tmp/serve.err" | sed 's/^/  server log: /' || true
	fi
	# Capacity next, on a server whose memory is still fresh: RSS per connection
	# means something only then (freed memory is reused).
	if [ "$connect_n" -gt 0 ]; then
		h=${hold:-$duration}
		climit=$(awk -v h="$h" -v n="$connect_n" 'BEGIN { printf "%d", h + n / 100 + 240 }')
		echo
		echo "   open files: at most $(ulimit -n) for osbench and for the server (hard limit $(ulimit -Hn))"
		run "connect-$connect_n" "$climit" connect --connections "$connect_n" --hold "$h" \
			${source_addrs:+--source-addrs "$source_addrs"}
		emfile=$(grep -c 'accept: errno 24' "$tmp/serve.err" || true)
		if [ "$emfile" -gt 0 ]; then
			echo "  ** the server ran out of file descriptors: $emfile 'accept: errno 24' lines in its log"
		fi
	fi
	for n in $fanout_sizes; do
		r=$(rate_for "$n")
		compare "fanout-$n-rate$r" "$flimit" fanout --subscribers "$n" --rate "$r" \
			--duration "$duration" --drain "$drain"
		if [ "$do_max" = 1 ]; then
			compare "fanout-$n-max" "$flimit" fanout --subscribers "$n" --rate 0 --window "$window" \
				--duration "$duration" --drain "$drain"
		fi
	done
	for w in $writer_counts; do
		run "writes-$w" "$limit" writes --writers "$w" --duration "$duration"
	done
	if [ -n "$rounds" ]; then
		rr=${rounds%x*} rs=${rounds#*x}
		r=$(rate_for "$((rr * rs))")
		rlimit=$(awk -v d="$duration" -v w="$drain" -v n="$((rr * rs))" 'BEGIN { printf "%d", d + w + n / 50 + 240 }')
		run "rounds-${rr}x${rs}-rate$r" "$rlimit" rounds --rounds "$rr" --subscribers "$rs" \
			--op "$rounds_op" --rate "$r" --duration "$duration" --drain "$drain"
	fi
	if [ "$do_storm" = 1 ]; then
		# The logins take 100 argon2id hashes on the server's two hashing
		# threads: seconds on a quiet machine, more on a busy one.
		r=$(rate_for 500)
		stlimit=$(awk -v d="$duration" -v w="$drain" 'BEGIN { printf "%d", 2 * d + w + 600 }')
		run "storm-500-rate$r" "$stlimit" storm --subscribers 500 --rate "$r" --duration "$duration" \
			--drain "$drain" --logins 100
		if [ "$storm_bad" -gt 0 ]; then
			run "storm-500-rate$r-bad$storm_bad" "$stlimit" storm --subscribers 500 --rate "$r" \
				--duration "$duration" --drain "$drain" --logins 100 --bad-logins "$storm_bad"
		fi
	fi
	# One delivery rate for every size: the server's CPU per delivery should not
	# grow with the number of subscribers.
	for n in $cost_sizes; do
		r=$(awk -v d="$cost_rate" -v n="$n" 'BEGIN { printf "%g", d / n }')
		climit=$(awk -v d="$duration" -v w="$drain" -v n="$n" 'BEGIN { printf "%d", d + w + n / 50 + 240 }')
		run "cost-$n-rate$r" "$climit" fanout --subscribers "$n" --rate "$r" --duration "$duration" \
			--drain "$drain"
	done

	# Idle neighbours: the same small fan-out beside N connections that only sit
	# there (held by a second osbench), for the cost of a delivery as the crowd
	# of quiet people grows.
	server_fds() { find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
	for n in $idle_sizes; do
		idle_pid=""
		if [ "$n" -gt 0 ]; then
			before=$(server_fds)
			"$OSBENCH_BIN" connect --connections "$n" --hold $((duration + drain + 600)) \
				--port "$port" --users "$tmp/users.txt" --label "idle-hold-$n" \
				${source_addrs:+--source-addrs "$source_addrs"} > "$tmp/idle.out" 2>&1 &
			idle_pid=$!
			for _ in $(seq $((n / 10 + 600))); do
				[ "$(server_fds)" -ge $((before + n)) ] && break
				kill -0 "$idle_pid" 2>/dev/null || break
				sleep 0.1
			done
			if [ "$(server_fds)" -lt $((before + n)) ]; then
				cat "$tmp/idle.out" >&2
				echo "run.sh: the $n idle connections did not all open" >&2
				failures=$((failures + 1))
				kill "$idle_pid" 2>/dev/null; wait "$idle_pid" 2>/dev/null || true
				continue
			fi
			echo
			echo "   $n idle connections open (server fds $(server_fds))"
			sleep 2
		fi
		ilimit=$(awk -v d="$duration" -v w="$drain" 'BEGIN { printf "%d", d + w + 240 }')
		run "idle-$n-fanout-$idle_subs-rate$idle_rate" "$ilimit" fanout --subscribers "$idle_subs" \
			--rate "$idle_rate" --duration "$duration" --drain "$drain"
		if [ -n "$idle_pid" ]; then
			kill "$idle_pid" 2>/dev/null || true
			wait "$idle_pid" 2>/dev/null || true
			# Let the server see them go before the next run.
			for _ in $(seq 300); do
				[ "$(server_fds)" -lt $((n / 10 + 100)) ] && break
				sleep 0.1
			done
		fi
	done
}

# dbcount DB SQL: one number from the database, with sqlite3 or psql.
dbcount() {
	case "$1" in
	postgres*) psql "$1" -Atqc "$2" ;;
	*) sqlite3 "$1" "$2" ;;
	esac
}

# recount DB: every acknowledged write of this pass must be in the database
# after a clean stop (sqlite3 for SQLite, psql for PostgreSQL).
recount() {
	local rdb="$1" tool line round acked have tag table post verdict
	case "$rdb" in postgres*) tool=psql ;; *) tool=sqlite3 ;; esac
	if ! command -v "$tool" > /dev/null; then
		echo "   ($tool is not installed: acknowledged writes not recounted)"
		return 0
	fi
	echo
	echo "-- persisted ($tool after the server stopped)"
	while IFS= read -r line; do
		# The peers persist nothing.
		case "$line" in *'"server":"openstrat"'*) ;; *) continue ;; esac
		case "$line" in
		*'"scenario":"fanout"'* | *'"scenario":"storm"'* | *'"scenario":"slow"'*)
			round=$(sed -n 's/.*"round":\([0-9]*\).*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"acked":\([0-9]*\).*/\1/p' <<< "$line")
			have=$(dbcount "$rdb" "SELECT count(*) FROM chat_messages WHERE round_id = $round")
			verdict=$([ "${have:-0}" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  round $round: $acked chat messages acknowledged, $have stored: $verdict" ;;
		*'"scenario":"rounds"'*)
			tag=$(sed -n 's/.*"tag":"\([0-9a-f]*\)".*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"acked":\([0-9]*\).*/\1/p' <<< "$line")
			table=$(grep -q '"op":"post.create"' <<< "$line" && echo posts || echo chat_messages)
			have=$(dbcount "$rdb" "SELECT count(*) FROM $table WHERE body LIKE 'osb#$tag#%'")
			verdict=$([ "${have:-0}" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  rounds $tag: $acked acknowledged, $have in $table: $verdict" ;;
		*'"scenario":"writes"'*)
			post=$(sed -n 's/.*"post":\([0-9]*\).*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"total_acked":\([0-9]*\).*/\1/p' <<< "$line")
			have=$(dbcount "$rdb" "SELECT count(*) FROM comments WHERE post_id = $post")
			verdict=$([ "${have:-0}" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  post $post: $acked comments acknowledged, $have stored: $verdict" ;;
		*) continue ;;
		esac
		[ "$verdict" = ok ] || failures=$((failures + 1))
	done < "$pass_results"
}

# The stores, one after the other, each with a fresh server: the peers run
# in the first pass only (they have no store).
peers_pass=$peers
for st in $stores; do
	: > "$pass_results"
	if [ "$st" = pg ]; then
		db=$db_url
		lp="pg:"
	else
		db="$tmp/os.db"
		lp=""
	fi
	[ "$st" = "${stores%% *}" ] || lp=${lp:-sqlite:}
	echo
	echo "== store $st: $db"
	setup_db "$db"
	start_server "$db"
	run_set
	stop_server
	recount "$db"
	cat "$pass_results" >> "$results"
	peers_pass=""
done

# Several nodes on one PostgreSQL database: the cross-node fan-out (the
# publisher on node 1, subscribers spread over all), then the same fan-out
# on node 1 alone, in the same run.
if [ "$cluster_n" -gt 0 ]; then
	: > "$pass_results"
	db=$db_url
	lp="cluster$cluster_n:"
	echo
	echo "== $cluster_n nodes on $db"
	setup_db "$db"
	nats_args=()
	if [ "$use_nats" = 1 ] && ! grep -q -- '--nats' <<< "$serve_usage"; then
		echo "   ** this openstrat has no --nats: the nodes run unlinked, and events of one"
		echo "      node do not reach the others (osbench reports them missing)"
		use_nats=0
	fi
	if [ "$use_nats" = 1 ]; then
		command -v "$nats_bin" > /dev/null || { echo "run.sh: --cluster needs nats-server (--nats-bin, or --no-nats)" >&2; exit 2; }
		nport=$(free_port)
		"$nats_bin" -a 127.0.0.1 -p "$nport" > "$tmp/nats.log" 2>&1 &
		nats_pid=$!
		for _ in $(seq 150); do
			grep -q 'Server is ready' "$tmp/nats.log" && break
			kill -0 "$nats_pid" 2>/dev/null || break
			sleep 0.1
		done
		grep -q 'Server is ready' "$tmp/nats.log" || { cat "$tmp/nats.log" >&2; echo "run.sh: nats-server did not start" >&2; exit 1; }
		echo "   nats-server pid $nats_pid on nats://127.0.0.1:$nport ($("$nats_bin" --version 2>&1 | head -1))"
		nats_args=(--nats "nats://127.0.0.1:$nport")
	fi
	start_server "$db" ${nats_args[@]+"${nats_args[@]}"}
	ports=$port
	pids=$server_pid
	for k in $(seq 2 "$cluster_n"); do
		start_node "$db" "$tmp/node$k" ${nats_args[@]+"${nats_args[@]}"}
		node_pids+=("$started_pid")
		ports="$ports,$started_port"
		pids="$pids $started_pid"
		echo "   node $k pid $started_pid on port $started_port"
	done
	# Let the nodes find each other before anyone subscribes.
	sleep 2
	for fr in $cluster_fanout; do
		n=${fr%%:*} r=${fr#*:}
		target_port=$ports target_pids=$pids
		run "fanout-$n-rate$r" "$flimit" fanout --subscribers "$n" --rate "$r" \
			--duration "$duration" --drain "$drain"
		target_port=$port target_pids=$server_pid
		run "single-fanout-$n-rate$r" "$flimit" fanout --subscribers "$n" --rate "$r" \
			--duration "$duration" --drain "$drain"
	done
	for w in $cluster_writers; do
		target_port=$ports target_pids=$pids
		run "writes-$w" "$limit" writes --writers "$w" --duration "$duration"
	done
	target_port=$port target_pids=$server_pid
	stop_server
	recount "$db"
	cat "$pass_results" >> "$results"
fi

if command -v jq > /dev/null && [ -s "$results" ]; then
	echo
	echo "== summary ($(nproc) cores; osbench CPU beside the server's, in % of one core)"
	jq -r '
	  def f(x): if x == null then "-" else (x | tostring) end;
	  if .scenario == "fanout" then
	    "\(.label)\(if .server == "openstrat" then "" else " [" + .server + "]" end): \(.deliveries_per_s) deliveries/s, latency p50 \(.delivery_p50_us) us p99 \(.delivery_p99_us) us max \(.delivery_max_us) us, missing \(.missing), server CPU \(f(.server_cpu_pct))%, osbench CPU \(.client_cpu_pct)%, others \(f(.other_cpu_pct))%" +
	    (if .nodes then "; by node (p50/p99 us, missing, duplicates): " + ([range(1; .nodes + 1) as $k | "\($k): \(.["node\($k)_delivery_p50_us"])/\(.["node\($k)_delivery_p99_us"]), \(.["node\($k)_missing"]), \(.["node\($k)_duplicates"])"] | join("; ")) else "" end) +
	    (if .complete == "yes" then "" else "  ** INCOMPLETE: \(.send_errors) send errors, \(.unanswered) unanswered, \(.lost) connections lost" end)
	  elif .scenario == "writes" then
	    "\(.label): \(.writes_per_s) writes/s, reply p50 \(.reply_p50_us) us p99 \(.reply_p99_us) us, server CPU \(f(.server_cpu_pct))%, osbench CPU \(.client_cpu_pct)%, others \(f(.other_cpu_pct))%" +
	    (if .errors == 0 and .lost == 0 then "" else "  ** \(.errors) error replies, \(.lost) connections lost" end)
	  elif .scenario == "rounds" then
	    "\(.label): \(.rounds) rounds x \(.subscribers), \(.op), \(.deliveries_per_s) deliveries/s, latency p50 \(.delivery_p50_us) us p99 \(.delivery_p99_us) us max \(.delivery_max_us) us, missing \(.missing), from another round \(.cross_round), subscribers complete \(.subscribers_complete) of \(.subscribers_total), server CPU \(f(.server_cpu_pct))%, others \(f(.other_cpu_pct))%" +
	    (if .complete == "yes" then "" else "  ** INCOMPLETE" end)
	  elif .scenario == "storm" then
	    "\(.label): fan-out p50/p99/max us before \(.before_delivery_p50_us)/\(.before_delivery_p99_us)/\(.before_delivery_max_us), during \(.storm_delivery_p50_us)/\(.storm_delivery_p99_us)/\(.storm_delivery_max_us) (\(.storm_window_s) s), after \(.after_delivery_p50_us)/\(.after_delivery_p99_us)/\(.after_delivery_max_us); logins \(.login_200) of \(.login_sent) ok, p50 \(.login_latency_p50_us) us max \(.login_latency_max_us) us" +
	    (if .bad_sent then "; wrong passwords: \(.bad_401) x 401, \(.bad_429) x 429, \(.bad_503) x 503" else "" end) +
	    ", missing \(.missing), whole machine busy \(f(.before_machine_cpu_pct))% / \(f(.storm_machine_cpu_pct))% / \(f(.after_machine_cpu_pct))%" +
	    (if .complete == "yes" then "" else "  ** INCOMPLETE" end)
	  elif .scenario == "slow" then
	    "\(.label): stopped reader dropped \(.dropped) after \(.drop_s) s (server send queue \(.kernel_server_sendq_max) B, reader receive queue \(.kernel_reader_recvq_max) B), server RSS \(.rss_before_kb) -> max \(.rss_max_kb) KiB; others p99 us before \(.before_delivery_p99_us), stopped \(.stopped_delivery_p99_us), after \(.after_delivery_p99_us); missing \(.missing); the reader: \(f(.reader_end))" +
	    (if .complete == "yes" then "" else "  ** INCOMPLETE" end)
	  else
	    "\(.label): \(.opened) of \(.connections) opened in \(.open_s) s, \(f(.server_kb_per_conn)) KiB per connection, idle server CPU \(f(.idle_server_cpu_pct))%, server fds \(f(.server_fds)) of \(f(.server_fd_limit))"
	  end' "$results"
fi

# --stores "sqlite pg": the writes of both stores side by side.
if command -v jq > /dev/null && grep -q '"label":"pg:writes-' "$results" &&
	grep -q '"label":"\(sqlite:\)\{0,1\}writes-' "$results"; then
	echo
	echo "== writes: SQLite beside PostgreSQL (comment.create, acknowledged after commit;"
	echo "   CPU in % of one core, \"others\" includes PostgreSQL's; the last column is"
	echo "   PostgreSQL's writes/s divided by SQLite's)"
	jq -rs '
	  def ms: if . == null then "-" else (. / 10 | round) / 100 | tostring end;
	  def pct: if . == null then "-" else tostring + "%" end;
	  [.[] | select(.scenario == "writes" and (.label | test("^(sqlite:|pg:)?writes-")))] as $w
	  | ($w | map(select(.label | startswith("pg:") | not)) | INDEX(.writers | tostring)) as $sq
	  | "| writers | store | acknowledged writes/s | reply p50 / p99 ms | server CPU | osbench | others | PostgreSQL CPU (whole run) | PostgreSQL / SQLite |",
	    "|---|---|---|---|---|---|---|---|---|",
	    ($w | sort_by(.writers, (.label | startswith("pg:")))[] |
	     (.label | startswith("pg:")) as $pg |
	     "| \(.writers) | \(if $pg then "PostgreSQL" else "SQLite" end) | \(.writes_per_s) | \(.reply_p50_us | ms) / \(.reply_p99_us | ms) | \(.server_cpu_pct | pct) | \(.client_cpu_pct | pct) | \(.other_cpu_pct | pct) | " +
	     (if .pg_cpu_s and .run_s > 0 then "\((.pg_cpu_s / .run_s * 1000 | round) / 10)%" else "-" end) + " | " +
	     (if $pg and $sq[.writers | tostring].writes_per_s > 0 then
	        "\((.writes_per_s / $sq[.writers | tostring].writes_per_s * 100 | round) / 100)x" else "" end) + " |")
	' "$results"
fi

# --cluster: the cross-node fan-out beside the same on one node.
if command -v jq > /dev/null && grep -q '"label":"cluster[0-9]*:fanout-' "$results"; then
	echo
	echo "== fan-out across nodes (publisher on node 1, subscribers spread over all) beside"
	echo "   the same on node 1 alone; latency p50 / p99 / max in ms; server CPU is node 1's"
	jq -rs '
	  def ms: if . == null then "-" else (. / 10 | round) / 100 | tostring end;
	  def pct: if . == null then "-" else tostring + "%" end;
	  [.[] | select(.scenario == "fanout" and (.label | test("^cluster[0-9]+:")))] as $f
	  | "| run | nodes | subscribers | msg/s | deliveries/s | latency all | latency on node 1 | latency on the other nodes (each) | missing | duplicates | node 1 CPU | others | complete |",
	    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
	    ($f[] | . as $r |
	     "| \(.label) | \(.nodes // 1) | \(.subscribers) | \(.rate) | \(.deliveries_per_s) | \(.delivery_p50_us | ms) / \(.delivery_p99_us | ms) / \(.delivery_max_us | ms) | " +
	     (if .nodes then "\(.node1_delivery_p50_us | ms) / \(.node1_delivery_p99_us | ms)" else "\(.delivery_p50_us | ms) / \(.delivery_p99_us | ms)" end) + " | " +
	     (if .nodes then ([range(2; .nodes + 1) as $k | "\($r["node\($k)_delivery_p50_us"] | ms) / \($r["node\($k)_delivery_p99_us"] | ms)"] | join(", ")) else "-" end) +
	     " | \(.missing) | \(.duplicates) | \(.server_cpu_pct | pct) | \(.other_cpu_pct | pct) | \(.complete) |")
	' "$results"
fi

# --cost: is the server's CPU per delivery flat from few to many subscribers?
if command -v jq > /dev/null && grep -q '"label":"cost-' "$results"; then
	echo
	echo "== cost per delivery ($cost_rate deliveries/s offered; CPU per delivery over the measured window)"
	jq -r 'select(.server == "openstrat" and (.label // "" | startswith("cost-"))) |
	  "\(.subscribers) subscribers at \(.rate) msg/s: server \(.server_ns_per_unit // "-") ns per delivery, osbench \(.client_ns_per_unit) ns, \(.deliveries_per_s) deliveries/s, \(if .frames_in > 0 then (.objects_in / .frames_in * 10 | round) / 10 else "-" end) objects per frame, p99 \(.delivery_p99_us) us, missing \(.missing), others \(.other_cpu_pct // "-")%"' "$results"
fi

# --idle: the cost of a delivery beside idle connections, against none.
if command -v jq > /dev/null && grep -q '"label":"idle-' "$results"; then
	echo
	echo "== cost per delivery beside idle connections ($idle_subs subscribers, $idle_rate msg/s)"
	jq -rs '[.[] | select(.server == "openstrat" and (.label // "" | startswith("idle-")))] as $r
	  | ($r | map(select(.label | startswith("idle-0-"))) | first | .server_ns_per_unit) as $base
	  | $r[] | "\(.label | capture("idle-(?<n>[0-9]+)-").n) idle: server \(.server_ns_per_unit // "-") ns per delivery" +
	    (if $base and .server_ns_per_unit then " (\((.server_ns_per_unit / $base * 100 | round) / 100)x of none)" else "" end) +
	    ", server CPU \(.server_cpu_pct // "-")%, \(.deliveries_per_s) deliveries/s, p50 \(.delivery_p50_us) us p99 \(.delivery_p99_us) us, missing \(.missing)"' "$results"
fi

# openstrat beside the peers, as a Markdown table (docs/PERFORMANCE.md).
if command -v jq > /dev/null && grep -q '"server":"\(nats\|ws\)"' "$results"; then
	echo
	echo "== fan-out: openstrat beside the peers (the same osbench command against each;"
	echo "   CPU in % of one core; RSS at the end of the measured window; the last two"
	echo "   columns are openstrat's figure divided by this server's)"
	jq -rs '
	  def ms: if . == null then "-" else (. / 1000) as $v |
	    (if $v < 10 then ($v * 100 | round) / 100 else ($v * 10 | round) / 10 end) | tostring end;
	  def pct: if . == null then "-" else tostring + "%" end;
	  def mib: if . == null then "-" else (. / 1024 * 10 | round) / 10 | tostring end;
	  def ratio(a; b): if a == null or b == null or b == 0 then "-"
	    else (a / b * 100 | round) as $n
	      | "\($n / 100 | floor).\($n % 100 | tostring | if length < 2 then "0" + . else . end)x" end;
	  [.[] | select(.scenario == "fanout")] as $f
	  | ($f | map(select(.server == "openstrat")) | INDEX(.label)) as $os
	  | "| scenario | server | deliveries/s | latency p50 / p99 / max ms | server CPU | osbench CPU | others | server RSS MiB | complete | deliveries/s: openstrat / this | p99: openstrat / this |",
	    "|---|---|---|---|---|---|---|---|---|---|---|",
	    ($f[] | . as $r | $os[$r.label] as $o |
	     "| \(.label) | \(.server) | \(.deliveries_per_s) | \(.delivery_p50_us | ms) / \(.delivery_p99_us | ms) / \(.delivery_max_us | ms) | \(.server_cpu_pct | pct) | \(.client_cpu_pct | pct) | \(.other_cpu_pct | pct) | \(.server_rss_kb | mib) | \(.complete) | " +
	     (if .server == "openstrat" then " | " else
	      "\(ratio($o.deliveries_per_s; .deliveries_per_s)) | \(ratio($o.delivery_p99_us; .delivery_p99_us))" end) + " |")
	' "$results"
fi
[ -n "$out" ] && cat "$results" >> "$out"
if [ "$failures" -gt 0 ]; then
	echo "run.sh: $failures run(s) failed or lost data" >&2
	exit 1
fi
