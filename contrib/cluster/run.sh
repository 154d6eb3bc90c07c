#!/usr/bin/env bash
# Three openstrat nodes as one forum, on this machine, to try it:
# PostgreSQL (a throwaway cluster in a temporary folder, run as an
# unprivileged user), nats-server, three `openstrat serve` and haproxy in
# front (round-robin, no stickiness, WebSockets passed through, health
# checks on /healthz). All from Debian packages (contrib/setup.sh --test
# installs them). docs/SCALING.md says how to run it for real.
#
#   contrib/cluster/run.sh          start, print the address, run until Ctrl-C
#   contrib/cluster/run.sh stop     stop the one running (from another terminal)
#   contrib/cluster/run.sh status   is one running, and where
#
# Environment: PORT (haproxy's, default 8080), LISTEN (default 127.0.0.1),
# PUBLIC_URL (the address people type, when it is not http://LISTEN:PORT),
# DEMO_LANG (en, nb, sv, da), OPENSTRAT_BIN (default build/openstrat),
# KEEP=1 (keep the data and logs folder at the end).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
state=$src/var/cluster.run        # "PID DIR" of the running one
bin=${OPENSTRAT_BIN:-$src/build/openstrat}
port=${PORT:-8080}
listen=${LISTEN:-127.0.0.1}
# Where this script reaches haproxy itself.
case $listen in 0.0.0.0 | '::' | '[::]') lb_host=127.0.0.1 ;; *) lb_host=$listen ;; esac
lang=${DEMO_LANG:-en}

say() { printf 'cluster: %s\n' "$*" >&2; }
die() {
	printf 'cluster: %s\n' "$*" >&2
	exit 1
}

# ---------------------------------------------------------------- stop/status

running_pid() {
	[ -f "$state" ] || return 1
	local pid
	read -r pid _ <"$state" || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

case ${1:-start} in
stop)
	pid=$(running_pid) || {
		say "none is running"
		exit 0
	}
	kill -TERM "$pid"
	# Done when its clean-up has removed the state file, or it is gone: a
	# script that exited stays a zombie, which kill -0 still finds, until
	# whoever started it collects its status.
	for _ in $(seq 1 300); do
		{ [ ! -e "$state" ] || ! kill -0 "$pid" 2>/dev/null; } && {
			say "stopped"
			exit 0
		}
		sleep 0.1
	done
	die "run.sh (pid $pid) did not stop within 30 s"
	;;
status)
	if pid=$(running_pid); then
		read -r _ dir <"$state"
		say "running (pid $pid), data and logs in $dir"
		cat "$dir/address" 2>/dev/null || true
	else
		say "not running"
		exit 3
	fi
	exit 0
	;;
start) ;;
-h | --help)
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*) die "usage: run.sh [start|stop|status]" ;;
esac

# ---------------------------------------------------------------- checks

if pid=$(running_pid); then
	die "one is running already (pid $pid): contrib/cluster/run.sh stop"
fi
case $lang in en | nb | sv | da) ;; *) die "DEMO_LANG must be en, nb, sv or da, not '$lang'" ;; esac
case $port in '' | *[!0-9]*) die "PORT must be a number, not '$port'" ;; esac

pgbin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
if [ ! -x "$pgbin/initdb" ]; then
	die "PostgreSQL is not installed (apt-get install postgresql, or contrib/setup.sh --test)"
fi
command -v nats-server >/dev/null || die "nats-server is not installed (apt-get install nats-server)"
command -v haproxy >/dev/null || die "haproxy is not installed (apt-get install haproxy)"
[ -x "$bin" ] || die "no openstrat at $bin (contrib/build.sh build, or set OPENSTRAT_BIN)"
serve_help=$("$bin" serve --help 2>&1 || true)
usages=$serve_help
for cmd in init backup check; do
	usages+=$("$bin" "$cmd" --help 2>&1 || true)
done
if ! grep -qi postgresql <<<"$usages"; then
	die "$bin does not take --db postgresql://... (its usage names no PostgreSQL URL): build one that does"
fi
if ! grep -q -- '--nats' <<<"$serve_help"; then
	die "$bin does not take serve --nats URL: build one that does"
fi

# PostgreSQL refuses to run as root: as root, it runs as postgres (or nobody).
as_pg=()
pg_user=$(id -un)
if [ "$(id -u)" = 0 ]; then
	for u in postgres nobody; do
		if id "$u" >/dev/null 2>&1; then
			pg_user=$u
			break
		fi
	done
	[ "$pg_user" != root ] || die "running as root, and no user postgres or nobody to run PostgreSQL as"
	as_pg=(runuser -u "$pg_user" --)
fi

# ---------------------------------------------------------------- helpers

# port_busy PORT [HOST]: something listens there.
port_busy() { ({ exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1"; } 2>/dev/null); }

# free_port: a port nothing listens on, below the kernel's range for the
# local ports of outgoing connections (ip_local_port_range): a port in that
# range may be held by a client's socket while nothing listens on it, and
# a server could not bind it.
free_port() {
	local p lo=32768 hi base=10000
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	[ "$lo" -gt $((base + 2000)) ] || { base=20000 lo=60000; }
	for _ in $(seq 1 200); do
		p=$((base + RANDOM % (lo - base)))
		port_busy "$p" || {
			echo "$p"
			return
		}
	done
	die "found no free port"
}

# The status code of GET http://HOST:PORT/PATH (000 when unreachable).
# http_status PORT PATH [HOST]
http_status() {
	local line host=${3:-127.0.0.1}
	line=$(
		{ exec 3<>"/dev/tcp/$host/$1"; } 2>/dev/null || exit 0
		printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$2" "$host" >&3
		timeout 5 head -n1 <&3
	) 2>/dev/null || true
	line=${line#HTTP/1.? }
	echo "${line:0:3}" | grep -E '^[0-9]{3}$' || echo 000
}

# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds.
wait_for() {
	local secs=$1 what=$2
	shift 2
	for _ in $(seq 1 $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	say "waited $secs s for $what in vain"
	return 1
}

pids=()
names=()
dir=
pg_started=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ ${#pids[@]} -gt 0 ]; then
		say "stopping"
		# haproxy first (no new clients), then the nodes, then NATS.
		for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
			kill -TERM "${pids[i]}" 2>/dev/null || true
			for _ in $(seq 1 150); do
				kill -0 "${pids[i]}" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "${pids[i]}" 2>/dev/null; then
				say "${names[i]} did not stop within 15 s: killed"
				kill -KILL "${pids[i]}" 2>/dev/null || true
			fi
			wait "${pids[i]}" 2>/dev/null || true
		done
	fi
	if [ -n "$pg_started" ]; then
		"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			say "PostgreSQL did not stop cleanly: see $dir/pg/postgres.log"
	fi
	rm -f "$state"
	if [ -n "$dir" ]; then
		if [ -n "${KEEP:-}" ] || [ "$rc" != 0 ]; then
			say "data and logs kept in $dir"
		else
			rm -rf "$dir"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# spawn NAME LOG COMMAND...: in the background, remembered for the cleanup.
spawn() {
	local name=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1 </dev/null &
	pids+=($!)
	names+=("$name")
}

# ---------------------------------------------------------------- start

port_busy "$port" "$lb_host" && die "port $port is taken (PORT=... for another)"
mkdir -p "$src/var"
dir=$(mktemp -d /tmp/openstrat-cluster.XXXXXX)
chmod 711 "$dir"
echo "$$ $dir" >"$state"

# PostgreSQL: initdb into the folder, on a free port, sockets in the folder.
say "PostgreSQL: initdb as $pg_user into $dir/pg"
mkdir -p "$dir/pg"
[ ${#as_pg[@]} -eq 0 ] || chown "$pg_user" "$dir/pg"
chmod 700 "$dir/pg"
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/pg/data" -U openstrat --auth=trust -E UTF8 \
	--locale=C.UTF-8 --no-instructions >"$dir/initdb.log" 2>&1 ||
	die "initdb failed: $(tail -5 "$dir/initdb.log")"
# A port found free may be taken before the server binds it: then another.
# setsid: its own session, so that Ctrl-C reaches this script, which stops
# the nodes before PostgreSQL, and not PostgreSQL at the same time.
for attempt in 1 2 3 4 5; do
	pg_port=$(free_port)
	setsid --wait "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 60 \
		-o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir/pg' -c max_connections=200" \
		start >/dev/null 2>&1 && break
	grep -q "could not bind\|already in use" "$dir/pg/postgres.log" && [ "$attempt" -lt 5 ] ||
		die "PostgreSQL did not start: $(tail -5 "$dir/pg/postgres.log")"
	say "PostgreSQL could not listen on port $pg_port; trying another"
done
pg_started=1
"${as_pg[@]}" "$pgbin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U openstrat -d postgres \
	-c 'CREATE DATABASE openstrat' >/dev/null || die "could not create the database"
db="postgresql://openstrat@127.0.0.1:$pg_port/openstrat"
say "PostgreSQL: $db"

# NATS.
# Listening, or gone (it could not bind the port).
nats_ready() { port_busy "$nats_port" || ! kill -0 "${pids[-1]}" 2>/dev/null; }
for attempt in 1 2 3 4 5; do
	nats_port=$(free_port)
	spawn nats-server "$dir/nats.log" nats-server -a 127.0.0.1 -p "$nats_port"
	wait_for 15 nats-server nats_ready || die "nats-server did not start: $(tail -5 "$dir/nats.log")"
	kill -0 "${pids[-1]}" 2>/dev/null && break
	grep -q "address already in use" "$dir/nats.log" && [ "$attempt" -lt 5 ] ||
		die "nats-server did not start: $(tail -5 "$dir/nats.log")"
	say "nats-server could not listen on port $nats_port; trying another"
	unset 'pids[-1]' 'names[-1]'
done
nats="nats://127.0.0.1:$nats_port"
say "NATS: $nats"

# The schema and the demo, once, before any node serves.
"$bin" init --db "$db" >"$dir/init.log" 2>&1 || die "openstrat init failed: $(tail -5 "$dir/init.log")"
"$bin" demo --db "$db" --lang "$lang" >"$dir/demo.out" 2>"$dir/demo.log" ||
	die "openstrat demo failed: $(tail -5 "$dir/demo.log")"

# Three nodes on ports of their choosing (--port 0: the listening line says
# which). Attached files go to one folder all nodes share (--files).
mkdir -p "$dir/files"
extra=(--files "$dir/files")
[ -z "${PUBLIC_URL:-}" ] || extra+=(--public-url "$PUBLIC_URL")
node_ports=()
for n in 1 2 3; do
	spawn "node$n" "$dir/node$n.log" "$bin" serve --db "$db" --nats "$nats" \
		--listen 127.0.0.1 --port 0 --web "$src/web" --trusted-proxy 127.0.0.1 "${extra[@]}"
	# Its stdout and stderr share the log; the listening line is in it.
	line_seen() { grep -qE '^openstrat: listening on http://127\.0\.0\.1:[0-9]+$' "$dir/node$n.log"; }
	wait_for 30 "node$n" line_seen || die "node$n did not start: $(tail -5 "$dir/node$n.log")"
	p=$(grep -oE '^openstrat: listening on http://127\.0\.0\.1:[0-9]+$' "$dir/node$n.log" | head -1)
	node_ports+=("${p##*:}")
	healthy() { [ "$(http_status "${node_ports[n - 1]}" /healthz)" = 200 ]; }
	wait_for 30 "node$n /healthz" healthy ||
		die "node$n does not answer /healthz with 200: $(tail -5 "$dir/node$n.log")"
	say "node$n: http://127.0.0.1:${node_ports[n - 1]} (log $dir/node$n.log)"
done

# haproxy in front, from the template beside this script.
sed -e "s|@LISTEN@|$listen|g" -e "s|@PORT@|$port|g" -e "s|@STATS_SOCKET@|$dir/haproxy.sock|g" \
	-e "s|@NODE1@|127.0.0.1:${node_ports[0]}|g" -e "s|@NODE2@|127.0.0.1:${node_ports[1]}|g" \
	-e "s|@NODE3@|127.0.0.1:${node_ports[2]}|g" "$here/haproxy.cfg.in" >"$dir/haproxy.cfg"
if grep -q '@[A-Z0-9_]*@' "$dir/haproxy.cfg"; then
	die "haproxy.cfg.in has a placeholder run.sh does not fill: $(grep -o '@[A-Z0-9_]*@' "$dir/haproxy.cfg" | head -1)"
fi
haproxy -c -q -f "$dir/haproxy.cfg" || die "haproxy refuses $dir/haproxy.cfg"
spawn haproxy "$dir/haproxy.log" haproxy -db -f "$dir/haproxy.cfg"
lb_up() { [ "$(http_status "$port" /healthz "$lb_host")" = 200 ]; }
wait_for 20 haproxy lb_up || die "haproxy does not answer on $listen:$port: $(tail -5 "$dir/haproxy.log")"

url=${PUBLIC_URL:-http://$lb_host:$port}
{
	echo
	echo "  openstrat, three nodes as one forum: $url"
	echo
	sed 's/^/  /' "$dir/demo.out"
	echo
	echo "  Sign in as maria (manager), erik (employee) or clara (customer),"
	echo "  password openstrat-demo. Each page load may reach another node."
	echo "  Data and logs: $dir"
	echo "  Stop with Ctrl-C, or contrib/cluster/run.sh stop"
	echo
} | tee "$dir/address"

# Run until told to stop; say when a piece dies (the others go on: a dead
# node's clients reconnect through haproxy to another one).
dead=()
while sleep 1; do
	for i in "${!pids[@]}"; do
		[[ " ${dead[*]} " == *" $i "* ]] && continue
		if ! kill -0 "${pids[i]}" 2>/dev/null; then
			wait "${pids[i]}" 2>/dev/null && st=0 || st=$?
			say "${names[i]} exited (status $st); the rest goes on"
			dead+=("$i")
		fi
	done
done
