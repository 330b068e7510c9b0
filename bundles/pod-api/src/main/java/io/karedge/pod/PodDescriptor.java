package io.karedge.pod;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod as a runtime needs it.
 *
 * @param ref           uid, namespace and name
 * @param runtimeClass  the runtime class ({@link PodRuntime#DEFAULT_CLASS} when the pod names none)
 * @param hostNetwork   whether the pod uses the node's network namespace
 * @param hostname      the pod's host name (ignored with {@code hostNetwork})
 * @param labels        the pod's labels
 * @param annotations   the pod's annotations
 * @param containers    the containers, in order
 * @param gracePeriod   termination grace period
 * @param podDirectory  the pod's directory on the node ({@code <data dir>/pods/<uid>})
 */
public record PodDescriptor(PodRef ref, String runtimeClass, boolean hostNetwork, String hostname,
                            Map<String, String> labels, Map<String, String> annotations,
                            List<ContainerDescriptor> containers, Duration gracePeriod, Path podDirectory) {

    public PodDescriptor {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(runtimeClass, "runtimeClass");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        containers = List.copyOf(containers);
        gracePeriod = gracePeriod == null ? Duration.ofSeconds(30) : gracePeriod;
    }

    /** @return the host ports of all containers */
    public List<PortSpec> ports() {
        return containers.stream().flatMap(c -> c.ports().stream()).toList();
    }
}
