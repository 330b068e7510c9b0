package io.karedge.edge.stream.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.edge.stream.internal.NodeUsageReader.NodeUsage;
import io.karedge.pod.ContainerUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import io.karedge.pod.PodUsage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The kubelet's {@code /stats/summary} ({@code stats/v1alpha1 Summary}) with what this node measures: the
 * node's CPU and memory, and per pod its reference, start, running containers and their sums. Figures
 * nobody measured (network, file systems, volumes, swap, page faults) are left out rather than given as zero.
 * Times are written as Kubernetes writes {@code metav1.Time}: RFC 3339 in UTC, whole seconds.
 */
final class StatsSummaryJson {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StatsSummaryJson() {
    }

    static String write(String nodeName, NodeUsage node, List<PodUsage> pods) {
        ObjectNode summary = NODES.objectNode();
        ObjectNode nodeStats = summary.putObject("node");
        nodeStats.put("nodeName", nodeName);
        if (node != null) {
            if (node.booted() != null) {
                nodeStats.put("startTime", time(node.booted()));
            }
            putCpu(nodeStats, node.cpu());
            putMemory(nodeStats, node.memory());
        }
        ArrayNode podList = summary.putArray("pods");
        for (PodUsage pod : pods) {
            ObjectNode podStats = podList.addObject();
            ObjectNode ref = podStats.putObject("podRef");
            ref.put("name", pod.pod().name());
            ref.put("namespace", pod.pod().namespace());
            ref.put("uid", pod.pod().uid());
            if (pod.started() != null) {
                podStats.put("startTime", time(pod.started()));
            }
            ArrayNode containers = podStats.putArray("containers");
            for (ContainerUsage container : pod.containers()) {
                ObjectNode containerStats = containers.addObject();
                containerStats.put("name", container.container());
                if (container.started() != null) {
                    containerStats.put("startTime", time(container.started()));
                }
                putCpu(containerStats, container.cpu());
                putMemory(containerStats, container.memory());
            }
            putCpu(podStats, pod.cpu());
            putMemory(podStats, pod.memory());
        }
        try {
            return KaredgeJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values does not serialize", e);
        }
    }

    private static void putCpu(ObjectNode parent, CpuUsage cpu) {
        if (cpu == null) {
            return;
        }
        ObjectNode stats = parent.putObject("cpu");
        stats.put("time", time(cpu.time()));
        if (cpu.nanoCores() >= 0) {
            stats.put("usageNanoCores", cpu.nanoCores());
        }
        if (cpu.coreNanoSeconds() >= 0) {
            stats.put("usageCoreNanoSeconds", cpu.coreNanoSeconds());
        }
    }

    private static void putMemory(ObjectNode parent, MemoryUsage memory) {
        if (memory == null) {
            return;
        }
        ObjectNode stats = parent.putObject("memory");
        stats.put("time", time(memory.time()));
        putKnown(stats, "availableBytes", memory.availableBytes());
        putKnown(stats, "usageBytes", memory.usageBytes());
        putKnown(stats, "workingSetBytes", memory.workingSetBytes());
        putKnown(stats, "rssBytes", memory.rssBytes());
    }

    private static void putKnown(ObjectNode stats, String name, long value) {
        if (value >= 0) {
            stats.put(name, value);
        }
    }

    static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
