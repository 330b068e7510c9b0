#!/usr/bin/env bash
# The multi-node test topology in network namespaces:  bench/netns-topology.sh up|down|check|env
#
#   net1 10.231.1.0/24:  A 10.231.1.1   B 10.231.1.2   R 10.231.1.3   cloud 10.231.1.254
#   net2 10.231.2.0/24:  C 10.231.2.4                  R 10.231.2.3   cloud 10.231.2.254
#
# Namespaces kem-a, kem-b, kem-c, kem-r (nodes; R is the one node on both nets, the relay), kem-cloud (the
# CloudHub double, on both nets) and kem-sw, which holds the two bridges (br1, br2) and one end of every veth
# pair and has no address at all. Nothing is created in the namespace this script runs in. Every namespace has
# its loopback up and IPv4 forwarding off, so R and the cloud do not route between the nets: A and C have a
# route to each other's net through R, and it leads nowhere (`check` proves it). C is reachable from A only
# through something that relays at the application level, as a tunnel relay does.
#
#   up     removes whatever is left under the kem- prefix (an earlier run that crashed), then builds the topology
#   down   kills the processes still running in the kem- namespaces and deletes the namespaces
#   check  A reaches B and R on net1, R reaches C on net2, A cannot connect to C (through R or otherwise)
#   env    prints the addresses as shell assignments (KEM_A=10.231.1.1 ...)
#
# Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN), `ip` and python3 (check). Every command runs under a timeout.
# Traffic stays inside these namespaces.
set -euo pipefail
PREFIX=kem-
NODES="a b c r cloud"
T=10

KEM_A=10.231.1.1
KEM_B=10.231.1.2
KEM_R1=10.231.1.3
KEM_CLOUD1=10.231.1.254
KEM_C=10.231.2.4
KEM_R2=10.231.2.3
KEM_CLOUD2=10.231.2.254

run() { timeout "$T" "$@"; }
in_ns() { local ns=$1; shift; run ip netns exec "$PREFIX$ns" "$@"; }

down() {
    local ns pid
    for ns in $(timeout "$T" ip netns list | awk '{print $1}' | grep "^$PREFIX" || true); do
        for pid in $(timeout "$T" ip netns pids "$ns" 2>/dev/null || true); do
            kill -9 "$pid" 2>/dev/null || true
        done
        timeout "$T" ip netns delete "$ns" 2>/dev/null || true
    done
}

# veth pair: <node ns> <interface there> <bridge> <switch-side name> <address/prefix>
attach() {
    local node=$1 ifname=$2 bridge=$3 port=$4 address=$5
    run ip link add "$ifname" netns "$PREFIX$node" type veth peer name "$port" netns "${PREFIX}sw"
    in_ns sw ip link set "$port" master "$bridge" up
    in_ns "$node" ip addr add "$address" dev "$ifname"
    in_ns "$node" ip link set "$ifname" up
}

up() {
    down
    local ns
    for ns in sw $NODES; do
        run ip netns add "$PREFIX$ns"
        in_ns "$ns" ip link set lo up
        in_ns "$ns" sysctl -q -w net.ipv4.ip_forward=0
        in_ns "$ns" sysctl -q -w net.ipv4.conf.all.forwarding=0
    done
    for bridge in br1 br2; do
        in_ns sw ip link add "$bridge" type bridge
        in_ns sw ip link set "$bridge" up
    done
    attach a eth1 br1 a1 "$KEM_A/24"
    attach b eth1 br1 b1 "$KEM_B/24"
    attach r eth1 br1 r1 "$KEM_R1/24"
    attach r eth2 br2 r2 "$KEM_R2/24"
    attach c eth2 br2 c2 "$KEM_C/24"
    attach cloud eth1 br1 cloud1 "$KEM_CLOUD1/24"
    attach cloud eth2 br2 cloud2 "$KEM_CLOUD2/24"
    # the only way between the nets would be R, and R does not forward
    in_ns a ip route add 10.231.2.0/24 via "$KEM_R1"
    in_ns b ip route add 10.231.2.0/24 via "$KEM_R1"
    in_ns c ip route add 10.231.1.0/24 via "$KEM_R2"
}

# a TCP listener in a namespace for the check, on port 7999; prints its pid
listen() {
    local ns=$1 address=$2
    ip netns exec "$PREFIX$ns" timeout 30 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 7999)); s.listen(8)
print("up", flush=True)
while True:
    c, _ = s.accept(); c.close()' "$address" > /dev/null &
    echo $!
}

connects() { # ns address -> exit 0 when a TCP connect to address:7999 succeeds within 2 s
    in_ns "$1" python3 -c '
import socket, sys
s = socket.socket(); s.settimeout(2)
try:
    s.connect((sys.argv[1], 7999)); sys.exit(0)
except OSError as e:
    print("  (%s)" % e, file=sys.stderr); sys.exit(1)' "$2"
}

check() {
    local pids=() failed=0
    pids+=("$(listen b "$KEM_B")") pids+=("$(listen r "$KEM_R1")") pids+=("$(listen c "$KEM_C")")
    sleep 1
    connects a "$KEM_B" 2>/dev/null || { echo "A cannot reach B on net1"; failed=1; }
    connects a "$KEM_R1" 2>/dev/null || { echo "A cannot reach R on net1"; failed=1; }
    connects r "$KEM_C" 2>/dev/null || { echo "R cannot reach C on net2"; failed=1; }
    if connects a "$KEM_C" 2>/dev/null; then echo "A reaches C: the nets are not isolated"; failed=1; fi
    if connects cloud "$KEM_C" 2>/dev/null; then :; else echo "the cloud cannot reach C on net2"; failed=1; fi
    if connects c "$KEM_B" 2>/dev/null; then echo "C reaches B: the nets are not isolated"; failed=1; fi
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    [ "$failed" = 0 ] && echo "topology ok: A-B-R on net1, R-C on net2, A cannot connect to C"
    return "$failed"
}

env_vars() {
    echo "KEM_A=$KEM_A KEM_B=$KEM_B KEM_R1=$KEM_R1 KEM_R2=$KEM_R2 KEM_C=$KEM_C KEM_CLOUD1=$KEM_CLOUD1 KEM_CLOUD2=$KEM_CLOUD2"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    check) check ;;
    env) env_vars ;;
    *) echo "usage: $0 up|down|check|env" >&2; exit 2 ;;
esac
