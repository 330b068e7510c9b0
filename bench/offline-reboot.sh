#!/usr/bin/env bash
# Pods back after an offline power cut, and the cloud link back after an outage:  bench/offline-reboot.sh [pods]
#
# Starts a node of the built distribution joined to the CloudHub double (a process on loopback), with
# karedge-cloud (cloud bridge, pods on containerd, mesh) and N host-network busybox pods (default 1) from
# etc/manifests, each answering HTTP on its own 127.0.0.1 port with a page from a ConfigMap volume. Once the
# pods answer and the double has the node Ready, each repetition (BENCH_RUNS, default 3):
#   1. cuts the cloud (the double drops the session and refuses new ones),
#   2. kills the node with SIGKILL, then SIGKILLs every task (sandbox and containers) of its pods in containerd,
#      as a power cut leaves them: the sandboxes are gone or not ready, the containers exited,
#   3. starts the node again with the cloud still away and prints, from the node process's start, when each
#      boot stage was reached (from the JVM's start time, the pods-first launcher's record in
#      data/pods-first/last-restore.properties and the node's log) and when every pod answered HTTP,
#   4. brings the cloud back BENCH_OUTAGE_SECONDS (default 20) after the restart and prints the time until the
#      double receives a node status with Ready=True.
# It also checks what came back: every pod Running with its restart count one higher than before.
#
# Uses the CRI socket in KAREDGE_CRI_SOCKET (a private containerd from .ci/containerd.sh; its busybox image is
# imported from a local archive, nothing is pulled). BENCH_SKIP_BUILD=1 uses what was built last;
# BENCH_TARBALL=path measures another build of the distribution (the double always comes from this tree).
# Only loopback is used; every node, pod and process started here is stopped at the end. Runs that boot the
# distribution take the shared heavy lock (/work/wt/heavy.lock, BENCH_LOCK to change) when flock is there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PODS=${1:-1}
RUNS=${BENCH_RUNS:-3}
OUTAGE=${BENCH_OUTAGE_SECONDS:-20}
LOCK=${BENCH_LOCK:-/work/wt/heavy.lock}
NS=offline-reboot
SOCKET=${KAREDGE_CRI_SOCKET:-}
[ -n "$SOCKET" ] && [ -S "$SOCKET" ] || { echo "KAREDGE_CRI_SOCKET must name a containerd CRI socket (bash .ci/containerd.sh start)" >&2; exit 1; }

if [ -z "${BENCH_LOCKED:-}" ] && command -v flock >/dev/null && [ -e "$(dirname "$LOCK")" ]; then
    export BENCH_LOCKED=1
    exec flock "$LOCK" "$0" "$@"
fi

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (mvn -q -DskipTests install, bench classpath) ..." >&2
    mvn -B -q -DskipTests install
    mvn -B -q compile -f bench/pom.xml
fi
TARBALL=${BENCH_TARBALL:-$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz | head -1)}

WORK=$(mktemp -d /tmp/karedge-reboot.XXXXXX)
NODE=$WORK/node
DOUBLE_PID=""
LAUNCHER=""
cleanup() {
    set +e
    if [ -n "$LAUNCHER" ] && [ -d "$NODE" ]; then
        # the pods go with their manifest (delete.grace.ms is 0 here); then the node stops
        rm -f "$NODE/etc/manifests/offline-reboot.yaml"
        for _ in $(seq 1 600); do
            [ -z "$(ctr_ns containers ls -q "labels.\"io.kubernetes.pod.namespace\"==$NS")" ] && break
            sleep 0.2
        done
        stop_node
    fi
    kill_tasks >/dev/null 2>&1
    for id in $(ctr_ns containers ls -q "labels.\"io.kubernetes.pod.namespace\"==$NS" 2>/dev/null); do
        echo "left behind in containerd: $id" >&2
    done
    [ -n "$DOUBLE_PID" ] && kill "$DOUBLE_PID" 2>/dev/null
    exec 9>&- 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

ctr_ns() { ctr -a "$SOCKET" -n k8s.io "$@"; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
now() { date +%s.%N; }

# SIGKILL every task of the bench's pods (containers first, sandboxes last), as a power cut ends them
kill_tasks() {
    local id
    for id in $(ctr_ns containers ls -q "labels.\"io.kubernetes.pod.namespace\"==$NS"); do
        ctr_ns tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
}

node_pid() { pgrep -f "karaf.base=$NODE " | head -1 || true; }

stop_node() {
    local pid; pid=$(node_pid)
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    [ -n "$LAUNCHER" ] && wait "$LAUNCHER" 2>/dev/null || true
    LAUNCHER=""
}

# --- the CloudHub double, on loopback, with an admin endpoint to cut and restore the cloud
mkfifo "$WORK/double.in"
java -Xmx128m -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.cloud.bridge.internal.CloudHubDoubleMain "$WORK/double.properties" 3600 \
    < "$WORK/double.in" > "$WORK/double.log" 2>&1 &
DOUBLE_PID=$!
exec 9>"$WORK/double.in"
for _ in $(seq 1 300); do [ -f "$WORK/double.properties" ] && break; sleep 0.1; done
prop() { sed -n "s/^$1=//p" "$WORK/double.properties" | sed 's/\\:/:/g'; }
ADMIN=$(prop admin)
cloud_status() { curl -s "http://$ADMIN/status"; }
cloud_accepting() { curl -s -X POST "http://$ADMIN/accepting?value=$1" >/dev/null; }
status_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get(sys.argv[1]))' "$1"; }

# --- the node
mkdir -p "$NODE"
tar -xzf "$TARBALL" -C "$NODE" --strip-components=1
rm -f "$NODE"/etc/manifests/*
HTTP=$(free_port)
sed -i "s/^org.osgi.service.http.port.*/org.osgi.service.http.port = $HTTP/" "$NODE/etc/org.ops4j.pax.web.cfg"
sed -i "s/^sshPort.*/sshPort = $(free_port)/" "$NODE/etc/org.apache.karaf.shell.cfg"
echo "port = $(free_port)" > "$NODE/etc/io.karedge.eventbus.cfg"
echo "node.name = offline-reboot" >> "$NODE/etc/io.karedge.node.cfg"
sed -i 's|^\(\s*\)karedge-core/\([^,]*\),|\1karedge-core/\2, karedge-cloud/\2,|' "$NODE/etc/org.apache.karaf.features.cfg"
printf 'endpoint = %s\n' "$SOCKET" > "$NODE/etc/io.karedge.runtime.cri.cfg"
printf 'host.ip = 127.0.0.1\n' > "$NODE/etc/io.karedge.pod.manager.cfg"
printf 'delete.grace.ms = 0\n' > "$NODE/etc/io.karedge.manifests.cfg"
printf 'server = %s\ncert.server = %s\ntoken = %s\n' "$(prop server)" "$(prop cert.server)" "$(prop token)" \
    > "$NODE/etc/io.karedge.cloud.bridge.cfg"
PORTS=()
{
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: page, namespace: %s}\ndata: {index.html: "back\\n"}\n' "$NS"
    for i in $(seq 1 "$PODS"); do
        port=$(free_port); PORTS+=("$port")
        printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: web-%s, namespace: %s}\n' "$i" "$NS"
        printf 'spec:\n  hostNetwork: true\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: web\n    image: localhost/karedge/busybox:1\n'
        printf '    imagePullPolicy: Never\n    command: [httpd, -f, -p, "127.0.0.1:%s", -h, /www]\n' "$port"
        printf '    volumeMounts: [{name: page, mountPath: /www}]\n  volumes: [{name: page, configMap: {name: page}}]\n'
    done
} > "$WORK/offline-reboot.yaml"

start_node() {
    T0=$(now)
    KARAF_OPTS="-Dkaraf.log.console=OFF" "$NODE/bin/karaf" server >> "$NODE/console.out" 2>&1 &
    LAUNCHER=$!
}

all_answer() {
    local port
    for port in "${PORTS[@]}"; do
        [ "$(curl -s --max-time 1 "http://127.0.0.1:$port/index.html" 2>/dev/null)" = "back" ] || return 1
    done
}

wait_for() { # seconds command...
    local limit=$1; shift
    local end; end=$(echo "$(now) + $limit" | bc)
    until "$@"; do
        if (( $(echo "$(now) > $end" | bc) )); then return 1; fi
        sleep 0.02
    done
}

restarts() { # pod name -> "<phase> <restart count>" as the pod manager reports it
    curl -s -H "Authorization: Bearer $(cat "$NODE/data/karedge/api-token")" \
        "http://127.0.0.1:$HTTP/api/v1/namespaces/$NS/pods/$1/status" | python3 -c '
import json,sys
p = json.load(sys.stdin)
print(p.get("status", {}).get("phase"), sum(c.get("restartCount", 0) for c in p.get("status", {}).get("containerStatuses", [])))' 2>/dev/null || echo "? ?"
}

ready_line() { grep -h -o 'Karedge node .* ready: .*' "$NODE/data/log/karaf.log" 2>/dev/null | tail -1; }

# stage times in seconds after the JVM started, from /proc and the log lines of this boot (from byte $1 on)
stages() {
    python3 - "$NODE/data/log/karaf.log" "$1" "$(node_pid)" "$T0" "$T_ANSWER" "$NODE/data/pods-first/last-restore.properties" <<'EOF'
import sys, os, re, datetime
log, offset, pid, t0, answer = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
launcher = {}
try:
    for raw in open(sys.argv[6]):
        if '=' in raw and not raw.startswith('#'):
            key, value = raw.rstrip('\n').split('=', 1)
            launcher[key] = value.replace('\\:', ':')
except OSError:
    pass
with open(log, 'rb') as f:
    f.seek(offset)
    lines = f.read().decode('utf-8', 'replace').splitlines()
def at(pattern, group=False):
    for line in lines:
        if re.match(r'\d{4}-\d\d-\d\dT', line):
            found = re.search(pattern, line[24:])
            if found:
                stamp = datetime.datetime.strptime(line[:23], '%Y-%m-%dT%H:%M:%S,%f').timestamp()
                return (stamp, found) if group else stamp
    return (None, None) if group else None
# the JVM's start, from the node's own line: "Karedge node <name> ready: <n> bundles active, <ms> ms after JVM start"
stamp, found = at(r'ready: .* (\d+) ms after JVM start', group=True)
jvm = stamp - int(found.group(1)) / 1000.0
rows = [('JVM started', jvm)]
# the pods-first launcher's stages: ms after its process start (jvm.start, ProcessHandle's: the process
# bin/karaf started and exec'd into java), its own record of this boot
try:
    base = datetime.datetime.fromisoformat(launcher['jvm.start'].replace('Z', '+00:00')).timestamp()
except (KeyError, ValueError):
    base = jvm
def launched(key):
    return base + int(launcher[key]) / 1000.0 if key in launcher else None
def launched_all(suffix, pick):
    times = [int(v) for k, v in launcher.items() if k.startswith('pod.') and k.endswith(suffix)]
    return base + pick(times) / 1000.0 if times else None
rows += [('pods-first: main class runs', launched('restorer.start.ms')),
         ('pods-first: plan read', launched('plan.read.ms')),
         ('pods-first: containerd connected', launched('connected.ms')),
         ('pods-first: first sandbox', launched_all('.sandbox.ms', min)),
         ('pods-first: last pod started (%s of %s)' % (launcher.get('started', '-'), launcher.get('pods', '-')),
          launched_all('.started.ms', max))]
for label, pattern in [('first log line (framework, logging)', r'.'),
                       ('store open', r'Store opened at'),
                       ('CRI runtime started', r'CRI runtime on'),
                       ('pod manager active, pods listed', r'Pod manager runs the pods'),
                       ('containerd answered', r'Container runtime .* answers'),
                       ('first sandbox created', r'sandbox .* created'),
                       ('pods restored (pod manager)', r'Pods restored in'),
                       ('every bundle active', r'Karedge node .* ready:')]:
    rows.append((label, at(pattern)))
rows.append(('every pod answers HTTP', answer))
for label, t in rows:
    print(f'    {label:44s} {"-" if t is None else "%6.2f s" % (t - jvm)}')
print(f'    ({"%.2f" % (jvm - t0)} s from bin/karaf to the JVM start)')
EOF
}

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(containerd --version 2>/dev/null | awk '{print $1, $3}')"
echo "distribution: $TARBALL; $PODS pod(s); $RUNS power cut(s)"

# first boot: join, run the pods
cp "$WORK/offline-reboot.yaml" "$NODE/etc/manifests/"
start_node
wait_for 180 all_answer || { echo "the pods did not answer after the first boot; see $NODE/data/log" >&2; tail -20 "$NODE/data/log/karaf.log" >&2; exit 1; }
wait_for 120 bash -c "[ \"\$(curl -s http://$ADMIN/status | python3 -c 'import json,sys; print(json.load(sys.stdin).get(\"ready\"))')\" = True ]" \
    || { echo "the node did not become Ready at the double" >&2; exit 1; }
wait_for 180 bash -c "grep -q 'Karedge node .* ready:' '$NODE/data/log/karaf.log'" || true
sleep 3
echo "first boot: pods answer, node Ready at the double"

for run in $(seq 1 "$RUNS"); do
    before=$(restarts web-1)
    cloud_accepting false
    pid=$(node_pid)
    kill -9 "$pid"
    wait "$LAUNCHER" 2>/dev/null || true
    LAUNCHER=""
    kill_tasks
    wait_for 30 bash -c "! curl -s --max-time 0.3 http://127.0.0.1:${PORTS[0]}/index.html >/dev/null" \
        || { echo "pod web-1 still answers after its tasks were killed" >&2; exit 1; }
    offset=$(stat -c %s "$NODE/data/log/karaf.log")
    start_node
    wait_for 120 all_answer || { echo "the pods did not come back; see $NODE/data/log" >&2; tail -30 "$NODE/data/log/karaf.log" >&2; exit 1; }
    T_ANSWER=$(now)
    wait_for 120 bash -c "tail -c +$((offset + 1)) '$NODE/data/log/karaf.log' | grep -q 'Karedge node .* ready:'" || true
    echo
    printf 'power cut %s: every pod (%s) answered %.2f s after bin/karaf started (load average %s)\n' "$run" "$PODS" \
        "$(echo "$T_ANSWER - $T0" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
    stages "$offset"
    wait_for 30 bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$HTTP/api/v1/status)\" != 000 ]" || true
    after=$(restarts web-1)
    echo "    web-1 (phase, restarts): $before before the cut, $after after"
    # cloud back
    reports=$(cloud_status | status_field statusReports)
    # the cloud stays away for OUTAGE seconds after the node process started again
    left=$(echo "$T0 + $OUTAGE - $(now)" | bc)
    if (( $(echo "$left > 0" | bc) )); then sleep "$left"; fi
    T_BACK=$(now)
    cloud_accepting true
    if wait_for 120 bash -c "curl -s http://$ADMIN/status | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"statusReports\"] > $reports and d[\"ready\"] == \"True\" else 1)'"; then
        printf '    cloud back (%s s after the restart) -> node status Ready=True received: %.2f s\n' "$OUTAGE" "$(echo "$(now) - $T_BACK" | bc)"
    else
        echo "    cloud back -> no Ready node status within 120 s"
    fi
    sleep 2
done
