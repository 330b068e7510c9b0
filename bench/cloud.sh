#!/usr/bin/env bash
# Cloud bridge against the CloudHub double, on loopback:  bench/cloud.sh [downstream msgs] [upstream entries] [sync objects] [sync runs]
#
# Prints (io.karedge.bench.CloudBench, real SQLite store in a temporary directory, TLS WebSocket on 127.0.0.1):
#   - downstream ConfigMap pushes stored in the MetaStore and ACKed per second, through CloudHub's ACK queue
#     (one in flight) and pipelined (default 2000 each);
#   - upstream drain: Uplink entries per second with the rate limit off, window 64, for twin reports (removed
#     when answered) and events (removed once flushed) (default 10000 each);
#   - reconnect to synced: after the edge reconnects the double pushes 1000 objects; time from the new session
#     until all are stored and ACKed (default 3 runs).
# The double comes from the bridge's test jar. BENCH_SKIP_BUILD=1 uses the classes already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (store, cloud bridge with its test jar, bench) ..." >&2
    mvn -B -q install -f bundles/store/pom.xml -DskipTests
    mvn -B -q install -f cloud-bridge/bridge/pom.xml -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)"
exec timeout 600 java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.bench.CloudBench "${1:-2000}" "${2:-10000}" "${3:-1000}" "${4:-3}"
