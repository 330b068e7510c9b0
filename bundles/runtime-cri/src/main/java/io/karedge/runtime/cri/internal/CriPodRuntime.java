package io.karedge.runtime.cri.internal;

import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerUsage;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import io.karedge.pod.StreamRequest;
import io.karedge.runtime.cri.v1.AttachRequest;
import io.karedge.runtime.cri.v1.Container;
import io.karedge.runtime.cri.v1.ContainerState;
import io.karedge.runtime.cri.v1.ExecRequest;
import io.karedge.runtime.cri.v1.ListPodSandboxRequest;
import io.karedge.runtime.cri.v1.PodSandbox;
import io.karedge.runtime.cri.v1.PodSandboxFilter;
import io.karedge.runtime.cri.v1.PodSandboxMetadata;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pods on a CRI v1 runtime the way kubelet does: one sandbox per pod (host network: the node's
 * network namespace and no host name; a PID namespace per container), containers created with attempt
 * numbers, kubelet's labels on everything so that pods are found again, logs in
 * {@code <log dir>/<ns>_<name>_<uid>/<container>/<attempt>.log}. The sandboxes are {@link CriSandboxes}', the
 * container instances {@link CriContainers}', the statuses {@link CriPodStatus}' and the restore plan
 * {@link PodsFirstRecorder}'s; here: killing and listing pods, their logs, streams and usage.
 */
final class CriPodRuntime implements PodRuntime {

    static final String LABEL_POD_NAME = "io.kubernetes.pod.name";
    static final String LABEL_POD_NAMESPACE = "io.kubernetes.pod.namespace";
    static final String LABEL_POD_UID = "io.kubernetes.pod.uid";
    static final String LABEL_CONTAINER_NAME = "io.kubernetes.container.name";
    static final String LABEL_MANAGED = "karedge.io/managed";

    private static final Logger LOG = LoggerFactory.getLogger(CriPodRuntime.class);

    /** The reason of every failure while the runtime's socket does not answer. */
    static final String UNAVAILABLE_REASON = "RuntimeUnavailable";

    private final CriClient client;
    private final CriConfigs configs;
    private final CriCalls calls;
    private final PodsFirstRecorder podsFirst;
    private final CriSandboxes sandboxes;
    private final CriContainers containers;
    private final CriPodStatus statuses;
    private final CriUsage usage;
    private volatile String idScheme = "containerd";

    CriPodRuntime(CriClient client, CriSettings settings) {
        this.client = client;
        this.configs = new CriConfigs(settings);
        this.calls = new CriCalls(client, settings);
        this.podsFirst = new PodsFirstRecorder(settings, configs, calls);
        this.sandboxes = new CriSandboxes(client, settings, configs, calls, podsFirst);
        this.containers = new CriContainers(client, settings, configs, calls, podsFirst);
        this.statuses = new CriPodStatus(client, calls);
        this.usage = new CriUsage(client, calls);
    }

    void runtimeName(String name) {
        if (name != null && !name.isBlank()) {
            idScheme = name;
        }
    }

    @Override
    public SandboxInfo syncSandbox(PodDescriptor pod) throws PodRuntimeException {
        return sandboxes.sync(pod);
    }

    @Override
    public String startContainer(PodDescriptor pod, SandboxInfo sandbox, ContainerDescriptor container, int attempt)
            throws PodRuntimeException {
        return idScheme + "://" + containers.start(pod, sandbox, container, attempt);
    }

    @Override
    public PodObservation status(PodRef pod) throws PodRuntimeException {
        return statuses.status(pod, idScheme);
    }

    @Override
    public PodObservation kill(PodRef pod, Duration gracePeriod) throws PodRuntimeException {
        podsFirst.forget(pod);
        containers.stopAll(pod, gracePeriod);
        PodObservation last = status(pod);
        sandboxes.removeAll(pod.uid());
        removeLogs(pod);
        LOG.info("Pod {}: containers stopped, sandbox removed", pod);
        return last;
    }

    /** Removes the pod's logs; called once the pod is gone for good. */
    void removeLogs(PodRef pod) {
        Path dir = configs.logDirectory(pod);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.debug("Cannot remove logs of {}: {}", pod, e.toString());
        }
    }

    @Override
    public List<PodObservation> list() throws PodRuntimeException {
        List<PodSandbox> sandboxes = calls.call("Unknown", () -> client.runtime().listPodSandbox(ListPodSandboxRequest
                .newBuilder().setFilter(PodSandboxFilter.newBuilder().putLabelSelector(LABEL_MANAGED, "true"))
                .build()).getItemsList());
        Map<String, PodRef> refs = new LinkedHashMap<>();
        for (PodSandbox sandbox : sandboxes) {
            PodSandboxMetadata metadata = sandbox.getMetadata();
            refs.putIfAbsent(metadata.getUid(), new PodRef(metadata.getUid(), metadata.getNamespace(), metadata.getName()));
        }
        List<PodObservation> pods = new ArrayList<>();
        for (PodRef ref : refs.values()) {
            pods.add(status(ref));
        }
        return pods;
    }

    @Override
    public LogChunk readLog(PodRef pod, String container, boolean previous, long offset, int maxBytes) {
        Optional<Path> file = CriLogs.file(configs.logDirectory(pod).resolve(container), previous);
        if (file.isEmpty()) {
            return LogChunk.missing();
        }
        try {
            return CriLogs.read(file.get(), offset, maxBytes);
        } catch (IOException e) {
            return LogChunk.missing();
        }
    }

    @Override
    public URI streamUrl(PodRef pod, String container, StreamRequest request) throws PodRuntimeException {
        Container running = calls.containers(pod.uid()).stream()
                .filter(c -> c.getMetadata().getName().equals(container))
                .filter(c -> c.getState() == ContainerState.CONTAINER_RUNNING)
                .max(Comparator.comparingLong(Container::getCreatedAt))
                .orElseThrow(() -> new PodRuntimeException("ContainerNotRunning", "container " + container
                        + " of pod " + pod.namespace() + "/" + pod.name() + " is not running"));
        String url = switch (request.kind()) {
            case EXEC -> calls.call("StreamError", () -> client.runtime().exec(ExecRequest.newBuilder()
                    .setContainerId(running.getId()).addAllCmd(request.command()).setTty(request.tty())
                    .setStdin(request.stdin()).setStdout(request.stdout()).setStderr(request.stderr()).build())
                    .getUrl());
            case ATTACH -> calls.call("StreamError", () -> client.runtime().attach(AttachRequest.newBuilder()
                    .setContainerId(running.getId()).setTty(request.tty()).setStdin(request.stdin())
                    .setStdout(request.stdout()).setStderr(request.stderr()).build()).getUrl());
        };
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || uri.getScheme() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new PodRuntimeException("StreamError", "the runtime answered a streaming URL that is not usable: "
                    + url + " (" + e.getMessage() + ")");
        }
    }

    /**
     * CPU and memory of the running containers of the pods this runtime runs, from CRI
     * {@code ListContainerStats}; the start time is the container's creation, as the kubelet reports it.
     */
    @Override
    public List<ContainerUsage> usage() throws PodRuntimeException {
        return usage.usage();
    }
}
