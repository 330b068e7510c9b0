#!/usr/bin/env bash
# Node to node through the mesh, between two network namespaces:  bench/mesh-nodes.sh [bulk MB] [runs] [nio|native]
#
# Builds the test topology (bench/netns-topology.sh: A and B on net1 10.231.1.0/24), starts the server side
# (io.karedge.bench.MeshNodesBench server) in B's namespace on 10.231.1.2 and the client side in A's, where the
# client also runs node A's mesh proxy component with a Service whose endpoint is B's address. It prints, side
# by side, direct from A to B and through A's mesh proxy (today's path: the proxy dials B directly):
# bulk throughput (default 256 MB per run), 64-byte ping-pong p50/p99, a 4 MB request/response round trip on a
# new connection, 1,000 sequential new connections and 200 concurrent connections (failures and time), each
# the median of `runs` (default 3). Needs root and `ip`. Traffic stays inside the namespaces, which are removed
# at the end (and at the start, if an earlier run left them). Takes the shared heavy lock
# (/work/wt/heavy.lock, BENCH_LOCK to change) when flock is there, since the multi-node test uses the same
# namespace names. BENCH_SKIP_BUILD=1 uses the classes already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MB=${1:-256}
RUNS=${2:-3}
TRANSPORT=${3:-nio}
LOCK=${BENCH_LOCK:-/work/wt/heavy.lock}
PORT=7100

[ "$(id -u)" = 0 ] || { echo "bench/mesh-nodes.sh builds network namespaces: run it as root" >&2; exit 1; }
command -v ip >/dev/null || { echo "bench/mesh-nodes.sh needs the ip command (iproute2)" >&2; exit 1; }

if [ -z "${BENCH_LOCKED:-}" ] && command -v flock >/dev/null && [ -e "$(dirname "$LOCK")" ]; then
    export BENCH_LOCKED=1
    exec flock "$LOCK" "$0" "$@"
fi

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (store, mesh proxy, bench) ..." >&2
    mvn -B -q install -f bundles/store/pom.xml -DskipTests
    mvn -B -q install -f bundles/mesh-proxy/pom.xml -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi
CP="$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes"
JAVA=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")

WORK=$(mktemp -d /tmp/karedge-mesh-nodes.XXXXXX)
SERVER_PID=""
cleanup() {
    set +e
    exec 9>&- 2>/dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    bench/netns-topology.sh down
    rm -rf "$WORK"
}
trap cleanup EXIT

bench/netns-topology.sh up
eval "$(bench/netns-topology.sh env)"

mkfifo "$WORK/server.in"
ip netns exec kem-b timeout 1800 "${JAVA[@]}" io.karedge.bench.MeshNodesBench server "$KEM_B" "$PORT" \
    < "$WORK/server.in" > "$WORK/server.out" 2>&1 &
SERVER_PID=$!
exec 9>"$WORK/server.in"
for _ in $(seq 1 300); do grep -q listening "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$WORK/server.out" || { echo "the server in kem-b did not start:" >&2; cat "$WORK/server.out" >&2; exit 1; }

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1); A $KEM_A -> B $KEM_B (veth pairs on a bridge)"
ip netns exec kem-a timeout 1800 "${JAVA[@]}" io.karedge.bench.MeshNodesBench client "$KEM_B" "$PORT" "$MB" "$RUNS" "$TRANSPORT"
