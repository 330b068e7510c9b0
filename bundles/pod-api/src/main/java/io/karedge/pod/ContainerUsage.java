package io.karedge.pod;

import java.time.Instant;
import java.util.Objects;

/**
 * What one running container uses, as its runtime measures it.
 *
 * @param pod       the pod it belongs to
 * @param container the container's name in the pod
 * @param started   when the container instance was created, or {@code null}
 * @param cpu       its CPU, or {@code null} if the runtime gave none
 * @param memory    its memory, or {@code null} if the runtime gave none
 */
public record ContainerUsage(PodRef pod, String container, Instant started, CpuUsage cpu, MemoryUsage memory) {

    public ContainerUsage {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(container, "container");
    }
}
