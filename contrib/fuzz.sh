#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz/ for SECONDS each (default 60):
#
#   contrib/fuzz.sh [SECONDS]
#
# Builds build-fuzz/ with clang if needed, replays every saved regression
# input (tests/fuzz/regressions/<harness>/), then fuzzes all harnesses side by
# side, each from a temporary copy of its seed corpus (the committed corpus is
# never modified) with the dictionary. Prints one line per harness and exits
# non-zero when anything crashed, leaked, timed out or ran out of memory; the
# inputs that did are kept in build-fuzz/artifacts/.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (parallel
# harnesses, default: all at once), FUZZ_ARGS (more libFuzzer flags).
# See tests/fuzz/README.md for long sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
case $seconds in
'' | *[!0-9]*)
	echo "usage: contrib/fuzz.sh [SECONDS]" >&2
	exit 2
	;;
esac
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
harnesses=()
for src in tests/fuzz/fuzz_*.c; do
	harnesses+=("$(basename "$src" .c)")
done

if ! command -v clang >/dev/null; then
	echo "fuzz: clang is needed (apt-get install clang)" >&2
	exit 1
fi
if ! grep -qs '^OPENSTRAT_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
	cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DOPENSTRAT_FUZZ=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
else
	# Again, so that a harness added since has its target.
	cmake "$build" >/dev/null
fi
echo "== building ${harnesses[*]}"
cmake --build "$build" --target "${harnesses[@]}" -j"$(nproc)" >/dev/null

# Undefined behaviour is a finding, not a warning.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/openstrat-fuzz.XXXXXX")
cleanup() {
	local p
	for p in $(jobs -pr); do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$build/artifacts"
failed=0

# 1. Regressions: every input that once failed must pass now.
for h in "${harnesses[@]}"; do
	n=0
	for f in tests/fuzz/regressions/"$h"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		if ! "$build/$h" -runs=1 "$f" >"$tmp/regress.log" 2>&1; then
			echo "$h: regression $f fails:" >&2
			grep -a -m2 -E 'INVARIANT|ERROR: |runtime error' "$tmp/regress.log" | cut -c1-300 >&2 || true
			grep -a -m1 -A1 'INVARIANT' "$tmp/regress.log" | tail -n1 | cut -c1-300 >&2 || true
			grep -a -m6 -E '^ +#[0-9]+ .* in [a-z_]+ /' "$tmp/regress.log" | grep -av -E 'fuzzer::|__sanitizer|libc' >&2 || true
			failed=1
		fi
	done
	[ "$n" -eq 0 ] || echo "$h: $n regression input(s) replayed"
done

# 2. Fuzzing, the harnesses side by side.
run() {
	local h=$1 corpus=$tmp/$1.corpus
	mkdir -p "$corpus" "$tmp/$h.artifacts"
	cp tests/fuzz/corpus/"$h"/* "$corpus"/ 2>/dev/null || true
	# shellcheck disable=SC2086
	"$build/$h" "$corpus" -dict=tests/fuzz/openstrat.dict \
		-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
		-print_final_stats=1 -artifact_prefix="$tmp/$h.artifacts/" \
		${FUZZ_ARGS:-} >"$tmp/$h.log" 2>&1
}
jobs_max=${FUZZ_JOBS:-${#harnesses[@]}}
pids=()
echo "== fuzzing ${#harnesses[@]} harnesses for ${seconds}s each"
for h in "${harnesses[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		sleep 0.2
	done
	run "$h" &
	pids+=("$!")
done
i=0
for h in "${harnesses[@]}"; do
	status=0
	wait "${pids[$i]}" || status=$?
	i=$((i + 1))
	log=$tmp/$h.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1) || true
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1) || true
	cov=$( (grep -a -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" || true) | tail -n1)
	artifacts=("$tmp/$h.artifacts"/*)
	if [ "$status" -eq 0 ] && [ ! -e "${artifacts[0]}" ]; then
		printf '%s: ok, %s runs (%s/s), %s\n' "$h" "${execs:-?}" "${rate:-?}" "${cov:-cov: ?}"
	else
		printf '%s: FAILED (exit %s) after %s runs, %s\n' "$h" "$status" "${execs:-?}" \
			"${cov:-cov: ?}" >&2
		grep -a -m3 -A1 -E 'INVARIANT|ERROR: |runtime error' "$log" | cut -c1-300 >&2 || true
		grep -a -m12 -E '^ +#[0-9]+ ' "$log" | grep -av -E 'fuzzer::|__sanitizer|libc' >&2 || true
		if [ -e "${artifacts[0]}" ]; then
			cp "${artifacts[@]}" "$build/artifacts/"
			for a in "${artifacts[@]}"; do
				echo "  input kept: $build/artifacts/$(basename "$a")" >&2
			done
			echo "  reproduce: $build/$h INPUT; minimise: $build/$h -minimize_crash=1 -runs=10000 INPUT" >&2
		fi
		failed=1
	fi
done
exit "$failed"
