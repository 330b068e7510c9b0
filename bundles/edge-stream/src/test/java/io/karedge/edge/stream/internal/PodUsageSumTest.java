package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.pod.ContainerUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodUsage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pod's figures, which the pod_* metrics and the summary's pod entries report, are its containers' sums. */
class PodUsageSumTest {

    private static final PodRef POD = new PodRef("uid", "shop", "web-1");
    private static final Instant T1 = Instant.parse("2026-12-06T02:30:00Z");
    private static final Instant T2 = Instant.parse("2026-12-06T02:30:05Z");

    @Test
    void knownFiguresAreSummedAtTheLatestTime() {
        PodUsage usage = PodUsage.of(POD, T1, List.of(
                new ContainerUsage(POD, "a", T1, new CpuUsage(T2, 100, 7), new MemoryUsage(T1, 10, 20, -1, 5)),
                new ContainerUsage(POD, "b", T1, new CpuUsage(T1, 50, CpuUsage.UNKNOWN),
                        new MemoryUsage(T2, 1, -1, 3, 6)),
                new ContainerUsage(POD, "c", T1, null, null)));
        assertThat(usage.cpu()).isEqualTo(new CpuUsage(T2, 150, 7));
        assertThat(usage.memory()).isEqualTo(new MemoryUsage(T2, 11, 20, 3, MemoryUsage.UNKNOWN));
        assertThat(usage.containers()).hasSize(3);
    }

    @Test
    void aPodWhoseContainersGaveNothingHasNoFigures() {
        PodUsage usage = PodUsage.of(POD, null, List.of(new ContainerUsage(POD, "a", null, null, null)));
        assertThat(usage.cpu()).isNull();
        assertThat(usage.memory()).isNull();
        assertThat(PodUsage.of(POD, null, List.of()).cpu()).isNull();
    }
}
