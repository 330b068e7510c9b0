#!/usr/bin/env bash
# Mesh proxy against direct connections, in one run on loopback:
#   bench/mesh.sh [MB per run] [ping-pongs] [seconds] [native|splice|nio] [runs] [io threads]
#
# Every figure is measured `runs` times (default 5; direct and proxy alternating) and printed as best and
# median: bulk throughput (MB/s, 512 MB to a sink server) direct and through the proxy with their ratio,
# the CPU time per MB of the client, sink and proxy threads (thread CPU time, user + system), p50/p99 of a
# 64-byte ping-pong (20000 round trips) with the added p50, and new connections per second (3 s each,
# connect + 1-byte round trip + close). The load average is printed too: on a shared host, read the CPU per
# MB rather than the wall-clock ratio.
# Every socket is on 127.0.0.0/8; the proxy runs in-process (io.karedge.bench.MeshBench) on a temporary
# SQLite store with DNS off. BENCH_SKIP_BUILD=1 uses the classes already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (store, mesh proxy, bench) ..." >&2
    mvn -B -q install -f bundles/store/pom.xml -DskipTests
    mvn -B -q install -f bundles/mesh-proxy/pom.xml -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)"
exec timeout 600 java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.bench.MeshBench "${1:-512}" "${2:-20000}" "${3:-3}" "${4:-native}" "${5:-5}" "${6:-0}"
