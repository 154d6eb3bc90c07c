#!/usr/bin/env bash
# Installs what openstrat needs from Debian 12 packages, and only what is
# missing; says nothing when everything is there. Idempotent. Run as root.
#   contrib/setup.sh          build and run
#   contrib/setup.sh --test   also what the tests need (Chromium, Node.js, unzip,
#                             python3-websockets, python3-aiosmtpd, promtool
#                             from the prometheus package; PostgreSQL,
#                             nats-server and haproxy for the PostgreSQL
#                             and cluster tests)
#   contrib/setup.sh --bench  also what the benchmark needs (nats-server, Node.js, jq, postgresql)
set -euo pipefail

need=(build-essential cmake pkg-config libwebsockets-dev libwebsockets-evlib-ev libev-dev
      libsqlite3-dev libsodium-dev libcjson-dev libcmark-dev libxlsxwriter-dev libstemmer-dev libldap-dev
      libcurl4-openssl-dev libpq-dev libnats-dev
      check sqlite3)
if [ "${1:-}" = "--bench" ]; then
	need+=(nats-server jq procps postgresql)
	command -v node >/dev/null 2>&1 || need+=(nodejs)
	command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ "${1:-}" = "--test" ]; then
	# slapd, ldap-utils and openssl: the directory sign-in test runs a slapd
	# of its own (own port, configuration and data). Installing slapd may
	# start the system's on port 389; the test neither uses nor disturbs it,
	# so it is left as the package leaves it.
	need+=(chromium procps clang libclang-rt-14-dev slapd ldap-utils openssl
	      python3-websockets python3-aiosmtpd prometheus unzip)
	# postgresql: the store and forum tests run a second time against a
	# throwaway cluster (tests/support/pg.sh). With nats-server and
	# haproxy: several nodes as one forum (tests/cluster,
	# contrib/cluster/run.sh).
	need+=(postgresql nats-server haproxy)
	command -v node >/dev/null 2>&1 || need+=(nodejs)
	command -v npm >/dev/null 2>&1 || need+=(npm)
fi

missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "openstrat: missing packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	echo "openstrat: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
