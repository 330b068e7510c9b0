package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.pod.ContainerUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodUsage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numbers and names as the kubelet writes them. */
class ResourceMetricsTextTest {

    @Test
    void floatsAreWrittenAsGoWritesThem() {
        assertThat(ResourceMetricsText.goFloat(0)).isEqualTo("0");
        assertThat(ResourceMetricsText.goFloat(1)).isEqualTo("1");
        assertThat(ResourceMetricsText.goFloat(0.25)).isEqualTo("0.25");
        assertThat(ResourceMetricsText.goFloat(1547)).isEqualTo("1547");
        assertThat(ResourceMetricsText.goFloat(100000)).isEqualTo("100000");
        assertThat(ResourceMetricsText.goFloat(999999)).isEqualTo("999999");
        assertThat(ResourceMetricsText.goFloat(1e6)).isEqualTo("1e+06");
        assertThat(ResourceMetricsText.goFloat(12345678)).isEqualTo("1.2345678e+07");
        assertThat(ResourceMetricsText.goFloat(1796520600.25)).isEqualTo("1.79652060025e+09");
        assertThat(ResourceMetricsText.goFloat(0.0001)).isEqualTo("0.0001");
        assertThat(ResourceMetricsText.goFloat(0.00001234)).isEqualTo("1.234e-05");
        assertThat(ResourceMetricsText.goFloat(-2.5)).isEqualTo("-2.5");
        assertThat(ResourceMetricsText.goFloat(123456789012.345)).isEqualTo("1.23456789012345e+11");
        assertThat(ResourceMetricsText.goFloat(1e21)).isEqualTo("1e+21");
        assertThat(ResourceMetricsText.goFloat(Double.NaN)).isEqualTo("NaN");
        assertThat(ResourceMetricsText.goFloat(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }

    @Test
    void labelValuesAreEscapedAndNothingMeasuredIsLeftOut() {
        PodRef pod = new PodRef("u", "ns", "we\"ird\\name");
        ContainerUsage noFigures = new ContainerUsage(pod, "c", null, null, null);
        ContainerUsage cpuOnly = new ContainerUsage(pod, "d", Instant.EPOCH,
                new CpuUsage(Instant.ofEpochSecond(10), 2_000_000_000L, CpuUsage.UNKNOWN), null);
        String text = ResourceMetricsText.write(null, List.of(PodUsage.of(pod, null, List.of(noFigures, cpuOnly))),
                null);
        assertThat(text).contains("container_cpu_usage_seconds_total{container=\"d\",namespace=\"ns\","
                        + "pod=\"we\\\"ird\\\\name\"} 2 10000\n")
                .doesNotContain("container=\"c\"").doesNotContain("memory").doesNotContain("start_time")
                .doesNotContain("node_");
    }
}
