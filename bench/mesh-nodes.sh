#!/usr/bin/env bash
# Node to node through the mesh, between two network namespaces:  bench/mesh-nodes.sh [bulk MB] [runs] [nio|native]
#
# Builds the test topology (bench/netns-topology.sh: A and B on net1 10.231.1.0/24), starts the server side
# (io.karedge.bench.MeshNodesBench server) in B's namespace on 10.231.1.2 and the client side in A's, where the
# client also runs node A's mesh proxy component with a Service whose endpoint is B's address. B, R and C run a
# mesh proxy component each with the tunnel on (certificates from openssl, R a relay, C on net2 only, where a
# second server runs on C's address). It prints, side by side, direct from A to B, through A's mesh proxy
# dialling B directly (an endpoint without nodeName), through the tunnel (the endpoint with nodeName kem-b: A's
# proxy, A-B tunnel, B dials its server) and through the relay (C's server, nodeName kem-c: A, R, C):
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
PIDS=()
cleanup() {
    set +e
    exec 9>&- 2>/dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
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

# the tunnel: certificates, a server on C, mesh nodes with the tunnel in B, R (relay) and C
CERTS="$WORK/certs"
mkdir -p "$CERTS"
(
    cd "$CERTS"
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key
    openssl req -x509 -new -key ca.key -subj /CN=mesh-nodes-bench-ca -days 2 -out ca.crt
    for node in kem-a kem-b kem-r kem-c; do
        openssl ecparam -name prime256v1 -genkey -noout -out "$node.key"
        openssl req -new -key "$node.key" -subj "/O=system:nodes/CN=system:node:$node" -out "$node.csr"
        openssl x509 -req -in "$node.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out "$node.crt"
    done
) > "$WORK/openssl.out" 2>&1 || { echo "openssl failed:" >&2; cat "$WORK/openssl.out" >&2; exit 1; }
background() { # ns out-file args...
    local ns=$1 out=$2; shift 2
    mkfifo "$WORK/$ns.$out.in"
    ip netns exec "$ns" timeout 1800 "${JAVA[@]}" io.karedge.bench.MeshNodesBench "$@" \
        < "$WORK/$ns.$out.in" > "$WORK/$ns.$out" 2>&1 &
    PIDS+=($!)
    eval "exec {fd}>\"$WORK/$ns.$out.in\""
}
background kem-c server.out server "$KEM_C" "$PORT"
background kem-b node.out node kem-b "$CERTS" "kem-a=$KEM_A,kem-r=$KEM_R1" false "" "$KEM_B" "$KEM_C" "$PORT"
background kem-r node.out node kem-r "$CERTS" "kem-a=$KEM_A,kem-b=$KEM_B,kem-c=$KEM_C" true "" "$KEM_B" "$KEM_C" "$PORT"
background kem-c node.out node kem-c "$CERTS" "kem-r=$KEM_R2" false kem-r "$KEM_B" "$KEM_C" "$PORT"
for f in kem-c.server.out:listening kem-b.node.out:ready kem-r.node.out:ready kem-c.node.out:ready; do
    for _ in $(seq 1 600); do grep -q "${f#*:}" "$WORK/${f%%:*}" 2>/dev/null && break; sleep 0.1; done
    grep -q "${f#*:}" "$WORK/${f%%:*}" || { echo "${f%%:*} did not start:" >&2; cat "$WORK/${f%%:*}" >&2; exit 1; }
done

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1); A $KEM_A -> B $KEM_B (veth pairs on a bridge)"
ip netns exec kem-a timeout 1800 "${JAVA[@]}" io.karedge.bench.MeshNodesBench client "$KEM_B" "$PORT" "$MB" "$RUNS" "$TRANSPORT" \
    "$CERTS" "$KEM_C"
