#!/usr/bin/env bash
# The mesh tunnel against direct connections, in one run on loopback:
#   bench/mesh-tunnel.sh [MB per run] [ping-pongs] [runs] [idle peer connections]
#
# Four mesh nodes run in one JVM (io.karedge.bench.MeshTunnelBench), each with its own store, Service range
# and tunnel on 127.0.61.1-4: a reaches b directly and c only through the relay r (a's direct address for c
# refuses). Printed, medians of `runs`: bulk throughput (a sink server) direct, through the tunnel a -> b and
# through the relay a -> r -> c; 64-byte ping-pong p50/p99 direct and through the tunnel; a 4 MB
# request/response on a new connection; 1,000 sequential new connections (failures); 200 concurrent streams
# over the one a-b connection; heap per idle peer connection (extra tunnels keeping an idle connection to b,
# both ends in the JVM). Node certificates (CN=system:node:<name>, EC P-256) come from openssl into a
# temporary directory. Every socket is on 127.0.0.0/8. BENCH_SKIP_BUILD=1 uses the classes already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (store, mesh api and proxy, bench) ..." >&2
    mvn -B -q install -f bundles/store/pom.xml -DskipTests
    mvn -B -q install -f bundles/mesh-api/pom.xml -DskipTests
    mvn -B -q install -f bundles/mesh-proxy/pom.xml -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi

CERTS=$(mktemp -d /tmp/karedge-tunnel-certs.XXXXXX)
trap 'rm -rf "$CERTS"' EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "$CERTS/ca.key" 2>/dev/null
openssl req -x509 -new -key "$CERTS/ca.key" -subj "/CN=bench-ca" -days 2 -out "$CERTS/ca.crt" 2>/dev/null
for node in a b r c x; do
    openssl ecparam -name prime256v1 -genkey -noout -out "$CERTS/$node.key" 2>/dev/null
    openssl req -new -key "$CERTS/$node.key" -subj "/O=system:nodes/CN=system:node:$node" -out "$CERTS/$node.csr" 2>/dev/null
    openssl x509 -req -in "$CERTS/$node.csr" -CA "$CERTS/ca.crt" -CAkey "$CERTS/ca.key" -CAcreateserial -days 2 \
        -out "$CERTS/$node.crt" 2>/dev/null
done

echo "machine: $(nproc) cores, $(uname -r), $("${JAVA:-java}" -version 2>&1 | head -1)"
timeout 900 "${JAVA:-java}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.bench.MeshTunnelBench "$CERTS" "${1:-256}" "${2:-20000}" "${3:-3}" "${4:-100}"
