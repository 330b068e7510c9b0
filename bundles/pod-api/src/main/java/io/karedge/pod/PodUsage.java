package io.karedge.pod;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a pod uses: its running containers, and their sums as the pod's own figures.
 *
 * @param pod        the pod
 * @param started    when the pod started (its {@code status.startTime}, else its creation), or {@code null}
 * @param containers its running containers, ordered by name
 * @param cpu        the sum over the containers, sampled at the latest of their times; {@code null} if none
 *                   gave CPU
 * @param memory     the sum over the containers; {@code null} if none gave memory
 */
public record PodUsage(PodRef pod, Instant started, List<ContainerUsage> containers, CpuUsage cpu,
                       MemoryUsage memory) {

    public PodUsage {
        Objects.requireNonNull(pod, "pod");
        containers = List.copyOf(containers);
    }

    /** Sums the containers' figures into the pod's; a figure unknown for every container stays unknown. */
    public static PodUsage of(PodRef pod, Instant started, List<ContainerUsage> containers) {
        Instant cpuTime = null;
        long coreNanoSeconds = 0;
        long nanoCores = CpuUsage.UNKNOWN;
        Instant memoryTime = null;
        long workingSet = MemoryUsage.UNKNOWN;
        long usage = MemoryUsage.UNKNOWN;
        long rss = MemoryUsage.UNKNOWN;
        for (ContainerUsage container : containers) {
            CpuUsage cpu = container.cpu();
            if (cpu != null) {
                cpuTime = later(cpuTime, cpu.time());
                coreNanoSeconds += Math.max(0, cpu.coreNanoSeconds());
                nanoCores = add(nanoCores, cpu.nanoCores());
            }
            MemoryUsage memory = container.memory();
            if (memory != null) {
                memoryTime = later(memoryTime, memory.time());
                workingSet = add(workingSet, memory.workingSetBytes());
                usage = add(usage, memory.usageBytes());
                rss = add(rss, memory.rssBytes());
            }
        }
        return new PodUsage(pod, started, containers,
                cpuTime == null ? null : new CpuUsage(cpuTime, coreNanoSeconds, nanoCores),
                memoryTime == null ? null : new MemoryUsage(memoryTime, workingSet, usage, rss, MemoryUsage.UNKNOWN));
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static long add(long sum, long value) {
        if (value < 0) {
            return sum;
        }
        return sum < 0 ? value : sum + value;
    }
}
