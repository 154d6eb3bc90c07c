#!/usr/bin/env bash
# The second command of the README, and what CI runs: installs what is
# missing, then builds and runs every test twice (a -Werror build, and an
# AddressSanitizer + UndefinedBehaviorSanitizer build; the store and forum
# tests of the first also on a throwaway PostgreSQL), then the end-to-end
# browser tests in Chromium, then each fuzzer briefly (it must find nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
contrib/setup.sh --test

echo "== build (warnings are errors)"
contrib/build.sh build -DOPENSTRAT_WERROR=ON
echo "== unit and integration tests"
(cd build && ctest --output-on-failure -j2)

# The store and forum tests again, against a real PostgreSQL: a throwaway
# cluster (initdb into a temporary folder, a free port, an unprivileged
# user), stopped and removed whatever happens.
echo "== store and forum tests on PostgreSQL"
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/openstrat-pg.XXXXXX")
trap 'tests/support/pg.sh stop "$pgdir"' EXIT
pgurl=$(tests/support/pg.sh start "$pgdir")
(cd build && OPENSTRAT_TEST_PG="$pgurl" ctest --output-on-failure -j2 -L pg)
tests/support/pg.sh stop "$pgdir"
trap - EXIT

echo "== build with AddressSanitizer and UndefinedBehaviorSanitizer"
contrib/build.sh build-asan -DOPENSTRAT_WERROR=ON -DOPENSTRAT_SANITIZE=ON
echo "== unit and integration tests under the sanitizers"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2)

if [ -f tests/e2e/package.json ]; then
	echo "== end-to-end tests in Chromium"
	(cd tests/e2e && npm install --no-audit --no-fund --loglevel=error >/dev/null &&
		OPENSTRAT_BIN="$PWD/../../build/openstrat" node --test --test-concurrency=1)
fi

echo "== fuzzing, briefly"
contrib/fuzz.sh 20
