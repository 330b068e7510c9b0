#!/usr/bin/env bash
# What the dashboard's value history costs, one command:  bench/history.sh [devices] [properties per device]
#
# Fills the history the node keeps for the dashboard's charts (io.karedge.dashboard.internal.ValueHistory, its
# default limits) in a JVM of its own and prints the heap it holds after a full collection (median of five):
# 100 devices × 10 properties (or as given) with a value every second for 70 minutes (both rings full, the
# worst case), the same after only 2 minutes of changes, with text values, and at its property cap; then the
# cost of one add. No network. BENCH_SKIP_BUILD=1 uses the classes already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (dashboard, bench) ..." >&2
    mvn -B -q install -f bundles/dashboard/pom.xml -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)"
exec timeout 600 java -XX:+UseSerialGC -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.dashboard.internal.HistoryBench "${1:-100}" "${2:-10}"
