package io.karedge.api.node;

import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the node's container runtime says about itself, for the node status the cloud sees
 * ({@code nodeInfo.containerRuntimeVersion}, {@code images}, the Ready condition). Registered by the pod
 * manager while a runtime answers; absent when no runtime is configured.
 *
 * @since 1.1
 */
@ProviderType
public interface ContainerRuntimeInfo {

    /** @return e.g. {@code containerd://1.6.20}, in the form kubelet reports */
    String runtimeVersion();

    /** @return whether the runtime answered its last status call with RuntimeReady */
    boolean ready();

    /** @return why it is not ready, or {@code null} */
    String reason();

    /** @return the images present, as kubelet lists them in the node status */
    List<Image> images();

    /**
     * One image.
     *
     * @param names     its tags and digests ({@code localhost/karedge/busybox:1})
     * @param sizeBytes its size
     */
    record Image(List<String> names, long sizeBytes) {

        public Image {
            names = List.copyOf(Objects.requireNonNull(names, "names"));
        }
    }
}
