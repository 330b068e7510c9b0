package io.karedge.runtime.cri.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import io.karedge.runtime.cri.v1.Container;
import io.karedge.runtime.cri.v1.ContainerStatus;
import io.karedge.runtime.cri.v1.ContainerStatusRequest;
import io.karedge.runtime.cri.v1.PodSandbox;
import io.karedge.runtime.cri.v1.PodSandboxState;
import io.karedge.runtime.cri.v1.PodSandboxStatusRequest;
import io.karedge.runtime.cri.v1.PodSandboxStatusResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the runtime runs of a pod, as the pod manager sees it: the newest sandbox (a ready one first) with its
 * address, and the newest instance of each container mapped to a {@link ContainerObservation}, its id in the
 * runtime's scheme ({@code containerd://...}).
 */
final class CriPodStatus {

    private final CriClient client;
    private final CriCalls calls;

    CriPodStatus(CriClient client, CriCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    PodObservation status(PodRef pod, String idScheme) throws PodRuntimeException {
        List<PodSandbox> sandboxes = calls.sandboxes(pod.uid());
        SandboxInfo sandbox = null;
        Optional<PodSandbox> latest = sandboxes.stream().max(Comparator
                .comparing((PodSandbox s) -> s.getState() == PodSandboxState.SANDBOX_READY)
                .thenComparingLong(PodSandbox::getCreatedAt));
        if (latest.isPresent()) {
            PodSandboxStatusResponse status = calls.call("Unknown", () -> client.runtime().podSandboxStatus(
                    PodSandboxStatusRequest.newBuilder().setPodSandboxId(latest.get().getId()).build()));
            sandbox = new SandboxInfo(latest.get().getId(),
                    status.getStatus().getState() == PodSandboxState.SANDBOX_READY,
                    status.getStatus().getNetwork().getIp(), CriCalls.nanos(status.getStatus().getCreatedAt()),
                    latest.get().getMetadata().getAttempt());
        }
        Map<String, Container> newest = new TreeMap<>();
        for (Container container : calls.containers(pod.uid())) {
            newest.merge(container.getMetadata().getName(), container,
                    (a, b) -> a.getMetadata().getAttempt() >= b.getMetadata().getAttempt() ? a : b);
        }
        List<ContainerObservation> observations = new ArrayList<>();
        for (Container container : newest.values()) {
            try {
                ContainerStatus status = client.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                        .setContainerId(container.getId()).build()).getStatus();
                observations.add(observation(status, idScheme));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw new PodRuntimeException("Unknown", CriCalls.describe(e), e);
                }
            }
        }
        return new PodObservation(pod, sandbox, observations);
    }

    private static ContainerObservation observation(ContainerStatus status, String idScheme) {
        ContainerObservation.State state = switch (status.getState()) {
            case CONTAINER_CREATED -> ContainerObservation.State.CREATED;
            case CONTAINER_RUNNING -> ContainerObservation.State.RUNNING;
            case CONTAINER_EXITED -> ContainerObservation.State.EXITED;
            default -> ContainerObservation.State.UNKNOWN;
        };
        return new ContainerObservation(status.getMetadata().getName(), idScheme + "://" + status.getId(),
                status.getMetadata().getAttempt(), state, status.getExitCode(),
                CriCalls.emptyToNull(status.getReason()), CriCalls.emptyToNull(status.getMessage()),
                CriCalls.nanos(status.getCreatedAt()), CriCalls.nanos(status.getStartedAt()),
                CriCalls.nanos(status.getFinishedAt()), status.getImage().getImage(),
                CriCalls.emptyToNull(status.getImageRef()));
    }
}
