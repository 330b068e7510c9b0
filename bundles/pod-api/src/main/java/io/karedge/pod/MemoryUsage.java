package io.karedge.pod;

import java.time.Instant;
import java.util.Objects;

/**
 * Memory of a container, a pod or the node, as sampled at one time (the kubelet's {@code MemoryStats}).
 * A value the source did not give is {@link #UNKNOWN}.
 *
 * @param time            when it was sampled
 * @param workingSetBytes memory in use that cannot be reclaimed cheaply (usage less inactive file pages): what
 *                        limits and evictions are measured against
 * @param usageBytes      all memory in use, page cache included
 * @param rssBytes        anonymous memory and swap cache
 * @param availableBytes  what is left below the limit (the node: its capacity less the working set)
 */
public record MemoryUsage(Instant time, long workingSetBytes, long usageBytes, long rssBytes, long availableBytes) {

    /** A value the source did not give. */
    public static final long UNKNOWN = -1;

    public MemoryUsage {
        Objects.requireNonNull(time, "time");
    }
}
