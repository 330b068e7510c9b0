package io.karedge.runtime.cri.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import io.karedge.runtime.cri.v1.Container;
import io.karedge.runtime.cri.v1.ContainerConfig;
import io.karedge.runtime.cri.v1.ContainerState;
import io.karedge.runtime.cri.v1.CreateContainerRequest;
import io.karedge.runtime.cri.v1.PodSandboxConfig;
import io.karedge.runtime.cri.v1.RemoveContainerRequest;
import io.karedge.runtime.cri.v1.StartContainerRequest;
import io.karedge.runtime.cri.v1.StopContainerRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's containers: an instance created and started in the pod's sandbox with its attempt number (image
 * first, instances older than the previous one removed with their logs, the pods-first plan told), and every
 * instance stopped within a grace period when the pod is killed.
 */
final class CriContainers {

    /** Logs as the CRI runtime, whose lines these have always been. */
    private static final Logger LOG = LoggerFactory.getLogger(CriPodRuntime.class);

    private final CriClient client;
    private final CriSettings settings;
    private final CriConfigs configs;
    private final CriCalls calls;
    private final CriImages images;
    private final PodsFirstRecorder podsFirst;

    CriContainers(CriClient client, CriSettings settings, CriConfigs configs, CriCalls calls,
                  PodsFirstRecorder podsFirst) {
        this.client = client;
        this.settings = settings;
        this.configs = configs;
        this.calls = calls;
        this.images = new CriImages(client, settings, calls);
        this.podsFirst = podsFirst;
    }

    /** @return the runtime's id of the instance started */
    String start(PodDescriptor pod, SandboxInfo sandbox, ContainerDescriptor container, int attempt)
            throws PodRuntimeException {
        images.ensure(container);
        removeOldInstances(pod.ref(), container.name(), attempt);
        ContainerConfig config = configs.containerConfig(pod, container, attempt);
        PodSandboxConfig sandboxConfig = configs.sandboxConfig(pod, sandbox.attempt());
        try {
            Files.createDirectories(configs.logDirectory(pod.ref()).resolve(container.name()));
        } catch (IOException e) {
            throw new PodRuntimeException("CreateContainerError", "cannot create the log directory: " + e);
        }
        String id = calls.call("CreateContainerError", () -> client.runtime().createContainer(CreateContainerRequest
                .newBuilder().setPodSandboxId(sandbox.id()).setConfig(config).setSandboxConfig(sandboxConfig).build())
                .getContainerId());
        calls.call("RunContainerError", () -> client.runtime().startContainer(
                StartContainerRequest.newBuilder().setContainerId(id).build()));
        LOG.debug("Pod {}: container {} attempt {} is {}", pod.ref(), container.name(), attempt,
                CriCalls.shortId(id));
        podsFirst.containerStarted(pod, container.name(), attempt, sandbox.attempt());
        return id;
    }

    private void removeOldInstances(PodRef ref, String name, int attempt) throws PodRuntimeException {
        for (Container old : calls.containers(ref.uid())) {
            if (name.equals(old.getMetadata().getName()) && old.getMetadata().getAttempt() < attempt - 1
                    && old.getState() != ContainerState.CONTAINER_RUNNING) {
                try {
                    client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(old.getId())
                            .build());
                    Files.deleteIfExists(configs.logDirectory(ref).resolve(name)
                            .resolve(old.getMetadata().getAttempt() + ".log"));
                } catch (StatusRuntimeException | IOException e) {
                    LOG.debug("Cannot remove old instance {} of {}: {}", CriCalls.shortId(old.getId()), name,
                            e.toString());
                }
            }
        }
    }

    /** Stops the pod's created and running instances, each given the grace period before it is killed. */
    void stopAll(PodRef pod, Duration gracePeriod) throws PodRuntimeException {
        long graceSeconds = Math.max(0, gracePeriod.toSeconds());
        for (Container container : calls.containers(pod.uid())) {
            if (container.getState() == ContainerState.CONTAINER_RUNNING
                    || container.getState() == ContainerState.CONTAINER_CREATED) {
                try {
                    client.runtime(graceSeconds * 1000 + settings.timeoutMillis()).stopContainer(
                            StopContainerRequest.newBuilder().setContainerId(container.getId())
                                    .setTimeout(graceSeconds).build());
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        throw new PodRuntimeException("KillContainerError", CriCalls.describe(e), e);
                    }
                }
            }
        }
    }
}
