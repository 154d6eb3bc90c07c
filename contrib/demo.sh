#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and
# starts openstrat with a demo round on http://127.0.0.1:8080 (PORT and
# LISTEN override). The demo database lives in var/demo.db; delete it for a
# fresh demo.
set -euo pipefail
cd "$(dirname "$0")/.."
contrib/setup.sh
contrib/build.sh build
mkdir -p var
exec build/openstrat serve --db var/demo.db --demo --web web \
	--listen "${LISTEN:-127.0.0.1}" --port "${PORT:-8080}"
