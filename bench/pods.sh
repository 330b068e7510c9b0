#!/usr/bin/env bash
# Pods on containerd through the pod manager and the CRI runtime:  bench/pods.sh [pods]
#
# Prints the create -> Running latency (p50/p99, from the put into the MetaStore to the pod manager showing the
# pod Running with its container ready) over N host-network busybox pods (default 20, `sleep 3600`), created one
# after another after one warm-up pod, and the memory each extra pod costs: the node's heap used after GC with the
# pods minus without, divided by N, and the RSS of the containerd shims of the pods (and of their pause and sleep
# processes) read from /proc. The pod manager, the CRI runtime and a temporary SQLite MetaStore run in-process
# (io.karedge.bench.PodBench). Every pod is deleted at the end.
#
# Uses the CRI socket in KAREDGE_CRI_SOCKET; without it, a private containerd from `.ci/containerd.sh start`
# (already running: used and left running; started here: stopped at the end). BENCH_SKIP_BUILD=1 uses the
# classes already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PODS=${1:-20}
STARTED_CONTAINERD=0

cleanup() {
    if [ "$STARTED_CONTAINERD" = "1" ]; then
        echo "stopping the containerd started for this run ..." >&2
        bash "$ROOT/.ci/containerd.sh" stop >&2 || true
    fi
}
trap cleanup EXIT

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (store, pod manager, CRI runtime, bench) ..." >&2
    mvn -B -q install -f bundles/store/pom.xml -DskipTests
    mvn -B -q install -f bundles/pod-manager/pom.xml -DskipTests
    mvn -B -q install -f bundles/runtime-cri/pom.xml -DskipTests
    mvn -B -q compile -f bench/pom.xml
fi

SOCKET=${KAREDGE_CRI_SOCKET:-}
if [ -z "$SOCKET" ]; then
    if SOCKET=$(bash "$ROOT/.ci/containerd.sh" status 2>/dev/null | tail -1) && [ -S "$SOCKET" ]; then
        echo "using the running private containerd on $SOCKET" >&2
    else
        echo "starting a private containerd ..." >&2
        STARTED_CONTAINERD=1
        SOCKET=$(bash "$ROOT/.ci/containerd.sh" start | tail -1)
    fi
fi
[ -S "$SOCKET" ] || { echo "no CRI socket at '$SOCKET'" >&2; exit 1; }

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(containerd --version 2>/dev/null | awk '{print $1, $3}')"
# bounded: 20 pods take well under a minute; the timeout's SIGTERM still runs the bench's cleanup hook
timeout 600 java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(cat "$ROOT/bench/target/classpath.txt"):$ROOT/bench/target/classes" \
    io.karedge.bench.PodBench "$SOCKET" "$PODS"
