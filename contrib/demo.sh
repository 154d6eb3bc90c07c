#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and
# starts openstrat with a demo round on http://127.0.0.1:8080 (PORT and
# LISTEN override). DEMO_LANG=nb, sv or da fills the demo in Norwegian,
# Swedish or Danish instead of English. The demo database lives in
# var/demo.db (var/demo-LANG.db for another language); delete it for a
# fresh demo.
set -euo pipefail
cd "$(dirname "$0")/.."
lang=${DEMO_LANG:-en}
case $lang in
en) db=var/demo.db ;;
nb | sv | da) db=var/demo-$lang.db ;;
*)
	echo "demo.sh: DEMO_LANG must be en, nb, sv or da, not '$lang'" >&2
	exit 2
	;;
esac
contrib/setup.sh
contrib/build.sh build
mkdir -p var
exec build/openstrat serve --db "$db" --demo --demo-lang "$lang" --web web \
	--listen "${LISTEN:-127.0.0.1}" --port "${PORT:-8080}"
