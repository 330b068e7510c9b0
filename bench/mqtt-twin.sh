#!/usr/bin/env bash
# MQTT twin benchmark, one command:  bench/mqtt-twin.sh
#
# End to end from a separate client JVM (Paho v3): QoS 1 twin update on
# $hw/events/device/bench/dev-<i>/twin/update -> twin engine -> durable SQLite write (synchronous=FULL,
# group commit) -> .../twin/update/result received by the client. For 1, 10 and 100 devices it prints
# updates/s and the p50/p99/max latency of publish -> result.
#
# The node is the bench harness io.karedge.bench.MqttTwinNode (real store + real twin engine + event bus
# with its embedded broker, one JVM, 127.0.0.1, free port); the client is io.karedge.bench.MqttTwinClient,
# whose sockets have TCP_NODELAY as the broker's have (-Dkaredge.bench.nodelay=false in JAVA_CLIENT_OPTS
# restores Paho's default, Nagle on: every run then shows a p99 of about 45 to 50 ms, the 40 ms delayed ACK).
# Environment: MQTT_BENCH_UPDATES (default 50000 per run), MQTT_BENCH_OUTSTANDING (default 32: the
# in-flight window, QoS 1 updates published and not yet answered with a result, over all connections),
# MQTT_BENCH_WARMUP (default 10000 updates sent first and not measured), MQTT_BENCH_SECONDS (default 30,
# per run), BENCH_SKIP_BUILD=1 to use bench/target as built, MQTT_BENCH_AUTH=1 (anonymous refused: the
# client connects with a user name and password, and an ACL file grants the bench topics),
# MQTT_BENCH_PERSISTENT=1 (one more client, with a persistent session, subscribes every result: each
# result is written to the session journal and forced to disk before it counts as delivered). The node also prints, per run, its CPU time
# per message and the store's writes per commit (group commit) and commits per second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
UPDATES=${MQTT_BENCH_UPDATES:-50000}
WARMUP=${MQTT_BENCH_WARMUP:-10000}
OUTSTANDING=${MQTT_BENCH_OUTSTANDING:-32}
SECONDS_MAX=${MQTT_BENCH_SECONDS:-30}

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    # the three bundles in the same reactor, so the classpath has their jars from this tree (bundles/*/target),
    # not whatever was last installed in the local repository
    MODULES=bundles/store,bundles/twin,bundles/eventbus,bench
    echo "building (mvn -q -DskipTests package -pl $MODULES) ..." >&2
    mvn -q -o -DskipTests package -pl "$MODULES" 2>/dev/null || mvn -q -DskipTests package -pl "$MODULES"
fi
CP="$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes"
JAVA_NODE_OPTS=${JAVA_NODE_OPTS:--Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
JAVA_CLIENT_OPTS=${JAVA_CLIENT_OPTS:--Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
if [ "${MQTT_BENCH_AUTH:-0}" = "1" ]; then
    JAVA_NODE_OPTS="$JAVA_NODE_OPTS -Dkaredge.bench.auth=true"
    JAVA_CLIENT_OPTS="$JAVA_CLIENT_OPTS -Dkaredge.bench.auth=true"
fi
if [ "${MQTT_BENCH_PERSISTENT:-0}" = "1" ]; then
    JAVA_CLIENT_OPTS="$JAVA_CLIENT_OPTS -Dkaredge.bench.persistent=true"
fi

NODE_PID=""
cleanup() {
    if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
        kill "$NODE_PID" 2>/dev/null || true
    fi
    exec 3>&- 2>/dev/null || true
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)"
echo "authentication and ACL: ${MQTT_BENCH_AUTH:-0}, persistent-session subscriber of every result: ${MQTT_BENCH_PERSISTENT:-0}"
echo "each run: ${WARMUP} warm-up + ${UPDATES} measured QoS 1 updates, ${OUTSTANDING} in flight, 4 client connections, at most ${SECONDS_MAX} s"
echo
printf '%7s %9s %12s %10s %10s %10s %7s\n' devices results "updates/s" "p50 (ms)" "p99 (ms)" "max (ms)" errors
for devices in 1 10 100; do
    FIFO=$(mktemp -u /tmp/karedge-mqtt-bench.XXXXXX)
    mkfifo "$FIFO"
    OUT=$(mktemp /tmp/karedge-mqtt-node.XXXXXX)
    # shellcheck disable=SC2086
    java $JAVA_NODE_OPTS -cp "$CP" io.karedge.bench.MqttTwinNode 0 "$devices" < "$FIFO" > "$OUT" 2>&1 &
    NODE_PID=$!
    exec 3> "$FIFO"
    rm -f "$FIFO"
    PORT=""
    for _ in $(seq 1 600); do
        PORT=$(sed -n 's/^READY \([0-9]*\).*/\1/p' "$OUT" | head -1)
        [ -n "$PORT" ] && break
        kill -0 "$NODE_PID" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$PORT" ]; then
        echo "node did not start:" >&2; cat "$OUT" >&2; exit 1
    fi
    # shellcheck disable=SC2086
    timeout $((SECONDS_MAX * 2 + 60)) java $JAVA_CLIENT_OPTS -cp "$CP" io.karedge.bench.MqttTwinClient \
        "$PORT" "$devices" "$UPDATES" "$OUTSTANDING" "$SECONDS_MAX" "$WARMUP"
    exec 3>&-
    wait "$NODE_PID" || true
    NODE_PID=""
    grep -E '^node:' "$OUT" >&2 || true
    rm -f "$OUT"
done
