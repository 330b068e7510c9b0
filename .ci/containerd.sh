#!/usr/bin/env bash
# A private containerd (1.6, Debian) serving CRI for the pod-manager and runtime-cri tests.
#
#   bash .ci/containerd.sh start   installs the packages if missing, builds the local pause and busybox
#                                  images, starts containerd on a private socket, imports the images and
#                                  prints the socket path on stdout (last line)
#   bash .ci/containerd.sh stop    removes every sandbox, stops containerd, deletes the bridge, the
#                                  portmap iptables chains and the CNI leftovers
#   bash .ci/containerd.sh status  prints the socket path if the daemon answers, fails otherwise
#
# Environment: KAREDGE_CONTAINERD_WORK (work dir, default /var/tmp/karedge-containerd),
#              KAREDGE_CONTAINERD_STATE (state and socket dir, default /run/karedge-containerd).
# Tests only ever talk to pods on 127.0.0.1: test pods use hostNetwork.
set -euo pipefail

W=${KAREDGE_CONTAINERD_WORK:-/var/tmp/karedge-containerd}
S=${KAREDGE_CONTAINERD_STATE:-/run/karedge-containerd}
SOCK=$S/containerd.sock
PIDFILE=$W/containerd.pid
NS=k8s.io
BRIDGE=kecni0
NET=karedge-test
PAUSE_IMAGE=localhost/karedge/pause:1
BUSYBOX_IMAGE=localhost/karedge/busybox:1

log() { printf '[containerd] %s\n' "$*" >&2; }

install_packages() {
    local need=()
    command -v containerd >/dev/null 2>&1 || need+=(containerd)
    command -v runc >/dev/null 2>&1 || need+=(runc)
    [ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
    command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || need+=(iptables)
    [ -x /bin/busybox ] || need+=(busybox-static)
    command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
    if [ "${#need[@]}" -gt 0 ]; then
        log "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
    fi
}

answers() {
    [ -S "$SOCK" ] && timeout 5 ctr -a "$SOCK" version >/dev/null 2>&1
}

write_config() {
    mkdir -p "$W/root" "$W/cni-conf" "$S"
    cat > "$W/config.toml" <<EOF
version = 2
root = "$W/root"
state = "$S"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$W/root/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$W/cni-conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
EOF
    # written in place (never mv-ed in): containerd reloads on write events only
    cat > "$W/cni-conf/10-$NET.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$NET",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "subnet": "10.22.0.0/24", "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

# one single-layer OCI image-layout archive: build_image ROOTFS NAME CMD_JSON OUT_TAR
build_image() {
    local rootfs=$1 name=$2 cmd=$3 out=$4
    local d; d=$(mktemp -d "$W/img.XXXXXX")
    mkdir -p "$d/blobs/sha256"
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$rootfs" -cf "$d/layer.tar" .
    local layer size
    layer=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
    size=$(stat -c %s "$d/layer.tar")
    mv "$d/layer.tar" "$d/blobs/sha256/$layer"
    printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$cmd" "$layer" > "$d/config.json"
    local config csize
    config=$(sha256sum "$d/config.json" | cut -d' ' -f1)
    csize=$(stat -c %s "$d/config.json")
    mv "$d/config.json" "$d/blobs/sha256/$config"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$config" "$csize" "$layer" "$size" > "$d/manifest.json"
    local manifest msize
    manifest=$(sha256sum "$d/manifest.json" | cut -d' ' -f1)
    msize=$(stat -c %s "$d/manifest.json")
    mv "$d/manifest.json" "$d/blobs/sha256/$manifest"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
        "$manifest" "$msize" "$name" "${name##*:}" > "$d/index.json"
    printf '{"imageLayoutVersion":"1.0.0"}' > "$d/oci-layout"
    tar -C "$d" -cf "$out" oci-layout index.json blobs
    rm -rf "$d"
}

build_images() {
    local img=$W/images
    if [ -f "$img/pause.tar" ] && [ -f "$img/busybox.tar" ]; then
        return
    fi
    rm -rf "$img"
    mkdir -p "$img/pause-rootfs" "$img/busybox-rootfs"/{bin,etc,tmp,proc,sys,dev}
    cat > "$img/pause.c" <<'EOF'
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { (void) sig; _exit(0); }

static void reap(int sig) {
    (void) sig;
    while (waitpid(-1, 0, WNOHANG) > 0) {
    }
}

int main(void) {
    signal(SIGTERM, stop);
    signal(SIGINT, stop);
    signal(SIGCHLD, reap);
    for (;;) {
        pause();
    }
}
EOF
    gcc -static -Os -s -o "$img/pause-rootfs/pause" "$img/pause.c"
    cp /bin/busybox "$img/busybox-rootfs/bin/busybox"
    local tool
    for tool in $(/bin/busybox --list); do
        [ "$tool" = busybox ] || ln -sf busybox "$img/busybox-rootfs/bin/$tool"
    done
    echo 'root:x:0:0:root:/root:/bin/sh' > "$img/busybox-rootfs/etc/passwd"
    echo 'root:x:0:' > "$img/busybox-rootfs/etc/group"
    build_image "$img/pause-rootfs" "$PAUSE_IMAGE" '["/pause"]' "$img/pause.tar.part"
    build_image "$img/busybox-rootfs" "$BUSYBOX_IMAGE" '["/bin/sh"]' "$img/busybox.tar.part"
    mv "$img/pause.tar.part" "$img/pause.tar"
    mv "$img/busybox.tar.part" "$img/busybox.tar"
}

import_images() {
    local have; have=$(ctr -a "$SOCK" -n "$NS" images ls -q 2>/dev/null || true)
    grep -qx "$PAUSE_IMAGE" <<<"$have" || ctr -a "$SOCK" -n "$NS" images import "$W/images/pause.tar" >&2
    grep -qx "$BUSYBOX_IMAGE" <<<"$have" || ctr -a "$SOCK" -n "$NS" images import "$W/images/busybox.tar" >&2
}

start() {
    install_packages
    mkdir -p "$W"
    if answers; then
        log "already running"
    else
        write_config
        rm -f "$SOCK"
        nohup containerd --config "$W/config.toml" >"$W/containerd.log" 2>&1 &
        echo $! > "$PIDFILE"
        local i
        for i in $(seq 1 100); do
            answers && break
            if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
                tail -20 "$W/containerd.log" >&2
                log "containerd exited"
                exit 1
            fi
            sleep 0.1
        done
        answers || { tail -20 "$W/containerd.log" >&2; log "containerd does not answer on $SOCK"; exit 1; }
        log "started (pid $(cat "$PIDFILE"), log $W/containerd.log)"
    fi
    build_images
    import_images
    echo "$SOCK"
}

# removes every CRI sandbox (containers go with their sandbox) through ctr's view of k8s.io
remove_sandboxes() {
    answers || return 0
    local task
    for task in $(ctr -a "$SOCK" -n "$NS" tasks ls -q 2>/dev/null); do
        ctr -a "$SOCK" -n "$NS" tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    done
    local i
    for i in $(seq 1 30); do
        [ -z "$(ctr -a "$SOCK" -n "$NS" tasks ls -q 2>/dev/null | head -1)" ] && break
        for task in $(ctr -a "$SOCK" -n "$NS" tasks ls -q 2>/dev/null); do
            ctr -a "$SOCK" -n "$NS" tasks delete -f "$task" >/dev/null 2>&1 || true
        done
        sleep 0.1
    done
    local container
    for container in $(ctr -a "$SOCK" -n "$NS" containers ls -q 2>/dev/null); do
        ctr -a "$SOCK" -n "$NS" containers delete "$container" >/dev/null 2>&1 || true
    done
}

stop() {
    remove_sandboxes
    if [ -f "$PIDFILE" ]; then
        local pid; pid=$(cat "$PIDFILE")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            local i
            for i in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$PIDFILE"
    fi
    # shims of this instance (their -address names our socket) outlive the daemon: end them
    local shim
    for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null || true); do
        kill -9 "$shim" 2>/dev/null || true
    done
    ip link del "$BRIDGE" >/dev/null 2>&1 || true
    if command -v iptables >/dev/null 2>&1; then
        local chain
        for chain in CNI-HOSTPORT-DNAT CNI-HOSTPORT-MASQ CNI-HOSTPORT-SETMARK; do
            iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j "$chain" >/dev/null 2>&1 || true
            iptables -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j "$chain" >/dev/null 2>&1 || true
            iptables -t nat -D POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j "$chain" >/dev/null 2>&1 || true
            iptables -t nat -F "$chain" >/dev/null 2>&1 || true
            iptables -t nat -X "$chain" >/dev/null 2>&1 || true
        done
    fi
    rm -rf "/var/lib/cni/networks/$NET"
    local dir
    for dir in /sys/fs/cgroup/*/k8s.io /sys/fs/cgroup/*/karedge; do
        [ -d "$dir" ] || continue
        find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    rm -f "$SOCK"
    log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) answers && echo "$SOCK" ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
