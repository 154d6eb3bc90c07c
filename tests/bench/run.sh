#!/usr/bin/env bash
# Runs the openstrat load scenarios against a fresh server on loopback and
# prints the results. Builds nothing: give it the binaries.
#
#   OPENSTRAT_BIN=build/openstrat OSBENCH_BIN=build/osbench tests/bench/run.sh [options]
#
# Options (defaults in brackets):
#   --fanout "N ..."     subscriber counts for the fan-out scenario ["500 2000"]
#   --rate R             offered chat.send rate of the fixed-rate runs [100]
#   --no-max             skip the closed-loop (maximum throughput) fan-out runs
#   --window K           publishes in flight in the closed-loop runs [64]
#   --writers "N ..."    writer counts for the writes scenario ["1 16 64"]
#   --connect N          also open N idle connections (0: skip) [0]
#   --duration S         measured seconds per run [10]
#   --threads N          osbench worker threads [1]
#   --users N            accounts to create (connections share their logins) [50]
#   --sync full|normal   the server's --sync level [the server's default]
#   --serve-arg ARG      one more argument for 'openstrat serve' (repeatable)
#   --db-dir DIR         where the temporary database lives [$TMPDIR or /tmp]
#   --out FILE           also append every result's JSON line to FILE
#   --keep               keep the temporary directory (database, logs)
#   -- ARGS              passed to every osbench run
#
# The server runs with --rate-limit 0 --conn-rate-limit 0: the per-user write
# limit would otherwise answer rate_limited, since many connections share one
# account, and the per-connection request limit would cap the publisher and
# every writer.
# Everything is bounded: each wait has a timeout, each osbench run a time
# limit, and the server is stopped with SIGTERM (then SIGKILL) on exit.
set -euo pipefail

fanout_sizes="500 2000"
rate=100
do_max=1
window=64
writer_counts="1 16 64"
connect_n=0
duration=10
threads=1
nusers=50
sync=""
db_dir="${TMPDIR:-/tmp}"
out=""
keep=0
extra=()
serve_extra=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
	case "$1" in
	--fanout) fanout_sizes="$2"; shift 2 ;;
	--rate) rate="$2"; shift 2 ;;
	--no-max) do_max=0; shift ;;
	--window) window="$2"; shift 2 ;;
	--writers) writer_counts="$2"; shift 2 ;;
	--connect) connect_n="$2"; shift 2 ;;
	--duration) duration="$2"; shift 2 ;;
	--threads) threads="$2"; shift 2 ;;
	--users) nusers="$2"; shift 2 ;;
	--sync) sync="$2"; shift 2 ;;
	--serve-arg) serve_extra+=("$2"); shift 2 ;;
	--db-dir) db_dir="$2"; shift 2 ;;
	--out) out="$2"; shift 2 ;;
	--keep) keep=1; shift ;;
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
cleanup() {
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
server_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat" 2>/dev/null || echo 0; }
server_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0; }

echo "== openstrat benchmark: $(nproc) cores, $(uname -srm), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   database in $tmp ($(df -PT "$tmp" | awk 'NR==2 { print $2 }'))"

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
# run NAME LIMIT_SECONDS OSBENCH_ARGS...: one osbench run, its table and the
# server's CPU and peak RSS over the whole run (setup included).
run() {
	local name="$1" limit="$2"
	shift 2
	local t0 t1 c0 c1 rc=0 peak
	t0=$(date +%s.%N)
	c0=$(server_ticks)
	echo
	echo "-- $name: osbench $*"
	timeout --kill-after=10 "$limit" "$OSBENCH_BIN" "$@" --port "$port" --users "$tmp/users.txt" \
		--server-pid "$server_pid" --threads "$threads" --label "$name" ${extra[@]+"${extra[@]}"} \
		> "$tmp/run.out" 2> "$tmp/run.err" || rc=$?
	c1=$(server_ticks)
	t1=$(date +%s.%N)
	grep -v '^{"osbench"' "$tmp/run.out" || true
	grep '^{"osbench"' "$tmp/run.out" >> "$results" || true
	grep -v '^osbench: .*\(logins in\|users created\|: round\|: post\)' "$tmp/run.err" >&2 || true
	peak=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { print m + 0 }' "$tmp/rss.txt")
	awk -v c="$((c1 - c0))" -v t="$clk_tck" -v s0="$t0" -v s1="$t1" -v p="$peak" 'BEGIN {
		printf "  whole run (setup included): %.1f s, server CPU %.2f s, server peak RSS %d KiB (sampled)\n",
			s1 - s0, c / t, p }'
	if [ "$rc" != 0 ]; then
		echo "  ** osbench exit status $rc (1: something lost or failed, 2: setup, 124: time limit)"
		failures=$((failures + 1))
	fi
}

limit=$(awk -v d="$duration" 'BEGIN { printf "%d", d + 180 }')
for n in $fanout_sizes; do
	run "fanout-$n-rate$rate" "$limit" fanout --subscribers "$n" --rate "$rate" --duration "$duration"
	if [ "$do_max" = 1 ]; then
		run "fanout-$n-max" "$limit" fanout --subscribers "$n" --rate 0 --window "$window" --duration "$duration"
	fi
done
for w in $writer_counts; do
	run "writes-$w" "$limit" writes --writers "$w" --duration "$duration"
done
if [ "$connect_n" -gt 0 ]; then
	run "connect-$connect_n" "$limit" connect --connections "$connect_n" --hold "$duration"
fi

stop_server

# Every acknowledged write must be in the database after a clean stop.
if command -v sqlite3 > /dev/null; then
	echo
	echo "-- persisted (sqlite3 after the server stopped)"
	while IFS= read -r line; do
		case "$line" in
		*'"scenario":"fanout"'*)
			round=$(sed -n 's/.*"round":\([0-9]*\).*/\1/p' <<< "$line")
			acked=$(sed -n 's/.*"acked":\([0-9]*\).*/\1/p' <<< "$line")
			have=$(sqlite3 "$db" "SELECT count(*) FROM chat_messages WHERE round_id = $round")
			verdict=$([ "$have" -ge "$acked" ] && echo ok || echo MISSING)
			echo "  round $round: $acked chat messages acknowledged, $have stored: $verdict" ;;
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
	    "\(.label): \(.deliveries_per_s) deliveries/s, latency p50 \(.delivery_p50_us) us p99 \(.delivery_p99_us) us max \(.delivery_max_us) us, missing \(.missing), server CPU \(f(.server_cpu_pct))%, osbench CPU \(.client_cpu_pct)%, others \(f(.other_cpu_pct))%" +
	    (if .complete == "yes" then "" else "  ** INCOMPLETE: \(.send_errors) send errors, \(.unanswered) unanswered, \(.lost) connections lost" end)
	  elif .scenario == "writes" then
	    "\(.label): \(.writes_per_s) writes/s, reply p50 \(.reply_p50_us) us p99 \(.reply_p99_us) us, server CPU \(f(.server_cpu_pct))%, osbench CPU \(.client_cpu_pct)%, others \(f(.other_cpu_pct))%" +
	    (if .errors == 0 and .lost == 0 then "" else "  ** \(.errors) error replies, \(.lost) connections lost" end)
	  else
	    "\(.label): \(.opened) of \(.connections) opened in \(.open_s) s, \(f(.server_kb_per_conn)) KiB per connection, idle server CPU \(f(.idle_server_cpu_pct))%"
	  end' "$results"
fi
[ -n "$out" ] && cat "$results" >> "$out"
if [ "$failures" -gt 0 ]; then
	echo "run.sh: $failures run(s) failed or lost data" >&2
	exit 1
fi
