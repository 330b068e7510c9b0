#!/usr/bin/env bash
# OPC UA driver figures:  bench/opcua.sh [seconds per figure, default 10]
#
# Starts the node-opcua test server (device-protocols/opcua/src/test/resources/opcua_server.js) on a free
# 127.0.0.1 port with 100 bench variables set to its clock ten times a second, and prints through
# io.karedge.protocol.opcua (OpcUaBench): change on the server -> driver report p50/p99 for 100 monitored items
# at 10 Hz, reads/s of 1 and of 100 properties per request, heap per session and per 100 monitored items.
# Needs node and node-opcua (run-tests.sh installs it into $KAREDGE_NODE_OPCUA, by default
# ~/.cache/karedge/node-opcua-2.186.4). The server is stopped on exit. BENCH_SKIP_BUILD=1 uses the classes
# already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_FIGURE=${1:-10}
SCRIPT="$ROOT/device-protocols/opcua/src/test/resources/opcua_server.js"
NODE_OPCUA=${KAREDGE_NODE_OPCUA:-${XDG_CACHE_HOME:-$HOME/.cache}/karedge/node-opcua-2.186.4}

if [ ! -d "$NODE_OPCUA/node_modules/node-opcua" ]; then
    echo "node-opcua not found in $NODE_OPCUA (run-tests.sh installs it; or: npm install --prefix $NODE_OPCUA node-opcua@2.186.4)" >&2
    exit 2
fi

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (driver and bench) ..." >&2
    mvn -B -q install -f device-protocols/pom.xml -pl opcua -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
WORK=$(mktemp -d /tmp/karedge-opcua-bench.XXXXXX)
NODE_PATH="$NODE_OPCUA/node_modules" node "$SCRIPT" "$PORT" "$WORK/pki" 100 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
cleanup() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
    grep -q '^READY' "$WORK/server.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
done

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), node $(node --version), node-opcua $(node -p "require('$NODE_OPCUA/node_modules/node-opcua/package.json').version")"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xmx512m \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.protocol.opcua.internal.OpcUaBench "opc.tcp://127.0.0.1:$PORT/karedge" "$SECONDS_PER_FIGURE"
