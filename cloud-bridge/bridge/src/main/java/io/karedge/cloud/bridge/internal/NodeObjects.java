package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.node.ContainerRuntimeInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Node, its status patch and its Lease, as kubelet sends them (sections 6.2 to 6.4 of the protocol notes). */
final class NodeObjects {

    /**
     * Three dash-separated parts before anything else: CloudCore's v1alpha1 upgrade code reads part [2] and
     * panics on fewer parts.
     */
    static final String KUBELET_VERSION = "v1.32.10-kubeedge-v1.23.1-karedge";
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_DURATION_SECONDS = 40;
    static final int KUBELET_PORT = 10350;
    static final long MAX_PODS = 110;
    /** kubelet's default hard eviction threshold for memory, taken off the allocatable memory. */
    static final long EVICTION_RESERVE_KIB = 100 * 1024;

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ISO_INSTANT;
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** One condition's status and when it last changed. */
    record Condition(String type, String status, String reason, String message, Instant since) {
    }

    private NodeObjects() {
    }

    static String nodeResource(String node) {
        return "null/node/" + node;
    }

    static String nodePatchResource(String node) {
        return "null/nodepatch/" + node;
    }

    static String leaseResource(String node) {
        return LEASE_NAMESPACE + "/lease/" + node;
    }

    static ObjectNode node(String nodeName, MachineInfo machine, ContainerRuntimeInfo runtime,
                           Map<String, Condition> conditions, Instant now) {
        ObjectNode node = MessageCodec.mapper().createObjectNode();
        node.put("apiVersion", "v1");
        node.put("kind", "Node");
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("name", nodeName);
        ObjectNode labels = metadata.putObject("labels");
        labels.put("kubernetes.io/hostname", nodeName);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", machine.architecture());
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", machine.architecture());
        labels.put("node-role.kubernetes.io/edge", "");
        labels.put("node-role.kubernetes.io/agent", "");
        node.putObject("spec");
        node.set("status", status(nodeName, machine, runtime, conditions, now));
        return node;
    }

    static ObjectNode status(String nodeName, MachineInfo machine, ContainerRuntimeInfo runtime,
                             Map<String, Condition> conditions, Instant now) {
        ObjectNode status = MessageCodec.mapper().createObjectNode();
        ObjectNode capacity = status.putObject("capacity");
        capacity.put("cpu", Integer.toString(machine.cpus()));
        capacity.put("memory", machine.memoryKib() + "Ki");
        capacity.put("pods", Long.toString(MAX_PODS));
        capacity.put("ephemeral-storage", Long.toString(machine.storageBytes()));
        ObjectNode allocatable = status.putObject("allocatable");
        allocatable.put("cpu", Integer.toString(machine.cpus()));
        allocatable.put("memory", Math.max(0, machine.memoryKib() - EVICTION_RESERVE_KIB) + "Ki");
        allocatable.put("pods", Long.toString(MAX_PODS));
        allocatable.put("ephemeral-storage", Long.toString(machine.storageBytes()));
        ArrayNode conditionArray = status.putArray("conditions");
        for (Condition condition : conditions.values()) {
            ObjectNode item = conditionArray.addObject();
            item.put("type", condition.type());
            item.put("status", condition.status());
            item.put("reason", condition.reason());
            item.put("message", condition.message());
            item.put("lastHeartbeatTime", SECONDS.format(now.truncatedTo(ChronoUnit.SECONDS)));
            item.put("lastTransitionTime", SECONDS.format(condition.since().truncatedTo(ChronoUnit.SECONDS)));
        }
        ArrayNode addresses = status.putArray("addresses");
        if (!machine.internalIp().isEmpty()) {
            addresses.addObject().put("type", "InternalIP").put("address", machine.internalIp());
        }
        addresses.addObject().put("type", "Hostname").put("address", nodeName);
        status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", KUBELET_PORT);
        ObjectNode info = status.putObject("nodeInfo");
        info.put("machineID", machine.machineId());
        info.put("systemUUID", "");
        info.put("bootID", machine.bootId());
        info.put("kernelVersion", machine.kernelVersion());
        info.put("osImage", machine.osImage());
        info.put("containerRuntimeVersion", runtime == null ? "" : runtime.runtimeVersion());
        info.put("kubeletVersion", KUBELET_VERSION);
        info.put("kubeProxyVersion", "");
        info.put("operatingSystem", "linux");
        info.put("architecture", machine.architecture());
        ArrayNode images = status.putArray("images");
        if (runtime != null) {
            for (ContainerRuntimeInfo.Image image : runtime.images()) {
                ObjectNode item = images.addObject();
                ArrayNode names = item.putArray("names");
                image.names().forEach(names::add);
                item.put("sizeBytes", image.sizeBytes());
            }
        }
        return status;
    }

    /** The conditions for the machine and runtime now, keeping transition times of unchanged conditions. */
    static Map<String, Condition> conditions(MachineInfo machine, ContainerRuntimeInfo runtime,
                                             Map<String, Condition> previous, Instant now) {
        Map<String, Condition> next = new LinkedHashMap<>();
        put(next, previous, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", now);
        boolean diskPressure = machine.storageBytes() > 0 && machine.storageFreeBytes() * 10 < machine.storageBytes();
        put(next, previous, "DiskPressure", diskPressure ? "True" : "False",
                diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                diskPressure ? "less than 10% of the data file system is free" : "kubelet has no disk pressure", now);
        put(next, previous, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
                now);
        boolean runtimeReady = runtime == null || runtime.ready();
        put(next, previous, "Ready", runtimeReady ? "True" : "False",
                runtimeReady ? "KubeletReady" : "KubeletNotReady",
                runtimeReady ? "edge node is ready" : "container runtime is not ready: " + runtime.reason(), now);
        return next;
    }

    private static void put(Map<String, Condition> next, Map<String, Condition> previous, String type, String status,
                            String reason, String message, Instant now) {
        Condition before = previous.get(type);
        Instant since = before != null && before.status().equals(status) ? before.since() : now;
        next.put(type, new Condition(type, status, reason, message, since));
    }

    static ObjectNode newLease(String nodeName, String nodeUid, Instant now) {
        ObjectNode lease = MessageCodec.mapper().createObjectNode();
        lease.put("apiVersion", "coordination.k8s.io/v1");
        lease.put("kind", "Lease");
        ObjectNode metadata = lease.putObject("metadata");
        metadata.put("name", nodeName);
        metadata.put("namespace", LEASE_NAMESPACE);
        if (!nodeUid.isEmpty()) {
            metadata.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                    .put("name", nodeName).put("uid", nodeUid);
        }
        ObjectNode spec = lease.putObject("spec");
        spec.put("holderIdentity", nodeName);
        spec.put("leaseDurationSeconds", LEASE_DURATION_SECONDS);
        spec.put("renewTime", MICROS.format(now));
        return lease;
    }

    /** @return a copy of the known lease with a new renewTime, its resourceVersion kept */
    static ObjectNode renewed(ObjectNode known, Instant now) {
        ObjectNode lease = known.deepCopy();
        lease.put("apiVersion", "coordination.k8s.io/v1");
        lease.put("kind", "Lease");
        ObjectNode spec = lease.has("spec") && lease.get("spec").isObject() ? (ObjectNode) lease.get("spec")
                : lease.putObject("spec");
        spec.put("renewTime", MICROS.format(now));
        return lease;
    }
}
