#!/usr/bin/env bash
# The benchmark of docs/PERFORMANCE.md, in one command: installs what is
# missing (nats-server, Node.js, jq), builds openstrat and the load tool
# optimised, and runs every scenario against openstrat and, for fan-out,
# against nats-server and a Node "ws" broadcast server started on the same
# machine. About 20 minutes on 2 cores. Run it on a quiet machine: other
# processes' CPU is reported beside every figure.
#   contrib/bench.sh [--quick] [run.sh options...]
# --quick runs a short subset (a few minutes). Results: the tables on
# stdout, every figure as JSON lines in bench-results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
contrib/setup.sh --bench
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" --target openstrat osbench >/dev/null
export OPENSTRAT_BIN=build-bench/openstrat OSBENCH_BIN=build-bench/osbench
if [ "${1:-}" = "--quick" ]; then
	shift
	exec tests/bench/run.sh --fanout 500 --rate 200 --writers "1 64" --duration 5 \
		--peers "nats ws" --out bench-results.jsonl "$@"
fi
exec tests/bench/run.sh \
	--fanout "500 2000 10000" --rate "500:200 2000:100 10000:20" \
	--writers "1 16 64" --duration 10 \
	--connect 19000 --source-addrs 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 \
	--rounds 100x100 --storm --slow --cost "500 2000 10000" --idle "0 10000" \
	--peers "nats ws" --out bench-results.jsonl "$@"
