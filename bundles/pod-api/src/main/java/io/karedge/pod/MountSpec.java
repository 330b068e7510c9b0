package io.karedge.pod;

import java.util.Objects;

/**
 * A volume mount, already resolved to a path on the node.
 *
 * @param volume        the volume's name in the pod
 * @param hostPath      the file or directory on the node
 * @param containerPath where it appears in the container
 * @param readOnly      whether it is mounted read-only
 */
public record MountSpec(String volume, String hostPath, String containerPath, boolean readOnly) {

    public MountSpec {
        Objects.requireNonNull(hostPath, "hostPath");
        Objects.requireNonNull(containerPath, "containerPath");
    }
}
