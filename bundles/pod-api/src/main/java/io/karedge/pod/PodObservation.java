package io.karedge.pod;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a runtime runs for one pod.
 *
 * @param ref        the pod
 * @param sandbox    its sandbox, or {@code null} if it has none
 * @param containers the latest instance of each container it has
 */
public record PodObservation(PodRef ref, SandboxInfo sandbox, List<ContainerObservation> containers) {

    public PodObservation {
        Objects.requireNonNull(ref, "ref");
        containers = List.copyOf(containers);
    }

    public Optional<ContainerObservation> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
