#!/usr/bin/env bash
# Modbus driver throughput:  bench/modbus.sh [seconds per shape, default 10]
#
# Starts the pymodbus test server (device-protocols/modbus/src/test/resources/modbus_server.py) on a free
# 127.0.0.1 port and prints reads/s through io.karedge.protocol.modbus (ModbusBench) for three shapes:
# one property per read, ten contiguous properties (one request), ten scattered properties (ten requests).
# Needs python3 with pymodbus (Debian: apt-get install python3-pymodbus). The server is stopped on exit.
# BENCH_SKIP_BUILD=1 uses the classes already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_SHAPE=${1:-10}
SCRIPT="$ROOT/device-protocols/modbus/src/test/resources/modbus_server.py"

PYTHON=""
for candidate in ${KAREDGE_PYTHON:-} python3 /usr/bin/python3; do
    if "$candidate" -c 'import pymodbus.server, pymodbus.datastore' >/dev/null 2>&1; then
        PYTHON=$candidate
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "python3 with pymodbus not found (apt-get install python3-pymodbus)" >&2
    exit 2
fi

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (driver and bench) ..." >&2
    mvn -B -q install -f device-protocols/pom.xml -pl modbus -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi

PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
LOG=$(mktemp /tmp/karedge-modbus-bench.XXXXXX)
# the server exits when its stdin closes; the lifetime argument bounds it in any case
LIFETIME=$(( SECONDS_PER_SHAPE * 3 + 60 ))
exec 3> >("$PYTHON" "$SCRIPT" "$PORT" "$LIFETIME" >"$LOG" 2>&1)
SERVER_PID=$!
cleanup() {
    exec 3>&- || true
    sleep 0.5
    kill "$SERVER_PID" 2>/dev/null || true
    rm -f "$LOG"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    if "$PYTHON" -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$PORT)))"; then
        break
    fi
    sleep 0.1
done

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), pymodbus $("$PYTHON" -c 'import pymodbus; print(pymodbus.__version__)')"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.bench.ModbusBench "$PORT" "$SECONDS_PER_SHAPE"
