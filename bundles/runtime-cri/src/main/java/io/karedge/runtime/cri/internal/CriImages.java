package io.karedge.runtime.cri.internal;

import io.grpc.StatusRuntimeException;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.PodRuntimeException;
import io.karedge.runtime.cri.v1.ImageSpec;
import io.karedge.runtime.cri.v1.ImageStatusRequest;
import io.karedge.runtime.cri.v1.ImageStatusResponse;
import io.karedge.runtime.cri.v1.PullImageRequest;

/**
 * A container's image made present before the container is created, by its pull policy as kubelet does it:
 * {@code Always} pulls, {@code Never} only checks, anything else pulls what is missing (with the pull's own
 * deadline). Failures carry kubelet's reasons ({@code InvalidImageName}, {@code ErrImagePull},
 * {@code ErrImageNeverPull}).
 */
final class CriImages {

    private final CriClient client;
    private final CriSettings settings;
    private final CriCalls calls;

    CriImages(CriClient client, CriSettings settings, CriCalls calls) {
        this.client = client;
        this.settings = settings;
        this.calls = calls;
    }

    void ensure(ContainerDescriptor container) throws PodRuntimeException {
        String image = container.image();
        if (image.isBlank()) {
            throw new PodRuntimeException("InvalidImageName", "container " + container.name() + " names no image");
        }
        boolean present;
        if ("Always".equals(container.imagePullPolicy())) {
            present = false;
        } else {
            ImageStatusResponse status = calls.call("ErrImagePull", () -> client.images().imageStatus(
                    ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()));
            present = status.hasImage() && !status.getImage().getId().isEmpty();
        }
        if (present) {
            return;
        }
        if ("Never".equals(container.imagePullPolicy())) {
            throw new PodRuntimeException("ErrImageNeverPull", "Container image \"" + image
                    + "\" is not present with pull policy of Never");
        }
        try {
            client.images(settings.pullTimeoutMillis()).pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image)).build());
        } catch (StatusRuntimeException e) {
            throw new PodRuntimeException("ErrImagePull", "Failed to pull image \"" + image + "\": "
                    + CriCalls.describe(e), e);
        }
    }
}
