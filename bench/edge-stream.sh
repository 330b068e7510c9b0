#!/bin/sh
# Log line -> tunnel latency of the edge stream (kubectl logs -f through CloudCore's tunnel), against the
# tunnel double over mutual TLS on 127.0.0.1. BENCH_SKIP_BUILD=1 uses what was built last.
set -eu
cd "$(dirname "$0")/.."
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    mvn -B -q -o install -pl bundles/edge-stream -DskipTests
fi
mvn -B -q -o surefire:test -pl bundles/edge-stream -Dtest=LogLatencyBench -Dsurefire.failIfNoSpecifiedTests=false \
    -DtrimStackTrace=true 2>&1 | grep -E "edge-stream log line|FAIL|ERROR" || true
