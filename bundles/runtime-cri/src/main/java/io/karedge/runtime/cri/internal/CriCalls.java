package io.karedge.runtime.cri.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karedge.pod.PodRuntimeException;
import io.karedge.runtime.cri.v1.Container;
import io.karedge.runtime.cri.v1.ContainerFilter;
import io.karedge.runtime.cri.v1.ListContainersRequest;
import io.karedge.runtime.cri.v1.ListPodSandboxRequest;
import io.karedge.runtime.cri.v1.PodSandbox;
import io.karedge.runtime.cri.v1.PodSandboxFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * CRI calls as the pod runtime makes them: a failed call becomes a {@link PodRuntimeException} with the
 * reason kubelet would show, or {@link CriPodRuntime#UNAVAILABLE_REASON} with a hint when nothing answers on
 * the socket; also the lookups of a pod's sandboxes and containers by its uid label, and the conversions of
 * CRI values.
 */
final class CriCalls {

    interface Call<T> {
        T run();
    }

    private final CriClient client;
    private final CriSettings settings;

    CriCalls(CriClient client, CriSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    <T> T call(String reason, Call<T> call) throws PodRuntimeException {
        try {
            return call.run();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                throw unavailable(e);
            }
            throw new PodRuntimeException(reason, describe(e), e);
        }
    }

    /** The runtime does not answer at all: say where it was looked for, and what is there. */
    private PodRuntimeException unavailable(StatusRuntimeException e) {
        String endpoint = settings.endpoint();
        String found = Files.exists(Path.of(endpoint)) ? "the socket exists but nothing answers on it"
                : "there is no such socket";
        return new PodRuntimeException(CriPodRuntime.UNAVAILABLE_REASON, "the container runtime at " + endpoint
                + " does not answer (" + found + "): is containerd running? The socket is set by 'endpoint' in "
                + "etc/" + CriRuntimeComponent.PID + ".cfg", e);
    }

    /** @return the sandboxes of the pod with this uid, in any state */
    List<PodSandbox> sandboxes(String uid) throws PodRuntimeException {
        return call("Unknown", () -> client.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(CriPodRuntime.LABEL_POD_UID, uid)).build())
                .getItemsList());
    }

    /** @return the containers of the pod with this uid, every instance in any state */
    List<Container> containers(String uid) throws PodRuntimeException {
        return call("Unknown", () -> client.runtime().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().putLabelSelector(CriPodRuntime.LABEL_POD_UID, uid)).build())
                .getContainersList());
    }

    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        return status.getDescription() == null ? status.getCode().toString()
                : status.getCode() + ": " + status.getDescription();
    }

    static Instant nanos(long nanos) {
        return nanos <= 0 ? null : Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
