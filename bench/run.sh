#!/usr/bin/env bash
# Karedge benchmarks, one command:  bench/run.sh
#
# Prints, for the JVM's default options and for the shipped tuned profile, side by side:
#   - cold start: a fresh unpack of the distribution, launch until every bundle is active (s)
#   - idle RSS of the node with 100 devices in etc/manifests, after BENCH_IDLE_SECONDS (MiB)
# and then the MetaStore write and watch throughput with p50/p99 latency (bench/StoreBench).
#
# Environment: BENCH_IDLE_SECONDS (default 45), BENCH_DEVICES (default 100), BENCH_RUNS (default 2),
# BENCH_SKIP_BUILD=1 to use the distribution already built.
# Only loopback ports are used; every node started here is stopped before the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
IDLE=${BENCH_IDLE_SECONDS:-45}
DEVICES=${BENCH_DEVICES:-100}
RUNS=${BENCH_RUNS:-2}
TARBALL=$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz 2>/dev/null | head -1 || true)

if [ -z "$TARBALL" ] || [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (mvn -q -DskipTests install) ..." >&2
    mvn -q -DskipTests install
    TARBALL=$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz | head -1)
fi

WORK=$(mktemp -d /tmp/karedge-bench.XXXXXX)
NODE_PID=""
cleanup() {
    if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
        kill "$NODE_PID" 2>/dev/null || true
        sleep 2
        kill -9 "$NODE_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

write_devices() { # $1 = manifests dir
    local dir=$1 i
    {
        printf 'apiVersion: devices.kubeedge.io/v1beta1\nkind: DeviceModel\nmetadata: {name: bench-model, namespace: bench}\n'
        printf 'spec:\n  protocol: virtual\n  properties:\n    - {name: temperature, type: FLOAT, accessMode: ReadOnly}\n    - {name: setpoint, type: FLOAT, accessMode: ReadWrite}\n'
        for i in $(seq -w 1 "$DEVICES"); do
            printf -- '---\napiVersion: devices.kubeedge.io/v1beta1\nkind: Device\nmetadata: {name: bench-%s, namespace: bench}\n' "$i"
            printf 'spec:\n  deviceModelRef: {name: bench-model}\n  protocol: {protocolName: virtual}\n  properties:\n'
            printf '    - {name: temperature, collectCycle: 1000, reportCycle: 5000, visitors: {protocolName: virtual, configData: {generator: sine, min: 18, max: 24}}}\n'
            printf '    - {name: setpoint, desired: {value: "21"}, visitors: {protocolName: virtual, configData: {generator: constant, value: "21"}}}\n'
        done
    } > "$dir/bench-devices.yaml"
}

# start_node PROFILE -> prints "<wall seconds to ready> <ms after JVM start> <idle RSS MiB> <devices stored>"
start_node() {
    local profile=$1 dir="$WORK/node-$1-$RANDOM" http ssh t0 t1 line ready_ms rss devices
    mkdir -p "$dir"
    tar -xzf "$TARBALL" -C "$dir" --strip-components=1
    http=$(free_port); ssh=$(free_port)
    sed -i "s/^org.osgi.service.http.port.*/org.osgi.service.http.port = $http/" "$dir/etc/org.ops4j.pax.web.cfg"
    sed -i "s/^sshPort.*/sshPort = $ssh/" "$dir/etc/org.apache.karaf.shell.cfg"
    write_devices "$dir/etc/manifests"
    t0=$(date +%s.%N)
    KAREDGE_JVM_PROFILE=$profile "$dir/bin/karaf" server > "$dir/console.out" 2>&1 &
    local launcher=$!
    line=""
    for _ in $(seq 1 1200); do
        line=$(grep -h -o 'Karedge node .* ready: .*' "$dir"/data/log/karaf.log 2>/dev/null | head -1 || true)
        [ -n "$line" ] && break
        kill -0 "$launcher" 2>/dev/null || break
        sleep 0.05
    done
    t1=$(date +%s.%N)
    NODE_PID=$(pgrep -f "karaf.base=$dir" | head -1 || true)
    if [ -z "$line" ] || [ -z "$NODE_PID" ]; then
        echo "node ($profile) did not become ready; log in $dir" >&2
        tail -20 "$dir/data/log/karaf.log" >&2 || true
        exit 1
    fi
    ready_ms=$(echo "$line" | sed -n 's/.* \([0-9]*\) ms after JVM start.*/\1/p')
    sleep "$IDLE"
    devices=$(curl -s -H "Authorization: Bearer $(cat "$dir/data/karedge/api-token")" "http://127.0.0.1:$http/api/v1/namespaces/bench/devices" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null || echo "?")
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$NODE_PID/status")
    kill "$NODE_PID"; wait "$launcher" 2>/dev/null || true; NODE_PID=""
    printf '%.2f %s %s %s\n' "$(echo "$t1 - $t0" | bc -l)" "$ready_ms" "$rss" "$devices"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(java -version 2>&1 | head -1)"
echo "distribution: $(basename "$TARBALL"); idle wait ${IDLE}s; ${DEVICES} devices in manifests; ${RUNS} runs per profile"
echo
printf '%-8s %-4s %22s %20s %16s %10s\n' profile run "cold start, wall (s)" "ready after JVM (s)" "idle RSS (MiB)" devices
for profile in default tuned; do
    for run in $(seq 1 "$RUNS"); do
        read -r wall ready rss devices < <(start_node "$profile")
        printf '%-8s %-4s %22s %20.2f %16s %10s\n' "$profile" "$run" "$wall" "$(echo "$ready / 1000" | bc -l)" "$rss" "$devices"
    done
done
echo
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" io.karedge.bench.StoreBench
