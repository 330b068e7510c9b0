package io.karedge.runtime.cri.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import io.karedge.pod.StreamRequest;
import io.karedge.pod.ContainerUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import io.karedge.runtime.cri.v1.ContainerStateValue;
import io.karedge.runtime.cri.v1.ContainerStats;
import io.karedge.runtime.cri.v1.ContainerStatsFilter;
import io.karedge.runtime.cri.v1.ListContainerStatsRequest;
import io.karedge.runtime.cri.v1.Container;
import io.karedge.runtime.cri.v1.ContainerConfig;
import io.karedge.runtime.cri.v1.ContainerFilter;
import io.karedge.runtime.cri.v1.AttachRequest;
import io.karedge.runtime.cri.v1.ContainerState;
import io.karedge.runtime.cri.v1.ExecRequest;
import io.karedge.runtime.cri.v1.ContainerStatus;
import io.karedge.runtime.cri.v1.ContainerStatusRequest;
import io.karedge.runtime.cri.v1.CreateContainerRequest;
import io.karedge.runtime.cri.v1.ImageSpec;
import io.karedge.runtime.cri.v1.ImageStatusRequest;
import io.karedge.runtime.cri.v1.ImageStatusResponse;
import io.karedge.runtime.cri.v1.ListContainersRequest;
import io.karedge.runtime.cri.v1.ListPodSandboxRequest;
import io.karedge.runtime.cri.v1.PodSandbox;
import io.karedge.runtime.cri.v1.PodSandboxConfig;
import io.karedge.runtime.cri.v1.PodSandboxFilter;
import io.karedge.runtime.cri.v1.PodSandboxMetadata;
import io.karedge.runtime.cri.v1.PodSandboxState;
import io.karedge.runtime.cri.v1.PodSandboxStatusRequest;
import io.karedge.runtime.cri.v1.PodSandboxStatusResponse;
import io.karedge.runtime.cri.v1.PullImageRequest;
import io.karedge.runtime.cri.v1.RemoveContainerRequest;
import io.karedge.runtime.cri.v1.RemovePodSandboxRequest;
import io.karedge.runtime.cri.v1.RunPodSandboxRequest;
import io.karedge.runtime.cri.v1.StartContainerRequest;
import io.karedge.runtime.cri.v1.StopContainerRequest;
import io.karedge.runtime.cri.v1.StopPodSandboxRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pods on a CRI v1 runtime the way kubelet does: one sandbox per pod (host network: the node's
 * network namespace and no host name; a PID namespace per container), containers created with attempt
 * numbers, kubelet's labels on everything so that pods are found again, logs in
 * {@code <log dir>/<ns>_<name>_<uid>/<container>/<attempt>.log}.
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

    /** System property the pods-first launcher sets: {@code running} while it starts pods, then {@code done}. */
    static final String LAUNCHER_PROPERTY = "karedge.pods.first";
    private static final long LAUNCHER_WAIT_MILLIS = 20_000;

    private final CriClient client;
    private final CriSettings settings;
    private final CriConfigs configs;
    private final PodsFirstPlan plan;
    /** Per pod uid: container name to the attempt its next instance gets. */
    private final Map<String, Map<String, Integer>> nextAttempts = new ConcurrentHashMap<>();
    private volatile boolean launcherDone;
    private volatile String idScheme = "containerd";

    CriPodRuntime(CriClient client, CriSettings settings) {
        this.client = client;
        this.settings = settings;
        this.configs = new CriConfigs(settings);
        this.plan = settings.planDirectory() == null ? null : new PodsFirstPlan(settings.planDirectory());
    }

    void runtimeName(String name) {
        if (name != null && !name.isBlank()) {
            idScheme = name;
        }
    }

    // ------------------------------------------------------------------ sandbox

    @Override
    public SandboxInfo syncSandbox(PodDescriptor pod) throws PodRuntimeException {
        awaitLauncher();
        List<PodSandbox> sandboxes = sandboxes(pod.ref().uid());
        Optional<PodSandbox> ready = sandboxes.stream().filter(s -> s.getState() == PodSandboxState.SANDBOX_READY)
                .max(Comparator.comparingLong(PodSandbox::getCreatedAt));
        if (ready.isPresent()) {
            updatePlan(pod, ready.get().getMetadata().getAttempt());
            return info(ready.get());
        }
        int attempt = 0;
        for (PodSandbox old : sandboxes) {
            attempt = Math.max(attempt, old.getMetadata().getAttempt() + 1);
            removeSandbox(old.getId());
        }
        PodSandboxConfig config = configs.sandboxConfig(pod, attempt);
        try {
            Files.createDirectories(Path.of(config.getLogDirectory()));
            String id = call("CreatePodSandboxError", () -> client.runtime().runPodSandbox(
                    RunPodSandboxRequest.newBuilder().setConfig(config).setRuntimeHandler(settings.runtimeHandler())
                            .build()).getPodSandboxId());
            LOG.info("Pod {}: sandbox {} created", pod.ref(), shortId(id));
            PodSandboxStatusResponse status = call("CreatePodSandboxError", () -> client.runtime().podSandboxStatus(
                    PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()));
            updatePlan(pod, attempt);
            return new SandboxInfo(id, status.getStatus().getState() == PodSandboxState.SANDBOX_READY,
                    status.getStatus().getNetwork().getIp(), nanos(status.getStatus().getCreatedAt()), attempt);
        } catch (IOException e) {
            throw new PodRuntimeException("CreatePodSandboxError", "cannot create the log directory: " + e);
        }
    }

    // ------------------------------------------------------------------ containers

    @Override
    public String startContainer(PodDescriptor pod, SandboxInfo sandbox, ContainerDescriptor container, int attempt)
            throws PodRuntimeException {
        ensureImage(container);
        removeOldInstances(pod.ref(), container.name(), attempt);
        ContainerConfig config = configs.containerConfig(pod, container, attempt);
        PodSandboxConfig sandboxConfig = configs.sandboxConfig(pod, sandbox.attempt());
        try {
            Files.createDirectories(configs.logDirectory(pod.ref()).resolve(container.name()));
        } catch (IOException e) {
            throw new PodRuntimeException("CreateContainerError", "cannot create the log directory: " + e);
        }
        String id = call("CreateContainerError", () -> client.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandbox.id()).setConfig(config).setSandboxConfig(sandboxConfig).build())
                .getContainerId());
        call("RunContainerError", () -> client.runtime().startContainer(
                StartContainerRequest.newBuilder().setContainerId(id).build()));
        LOG.debug("Pod {}: container {} attempt {} is {}", pod.ref(), container.name(), attempt, shortId(id));
        if (plan != null) {
            nextAttempts.computeIfAbsent(pod.ref().uid(), uid -> new ConcurrentHashMap<>())
                    .merge(container.name(), attempt + 1, Math::max);
            updatePlan(pod, sandbox.attempt());
        }
        return idScheme + "://" + id;
    }

    // ------------------------------------------------------------------ pods-first

    /**
     * While the node's launcher still starts the pods of the plan (its first seconds), the manager's first
     * syncs wait for it, so that they adopt its sandboxes and containers instead of racing it.
     */
    private void awaitLauncher() {
        if (launcherDone) {
            return;
        }
        long end = System.nanoTime() + LAUNCHER_WAIT_MILLIS * 1_000_000L;
        try {
            while ("running".equals(System.getProperty(LAUNCHER_PROPERTY)) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launcherDone = true;
    }

    /**
     * Records the pod in the restore plan: the sandbox and container configurations the next boot sends, with
     * the next attempts. Pods whose images are always pulled stay out (the launcher pulls nothing).
     */
    private void updatePlan(PodDescriptor pod, int sandboxAttempt) {
        if (plan == null) {
            return;
        }
        String uid = pod.ref().uid();
        try {
            if (pod.containers().stream().anyMatch(c -> "Always".equals(c.imagePullPolicy()))) {
                plan.remove(uid);
                return;
            }
            Map<String, Integer> attempts = nextAttempts.get(uid);
            if (attempts == null) {
                attempts = new ConcurrentHashMap<>();
                for (Container instance : containers(uid)) {
                    attempts.merge(instance.getMetadata().getName(), instance.getMetadata().getAttempt() + 1,
                            Math::max);
                }
                nextAttempts.putIfAbsent(uid, attempts);
                attempts = nextAttempts.get(uid);
            }
            List<PodsFirstPlan.Container> containers = new ArrayList<>();
            for (ContainerDescriptor container : pod.containers()) {
                int attempt = attempts.getOrDefault(container.name(), 0);
                containers.add(new PodsFirstPlan.Container(container.name(), container.image(),
                        container.imagePullPolicy(), attempt, configs.containerConfig(pod, container, attempt).toByteArray()));
            }
            plan.update(uid, pod.ref().namespace(), pod.ref().name(), settings.endpoint(), settings.runtimeHandler(),
                    configs.logDirectory(pod.ref()), sandboxAttempt + 1, configs.sandboxConfig(pod, sandboxAttempt + 1).toByteArray(),
                    containers);
        } catch (PodRuntimeException | RuntimeException e) {
            LOG.debug("Restore plan of pod {} not updated: {}", pod.ref(), e.toString());
        }
    }

    /** Removes the pod from the restore plan (it is being killed). */
    private void forget(PodRef ref) {
        nextAttempts.remove(ref.uid());
        if (plan != null) {
            plan.remove(ref.uid());
        }
    }

    private void ensureImage(ContainerDescriptor container) throws PodRuntimeException {
        String image = container.image();
        if (image.isBlank()) {
            throw new PodRuntimeException("InvalidImageName", "container " + container.name() + " names no image");
        }
        boolean present;
        if ("Always".equals(container.imagePullPolicy())) {
            present = false;
        } else {
            ImageStatusResponse status = call("ErrImagePull", () -> client.images().imageStatus(
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
                    + describe(e), e);
        }
    }

    private void removeOldInstances(PodRef ref, String name, int attempt) throws PodRuntimeException {
        for (Container old : containers(ref.uid())) {
            if (name.equals(old.getMetadata().getName()) && old.getMetadata().getAttempt() < attempt - 1
                    && old.getState() != ContainerState.CONTAINER_RUNNING) {
                try {
                    client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(old.getId())
                            .build());
                    Files.deleteIfExists(configs.logDirectory(ref).resolve(name).resolve(old.getMetadata().getAttempt() + ".log"));
                } catch (StatusRuntimeException | IOException e) {
                    LOG.debug("Cannot remove old instance {} of {}: {}", shortId(old.getId()), name, e.toString());
                }
            }
        }
    }

    // ------------------------------------------------------------------ status

    @Override
    public PodObservation status(PodRef pod) throws PodRuntimeException {
        List<PodSandbox> sandboxes = sandboxes(pod.uid());
        SandboxInfo sandbox = null;
        Optional<PodSandbox> latest = sandboxes.stream().max(Comparator
                .comparing((PodSandbox s) -> s.getState() == PodSandboxState.SANDBOX_READY)
                .thenComparingLong(PodSandbox::getCreatedAt));
        if (latest.isPresent()) {
            PodSandboxStatusResponse status = call("Unknown", () -> client.runtime().podSandboxStatus(
                    PodSandboxStatusRequest.newBuilder().setPodSandboxId(latest.get().getId()).build()));
            sandbox = new SandboxInfo(latest.get().getId(),
                    status.getStatus().getState() == PodSandboxState.SANDBOX_READY,
                    status.getStatus().getNetwork().getIp(), nanos(status.getStatus().getCreatedAt()),
                    latest.get().getMetadata().getAttempt());
        }
        Map<String, Container> newest = new TreeMap<>();
        for (Container container : containers(pod.uid())) {
            newest.merge(container.getMetadata().getName(), container,
                    (a, b) -> a.getMetadata().getAttempt() >= b.getMetadata().getAttempt() ? a : b);
        }
        List<ContainerObservation> observations = new ArrayList<>();
        for (Container container : newest.values()) {
            try {
                ContainerStatus status = client.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                        .setContainerId(container.getId()).build()).getStatus();
                observations.add(observation(status));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw new PodRuntimeException("Unknown", describe(e), e);
                }
            }
        }
        return new PodObservation(pod, sandbox, observations);
    }

    private ContainerObservation observation(ContainerStatus status) {
        ContainerObservation.State state = switch (status.getState()) {
            case CONTAINER_CREATED -> ContainerObservation.State.CREATED;
            case CONTAINER_RUNNING -> ContainerObservation.State.RUNNING;
            case CONTAINER_EXITED -> ContainerObservation.State.EXITED;
            default -> ContainerObservation.State.UNKNOWN;
        };
        return new ContainerObservation(status.getMetadata().getName(), idScheme + "://" + status.getId(),
                status.getMetadata().getAttempt(), state, status.getExitCode(), emptyToNull(status.getReason()),
                emptyToNull(status.getMessage()), nanos(status.getCreatedAt()), nanos(status.getStartedAt()),
                nanos(status.getFinishedAt()), status.getImage().getImage(), emptyToNull(status.getImageRef()));
    }

    // ------------------------------------------------------------------ kill and list

    @Override
    public PodObservation kill(PodRef pod, Duration gracePeriod) throws PodRuntimeException {
        forget(pod);
        long graceSeconds = Math.max(0, gracePeriod.toSeconds());
        for (Container container : containers(pod.uid())) {
            if (container.getState() == ContainerState.CONTAINER_RUNNING
                    || container.getState() == ContainerState.CONTAINER_CREATED) {
                try {
                    client.runtime(graceSeconds * 1000 + settings.timeoutMillis()).stopContainer(
                            StopContainerRequest.newBuilder().setContainerId(container.getId())
                                    .setTimeout(graceSeconds).build());
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        throw new PodRuntimeException("KillContainerError", describe(e), e);
                    }
                }
            }
        }
        PodObservation last = status(pod);
        for (PodSandbox sandbox : sandboxes(pod.uid())) {
            removeSandbox(sandbox.getId());
        }
        removeLogs(pod);
        LOG.info("Pod {}: containers stopped, sandbox removed", pod);
        return last;
    }

    private void removeSandbox(String id) throws PodRuntimeException {
        try {
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw new PodRuntimeException("KillPodSandboxError", describe(e), e);
            }
        }
        try {
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw new PodRuntimeException("KillPodSandboxError", describe(e), e);
            }
        }
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
        List<PodSandbox> sandboxes = call("Unknown", () -> client.runtime().listPodSandbox(ListPodSandboxRequest
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
        Container running = containers(pod.uid()).stream()
                .filter(c -> c.getMetadata().getName().equals(container))
                .filter(c -> c.getState() == ContainerState.CONTAINER_RUNNING)
                .max(Comparator.comparingLong(Container::getCreatedAt))
                .orElseThrow(() -> new PodRuntimeException("ContainerNotRunning", "container " + container
                        + " of pod " + pod.namespace() + "/" + pod.name() + " is not running"));
        String url = switch (request.kind()) {
            case EXEC -> call("StreamError", () -> client.runtime().exec(ExecRequest.newBuilder()
                    .setContainerId(running.getId()).addAllCmd(request.command()).setTty(request.tty())
                    .setStdin(request.stdin()).setStdout(request.stdout()).setStderr(request.stderr()).build())
                    .getUrl());
            case ATTACH -> call("StreamError", () -> client.runtime().attach(AttachRequest.newBuilder()
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

    // ------------------------------------------------------------------ usage

    /**
     * CPU and memory of the running containers of the pods this runtime runs, from CRI
     * {@code ListContainerStats}; the start time is the container's creation, as the kubelet reports it.
     */
    @Override
    public List<ContainerUsage> usage() throws PodRuntimeException {
        Map<String, Container> running = new HashMap<>();
        for (Container container : call("Unknown", () -> client.runtime().listContainers(ListContainersRequest
                .newBuilder().setFilter(ContainerFilter.newBuilder()
                        .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))
                        .putLabelSelector(LABEL_MANAGED, "true")).build()).getContainersList())) {
            running.put(container.getId(), container);
        }
        if (running.isEmpty()) {
            return List.of();
        }
        List<ContainerStats> stats = call("Unknown", () -> client.runtime().listContainerStats(
                ListContainerStatsRequest.newBuilder().setFilter(ContainerStatsFilter.newBuilder()
                        .putLabelSelector(LABEL_MANAGED, "true")).build()).getStatsList());
        List<ContainerUsage> usages = new ArrayList<>();
        for (ContainerStats stat : stats) {
            Container container = running.get(stat.getAttributes().getId());
            if (container == null) {
                continue;
            }
            Map<String, String> labels = container.getLabelsMap();
            String uid = labels.get(LABEL_POD_UID);
            String namespace = labels.get(LABEL_POD_NAMESPACE);
            String name = labels.get(LABEL_POD_NAME);
            if (uid == null || namespace == null || name == null) {
                continue;
            }
            usages.add(new ContainerUsage(new PodRef(uid, namespace, name), container.getMetadata().getName(),
                    nanos(container.getCreatedAt()), cpu(stat), memory(stat)));
        }
        return usages;
    }

    private static CpuUsage cpu(ContainerStats stat) {
        if (!stat.hasCpu() || stat.getCpu().getTimestamp() <= 0 || !stat.getCpu().hasUsageCoreNanoSeconds()) {
            return null;
        }
        io.karedge.runtime.cri.v1.CpuUsage cpu = stat.getCpu();
        return new CpuUsage(nanos(cpu.getTimestamp()), cpu.getUsageCoreNanoSeconds().getValue(),
                cpu.hasUsageNanoCores() ? cpu.getUsageNanoCores().getValue() : CpuUsage.UNKNOWN);
    }

    private static MemoryUsage memory(ContainerStats stat) {
        if (!stat.hasMemory() || stat.getMemory().getTimestamp() <= 0 || !stat.getMemory().hasWorkingSetBytes()) {
            return null;
        }
        io.karedge.runtime.cri.v1.MemoryUsage memory = stat.getMemory();
        return new MemoryUsage(nanos(memory.getTimestamp()), memory.getWorkingSetBytes().getValue(),
                memory.hasUsageBytes() ? memory.getUsageBytes().getValue() : MemoryUsage.UNKNOWN,
                memory.hasRssBytes() ? memory.getRssBytes().getValue() : MemoryUsage.UNKNOWN,
                // containerd gives 0 for a container without a memory limit, where the kubelet shows nothing
                memory.hasAvailableBytes() && memory.getAvailableBytes().getValue() > 0
                        ? memory.getAvailableBytes().getValue() : MemoryUsage.UNKNOWN);
    }

    // ------------------------------------------------------------------ helpers

    private List<PodSandbox> sandboxes(String uid) throws PodRuntimeException {
        return call("Unknown", () -> client.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(LABEL_POD_UID, uid)).build()).getItemsList());
    }

    private List<Container> containers(String uid) throws PodRuntimeException {
        return call("Unknown", () -> client.runtime().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().putLabelSelector(LABEL_POD_UID, uid)).build())
                .getContainersList());
    }

    private static SandboxInfo info(PodSandbox sandbox) {
        return new SandboxInfo(sandbox.getId(), sandbox.getState() == PodSandboxState.SANDBOX_READY, null,
                nanos(sandbox.getCreatedAt()), sandbox.getMetadata().getAttempt());
    }

    interface Call<T> {
        T run();
    }

    private <T> T call(String reason, Call<T> call) throws PodRuntimeException {
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
        return new PodRuntimeException(UNAVAILABLE_REASON, "the container runtime at " + endpoint
                + " does not answer (" + found + "): is containerd running? The socket is set by 'endpoint' in "
                + "etc/" + CriRuntimeComponent.PID + ".cfg", e);
    }

    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        return status.getDescription() == null ? status.getCode().toString()
                : status.getCode() + ": " + status.getDescription();
    }

    private static Instant nanos(long nanos) {
        return nanos <= 0 ? null : Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
