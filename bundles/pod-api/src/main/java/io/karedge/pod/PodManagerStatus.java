package io.karedge.pod;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** A read-only view of the pod manager: snapshots, cheap to take, safe from any thread. */
@ProviderType
public interface PodManagerStatus {

    /** @return every pod of this node the manager knows, ordered by namespace and name */
    List<PodInfo> pods();

    Optional<PodInfo> pod(String namespace, String name);

    /**
     * Reads a container's log.
     *
     * @param container the container, or {@code null} for the pod's only (or first) container
     * @return the lines from {@code offset} on; {@link LogChunk#found()} is false for an unknown pod or container
     */
    LogChunk log(String namespace, String name, String container, boolean previous, long offset, int maxBytes);

    /**
     * Prepares an exec or attach stream into a container of a pod (see {@link PodRuntime#streamUrl}).
     *
     * @param container the container, or {@code null} for the pod's only (or first) container
     * @return the URL where the stream is opened, once
     * @throws PodRuntimeException reason {@code PodNotFound}, {@code ContainerNotFound},
     *                             {@code ContainerNotRunning}, {@code StreamingNotSupported} or the runtime's
     */
    default URI stream(String namespace, String name, String container, StreamRequest request)
            throws PodRuntimeException {
        throw new PodRuntimeException("StreamingNotSupported", "this pod manager does not stream into containers");
    }

    /**
     * Measures what the pods of this node use, from their runtimes (see {@link PodRuntime#usage()}): one entry
     * per pod with at least one running container that its runtime measures, ordered by namespace and name.
     *
     * @throws PodRuntimeException if a runtime cannot be asked; nothing is reported then, as the kubelet does
     */
    default List<PodUsage> usage() throws PodRuntimeException {
        return List.of();
    }

    /**
     * How the pods of the node's last run came back after this start (see {@link PodRestore}).
     *
     * @return empty if this pod manager does not track it
     * @since 1.2
     */
    default Optional<PodRestore> restore() {
        return Optional.empty();
    }
}
