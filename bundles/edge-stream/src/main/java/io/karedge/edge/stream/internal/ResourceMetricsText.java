package io.karedge.edge.stream.internal;

import io.karedge.edge.stream.internal.NodeUsageReader.NodeUsage;
import io.karedge.pod.ContainerUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import io.karedge.pod.PodUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The kubelet's {@code /metrics/resource}, which metrics-server scrapes for {@code kubectl top}: Prometheus
 * text format 0.0.4 with the kubelet's family names, help texts, stability marks and labels, families in
 * name order, samples in label order, measured values with the time of their measurement in milliseconds,
 * and values written as Go writes them (shortest form, exponent from 1e+06 on). Families without samples
 * are left out, as the kubelet's registry leaves them out.
 */
final class ResourceMetricsText {

    private ResourceMetricsText() {
    }

    private record Sample(List<String> labelValues, double value, Instant time) {
    }

    private record Family(String name, String type, String help, List<String> labelNames, List<Sample> samples) {
        Family(String name, String type, String help, List<String> labelNames) {
            this(name, type, help, labelNames, new ArrayList<>());
        }
    }

    /**
     * @param node    the node's reading, or {@code null} if it could not be taken
     * @param pods    what the pods use
     * @param failure why the pods' figures are missing, or {@code null}; written as a comment and
     *                {@code resource_scrape_error 1}
     */
    static String write(NodeUsage node, List<PodUsage> pods, String failure) {
        List<String> containerLabels = List.of("container", "namespace", "pod");
        List<String> podLabels = List.of("namespace", "pod");
        Family containerCpu = new Family("container_cpu_usage_seconds_total", "counter",
                "Cumulative cpu time consumed by the container in core-seconds", containerLabels);
        Family containerMemory = new Family("container_memory_working_set_bytes", "gauge",
                "Current working set of the container in bytes", containerLabels);
        Family containerStart = new Family("container_start_time_seconds", "gauge",
                "Start time of the container since unix epoch in seconds", containerLabels);
        Family nodeCpu = new Family("node_cpu_usage_seconds_total", "counter",
                "Cumulative cpu time consumed by the node in core-seconds", List.of());
        Family nodeMemory = new Family("node_memory_working_set_bytes", "gauge",
                "Current working set of the node in bytes", List.of());
        Family podCpu = new Family("pod_cpu_usage_seconds_total", "counter",
                "Cumulative cpu time consumed by the pod in core-seconds", podLabels);
        Family podMemory = new Family("pod_memory_working_set_bytes", "gauge",
                "Current working set of the pod in bytes", podLabels);
        Family scrapeError = new Family("resource_scrape_error", "gauge",
                "1 if there was an error while getting container metrics, 0 otherwise", List.of());

        if (node != null) {
            if (node.cpu() != null && node.cpu().coreNanoSeconds() >= 0) {
                nodeCpu.samples().add(new Sample(List.of(), seconds(node.cpu().coreNanoSeconds()), node.cpu().time()));
            }
            if (node.memory() != null && node.memory().workingSetBytes() >= 0) {
                nodeMemory.samples().add(new Sample(List.of(), node.memory().workingSetBytes(), node.memory().time()));
            }
        }
        for (PodUsage pod : pods) {
            String namespace = pod.pod().namespace();
            String name = pod.pod().name();
            for (ContainerUsage container : pod.containers()) {
                List<String> labels = List.of(container.container(), namespace, name);
                if (container.started() != null && container.started().getEpochSecond() > 0) {
                    containerStart.samples().add(new Sample(labels, container.started().getEpochSecond()
                            + container.started().getNano() / 1e9, null));
                }
                addCpu(containerCpu, labels, container.cpu());
                addMemory(containerMemory, labels, container.memory());
            }
            addCpu(podCpu, List.of(namespace, name), pod.cpu());
            addMemory(podMemory, List.of(namespace, name), pod.memory());
        }
        scrapeError.samples().add(new Sample(List.of(), failure == null ? 0 : 1, null));

        StringBuilder text = new StringBuilder();
        if (failure != null) {
            text.append("# ").append(failure.replace('\n', ' ')).append('\n');
        }
        for (Family family : List.of(containerCpu, containerMemory, containerStart, nodeCpu, nodeMemory, podCpu,
                podMemory, scrapeError)) {
            write(text, family);
        }
        return text.toString();
    }

    private static void addCpu(Family family, List<String> labels, CpuUsage cpu) {
        if (cpu != null && cpu.coreNanoSeconds() >= 0) {
            family.samples().add(new Sample(labels, seconds(cpu.coreNanoSeconds()), cpu.time()));
        }
    }

    private static void addMemory(Family family, List<String> labels, MemoryUsage memory) {
        if (memory != null && memory.workingSetBytes() >= 0) {
            family.samples().add(new Sample(labels, memory.workingSetBytes(), memory.time()));
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static final Comparator<List<String>> LABEL_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int order = a.get(i).compareTo(b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    private static void write(StringBuilder text, Family family) {
        if (family.samples().isEmpty()) {
            return;
        }
        family.samples().sort(Comparator.comparing(Sample::labelValues, LABEL_ORDER));
        text.append("# HELP ").append(family.name()).append(" [STABLE] ").append(escapeHelp(family.help()))
                .append('\n');
        text.append("# TYPE ").append(family.name()).append(' ').append(family.type()).append('\n');
        for (Sample sample : family.samples()) {
            text.append(family.name());
            if (!family.labelNames().isEmpty()) {
                text.append('{');
                for (int i = 0; i < family.labelNames().size(); i++) {
                    if (i > 0) {
                        text.append(',');
                    }
                    text.append(family.labelNames().get(i)).append("=\"")
                            .append(escapeLabel(sample.labelValues().get(i))).append('"');
                }
                text.append('}');
            }
            text.append(' ').append(goFloat(sample.value()));
            if (sample.time() != null) {
                text.append(' ').append(sample.time().toEpochMilli());
            }
            text.append('\n');
        }
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A float as Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} writes it, which the Prometheus client uses. */
    static String goFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return (1 / value) < 0 ? "-0" : "0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
        if (exponent < -4 || exponent >= 6) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            if (magnitude < 10) {
                out.append('0');
            }
            out.append(magnitude);
        } else if (exponent < 0) {
            out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
        } else if (digits.length() <= exponent + 1) {
            out.append(digits).append("0".repeat(exponent + 1 - digits.length()));
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }
}
