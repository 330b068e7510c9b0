#!/usr/bin/env bash
# What the metrics and the dashboard cost, one command:  bench/dashboard.sh
#
# Starts the built distribution (shipped profile, the demo devices) twice, one after the other:
#   without  karedge-metrics and karedge-dashboard taken out of karedge-core (in the copy's feature file)
#   with     the distribution as built
# and prints for each the idle RSS after BENCH_IDLE_SECONDS with nobody scraping, then, on the node
# with them, the RSS after a minute of scrapes every 5 s and the response times (curl, median and max
# of BENCH_REQUESTS) of the page's files (with their sum, the page's weight), a device's value history,
# /metrics and the twin list.
#
# Environment: BENCH_IDLE_SECONDS (default 45), BENCH_REQUESTS (default 20), BENCH_SKIP_BUILD=1.
# Only loopback ports are used; every node started here is stopped before the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
IDLE=${BENCH_IDLE_SECONDS:-45}
REQUESTS=${BENCH_REQUESTS:-20}
TARBALL=$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$TARBALL" ] || [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "building (mvn -q -DskipTests install) ..." >&2
    mvn -q -DskipTests install
    TARBALL=$(ls "$ROOT"/karaf-assembly/target/karedge-*.tar.gz | head -1)
fi

WORK=$(mktemp -d /tmp/karedge-bench-dash.XXXXXX)
NODE_PID=""
LAUNCHER=""
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
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$NODE_PID/status"; }

# start_node NAME WITH(0|1) -> sets HTTP, NODE_PID
start_node() {
    local dir="$WORK/$1"
    mkdir -p "$dir"
    tar -xzf "$TARBALL" -C "$dir" --strip-components=1
    if [ "$2" = 0 ]; then
        sed -i '/<feature>karedge-metrics<\/feature>/d; /<feature>karedge-dashboard<\/feature>/d' \
            "$dir"/system/io/karedge/karedge-features/*/karedge-features-*-features.xml
    fi
    HTTP=$(free_port)
    sed -i "s/^org.osgi.service.http.port.*/org.osgi.service.http.port = $HTTP/" "$dir/etc/org.ops4j.pax.web.cfg"
    sed -i "s/^sshPort.*/sshPort = $(free_port)/" "$dir/etc/org.apache.karaf.shell.cfg"
    echo "port = $(free_port)" > "$dir/etc/io.karedge.eventbus.cfg"
    "$dir/bin/karaf" server > "$dir/console.out" 2>&1 &
    LAUNCHER=$!
    for _ in $(seq 1 1200); do
        grep -q 'Karedge node .* ready' "$dir"/data/log/karaf.log 2>/dev/null && break
        sleep 0.1
    done
    NODE_PID=$(pgrep -f "karaf.base=$dir" | head -1)
    # the node's token, as its user reads it (made at the node's first start)
    AUTH="Authorization: Bearer $(cat "$dir/data/karedge/api-token")"
    curl -s -o /dev/null -H "$AUTH" "http://127.0.0.1:$HTTP/api/v1/twins"
}

stop_node() {
    kill "$NODE_PID"; wait "$LAUNCHER" 2>/dev/null || true; NODE_PID=""
}

# response_times PATH -> "median max" in ms over REQUESTS requests
response_times() {
    for _ in $(seq 1 "$REQUESTS"); do
        curl -s -o /dev/null -H "$AUTH" -w '%{time_total}\n' "http://127.0.0.1:$HTTP$1"
    done | sort -n | awk '{v[NR]=$1*1000} END {printf "%.1f %.1f\n", v[int((NR+1)/2)], v[NR]}'
}

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1); idle ${IDLE}s"
start_node without 0
sleep "$IDLE"
printf '%-44s %6s MiB  (/metrics answers %s)\n' "idle RSS without metrics and dashboard" "$(rss_mib)" \
    "$(curl -s -o /dev/null -H "$AUTH" -w '%{http_code}' "http://127.0.0.1:$HTTP/metrics")"
stop_node

start_node with 1
sleep "$IDLE"
printf '%-44s %6s MiB\n' "idle RSS with them, nobody scraping" "$(rss_mib)"
curl -s -o /dev/null -H "$AUTH" "http://127.0.0.1:$HTTP/ui/"
for _ in $(seq 1 12); do curl -s -o /dev/null -H "$AUTH" "http://127.0.0.1:$HTTP/metrics"; sleep 5; done
printf '%-44s %6s MiB\n' "RSS after 1 min of scrapes every 5 s" "$(rss_mib)"
echo
printf '%-28s %12s %10s %10s\n' path "bytes" "median ms" "max ms"
for path in /ui/ /ui/app.js /ui/charts.js /ui/history.js /ui/rates.js /ui/style.css /ui/uPlot.iife.min.js /ui/uPlot.min.css /ui/icon.svg \
        /api/v1/namespaces/default/devices/thermometer-01/history /metrics /api/v1/twins /api/v1/status /api/v1/drivers; do
    bytes=$(curl -s -H "$AUTH" "http://127.0.0.1:$HTTP$path" | wc -c)
    read -r median max < <(response_times "$path")
    printf '%-28s %12s %10s %10s\n' "$path" "$bytes" "$median" "$max"
    case "$path" in /ui/*) PAGE_BYTES=$(( ${PAGE_BYTES:-0} + bytes ));; esac
done
printf '%-28s %12s\n' "page weight (/ui/ files)" "$PAGE_BYTES"
stop_node
