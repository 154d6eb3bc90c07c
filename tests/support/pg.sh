#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from the Debian packages.
#   tests/support/pg.sh start DIR   initdb into DIR (created if missing),
#                                   start it on a free port of 127.0.0.1 and
#                                   a socket in DIR, create openstrat_test;
#                                   prints its URL (also in DIR/url)
#   tests/support/pg.sh stop DIR    stops it and removes DIR
# The server runs as an unprivileged user: as root, the postgres user the
# package creates (DIR is handed to it); else the caller. Trust
# authentication on 127.0.0.1 and the socket only; fsync stays on.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
	echo "pg.sh: no PostgreSQL server installed (Debian package postgresql)" >&2
	exit 77
fi

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
	echo "usage: $0 start|stop DIR" >&2
	exit 2
fi

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
start)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	chmod 700 "$dir"
	as_owner "$bindir/initdb" -D "$dir/data" -U openstrat --auth=trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# A free port: ask the kernel for one, then start there; another
	# process may take it meanwhile, so try a few times.
	started=
	for _ in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" \
			start >/dev/null; then
			started=1
			break
		fi
	done
	if [ -z "$started" ]; then
		cat "$dir/server.log" >&2
		exit 1
	fi
	as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U openstrat openstrat_test
	url="postgresql://openstrat@127.0.0.1:$port/openstrat_test"
	echo "$url" >"$dir/url"
	echo "$url"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
