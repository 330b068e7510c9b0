#!/usr/bin/env bash
# Driver hot swap on a real node, one command:  bench/driver-swap.sh
#
# Starts the built distribution (standalone, tuned profile) and prints:
#   - the polling gap of a virtual device (collect and report every 100 ms) across `bundle:update` of the
#     virtual driver bundle, seen as the longest pause between its twin reports (BENCH_UPDATES runs);
#   - the time from `feature:install karedge-protocol-modbus` to the first twin report of a Modbus device
#     read from a pymodbus server (Debian's python3-pymodbus) on a free loopback port.
# Everything stays on 127.0.0.1; the node and the server are stopped before the script ends.
# Environment: BENCH_UPDATES (default 5), BENCH_SKIP_BUILD=1 to use the distribution already built,
# BENCH_KEEP=1 to keep the node's directory (logs) afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
UPDATES=${BENCH_UPDATES:-5}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
TARBALL=$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$TARBALL" ] || [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (mvn -q -DskipTests install) ..." >&2
    mvn -q -DskipTests install
    TARBALL=$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz | head -1)
fi
"$PYTHON" -c 'import pymodbus' 2>/dev/null || { echo "needs python3-pymodbus (apt-get install python3-pymodbus)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/karedge-swap.XXXXXX)
NODE_PID=""; SERVER_PID=""; WATCH_PID=""
cleanup() {
    for pid in "$WATCH_PID" "$SERVER_PID"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
        kill "$NODE_PID" 2>/dev/null || true; sleep 2; kill -9 "$NODE_PID" 2>/dev/null || true
    fi
    if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

NODE=$WORK/node; mkdir -p "$NODE"
tar -xzf "$TARBALL" -C "$NODE" --strip-components=1
HTTP=$(free_port); SSH=$(free_port); MQTT=$(free_port); MODBUS=$(free_port)
sed -i "s/^org.osgi.service.http.port.*/org.osgi.service.http.port = $HTTP/" "$NODE/etc/org.ops4j.pax.web.cfg"
sed -i "s/^sshPort.*/sshPort = $SSH/" "$NODE/etc/org.apache.karaf.shell.cfg"
echo "port = $MQTT" > "$NODE/etc/io.karedge.eventbus.cfg"
# the remote console drives the swaps: turn it on for this node
sed -i 's|^\(    bundle/[0-9.]*\)$|\1, \\\n    ssh|' "$NODE/etc/org.apache.karaf.features.cfg"
cat > "$NODE/etc/manifests/swap.yaml" <<YAML
apiVersion: devices.kubeedge.io/v1beta1
kind: Device
metadata: {name: swap-1, namespace: default}
spec:
  protocol: {protocolName: virtual}
  properties:
    - {name: count, collectCycle: 100, reportCycle: 100, reportToCloud: true,
       visitors: {protocolName: virtual, configData: {generator: counter}}}
---
apiVersion: devices.kubeedge.io/v1beta1
kind: DeviceModel
metadata: {name: plc-model, namespace: default}
spec:
  protocol: modbus
  properties:
    - {name: level, type: INT, accessMode: ReadOnly}
---
apiVersion: devices.kubeedge.io/v1beta1
kind: Device
metadata: {name: plc-1, namespace: default}
spec:
  deviceModelRef: {name: plc-model}
  protocol:
    protocolName: modbus
    configData: {ip: 127.0.0.1, port: $MODBUS, slaveID: 1, timeout: 1000}
  properties:
    - {name: level, collectCycle: 100, reportCycle: 100, reportToCloud: true,
       visitors: {protocolName: modbus, configData: {register: HoldingRegister, offset: 0, limit: 1}}}
YAML

sleep 3600 | "$PYTHON" device-protocols/modbus/src/test/resources/modbus_server.py "$MODBUS" 900 > "$WORK/modbus.log" 2>&1 &
SERVER_PID=$!
"$NODE/bin/karaf" server > "$NODE/console.out" 2>&1 &
for _ in $(seq 1 600); do
    grep -q 'Karedge node .* ready' "$NODE/data/log/karaf.log" 2>/dev/null && break
    sleep 0.1
done
NODE_PID=$(pgrep -f "karaf.base=$NODE" | head -1 || true)
[ -n "$NODE_PID" ] || { echo "the node did not start; log in $NODE" >&2; exit 1; }
console() { echo "$1" | "$NODE/bin/client" -a "$SSH" -u karaf -p karaf > /dev/null 2>&1; }
for _ in $(seq 1 100); do console 'bundle:list' && break; sleep 0.3; done

# every twin change, stamped with its arrival time (ms) and device
"$PYTHON" - "$HTTP" "$NODE/data/karedge/api-token" > "$WORK/twins.log" <<'PY' &
import json, sys, time, urllib.request
url = "http://127.0.0.1:%s/api/v1/twins?watch=true&timeoutSeconds=600" % sys.argv[1]
for _ in range(100):
    try:
        # the node's token, as its user reads it
        token = open(sys.argv[2]).read().strip()
        stream = urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + token}),
                                        timeout=600)
        break
    except Exception:
        time.sleep(0.2)
for line in stream:
    line = line.strip()
    if line:
        event = json.loads(line)
        print("%d %s" % (time.time() * 1000, event.get("deviceId")), flush=True)
PY
WATCH_PID=$!
sleep 3

now_ms() { date +%s%3N; }
longest_gap() { # $1 device, $2 from ms, $3 to ms
    awk -v d="$1" -v a="$2" -v b="$3" '$2 == d && $1 >= a && $1 <= b { if (p) { g = $1 - p; if (g > m) m = g } p = $1 } END { print m + 0 }' "$WORK/twins.log"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "virtual device swap-1: collect and report every 100 ms; driver bundle updated ${UPDATES} times"
printf '%-6s %30s\n' run "longest report gap (ms)"
gaps=()
for run in $(seq 1 "$UPDATES"); do
    t0=$(now_ms)
    console 'bundle:update io.karedge.protocol.virtual'
    sleep 4
    gap=$(longest_gap default/swap-1 $((t0 - 1000)) $(now_ms))
    gaps+=("$gap")
    printf '%-6s %30s\n' "$run" "$gap"
done
baseline=$(longest_gap default/swap-1 0 $(( $(head -1 "$WORK/twins.log" | cut -d' ' -f1) + 3000 )))
echo "without a swap, the longest gap in the first 3 s was ${baseline} ms"

c0=$(now_ms); console 'bundle:list'; client_ms=$(( $(now_ms) - c0 ))
t1=$(now_ms)
console 'feature:install karedge-protocol-modbus'
for _ in $(seq 1 300); do
    first=$(awk -v a="$t1" '$2 == "default/plc-1" && $1 >= a { print $1; exit }' "$WORK/twins.log")
    [ -n "$first" ] && break
    sleep 0.05
done
if [ -n "${first:-}" ]; then
    echo "feature:install karedge-protocol-modbus to the first twin report of plc-1: $((first - t1)) ms" \
        "(including about ${client_ms} ms of bin/client's own start and login)"
else
    echo "no twin report of plc-1 within 15 s of feature:install" >&2
fi
