#!/usr/bin/env bash
# Memory per persistent MQTT session, one command:  bench/mqtt-sessions.sh
#
# The embedded broker (io.karedge.bench.MqttSessionMemory: broker, journal with fsync, no twin engine) in
# one JVM: MQTT_SESSIONS (default 20) clients connect with cleanSession=0, subscribe memory/# at QoS 1 and
# go away; MQTT_MESSAGES (default 1000) QoS 1 messages of MQTT_PAYLOAD bytes (default 100) are published.
# Prints the heap the queued messages hold per session (after a full GC), per message, and the journal size.
# BENCH_SKIP_BUILD=1 to use bench/target as built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    MODULES=bundles/eventbus,bench
    echo "building (mvn -q -DskipTests package -pl $MODULES) ..." >&2
    mvn -q -o -DskipTests package -pl "$MODULES" 2>/dev/null || mvn -q -DskipTests package -pl "$MODULES"
fi
CP="$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes"
echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1)"
java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.karedge.bench.MqttSessionMemory \
    "${MQTT_SESSIONS:-20}" "${MQTT_MESSAGES:-1000}" "${MQTT_PAYLOAD:-100}"
