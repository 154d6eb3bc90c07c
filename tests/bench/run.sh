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

tmp=$(mktemp -d "$db_dir/osbench.XXXXXX")
db="$tmp/os.db"
server_pid=""
sampler_pid=""
results="$tmp/results.jsonl"
: > "$results"

stop_server() {
	[ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null && wait "$sampler_pid" 2>/dev/null || true
	sampler_pid=""
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid"
		for _ in $(seq 100); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$server_pid" 2>/dev/null; then
			echo "run.sh: server did not stop in 10 s; killing it" >&2
			kill -KILL "$server_pid" 2>/dev/null || true
		fi
		wait "$server_pid" 2>/dev/null || true
	fi
	server_pid=""
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
"$OPENSTRAT_BIN" init --db "$db" > /dev/null
echo "   creating $nusers users and a manager (argon2id, a few seconds)"
"$OSBENCH_BIN" users --db "$db" --bin "$OPENSTRAT_BIN" --count "$nusers" > "$tmp/users.txt" 2> "$tmp/users.err" ||
	{ cat "$tmp/users.err" >&2; exit 1; }

serve_args=(serve --db "$db" --port 0 --rate-limit 0)
# Older servers have no per-connection limit and no flag for it.
serve_usage=$("$OPENSTRAT_BIN" serve --help 2>&1 || true)
if grep -q -- '--conn-rate-limit' <<< "$serve_usage"; then
	serve_args+=(--conn-rate-limit 0)
fi
[ -n "$sync" ] && serve_args+=(--sync "$sync")
serve_args+=(${serve_extra[@]+"${serve_extra[@]}"})
"$OPENSTRAT_BIN" "${serve_args[@]}" > "$tmp/serve.out" 2> "$tmp/serve.err" &
server_pid=$!
port=""
for _ in $(seq 150); do
	port=$(sed -n 's|^openstrat: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$tmp/serve.out")
	[ -n "$port" ] && break
	kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; echo "run.sh: the server exited" >&2; exit 1; }
	sleep 0.1
done
[ -n "$port" ] || { echo "run.sh: the server did not say it was listening within 15 s" >&2; exit 1; }
echo "   server pid $server_pid on port $port: ${serve_args[*]}"

# Samples the server's RSS twice a second, for the peak during each run.
(
	while kill -0 "$server_pid" 2>/dev/null; do
		echo "$(date +%s.%N) $(server_kb VmRSS)"
		sleep 0.5
	done
) > "$tmp/rss.txt" 2>/dev/null &
sampler_pid=$!

failures=0
# What run() measures: openstrat unless peer_run says otherwise.
target=openstrat
target_pid=$server_pid
target_port=$port
target_args=(--users "$tmp/users.txt")
target_rss="$tmp/rss.txt"
# run NAME LIMIT_SECONDS OSBENCH_ARGS...: one osbench run, its table and the
# server's CPU and peak RSS over the whole run (setup included).
run() {
	local name="$1" limit="$2"
	shift 2
	local t0 t1 c0 c1 rc=0 peak
	t0=$(date +%s.%N)
	c0=$(server_ticks "$target_pid")
	echo
	echo "-- $name ($target): osbench $*"
	timeout --kill-after=10 "$limit" "$OSBENCH_BIN" "$@" --port "$target_port" "${target_args[@]}" \
		--server-pid "$target_pid" --threads "$threads" --label "$name" ${extra[@]+"${extra[@]}"} \
		> "$tmp/run.out" 2> "$tmp/run.err" || rc=$?
	c1=$(server_ticks "$target_pid")
	t1=$(date +%s.%N)
	grep -v '^{"osbench"' "$tmp/run.out" || true
	grep '^{"osbench"' "$tmp/run.out" >> "$results" || true
	grep -v '^osbench: .*\(logins in\|users created\|: round\|: post\)' "$tmp/run.err" >&2 || true
	peak=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { print m + 0 }' "$target_rss")
	awk -v c="$((c1 - c0))" -v t="$clk_tck" -v s0="$t0" -v s1="$t1" -v p="$peak" 'BEGIN {
		printf "  whole run (setup included): %.1f s, server CPU %.2f s, server peak RSS %d KiB (sampled)\n",
			s1 - s0, c / t, p }'
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
	for p in $peers; do
		if ! start_peer "$p"; then
			failures=$((failures + 1))
			continue
		fi
		target=$p target_pid=$peer_pid target_port=$peer_port target_rss="$tmp/rss-$p.txt"
		target_args=(--proto "$p")
		run "$@"
		stop_peer
		target=openstrat target_pid=$server_pid target_port=$port target_rss="$tmp/rss.txt"
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

stop_server

# Every acknowledged write must be in the database after a clean stop.
if command -v sqlite3 > /dev/null; then
	echo
	echo "-- persisted (sqlite3 after the server stopped)"
	while IFS= read -r line; do
		# The peers persist nothing.
		case "$line" in *'"server":"openstrat"'*) ;; *) continue ;; esac
		case "$line" in
		*'"scenario":"fanout"'*)
			round=$(sed -n 's/.*"round":\([0-9]*\).*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"acked":\([0-9]*\).*/\1/p' <<< "$line")
			have=$(sqlite3 "$db" "SELECT count(*) FROM chat_messages WHERE round_id = $round")
			verdict=$([ "$have" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  round $round: $acked chat messages acknowledged, $have stored: $verdict" ;;
		*'"scenario":"storm"'* | *'"scenario":"slow"'*)
			round=$(sed -n 's/.*"round":\([0-9]*\).*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"acked":\([0-9]*\).*/\1/p' <<< "$line")
			have=$(sqlite3 "$db" "SELECT count(*) FROM chat_messages WHERE round_id = $round")
			verdict=$([ "$have" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  round $round: $acked chat messages acknowledged, $have stored: $verdict" ;;
		*'"scenario":"rounds"'*)
			tag=$(sed -n 's/.*"tag":"\([0-9a-f]*\)".*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"acked":\([0-9]*\).*/\1/p' <<< "$line")
			table=$(grep -q '"op":"post.create"' <<< "$line" && echo posts || echo chat_messages)
			have=$(sqlite3 "$db" "SELECT count(*) FROM $table WHERE body LIKE 'osb#$tag#%'")
			verdict=$([ "$have" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  rounds $tag: $acked acknowledged, $have in $table: $verdict" ;;
		*'"scenario":"writes"'*)
			post=$(sed -n 's/.*"post":\([0-9]*\).*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"total_acked":\([0-9]*\).*/\1/p' <<< "$line")
			have=$(sqlite3 "$db" "SELECT count(*) FROM comments WHERE post_id = $post")
			verdict=$([ "$have" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  post $post: $acked comments acknowledged, $have stored: $verdict" ;;
		*) continue ;;
		esac
		[ "$verdict" = ok ] || failures=$((failures + 1))
	done < "$results"
fi

if command -v jq > /dev/null && [ -s "$results" ]; then
	echo
	echo "== summary ($(nproc) cores; osbench CPU beside the server's, in % of one core)"
	jq -r '
	  def f(x): if x == null then "-" else (x | tostring) end;
	  if .scenario == "fanout" then
	    "\(.label)\(if .server == "openstrat" then "" else " [" + .server + "]" end): \(.deliveries_per_s) deliveries/s, latency p50 \(.delivery_p50_us) us p99 \(.delivery_p99_us) us max \(.delivery_max_us) us, missing \(.missing), server CPU \(f(.server_cpu_pct))%, osbench CPU \(.client_cpu_pct)%, others \(f(.other_cpu_pct))%" +
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
