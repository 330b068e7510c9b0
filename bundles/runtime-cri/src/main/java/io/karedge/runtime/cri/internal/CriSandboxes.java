package io.karedge.runtime.cri.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import io.karedge.runtime.cri.v1.PodSandbox;
import io.karedge.runtime.cri.v1.PodSandboxConfig;
import io.karedge.runtime.cri.v1.PodSandboxState;
import io.karedge.runtime.cri.v1.PodSandboxStatusRequest;
import io.karedge.runtime.cri.v1.PodSandboxStatusResponse;
import io.karedge.runtime.cri.v1.RemovePodSandboxRequest;
import io.karedge.runtime.cri.v1.RunPodSandboxRequest;
import io.karedge.runtime.cri.v1.StopPodSandboxRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's sandbox: the newest ready one is kept (the launcher's after a reboot, too); otherwise those that
 * are left are removed and a new one is created with the next attempt number, its log directory first. The
 * pods-first plan follows the sandbox's attempt.
 */
final class CriSandboxes {

    /** Logs as the CRI runtime, whose lines these have always been. */
    private static final Logger LOG = LoggerFactory.getLogger(CriPodRuntime.class);

    private final CriClient client;
    private final CriSettings settings;
    private final CriConfigs configs;
    private final CriCalls calls;
    private final PodsFirstRecorder podsFirst;

    CriSandboxes(CriClient client, CriSettings settings, CriConfigs configs, CriCalls calls,
                 PodsFirstRecorder podsFirst) {
        this.client = client;
        this.settings = settings;
        this.configs = configs;
        this.calls = calls;
        this.podsFirst = podsFirst;
    }

    SandboxInfo sync(PodDescriptor pod) throws PodRuntimeException {
        podsFirst.awaitLauncher();
        List<PodSandbox> sandboxes = calls.sandboxes(pod.ref().uid());
        Optional<PodSandbox> ready = sandboxes.stream().filter(s -> s.getState() == PodSandboxState.SANDBOX_READY)
                .max(Comparator.comparingLong(PodSandbox::getCreatedAt));
        if (ready.isPresent()) {
            podsFirst.update(pod, ready.get().getMetadata().getAttempt());
            return info(ready.get());
        }
        int attempt = 0;
        for (PodSandbox old : sandboxes) {
            attempt = Math.max(attempt, old.getMetadata().getAttempt() + 1);
            remove(old.getId());
        }
        PodSandboxConfig config = configs.sandboxConfig(pod, attempt);
        try {
            Files.createDirectories(Path.of(config.getLogDirectory()));
            String id = calls.call("CreatePodSandboxError", () -> client.runtime().runPodSandbox(
                    RunPodSandboxRequest.newBuilder().setConfig(config).setRuntimeHandler(settings.runtimeHandler())
                            .build()).getPodSandboxId());
            LOG.info("Pod {}: sandbox {} created", pod.ref(), CriCalls.shortId(id));
            PodSandboxStatusResponse status = calls.call("CreatePodSandboxError", () -> client.runtime()
                    .podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()));
            podsFirst.update(pod, attempt);
            return new SandboxInfo(id, status.getStatus().getState() == PodSandboxState.SANDBOX_READY,
                    status.getStatus().getNetwork().getIp(), CriCalls.nanos(status.getStatus().getCreatedAt()),
                    attempt);
        } catch (IOException e) {
            throw new PodRuntimeException("CreatePodSandboxError", "cannot create the log directory: " + e);
        }
    }

    /** Stops and removes every sandbox of the pod with this uid. */
    void removeAll(String uid) throws PodRuntimeException {
        for (PodSandbox sandbox : calls.sandboxes(uid)) {
            remove(sandbox.getId());
        }
    }

    private void remove(String id) throws PodRuntimeException {
        try {
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw new PodRuntimeException("KillPodSandboxError", CriCalls.describe(e), e);
            }
        }
        try {
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw new PodRuntimeException("KillPodSandboxError", CriCalls.describe(e), e);
            }
        }
    }

    private static SandboxInfo info(PodSandbox sandbox) {
        return new SandboxInfo(sandbox.getId(), sandbox.getState() == PodSandboxState.SANDBOX_READY, null,
                CriCalls.nanos(sandbox.getCreatedAt()), sandbox.getMetadata().getAttempt());
    }
}
