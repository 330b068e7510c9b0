package io.karedge.runtime.cri.internal;

import io.karedge.pod.ContainerUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntimeException;
import io.karedge.runtime.cri.v1.Container;
import io.karedge.runtime.cri.v1.ContainerFilter;
import io.karedge.runtime.cri.v1.ContainerState;
import io.karedge.runtime.cri.v1.ContainerStateValue;
import io.karedge.runtime.cri.v1.ContainerStats;
import io.karedge.runtime.cri.v1.ContainerStatsFilter;
import io.karedge.runtime.cri.v1.ListContainerStatsRequest;
import io.karedge.runtime.cri.v1.ListContainersRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU and memory of the running containers of the pods this runtime runs, from CRI
 * {@code ListContainerStats}; the start time is the container's creation, as the kubelet reports it.
 */
final class CriUsage {

    private final CriClient client;
    private final CriCalls calls;

    CriUsage(CriClient client, CriCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    List<ContainerUsage> usage() throws PodRuntimeException {
        Map<String, Container> running = new HashMap<>();
        for (Container container : calls.call("Unknown", () -> client.runtime().listContainers(ListContainersRequest
                .newBuilder().setFilter(ContainerFilter.newBuilder()
                        .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))
                        .putLabelSelector(CriPodRuntime.LABEL_MANAGED, "true")).build()).getContainersList())) {
            running.put(container.getId(), container);
        }
        if (running.isEmpty()) {
            return List.of();
        }
        List<ContainerStats> stats = calls.call("Unknown", () -> client.runtime().listContainerStats(
                ListContainerStatsRequest.newBuilder().setFilter(ContainerStatsFilter.newBuilder()
                        .putLabelSelector(CriPodRuntime.LABEL_MANAGED, "true")).build()).getStatsList());
        List<ContainerUsage> usages = new ArrayList<>();
        for (ContainerStats stat : stats) {
            Container container = running.get(stat.getAttributes().getId());
            if (container == null) {
                continue;
            }
            Map<String, String> labels = container.getLabelsMap();
            String uid = labels.get(CriPodRuntime.LABEL_POD_UID);
            String namespace = labels.get(CriPodRuntime.LABEL_POD_NAMESPACE);
            String name = labels.get(CriPodRuntime.LABEL_POD_NAME);
            if (uid == null || namespace == null || name == null) {
                continue;
            }
            usages.add(new ContainerUsage(new PodRef(uid, namespace, name), container.getMetadata().getName(),
                    CriCalls.nanos(container.getCreatedAt()), cpu(stat), memory(stat)));
        }
        return usages;
    }

    private static CpuUsage cpu(ContainerStats stat) {
        if (!stat.hasCpu() || stat.getCpu().getTimestamp() <= 0 || !stat.getCpu().hasUsageCoreNanoSeconds()) {
            return null;
        }
        io.karedge.runtime.cri.v1.CpuUsage cpu = stat.getCpu();
        return new CpuUsage(CriCalls.nanos(cpu.getTimestamp()), cpu.getUsageCoreNanoSeconds().getValue(),
                cpu.hasUsageNanoCores() ? cpu.getUsageNanoCores().getValue() : CpuUsage.UNKNOWN);
    }

    private static MemoryUsage memory(ContainerStats stat) {
        if (!stat.hasMemory() || stat.getMemory().getTimestamp() <= 0 || !stat.getMemory().hasWorkingSetBytes()) {
            return null;
        }
        io.karedge.runtime.cri.v1.MemoryUsage memory = stat.getMemory();
        return new MemoryUsage(CriCalls.nanos(memory.getTimestamp()), memory.getWorkingSetBytes().getValue(),
                memory.hasUsageBytes() ? memory.getUsageBytes().getValue() : MemoryUsage.UNKNOWN,
                memory.hasRssBytes() ? memory.getRssBytes().getValue() : MemoryUsage.UNKNOWN,
                // containerd gives 0 for a container without a memory limit, where the kubelet shows nothing
                memory.hasAvailableBytes() && memory.getAvailableBytes().getValue() > 0
                        ? memory.getAvailableBytes().getValue() : MemoryUsage.UNKNOWN);
    }
}
