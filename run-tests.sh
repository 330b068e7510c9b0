#!/usr/bin/env bash
# Runs every Karedge test on this machine: unit tests, the integration tests against the built
# distribution and the fault suite.
#
# The tests talk to real peers, and this script sets them up first:
#   mosquitto and its clients   MQTT interoperability, the MQTT driver, MQTT push targets
#   python3-pymodbus            a Modbus TCP server for the Modbus driver
#   nftables                    the mesh proxy's kernel data path
#   iproute2                    network namespaces for the mesh across nodes (faults: MeshAcrossNodesFaultIT, root)
#   containerd (private)        a real CRI runtime for the pod tests, on its own socket, local images only
#   node-opcua (npm)            an OPC UA server for the OPC UA driver, installed into a cache folder, not globally
# Installing needs root (or sudo). Without it the peers that are missing are named, their tests are
# skipped, and the run says so at the end.
#
# Environment:
#   KAREDGE_ALLOW_SKIPS=1   do not fail the run when a test was skipped for want of a peer
#                           (the default when the peers could not be installed)
#   MAVEN_ARGS              more arguments for Maven, e.g. "-o" or "-pl bundles/store -am"
#   KAREDGE_NODE_OPCUA      where node-opcua is installed (default ~/.cache/karedge/node-opcua-<version>)
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '[tests] %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        return 1
    fi
}

missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
# what the Modbus tests import: pymodbus.server needs pyserial and its asyncio part, which Debian's
# python3-pymodbus only recommends (and --no-install-recommends would leave out)
pymodbus_check='import pymodbus.server, pymodbus.datastore'
/usr/bin/python3 -c "${pymodbus_check}" >/dev/null 2>&1 || missing+=(python3-pymodbus python3-serial python3-serial-asyncio)
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || missing+=(nftables)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)
/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || missing+=(python3-prometheus-client)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
# the MQTT TLS listener tests make their certificates with it
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

allow_skips=${KAREDGE_ALLOW_SKIPS:-0}
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
        log "could not install ${missing[*]} (needs root or sudo and Debian's packages): their tests will be skipped"
        allow_skips=1
    fi
fi

# the peers installed must work, not only be there: a test that cannot reach its peer skips itself
if [ "${#missing[@]}" -gt 0 ] && [ "${allow_skips}" != "1" ]; then
    broken=()
    /usr/bin/python3 -c "${pymodbus_check}" >/dev/null 2>&1 || broken+=("pymodbus (${pymodbus_check})")
    /usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || broken+=("prometheus_client")
    command -v mosquitto_pub >/dev/null 2>&1 || broken+=("mosquitto_pub")
    if [ "${#broken[@]}" -gt 0 ]; then
        log "installed, but not working: ${broken[*]}"
        exit 1
    fi
fi

# --- node-opcua: an OPC UA stack written apart from Milo, for the OPC UA driver's tests (OpcUaNodeOpcuaTest).
# npm installs it into a folder of its own (kept across runs and `mvn clean`), never globally; the tests find
# it through KAREDGE_NODE_OPCUA and are skipped, naming the folder, when it is not there.
node_opcua_version=2.186.4
export KAREDGE_NODE_OPCUA=${KAREDGE_NODE_OPCUA:-${XDG_CACHE_HOME:-$HOME/.cache}/karedge/node-opcua-${node_opcua_version}}
if [ ! -d "$KAREDGE_NODE_OPCUA/node_modules/node-opcua" ]; then
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        log "installing nodejs and npm"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm \
            || log "could not install nodejs and npm"
    fi
    log "installing node-opcua ${node_opcua_version} into ${KAREDGE_NODE_OPCUA}"
    if ! { mkdir -p "$KAREDGE_NODE_OPCUA" && npm install --prefix "$KAREDGE_NODE_OPCUA" --no-audit --no-fund \
            --loglevel=error "node-opcua@${node_opcua_version}" >/dev/null; }; then
        log "could not install node-opcua: the OPC UA tests against it will be skipped"
        allow_skips=1
    fi
fi
# --- end of node-opcua

containerd_started=0
if [ -z "${KAREDGE_CRI_SOCKET:-}" ]; then
    log "starting a private containerd for the CRI tests"
    if socket=$(as_root bash .ci/containerd.sh start | tail -1) && [ -S "$socket" ]; then
        export KAREDGE_CRI_SOCKET=$socket
        containerd_started=1
        log "containerd on ${KAREDGE_CRI_SOCKET}"
    else
        log "containerd could not be started (needs root): the CRI tests will be skipped"
        allow_skips=1
    fi
fi
cleanup() {
    if [ "$containerd_started" -eq 1 ]; then
        as_root bash .ci/containerd.sh stop >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

marker=$(mktemp)
log "running: mvn -B install ${MAVEN_ARGS:-}"
# install, not only verify: the second run below takes the distribution from the local repository
# shellcheck disable=SC2086
mvn -B install ${MAVEN_ARGS:-}

# The API guard must catch what it is there for: a signature change in the driver SPI (a 0.x package)
# without the version bump it needs fails `mvn verify`, in a scratch copy of the sources.
api_guard_copy=$(mktemp -d)
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "${api_guard_copy}"
sed -i 's/DeviceHandler open(Device device, DeviceCallback callback);/DeviceHandler open(Device device, DeviceCallback callback, int changed);/' \
    "${api_guard_copy}/bundles/device-driver-api/src/main/java/io/karedge/device/driver/ProtocolDriver.java"
# shellcheck disable=SC2086
if (cd "${api_guard_copy}" && mvn -B -q verify -Dmaven.test.skip=true -pl bundles/device-driver-api ${MAVEN_ARGS:-} \
        >"${api_guard_copy}.log" 2>&1); then
    log "the API baseline let an incompatible driver SPI change through (api-baseline/README.md)"
    exit 1
elif ! grep -q 'api-baseline: io.karedge.device.driver: an incompatible change' "${api_guard_copy}.log"; then
    log "the API guard check failed for another reason:"
    tail -20 "${api_guard_copy}.log"
    exit 1
fi
log "API baseline: an incompatible driver SPI change without a version bump fails the build, as it must"
rm -rf "${api_guard_copy}" "${api_guard_copy}.log"

# The integration tests again, on Temurin 25 (the node runs on Java 17 and on 25). The Java 17 reports are
# kept beside the new ones, so the count below holds both runs.
java25_home=${KAREDGE_JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java25_ran=0
if [ "${KAREDGE_SKIP_JAVA25:-0}" != "1" ] && [ -x "${java25_home}/bin/java" ]; then
    rm -rf itests/target/java17-failsafe-reports
    mv itests/target/failsafe-reports itests/target/java17-failsafe-reports
    log "running the integration tests on $("${java25_home}/bin/java" -version 2>&1 | head -1)"
    # shellcheck disable=SC2086
    JAVA_HOME=${java25_home} mvn -B verify -pl itests ${MAVEN_ARGS:-}
    java25_ran=1
elif [ "${CI:-}" = "true" ]; then
    log "no Java 25 at ${java25_home} (KAREDGE_JAVA25_HOME): CI must run the integration tests on it"
    exit 1
else
    log "no Java 25 at ${java25_home}: the integration tests ran on Java 17 only (KAREDGE_JAVA25_HOME names another)"
fi

# a test skipped by an assumption means its peer was missing: with the peers installed, that is a failure
summary=$(find . -path '*/target/*-reports/TEST-*.xml' -newer "$marker" -print0 2>/dev/null | xargs -0 -r python3 -c '
import sys, xml.etree.ElementTree as tree
passed = failed = skipped = 0
for report in sys.argv[1:]:
    for case in tree.parse(report).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            skipped += 1
            print("skip %s.%s: %s" % (case.get("classname"), case.get("name"), case.find("skipped").get("message", "")))
        elif case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        else:
            passed += 1
print("total %d passed, %d failed, %d skipped" % (passed, failed, skipped))
')
# a test class that ran no test, or never ran at all, is a test lost (a peer that failed in a class set-up,
# a runner that did not pick the class up): each class with test methods in its source must have run
lost=$(find . -path '*/target/*-reports/TEST-*.xml' -newer "$marker" -print0 2>/dev/null | xargs -0 -r python3 -c '
import os, re, sys, xml.etree.ElementTree as tree
ran = {}
for report in sys.argv[1:]:
    root = tree.parse(report).getroot()
    name = root.get("name", "")
    ran[name] = ran.get(name, 0) + int(root.get("tests", "0"))
test_method = re.compile(r"^\s*@(org\.junit\.)?(Test|ParameterizedTest|RepeatedTest|TestFactory|Property)\b", re.M)
for top, dirs, files in os.walk("."):
    dirs[:] = [d for d in dirs if d not in ("target", ".git", "node_modules")]
    if not top.replace(os.sep, "/").endswith("src/test/java") and "/src/test/java/" not in top.replace(os.sep, "/") + "/":
        continue
    for file in files:
        if not file.endswith(".java"):
            continue
        path = os.path.join(top, file)
        source = open(path, encoding="utf-8").read()
        if not test_method.search(source) or re.search(r"\babstract\s+class\b", source):
            continue
        module = path.split("/src/test/java/")[0]
        if not os.path.isdir(os.path.join(module, "target")):
            continue
        fqcn = path.split("/src/test/java/")[1][:-5].replace("/", ".")
        simple = fqcn.rsplit(".", 1)[-1]
        # only what the runners pick up by name (Surefire and Failsafe defaults): LogLatencyBench and the
        # like are benchmarks, run by bench/ scripts
        if not re.match(r"^(Test.*|.*Test|.*Tests|.*TestCase|IT.*|.*IT|.*ITCase)$", simple):
            continue
        count = sum(n for name, n in ran.items() if name == fqcn or name.startswith(fqcn + "$"))
        if count == 0:
            print("%s (%s)" % (fqcn, module))
')
rm -f "$marker"
if [ -n "${lost}" ]; then
    log "test classes that ran no test:"
    sed 's/^/  /' <<<"${lost}"
    if [ "${KAREDGE_ALLOW_LOST_TESTS:-0}" != "1" ]; then
        log "failing: every test class must run its tests (KAREDGE_ALLOW_LOST_TESTS=1 allows it, e.g. with -pl)"
        exit 1
    fi
fi
if grep -q '^skip ' <<<"$summary"; then
    log "tests skipped for want of a peer:"
    grep '^skip ' <<<"$summary" | sed 's/^skip /  /'
    if [ "$allow_skips" != "1" ]; then
        log "failing: the peers were installed, so no test should have been skipped (KAREDGE_ALLOW_SKIPS=1 allows it)"
        exit 1
    fi
fi
echo "karedge: $(grep '^total ' <<<"$summary" | sed 's/^total //')"
