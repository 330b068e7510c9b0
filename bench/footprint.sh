#!/usr/bin/env bash
# The node's footprint, one command:  bench/footprint.sh [start] [features] [load] [jlink] [floor] [classes]
# (start, features and load by default)
#
# start     BENCH_RUNS times, one after the other in the same run: a bare Apache Karaf 4.4.10 (its own
#           distribution, as shipped) and the Karedge node (the built distribution, shipped profile, its
#           demo devices). For each: seconds from the launch (bin/karaf server) to ready, and their ratio;
#           the node's RSS BENCH_IDLE_SECONDS after its launch.
#             node ready  = REST and MQTT both answer: GET /api/v1/status with the node's token gives 200,
#                           and an MQTT CONNECT to the embedded broker gets a CONNACK accepting it
#             Karaf ready = its console answers: the SSH server of Karaf's default boot sends its
#                           identification line (the last of Karaf's boot features to start)
#           Both start from a fresh unpack (their first start installs the boot features). Then the same node
#           is started again (FOOTPRINT_RESTART=1, the default): ready and RSS of a node's every later start.
# features  the cost of each optional feature: a fresh node with the feature added to featuresBoot (so it
#           starts with the node), against a fresh node without; RSS after BENCH_IDLE_SECONDS, start to
#           ready, and the bytes of the bundle jars the feature adds (Felix's bundle cache of the two nodes).
#           Also the distribution's size (archive, unpacked, system/). Prints a Markdown table.
# load      a node with FOOTPRINT_DEVICES virtual devices: RSS idle, then FOOTPRINT_LOAD_RATE twin updates/s
#           over MQTT QoS 1 (bench/MqttTwinClient, paced) for FOOTPRINT_LOAD_SECONDS (highest RSS sampled
#           every 10 s), then FOOTPRINT_LOAD_IDLE seconds idle: does the memory come back.
# jlink     the node on a runtime image made with jlink from the running JDK, holding only the modules the node
#           loads classes from (FOOTPRINT_JLINK_MODULES), with its own class-data archives (the image's, and
#           lib/karedge.jsa written again for it), against the same node on the full JDK: BENCH_RUNS restarts
#           each, alternately; ready, RSS after BENCH_IDLE_SECONDS, and the sizes on disk.
# floor     what the stack costs before the node's own code: the RSS after BENCH_IDLE_SECONDS of a restart (a
#           second start, as on every boot after the first), every JVM with the node's JVM profile and no
#           class-data archive of the node's: a JVM running nothing (IdleJvm); a bare Apache Karaf 4.4.10 with
#           its own boot features (and once more with its own JVM options); the node's distribution with only
#           Karaf's part of its boot features; the same with the stack the REST API runs on (karedge-jaxrs); the
#           node as shipped, without and with its archive. Ready times of the restarts where a probe applies
#           (bare Karaf: its console; with the REST API's stack: any HTTP answer; the node: REST and MQTT).
# classes   where an idle node's memory goes: Native Memory Tracking, the resident share of the mapped class-data
#           archives and libraries, classes per class loader (bench/classes-by-loader.py), threads by name.
#
# Environment: BENCH_RUNS (3), BENCH_IDLE_SECONDS (60), FOOTPRINT_FEATURE_RUNS (1),
# FOOTPRINT_FEATURES (space-separated; a "+" joins features into one row; default: every optional feature of
# features/, then ssh+karedge-protocol-modbus+karedge-kube-api+karedge-cloud-bridge), FOOTPRINT_LOAD_RATE (2000),
# FOOTPRINT_LOAD_SECONDS (600), FOOTPRINT_LOAD_IDLE (120), FOOTPRINT_DEVICES (100),
# FOOTPRINT_KARAF=0 leaves the bare Karaf and the restart out of the start part (to compare node settings
# quickly; FOOTPRINT_RESTART=1 keeps the restart),
# KARAF_TARBALL (apache-karaf-4.4.10.tar.gz; default: from the local Maven repository, fetched by mvn if absent),
# FOOTPRINT_FLOOR_RUNS (1) for the floor part,
# BENCH_SKIP_BUILD=1 to use the distribution and bench/target already built. KAREDGE_JVM_PROFILE and
# EXTRA_JAVA_OPTS reach the node as bin/setenv reads them (to measure a JVM option against the profile).
# Only loopback ports are used; every JVM started here is stopped before the script ends. Run it under
# flock /work/wt/heavy.lock (or on an idle machine): the figures are only as quiet as the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${BENCH_RUNS:-3}
IDLE=${BENCH_IDLE_SECONDS:-60}
FEATURE_RUNS=${FOOTPRINT_FEATURE_RUNS:-1}
LOAD_RATE=${FOOTPRINT_LOAD_RATE:-2000}
LOAD_SECONDS=${FOOTPRINT_LOAD_SECONDS:-600}
LOAD_IDLE=${FOOTPRINT_LOAD_IDLE:-120}
DEVICES=${FOOTPRINT_DEVICES:-100}
RESTART=${FOOTPRINT_RESTART:-${FOOTPRINT_KARAF:-1}}
PARTS=${*:-start features load}
KARAF_VERSION=4.4.10

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (mvn -q -DskipTests install) ..." >&2
    mvn -q -DskipTests install
fi
TARBALL=$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz | head -1)
if [ -z "${KARAF_TARBALL:-}" ]; then
    # without colour codes: some Maven set-ups print them around the value even in batch mode
    REPO=$(mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null \
        | sed 's/\x1b\[[0-9;]*m//g' || echo "$HOME/.m2/repository")
    REPO=${REPO:-$HOME/.m2/repository}
    KARAF_TARBALL="$REPO/org/apache/karaf/apache-karaf/$KARAF_VERSION/apache-karaf-$KARAF_VERSION.tar.gz"
    if [ ! -f "$KARAF_TARBALL" ]; then
        mvn -q dependency:get -Dartifact="org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz" -Dtransitive=false >&2
    fi
fi

WORK=$(mktemp -d /tmp/karedge-footprint.XXXXXX)
PIDS=""
cleanup() {
    for pid in $PIDS; do
        kill "$pid" 2>/dev/null || true
    done
    sleep 1
    for pid in $PIDS; do
        kill -9 "$pid" 2>/dev/null || true
    done
    # a JVM started in a command substitution (the bare Karaf) is not in PIDS: every JVM of this run has its
    # karaf.base under WORK
    for pid in $(pgrep -f "karaf.base=$WORK/" || true); do
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
now() { date +%s.%N; }
# seconds from $1 (epoch) to now
since() { echo "$(now) - $1" | bc -l; }

# stop_jvm PID LAUNCHER
stop_jvm() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$2" 2>/dev/null || true
    PIDS=""
}

# bundle_bytes DIR: the bytes of every bundle jar in the node's Felix cache
bundle_bytes() {
    find "$1/data/cache" -name bundle.jar -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}'
}

# unpack_node DIR [FEATURES...]: a fresh node with free ports; the features join featuresBoot
unpack_node() {
    local dir=$1
    shift
    mkdir -p "$dir"
    tar -xzf "$TARBALL" -C "$dir" --strip-components=1
    HTTP=$(free_port); MQTT=$(free_port)
    sed -i "s/^org.osgi.service.http.port.*/org.osgi.service.http.port = $HTTP/" "$dir/etc/org.ops4j.pax.web.cfg"
    sed -i "s/^sshPort.*/sshPort = $(free_port)/" "$dir/etc/org.apache.karaf.shell.cfg"
    printf 'port = %s\nallow.anonymous = true\n' "$MQTT" > "$dir/etc/io.karedge.eventbus.cfg"
    printf 'port = %s\n' "$(free_port)" > "$dir/etc/io.karedge.kube.api.cfg"
    local feature
    for feature in "$@"; do
        # featuresBoot is one (continued) line of Karaf's features configuration; the feature goes first
        sed -i "s/^featuresBoot *= *\\\\\$/featuresBoot = \\\\\n    $feature, \\\\/; t; s/^featuresBoot *= */featuresBoot = $feature, /" \
            "$dir/etc/org.apache.karaf.features.cfg"
    done
}

# boot_node DIR -> sets NODE_PID, LAUNCHER, T0, REST_S, MQTT_S, READY_S, ACTIVE_S (all bundles active, the node's log)
boot_node() {
    local dir=$1 marks line
    T0=$(now)
    "$dir/bin/karaf" server > "$dir/console.out" 2>&1 &
    LAUNCHER=$!
    PIDS="$LAUNCHER"
    marks=$(python3 "$ROOT/bench/ready-probe.py" "$T0" 180 node "$HTTP" "$MQTT" "$dir/data/karedge/api-token")
    NODE_PID=$(pgrep -f "karaf.base=$dir" | head -1 || true)
    PIDS="$NODE_PID $LAUNCHER"
    REST_S=$(echo "$marks" | awk '{print $2}')
    MQTT_S=$(echo "$marks" | awk '{print $4}')
    if [ "$REST_S" = timeout ] || [ "$MQTT_S" = timeout ] || [ -z "$NODE_PID" ]; then
        echo "node in $dir did not become ready ($marks)" >&2
        tail -30 "$dir/data/log/karaf.log" >&2 || true
        exit 1
    fi
    READY_S=$(printf '%s\n%s\n' "$REST_S" "$MQTT_S" | sort -n | tail -1)
    line=""
    for _ in $(seq 1 600); do
        line=$(grep -h -o 'Karedge node .* ready: .*' "$dir"/data/log/karaf.log 2>/dev/null | head -1 || true)
        [ -n "$line" ] && break
        sleep 0.1
    done
    ACTIVE_S=$(echo "$line" | sed -n 's/.* \([0-9]*\) ms after JVM start.*/\1/p' | awk '{printf "%.2f", $1 / 1000}')
}

# idle_rss: RSS of NODE_PID once IDLE seconds have passed since T0
idle_rss() {
    local left
    left=$(echo "$IDLE - $(since "$T0")" | bc -l)
    if [ "$(echo "$left > 0" | bc -l)" = 1 ]; then
        sleep "$left"
    fi
    rss_mib "$NODE_PID"
}

# unpack_karaf DIR: a fresh bare Karaf on free ports -> sets SSH_PORT (its console)
unpack_karaf() {
    mkdir -p "$1"
    tar -xzf "$KARAF_TARBALL" -C "$1" --strip-components=1
    SSH_PORT=$(free_port)
    sed -i "s/^sshPort *=.*/sshPort = $SSH_PORT/" "$1/etc/org.apache.karaf.shell.cfg"
    sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $(free_port)/; s/^rmiServerPort *=.*/rmiServerPort = $(free_port)/" \
        "$1/etc/org.apache.karaf.management.cfg"
}

# boot_karaf DIR -> prints the seconds from launch to the console answering
boot_karaf() {
    local dir=$1 ssh t0 marks launcher pid
    unpack_karaf "$dir"
    ssh=$SSH_PORT
    t0=$(now)
    (unset EXTRA_JAVA_OPTS; exec "$dir/bin/karaf" server) > "$dir/console.out" 2>&1 &
    launcher=$!
    PIDS="$launcher"
    marks=$(python3 "$ROOT/bench/ready-probe.py" "$t0" 180 karaf "$ssh")
    pid=$(pgrep -f "karaf.base=$dir" | head -1 || true)
    PIDS="$pid $launcher"
    stop_jvm "$pid" "$launcher"
    echo "$marks" | awk '{print $2}'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(java -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "distribution: $(basename "$TARBALL"); profile ${KAREDGE_JVM_PROFILE:-tuned}${EXTRA_JAVA_OPTS:+, EXTRA_JAVA_OPTS=$EXTRA_JAVA_OPTS}; idle ${IDLE} s after launch"

case " $PARTS " in *" start "*)
    echo
    echo "## Start-up and idle RSS ($RUNS runs; bare Karaf $KARAF_VERSION and the node one after the other in each run)"
    echo
    echo "| run | bare Karaf: console (s) | node: REST (s) | node: MQTT (s) | node ready (s) | ratio | all bundles active, JVM clock (s) | node RSS at ${IDLE} s (MiB) | threads | restarted: ready (s) | restarted: RSS (MiB) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for run in $(seq 1 "$RUNS"); do
        karaf_s=0
        if [ "${FOOTPRINT_KARAF:-1}" = 1 ]; then
            karaf_s=$(boot_karaf "$WORK/karaf-$run")
        fi
        unpack_node "$WORK/node-$run"
        boot_node "$WORK/node-$run"
        rss=$(idle_rss)
        threads=$(ls "/proc/$NODE_PID/task" | wc -l)
        stop_jvm "$NODE_PID" "$LAUNCHER"
        ready_s=$READY_S rest_s=$REST_S mqtt_s=$MQTT_S active_s=$ACTIVE_S
        restart_ready="" restart_rss=""
        if [ "$RESTART" = 1 ]; then
            # the same node started again: its features are installed, its bundles in the cache
            boot_node "$WORK/node-$run"
            restart_ready=$(printf '%.2f' "$READY_S")
            restart_rss=$(idle_rss)
            stop_jvm "$NODE_PID" "$LAUNCHER"
        fi
        ratio=$(echo "if ($karaf_s > 0) $ready_s / $karaf_s else 0" | bc -l)
        printf '| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s |\n' "$run" "$karaf_s" "$rest_s" "$mqtt_s" "$ready_s" \
            "$ratio" "$active_s" "$rss" "$threads" "$restart_ready" "$restart_rss"
        rm -rf "$WORK/karaf-$run" "$WORK/node-$run"
    done
    ;;
esac

case " $PARTS " in *" features "*)
    if [ -z "${FOOTPRINT_FEATURES:-}" ]; then
        # every feature of features/ outside karedge-core's closure that brings a Karedge bundle or groups such
        # features (library-only features such as karedge-grpc come with the features that need them)
        FOOTPRINT_FEATURES="ssh $(python3 - "$ROOT/features/src/main/feature/feature.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
name = lambda e: e.tag.split('}')[1]
features = {f.get('name'): f for f in root if name(f) == 'feature'}
def closure(n, seen):
    if n not in seen:
        seen.add(n)
        for child in features.get(n, []):
            if name(child) == 'feature':
                closure(child.text.strip(), seen)
    return seen
core = closure('karedge-core', set())
optional = []
for n, f in features.items():
    if n in core:
        continue
    own = [c for c in f if name(c) == 'bundle' and 'io.karedge/' in c.text and 'grpc.runtime' not in c.text]
    groups = [c for c in f if name(c) == 'feature' and c.text.strip() in features and c.text.strip() not in core]
    if own or groups:
        optional.append(n)
print(' '.join(optional))
PY
) ssh+karedge-protocol-modbus+karedge-kube-api+karedge-cloud-bridge"
    fi
    echo
    echo "## Cost per optional feature (added to featuresBoot of a fresh node; $FEATURE_RUNS run(s) each, RSS at ${IDLE} s)"
    echo
    measure() { # LABEL FEATURES... -> prints "rss ready active bytes" averaged over FEATURE_RUNS
        local label=$1 run sum_rss=0 sum_ready=0 sum_active=0 bytes=0 dir
        shift
        for run in $(seq 1 "$FEATURE_RUNS"); do
            dir="$WORK/f-$label-$run"
            unpack_node "$dir" "$@"
            boot_node "$dir"
            rss=$(idle_rss)
            bytes=$(bundle_bytes "$dir")
            stop_jvm "$NODE_PID" "$LAUNCHER"
            sum_rss=$(echo "$sum_rss + $rss" | bc -l)
            sum_ready=$(echo "$sum_ready + $READY_S" | bc -l)
            sum_active=$(echo "$sum_active + ${ACTIVE_S:-0}" | bc -l)
            rm -rf "$dir"
        done
        echo "$(echo "$sum_rss / $FEATURE_RUNS" | bc -l) $(echo "$sum_ready / $FEATURE_RUNS" | bc -l) $(echo "$sum_active / $FEATURE_RUNS" | bc -l) $bytes"
    }
    read -r base_rss base_ready base_active base_bytes < <(measure core)
    echo "| feature | idle RSS (MiB) | + RSS (MiB) | ready (s) | + ready (s) | all bundles active (s) | bundle jars (MB) | + on disk (MB) |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '| default node (karedge-core) | %.0f | | %.2f | | %.2f | %.1f | |\n' "$base_rss" "$base_ready" "$base_active" "$(echo "$base_bytes / 1000000" | bc -l)"
    for entry in $FOOTPRINT_FEATURES; do
        # shellcheck disable=SC2046
        read -r rss ready active bytes < <(measure "$(echo "$entry" | tr '+' '_')" $(echo "$entry" | tr '+' ' '))
        printf '| %s | %.0f | %+.0f | %.2f | %+.2f | %.2f | %.1f | %+.1f |\n' "$(echo "$entry" | sed 's/+/ + /g')" \
            "$rss" "$(echo "$rss - $base_rss" | bc -l)" "$ready" "$(echo "$ready - $base_ready" | bc -l)" "$active" \
            "$(echo "$bytes / 1000000" | bc -l)" "$(echo "($bytes - $base_bytes) / 1000000" | bc -l)"
    done
    unpacked=$(mktemp -d "$WORK/size.XXXXXX")
    tar -xzf "$TARBALL" -C "$unpacked" --strip-components=1
    echo
    printf 'Distribution: archive %.1f MB, unpacked %.1f MB, of which system/ %.1f MB and lib/ %.1f MB (lib/karedge.jsa %.1f MB).\n' \
        "$(echo "$(stat -c %s "$TARBALL") / 1000000" | bc -l)" \
        "$(echo "$(du -sb "$unpacked" | cut -f1) / 1000000" | bc -l)" \
        "$(echo "$(du -sb "$unpacked/system" | cut -f1) / 1000000" | bc -l)" \
        "$(echo "$(du -sb "$unpacked/lib" | cut -f1) / 1000000" | bc -l)" \
        "$(echo "$(stat -c %s "$unpacked/lib/karedge.jsa" 2>/dev/null || echo 0) / 1000000" | bc -l)"
    printf 'Bare Karaf %s: archive %.1f MB.\n' "$KARAF_VERSION" "$(echo "$(stat -c %s "$KARAF_TARBALL") / 1000000" | bc -l)"
    rm -rf "$unpacked"
    ;;
esac

case " $PARTS " in *" load "*)
    echo
    echo "## Memory under load and after ($DEVICES devices, ${LOAD_RATE} twin updates/s for ${LOAD_SECONDS} s, then ${LOAD_IDLE} s idle)"
    echo
    dir="$WORK/load"
    unpack_node "$dir"
    {
        printf 'apiVersion: devices.kubeedge.io/v1beta1\nkind: DeviceModel\nmetadata: {name: load-model, namespace: bench}\n'
        printf 'spec:\n  protocol: virtual\n  properties:\n    - {name: temperature, type: STRING, accessMode: ReadWrite}\n'
        for i in $(seq 0 $((DEVICES - 1))); do
            printf -- '---\napiVersion: devices.kubeedge.io/v1beta1\nkind: Device\nmetadata: {name: dev-%s, namespace: bench}\n' "$i"
            printf 'spec:\n  deviceModelRef: {name: load-model}\n  protocol: {protocolName: virtual}\n  properties:\n'
            printf '    - {name: temperature, visitors: {protocolName: virtual, configData: {generator: constant, value: "20"}}}\n'
        done
    } > "$dir/etc/manifests/load-devices.yaml"
    boot_node "$dir"
    rss_idle=$(idle_rss)
    CP="$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes"
    OUT="$WORK/load-client.out"
    java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dkaredge.bench.rate="$LOAD_RATE" -cp "$CP" \
        io.karedge.bench.MqttTwinClient "$MQTT" "$DEVICES" $((LOAD_RATE * LOAD_SECONDS)) 256 $((LOAD_SECONDS + 30)) 2000 \
        > "$OUT" 2>&1 &
    CLIENT=$!
    PIDS="$NODE_PID $LAUNCHER $CLIENT"
    peak=0
    while kill -0 "$CLIENT" 2>/dev/null; do
        r=$(rss_mib "$NODE_PID")
        [ "$r" != "?" ] && [ "$r" -gt "$peak" ] && peak=$r
        sleep 10
    done
    wait "$CLIENT" || true
    rss_end=$(rss_mib "$NODE_PID")
    sleep "$LOAD_IDLE"
    rss_after=$(rss_mib "$NODE_PID")
    stop_jvm "$NODE_PID" "$LAUNCHER"
    echo "client (devices, results, updates/s, p50, p99, max ms, errors): $(grep -E '^ *[0-9]' "$OUT" | tail -1 || cat "$OUT")"
    echo
    echo "| node RSS (MiB) | at ${IDLE} s idle | highest under load | load's end | ${LOAD_IDLE} s after |"
    echo "|---|---|---|---|---|"
    echo "| $DEVICES devices | $rss_idle | $peak | $rss_end | $rss_after |"
    ;;
esac

case " $PARTS " in *" jlink "*)
    # the modules an idle node and its optional features load classes from (-Xlog:class+load of a node, each
    # class's package looked up in the JDK's lib/modules with jimage), and those the features need besides
    # (java.instrument for the Java 24+ agent, java.net.http, jdk.zipfs, java.rmi for Karaf's management)
    MODULES=${FOOTPRINT_JLINK_MODULES:-java.base,java.compiler,java.datatransfer,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.smartcardio,java.sql,java.xml,java.xml.crypto,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.localedata,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.jgss,jdk.unsupported,jdk.zipfs}
    JDK_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    echo
    echo "## A jlink runtime image against the full JDK ($JDK_HOME), $RUNS restarts each"
    echo
    "$JDK_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
        --generate-cds-archive --output "$WORK/jre" > /dev/null
    # unpack_node picks the ports (HTTP, MQTT) boot_node probes: each node keeps its own
    unpack_node "$WORK/full"
    full_ports="$HTTP $MQTT"
    unpack_node "$WORK/image"
    image_ports="$HTTP $MQTT"
    (cd "$WORK/image" && JAVA_HOME="$WORK/jre" sh bin/karedge-cds > /dev/null)
    # both nodes install their features once before the measured restarts
    read -r HTTP MQTT <<< "$full_ports"
    boot_node "$WORK/full"; stop_jvm "$NODE_PID" "$LAUNCHER"
    read -r HTTP MQTT <<< "$image_ports"
    JAVA_HOME="$WORK/jre" boot_node "$WORK/image"; stop_jvm "$NODE_PID" "$LAUNCHER"
    echo "| run | full JDK: ready (s) | full JDK: RSS (MiB) | jlink image: ready (s) | jlink image: RSS (MiB) |"
    echo "|---|---|---|---|---|"
    for run in $(seq 1 "$RUNS"); do
        read -r HTTP MQTT <<< "$full_ports"
        boot_node "$WORK/full"; full_ready=$READY_S; full_rss=$(idle_rss); stop_jvm "$NODE_PID" "$LAUNCHER"
        read -r HTTP MQTT <<< "$image_ports"
        JAVA_HOME="$WORK/jre" boot_node "$WORK/image"
        if [ "$(readlink "/proc/$NODE_PID/exe")" != "$WORK/jre/bin/java" ]; then
            echo "the image's node did not run on the image's java" >&2
            exit 1
        fi
        image_ready=$READY_S; image_rss=$(idle_rss); stop_jvm "$NODE_PID" "$LAUNCHER"
        printf '| %s | %.2f | %s | %.2f | %s |\n' "$run" "$full_ready" "$full_rss" "$image_ready" "$image_rss"
    done
    echo
    echo "on disk: the JDK $(du -sm "$JDK_HOME" | cut -f1) MB (lib/modules $(($(stat -c %s "$JDK_HOME/lib/modules") / 1048576)) MB), the image $(du -sm "$WORK/jre" | cut -f1) MB (lib/modules $(($(stat -c %s "$WORK/jre/lib/modules") / 1048576)) MB)"
    ;;
esac

case " $PARTS " in *" floor "*)
    FLOOR_RUNS=${FOOTPRINT_FLOOR_RUNS:-1}
    # the node's JVM profile as bin/setenv writes it (the tuned profile's options, the default heap ceiling)
    NODE_OPTS=$(python3 - "$ROOT/karaf-assembly/src/main/resources/assembly/bin/setenv" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
opts = re.search(r'KAREDGE_PROFILE_OPTS="(-XX:[^"]*)"', text).group(1)
opts = re.sub(r'\$\{KAREDGE_HEAP_MAX:-([^}]*)\}', r'\1', opts)
print(' '.join(opts.replace('\\\n', ' ').split()))
PY
)
    # Karaf's part of the node's boot features: every one of them that is not the node's own
    KARAF_PART=$(python3 - "$ROOT/karaf-assembly/pom.xml" <<'PY'
import re, sys
boot = re.search(r'<bootFeatures>(.*?)</bootFeatures>', open(sys.argv[1]).read(), re.S).group(1)
print(', '.join(f for f in re.findall(r'<feature>([^<]+)</feature>', boot) if not f.startswith('karedge')))
PY
)
    export MALLOC_ARENA_MAX=2
    classes_of() { jcmd "$1" VM.classloader_stats 2>/dev/null | awk '/^0x/ {c += $4} END {print c + 0}'; }
    # with_boot DIR BOOT: featuresBoot of the unpacked distribution in DIR becomes BOOT
    with_boot() {
        python3 - "$1/etc/org.apache.karaf.features.cfg" "$2" <<'PY'
import re, sys
path, boot = sys.argv[1], sys.argv[2]
text = open(path).read()
text, n = re.subn(r'^featuresBoot\s*=(?:.*\\\n)*.*\n', 'featuresBoot = ' + boot + '\n', text, count=1, flags=re.M)
assert n == 1, 'no featuresBoot in ' + path
open(path, 'w').write(text)
PY
    }
    # floor_row LABEL DIR PROBE [own]: a first start, then a measured restart of the Karaf in DIR with the
    # node's profile (with "own": the JVM options its bin/karaf gives) and no node archive; PROBE karaf (its
    # console on SSH_PORT), http (any HTTP answer on HTTP), node (REST and MQTT) or none
    floor_row() {
        local label=$1 dir=$2 probe=$3 own=${4:-} run t0 marks pid launcher ready rss classes threads
        for run in first restart; do
            t0=$(now)
            if [ "$own" = own ]; then
                (unset EXTRA_JAVA_OPTS MALLOC_ARENA_MAX; exec "$dir/bin/karaf" server) > "$dir/console-$run.out" 2>&1 &
            else
                (KAREDGE_CDS_ARCHIVE=/nonexistent/karedge.jsa EXTRA_JAVA_OPTS="$NODE_OPTS" exec "$dir/bin/karaf" server) \
                    > "$dir/console-$run.out" 2>&1 &
            fi
            launcher=$!
            PIDS="$launcher"
            ready=""
            case $probe in
                karaf)
                    marks=$(python3 "$ROOT/bench/ready-probe.py" "$t0" 180 karaf "$SSH_PORT")
                    ready=$(echo "$marks" | awk '{print $2}')
                    ;;
                http)
                    marks=$(python3 "$ROOT/bench/ready-probe.py" "$t0" 180 http "$HTTP")
                    ready=$(echo "$marks" | awk '{print $2}')
                    ;;
                node)
                    marks=$(python3 "$ROOT/bench/ready-probe.py" "$t0" 180 node "$HTTP" "$MQTT" "$dir/data/karedge/api-token")
                    ready=$(echo "$marks" | awk '{print ($2 > $4 ? $2 : $4)}')
                    ;;
            esac
            pid=""
            for _ in $(seq 1 100); do
                pid=$(pgrep -f "karaf.base=$dir" | head -1 || true)
                [ -n "$pid" ] && break
                sleep 0.1
            done
            PIDS="$pid $launcher"
            T0=$t0
            NODE_PID=$pid
            rss=$(idle_rss)
            classes=$(classes_of "$pid")
            threads=$(ls "/proc/$pid/task" | wc -l)
            stop_jvm "$pid" "$launcher"
        done
        printf '| %s | %s | %s | %s | %s |\n' "$label" "${ready:-–}" "$rss" "$classes" "$threads"
    }
    echo
    echo "## What the stack costs before the node's code ($FLOOR_RUNS run(s); a restart, RSS at ${IDLE} s)"
    echo
    echo "Every JVM with the node's profile: $NODE_OPTS (MALLOC_ARENA_MAX=2)"
    echo
    echo "| what | restarted: ready (s) | RSS (MiB) | classes | threads |"
    echo "|---|---|---|---|---|"
    for run in $(seq 1 "$FLOOR_RUNS"); do
        # shellcheck disable=SC2086
        java $NODE_OPTS -cp "$ROOT/bench/target/classes" io.karedge.bench.IdleJvm > /dev/null &
        NODE_PID=$!
        PIDS="$NODE_PID"
        T0=$(now)
        rss=$(idle_rss)
        printf '| a JVM running nothing | – | %s | %s | %s |\n' "$rss" "$(classes_of "$NODE_PID")" "$(ls "/proc/$NODE_PID/task" | wc -l)"
        kill "$NODE_PID"
        wait "$NODE_PID" 2>/dev/null || true
        PIDS=""

        dir="$WORK/floor-karaf-$run"
        unpack_karaf "$dir"
        floor_row "bare Karaf $KARAF_VERSION, its own boot features (console ready)" "$dir" karaf
        rm -rf "$dir/data"
        floor_row "the same with its own JVM options, not the node's" "$dir" karaf own
        rm -rf "$dir"

        dir="$WORK/floor-platform-$run"
        unpack_node "$dir"
        with_boot "$dir" "$KARAF_PART"
        floor_row "the node's distribution, only Karaf's part of its boot features ($KARAF_PART)" "$dir" none
        rm -rf "$dir"

        dir="$WORK/floor-rest-$run"
        unpack_node "$dir"
        with_boot "$dir" "$KARAF_PART, karedge-jaxrs"
        floor_row "the same and the REST API's stack (karedge-jaxrs: pax-web Jetty, Aries JAX-RS whiteboard on CXF, Jackson; ready: HTTP answers)" "$dir" http
        rm -rf "$dir"

        dir="$WORK/floor-node-$run"
        unpack_node "$dir"
        floor_row "the node as shipped, without its archive (ready: REST and MQTT)" "$dir" node
        rm -rf "$dir"

        dir="$WORK/floor-node-jsa-$run"
        unpack_node "$dir"
        for _ in first restart; do
            boot_node "$dir"
            rss=$(idle_rss)
            classes=$(classes_of "$NODE_PID")
            threads=$(ls "/proc/$NODE_PID/task" | wc -l)
            stop_jvm "$NODE_PID" "$LAUNCHER"
        done
        printf '| the node as shipped, with its archive (lib/karedge.jsa) | %.2f | %s | %s | %s |\n' "$READY_S" "$rss" "$classes" "$threads"
        rm -rf "$dir"
    done
    ;;
esac

case " $PARTS " in *" classes "*)
    echo
    echo "## Where the idle RSS goes (one node, Native Memory Tracking on, at ${IDLE} s)"
    echo
    dir="$WORK/classes"
    unpack_node "$dir"
    EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary" boot_node "$dir"
    rss=$(idle_rss)
    echo "RSS ${rss} MiB; Native Memory Tracking, committed (MiB):"
    echo
    jcmd "$NODE_PID" VM.native_memory summary | awk '
        /^Total:/ { match($0, /committed=[0-9]+KB/); printf "| total | %.1f |\n", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }
        /^-/ { name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name); match($0, /committed=[0-9]+KB/)
               v = substr($0, RSTART + 10, RLENGTH - 12) / 1024; if (v >= 0.5) printf "| %s | %.1f |\n", name, v }' \
        | { echo "| part | committed |"; echo "|---|---|"; cat; }
    echo
    grep -E 'Rss|Pss' "/proc/$NODE_PID/smaps_rollup" | awk '{printf "%s %.0f MiB; ", $1, $2 / 1024} END {print ""}'
    awk '/^[0-9a-f]+-[0-9a-f]+ / {file = $6} /^Rss:/ && file ~ /\.jsa$|\.so|\.jar$/ {r[file] += $2}
         END {for (f in r) if (r[f] >= 1024) printf "resident of %s: %.1f MiB\n", f, r[f] / 1024}' "/proc/$NODE_PID/smaps" | sort
    echo
    # kept in bench/target for a closer look
    mkdir -p "$ROOT/bench/target"
    jcmd "$NODE_PID" VM.classloaders show-classes > "$ROOT/bench/target/footprint-classes.txt"
    jcmd "$NODE_PID" VM.classloader_stats > "$ROOT/bench/target/footprint-classloader-stats.txt"
    awk '/^0x/ {n++; c += $4} END {printf "VM.classloader_stats: %d class loaders, %d classes\n\n", n, c}' \
        "$ROOT/bench/target/footprint-classloader-stats.txt"
    python3 "$ROOT/bench/classes-by-loader.py" "$ROOT/bench/target/footprint-classes.txt" 25
    echo
    echo "threads: $(ls "/proc/$NODE_PID/task" | wc -l); by name:"
    for task in /proc/"$NODE_PID"/task/*; do cat "$task/comm"; done | sed 's/[-#]*[0-9]*$//' | sort | uniq -c | sort -rn | head -15
    stop_jvm "$NODE_PID" "$LAUNCHER"
    ;;
esac
