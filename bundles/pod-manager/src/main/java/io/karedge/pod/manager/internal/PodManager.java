package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.uplink.Uplink;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's pods: each pod is reconciled on its own serial queue whenever its object changes,
 * when a back-off ends, and every sync period; one reconcile compares the pod with what its runtime runs,
 * starts what must start (restart policy, back-off), computes the status and reports it when it changed.
 */
final class PodManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);
    /** How soon a pod of the last run that is not back yet is looked at again (a runtime still starting). */
    static final long RESTORE_RETRY_MILLIS = 200;

    private final Settings settings;
    private final String nodeName;
    private final Path podsDirectory;
    private final Clock clock;
    private final String hostIp;
    private final PodSpecReader reader;
    private final StatusReporter reporter;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private final Map<ObjectKey, ManagedPod> pods = new ConcurrentHashMap<>();
    private final Map<String, PodRuntime> runtimes = new ConcurrentHashMap<>();
    private final RestoreWatch restore;
    private final PodOrigins origins;
    private final PodViews views = new PodViews(pods, runtimes);
    private volatile boolean listed;
    private volatile boolean closed;

    PodManager(Settings settings, String nodeName, Path dataDirectory, MetaStore store, Supplier<Uplink> uplink,
               Clock clock, RestoreWatch restore, Supplier<io.karedge.api.access.PodTokens> tokens) {
        this.settings = settings;
        this.restore = restore;
        this.nodeName = nodeName;
        this.podsDirectory = dataDirectory.resolve("pods");
        this.clock = clock;
        this.hostIp = HostAddress.detect(settings.hostIp());
        this.reader = new PodSpecReader(new ConfigSource(store), nodeName, hostIp, tokens);
        this.origins = PodOrigins.of(settings);
        this.reporter = new StatusReporter(uplink);
        AtomicInteger timerThreads = new AtomicInteger();
        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "karedge-pods-timer-" + timerThreads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        scheduled.setRemoveOnCancelPolicy(true);
        this.timer = scheduled;
        AtomicInteger workerThreads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "karedge-pod-" + workerThreads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    String hostIp() {
        return hostIp;
    }

    // ------------------------------------------------------------------ events

    void podChanged(StoredObject object) {
        Pod pod;
        try {
            pod = KaredgeJson.mapper().treeToValue(object.object(), Pod.class);
        } catch (Exception e) {
            LOG.warn("Pod {} cannot be read: {}", object.key(), e.getMessage());
            return;
        }
        if (pod.getSpec() == null || pod.getMetadata() == null) {
            return;
        }
        if (pod.getMetadata().getNamespace() == null) {
            pod.getMetadata().setNamespace(object.key().namespace());
        }
        String assigned = pod.getSpec().getNodeName();
        boolean member = assigned == null || assigned.isBlank() || assigned.equals(nodeName);
        ManagedPod current = pods.get(object.key());
        if (!member) {
            restore.dropped(object.key());
            if (current != null) {
                podDeleted(object.key());
            }
            return;
        }
        boolean deleting = pod.getMetadata().getDeletionTimestamp() != null
                && !pod.getMetadata().getDeletionTimestamp().isBlank();
        if (deleting) {
            restore.dropped(object.key());
        } else if (!listed) {
            restore.listed(object.key(), object.key().namespace() + "/" + object.key().name());
        }
        String uid = PodSpecReader.uid(pod);
        if (current != null && !current.ref.uid().equals(uid)) {
            pods.remove(object.key(), current);
            current.removed = true;
            trigger(current);
            current = null;
        }
        if (current == null) {
            PodRef ref = PodSpecReader.ref(pod);
            ManagedPod fresh = new ManagedPod(object.key(), ref, new SerialQueue(workers, ref.id()), pod,
                    object.source());
            fresh.info = new PodInfo(ref, PodSpecReader.runtimeClass(pod), "Pending", 0,
                    pod.getSpec().getContainers().size(), "Pending", 0, created(pod), null, nodeName, null);
            pods.put(object.key(), fresh);
            trigger(fresh);
        } else {
            current.pod = pod;
            current.source = object.source();
            trigger(current);
        }
    }

    void podDeleted(ObjectKey key) {
        restore.dropped(key);
        ManagedPod pod = pods.get(key);
        if (pod != null) {
            pod.removed = true;
            trigger(pod);
        }
    }

    /** The first list of the MetaStore is in: pods the runtimes run for no known pod can be collected. */
    void listed() {
        listed = true;
        restore.sealed();
        runtimes.forEach((runtimeClass, runtime) -> collectOrphans(runtimeClass, runtime));
    }

    void runtimeAdded(String runtimeClass, PodRuntime runtime) {
        runtimes.put(runtimeClass, runtime);
        LOG.info("Runtime class '{}' is served by {}", runtimeClass, runtime.getClass().getName());
        if (listed) {
            collectOrphans(runtimeClass, runtime);
        }
        pods.values().forEach(this::trigger);
    }

    void runtimeRemoved(String runtimeClass, PodRuntime runtime) {
        runtimes.remove(runtimeClass, runtime);
        pods.values().forEach(this::trigger);
    }

    private void collectOrphans(String runtimeClass, PodRuntime runtime) {
        workers.execute(() -> {
            try {
                Set<String> known = new HashSet<>();
                pods.values().forEach(p -> known.add(p.ref.uid()));
                for (PodObservation seen : runtime.list()) {
                    if (!known.contains(seen.ref().uid())) {
                        LOG.info("Pod {} runs on runtime '{}' but is no longer assigned here; removing it",
                                seen.ref(), runtimeClass);
                        runtime.kill(seen.ref(), Duration.ofSeconds(10));
                        VolumeMaterializer.deleteTree(podsDirectory.resolve(seen.ref().uid()));
                    }
                }
            } catch (PodRuntimeException | RuntimeException e) {
                LOG.warn("Cannot collect orphaned pods of runtime '{}': {}", runtimeClass, e.getMessage());
            }
        });
    }

    private void trigger(ManagedPod pod) {
        if (closed) {
            return;
        }
        if (pod.syncQueued.compareAndSet(false, true)) {
            pod.queue.execute(() -> {
                pod.syncQueued.set(false);
                sync(pod);
            });
        }
    }

    private void scheduleSync(ManagedPod pod, Instant at) {
        if (closed) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        delay = Math.min(delay, settings.syncPeriodMillis());
        if (pod.nextSync != null) {
            pod.nextSync.cancel(false);
        }
        try {
            pod.nextSync = timer.schedule(() -> trigger(pod), delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("Timer gone; {} not rescheduled", pod.ref);
        }
    }

    // ------------------------------------------------------------------ reconcile

    private void sync(ManagedPod managed) {
        if (managed.forgotten || closed) {
            return;
        }
        Pod pod = managed.pod;
        Instant now = clock.instant();
        if (managed.runtimeClass == null) {
            managed.runtimeClass = PodSpecReader.runtimeClass(pod);
        }
        PodRuntime runtime = runtimes.get(managed.runtimeClass);
        if (managed.removed || managed.deletionRequested()) {
            restore.dropped(managed.key);
            origins.forget(managed.ref.uid());
            managed.origin = null;
            terminate(managed, runtime, now);
            return;
        }
        if (origins.manifestGone(managed.source)) {
            // removed while the node was down (or just now): the manifest source deletes it shortly
            if (!managed.heldBack) {
                LOG.info("Pod {}: its manifest {} is gone; it is not started", managed.ref,
                        origins.manifestOf(managed.source));
                managed.heldBack = true;
            }
            restore.dropped(managed.key);
            origins.forget(managed.ref.uid());
            managed.origin = null;
            scheduleSync(managed, now.plusMillis(settings.syncPeriodMillis()));
            return;
        }
        managed.heldBack = false;
        managed.origin = origins.record(managed.ref.uid(), managed.source, managed.origin);
        Path podDirectory = podsDirectory.resolve(managed.ref.uid());
        if (managed.startTime == null) {
            Optional<PodStateFile.State> recorded = PodStateFile.read(podDirectory);
            managed.startTime = recorded.map(PodStateFile.State::startTime).orElse(now);
            recorded.ifPresent(state -> state.attempts().forEach((name, attempt) ->
                    track(managed, name).lastAttempt = attempt));
            record(managed, podDirectory);
        }
        List<ContainerDescriptor> specContainers = plainContainers(pod);
        if (runtime == null) {
            String message = "no runtime for runtime class \"" + managed.runtimeClass + "\" is available on node "
                    + nodeName;
            waitAll(managed, specContainers, "RuntimeClassNotFound", message);
            publish(managed, specContainers, null, "RuntimeClassNotFound", message, false, null, now);
            scheduleSync(managed, now.plusMillis(settings.syncPeriodMillis()));
            return;
        }
        if (isTerminalPhase(managed.lastStatus)) {
            PodObservation seen = observe(managed, runtime);
            publish(managed, specContainers, seen, null, null, false, sandboxIp(seen), now);
            return;
        }
        PodDescriptor descriptor;
        try {
            descriptor = reader.describe(pod, podDirectory);
        } catch (PodConfigException e) {
            restore.notRunning(managed.key, e.reason());
            waitAll(managed, specContainers, e.reason(), e.getMessage());
            PodObservation seen = observe(managed, runtime);
            publish(managed, specContainers, seen, null, null, false, sandboxIp(seen), now);
            scheduleSync(managed, now.plusMillis(settings.syncPeriodMillis()));
            return;
        }
        PodObservation before = managed.lastSeen != null ? managed.lastSeen : observe(managed, runtime);
        SandboxInfo sandbox;
        try {
            sandbox = runtime.syncSandbox(descriptor);
        } catch (PodRuntimeException e) {
            String problem = e.reason() + " " + e.getMessage();
            if (!problem.equals(managed.sandboxProblem)) {
                // once per distinct problem, not at every sync
                LOG.info("Sandbox of pod {}: {}", managed.ref, problem);
                managed.sandboxProblem = problem;
            }
            waitAll(managed, specContainers, e.reason(), e.getMessage());
            publish(managed, descriptor.containers(), null, null, null, false, null, now);
            scheduleSync(managed, now.plusMillis(restoreAware(managed, settings.syncPeriodMillis())));
            return;
        }
        restore.sandboxReady(managed.key);
        if (before != null && before.sandbox() != null && !before.sandbox().id().equals(sandbox.id())) {
            sandboxReplaced(managed, before);
        }
        managed.sandboxProblem = null;
        PodObservation seen = observe(managed, runtime);
        boolean raised = false;
        for (ContainerObservation instance : seen == null ? List.<ContainerObservation>of() : seen.containers()) {
            ContainerTrack track = track(managed, instance.name());
            if (track.previous == null && track.lastAttempt >= 0 && instance.attempt() > track.lastAttempt) {
                // started by the launcher before the framework after a reboot: the one before was lost with it
                track.previous = lostInRestart(instance.name(), track.lastAttempt, instance.image());
            }
            raised |= track.saw(instance);
        }
        Instant wake = now.plusMillis(settings.syncPeriodMillis());
        boolean started = false;
        String restartPolicy = restartPolicy(pod);
        for (ContainerDescriptor container : descriptor.containers()) {
            ContainerTrack track = track(managed, container.name());
            ContainerObservation current = seen == null ? null : seen.container(container.name()).orElse(null);
            Instant retry = step(managed, runtime, descriptor, sandbox, container, current, track, restartPolicy, now);
            if (retry == Instant.MIN) {
                started = true;
            } else if (retry != null && retry.isBefore(wake)) {
                wake = retry;
            }
        }
        if (started) {
            seen = observe(managed, runtime);
        }
        if (started || raised) {
            record(managed, podDirectory);
        }
        managed.lastSeen = seen;
        publish(managed, descriptor.containers(), seen, null, null, false,
                descriptor.hostNetwork() ? hostIp : sandbox.ip(), now);
        if (restore.waitingFor(managed.key)) {
            restoreStep(managed, descriptor.containers(), seen);
            if (restore.waitingFor(managed.key)) {
                Instant soon = now.plusMillis(restoreAware(managed, settings.syncPeriodMillis()));
                wake = soon.isBefore(wake) ? soon : wake;
            }
        }
        scheduleSync(managed, wake);
    }

    /** Tells the restore watch whether a pod of the last run is back: all containers running, or one failing. */
    private void restoreStep(ManagedPod managed, List<ContainerDescriptor> containers, PodObservation seen) {
        String failure = null;
        boolean allRunning = true;
        for (ContainerDescriptor container : containers) {
            ContainerObservation current = seen == null ? null : seen.container(container.name()).orElse(null);
            if (current != null && current.state() == ContainerObservation.State.RUNNING) {
                continue;
            }
            allRunning = false;
            ContainerTrack track = managed.tracks.get(container.name());
            if (failure == null && track != null && track.waitingReason != null) {
                failure = container.name() + " " + track.waitingReason;
            } else if (failure == null && current != null && current.state() == ContainerObservation.State.EXITED) {
                failure = container.name() + " exited";
            }
        }
        if (allRunning) {
            restore.running(managed.key);
        } else if (failure != null) {
            restore.notRunning(managed.key, failure);
        }
    }

    /** A pod of the last run that is not back yet is looked at again soon, not after a whole sync period. */
    private long restoreAware(ManagedPod managed, long millis) {
        return restore.waitingFor(managed.key) ? Math.min(millis, RESTORE_RETRY_MILLIS) : millis;
    }

    RestoreWatch restore() {
        return restore;
    }

    /**
     * The runtime gave the pod a new sandbox (after a reboot, or the old one died): the containers of the old
     * one are gone with it, so each becomes its container's last state and the next start counts as a restart.
     */
    private void sandboxReplaced(ManagedPod managed, PodObservation old) {
        for (ContainerObservation instance : old.containers()) {
            ContainerTrack track = track(managed, instance.name());
            track.saw(instance);
            track.previous = instance.state() == ContainerObservation.State.EXITED ? instance : lost(instance);
        }
        LOG.info("Pod {}: its sandbox was replaced; {} container(s) will be started again as restarts",
                managed.ref, old.containers().size());
    }

    /** The last instance before a node restart, when the runtime no longer has it (pod.json knows its attempt). */
    private static ContainerObservation lostInRestart(String name, int attempt, String image) {
        return new ContainerObservation(name, null, attempt, ContainerObservation.State.EXITED, 255, "Unknown",
                "the runtime no longer knows the container (node restart)", null, null, null, image, null);
    }

    /** An instance that the runtime no longer has, as kubelet shows one that vanished with a node restart. */
    private static ContainerObservation lost(ContainerObservation instance) {
        return new ContainerObservation(instance.name(), instance.id(), instance.attempt(),
                ContainerObservation.State.EXITED, 255, "Unknown", "the container was lost with its sandbox",
                instance.createdAt(), instance.startedAt(), instance.finishedAt(), instance.image(), instance.imageId());
    }

    private void record(ManagedPod managed, Path podDirectory) {
        Map<String, Integer> attempts = new TreeMap<>();
        managed.tracks.forEach((name, track) -> {
            if (track.lastAttempt >= 0) {
                attempts.put(name, track.lastAttempt);
            }
        });
        try {
            PodStateFile.write(podDirectory, new PodStateFile.State(managed.ref, managed.runtimeClass,
                    managed.startTime, attempts));
        } catch (IOException e) {
            LOG.warn("Cannot record pod {} under {}: {}", managed.ref, podDirectory, e.toString());
        }
    }

    /**
     * One container's step.
     *
     * @return {@link Instant#MIN} if an instance was started, the time to look again if it waits for a
     *         back-off, or {@code null}
     */
    private Instant step(ManagedPod managed, PodRuntime runtime, PodDescriptor pod, SandboxInfo sandbox,
                         ContainerDescriptor container, ContainerObservation current, ContainerTrack track,
                         String restartPolicy, Instant now) {
        int attempt;
        if (current == null) {
            attempt = track.lastAttempt + 1;
            if (track.lastAttempt >= 0 && track.previous == null) {
                track.previous = lostInRestart(container.name(), track.lastAttempt, container.image());
            }
        } else if (current.state() == ContainerObservation.State.EXITED) {
            boolean restart = "Always".equals(restartPolicy)
                    || "OnFailure".equals(restartPolicy) && current.exitCode() != 0;
            if (!restart) {
                track.clearWaiting();
                return null;
            }
            Instant finished = current.finishedAt() == null ? now : current.finishedAt();
            if (track.waitingReason != null && track.retryAt != null && now.isBefore(track.retryAt)) {
                return track.retryAt;
            }
            if (track.crash.inBackoffSince(finished, now)) {
                Instant until = track.crash.until(finished);
                track.waiting("CrashLoopBackOff", "back-off " + human(track.crash.current())
                        + " restarting failed container=" + container.name() + " pod=" + managed.ref.name() + "_"
                        + managed.ref.namespace() + "(" + managed.ref.uid() + ")", until);
                return until;
            }
            track.crash.next(now);
            attempt = current.attempt() + 1;
        } else {
            if (current.state() == ContainerObservation.State.RUNNING) {
                track.clearWaiting();
            }
            return null;
        }
        if (track.retryAt != null && now.isBefore(track.retryAt) && !"CrashLoopBackOff".equals(track.waitingReason)) {
            if ("ErrImagePull".equals(track.waitingReason) || "ImagePullBackOff".equals(track.waitingReason)) {
                track.waiting("ImagePullBackOff", "Back-off pulling image \"" + container.image() + "\"",
                        track.retryAt);
            }
            return track.retryAt;
        }
        try {
            runtime.startContainer(pod, sandbox, container, attempt);
            track.lastAttempt = Math.max(track.lastAttempt, attempt);
            if (current != null && current.state() == ContainerObservation.State.EXITED) {
                track.previous = current;
            }
            track.clearWaiting();
            LOG.debug("Pod {}: container {} started (attempt {})", managed.ref, container.name(), attempt);
            return Instant.MIN;
        } catch (PodRuntimeException e) {
            Backoff backoff = "ErrImagePull".equals(e.reason()) || "ErrImageNeverPull".equals(e.reason())
                    ? track.pull : track.crash;
            Instant retry = now.plus(backoff.next(now));
            LOG.info("Pod {}: container {} cannot start: {} {}", managed.ref, container.name(), e.reason(),
                    e.getMessage());
            track.waiting(e.reason(), e.getMessage(), retry);
            return retry;
        }
    }

    private void terminate(ManagedPod managed, PodRuntime runtime, Instant now) {
        Pod pod = managed.pod;
        List<ContainerDescriptor> containers = plainContainers(pod);
        PodObservation seen = null;
        if (!managed.killed && runtime == null && !managed.removed
                && Files.isRegularFile(podsDirectory.resolve(managed.ref.uid()).resolve("pod.json"))) {
            // it ran here before (this start came before its runtime): it is stopped once the runtime is back
            scheduleSync(managed, now.plusMillis(settings.syncPeriodMillis()));
            return;
        }
        if (!managed.killed) {
            if (runtime != null) {
                try {
                    seen = runtime.kill(managed.ref, PodSpecReader.gracePeriod(pod));
                } catch (PodRuntimeException | RuntimeException e) {
                    LOG.warn("Cannot stop pod {}: {}; trying again", managed.ref, e.getMessage());
                    scheduleSync(managed, now.plusMillis(settings.syncPeriodMillis()));
                    return;
                }
            }
            managed.killed = true;
            managed.tracks.values().forEach(ContainerTrack::clearWaiting);
            LOG.info("Pod {} stopped", managed.ref);
            publish(managed, containers, seen, null, null, true, null, clock.instant());
        }
        if (!managed.deletionReported && shouldReport(managed)) {
            managed.deletionReported = reporter.deleted(managed.ref);
        }
        if (managed.removed) {
            managed.forgotten = true;
            if (managed.nextSync != null) {
                managed.nextSync.cancel(false);
            }
            pods.remove(managed.key, managed);
            VolumeMaterializer.deleteTree(podsDirectory.resolve(managed.ref.uid()));
        }
    }

    private PodObservation observe(ManagedPod managed, PodRuntime runtime) {
        try {
            return runtime.status(managed.ref);
        } catch (PodRuntimeException | RuntimeException e) {
            LOG.debug("Status of pod {}: {}", managed.ref, e.getMessage());
            return null;
        }
    }

    private void publish(ManagedPod managed, List<ContainerDescriptor> containers, PodObservation seen,
                         String podReason, String podMessage, boolean terminal, String podIp, Instant now) {
        Pod pod = managed.pod;
        ObjectNode status = StatusBuilder.build(new StatusBuilder.Input(containers, seen, managed.tracks,
                restartPolicy(pod), terminal || managed.killed, hostIp, podIp == null ? sandboxIp(seen) : podIp,
                managed.startTime, podReason, podMessage, managed.lastStatus, now));
        managed.lastStatus = status;
        managed.info = info(managed, status);
        if (!status.equals(managed.lastReported) && shouldReport(managed) && reporter.status(managed.ref, status)) {
            managed.lastReported = status;
        }
    }

    private PodInfo info(ManagedPod managed, ObjectNode status) {
        int ready = 0;
        int restarts = 0;
        int count = 0;
        for (var cs : status.path("containerStatuses")) {
            count++;
            ready += cs.path("ready").asBoolean() ? 1 : 0;
            restarts += cs.path("restartCount").asInt();
        }
        boolean terminating = (managed.deletionRequested() || managed.removed) && !isTerminalPhase(status);
        return new PodInfo(managed.ref, managed.runtimeClass, status.path("phase").asText(), ready, count,
                StatusBuilder.display(status, terminating), restarts, created(managed.pod),
                status.path("podIP").asText(null), nodeName, status);
    }

    private boolean shouldReport(ManagedPod managed) {
        return settings.reportLocalPods() || "cloud".equals(managed.source);
    }

    private void waitAll(ManagedPod managed, List<ContainerDescriptor> containers, String reason, String message) {
        for (ContainerDescriptor container : containers) {
            track(managed, container.name()).waiting(reason, message, null);
        }
    }

    private ContainerTrack track(ManagedPod managed, String name) {
        return managed.tracks.computeIfAbsent(name, n -> new ContainerTrack(
                Duration.ofMillis(settings.backoffInitialMillis()), Duration.ofMillis(settings.backoffMaxMillis())));
    }

    private static boolean isTerminalPhase(ObjectNode status) {
        String phase = status == null ? "" : status.path("phase").asText();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private String sandboxIp(PodObservation seen) {
        if (seen == null || seen.sandbox() == null) {
            return null;
        }
        String ip = seen.sandbox().ip();
        return ip == null || ip.isEmpty() ? hostIp : ip;
    }

    private static String restartPolicy(Pod pod) {
        String policy = pod.getSpec().getRestartPolicy();
        return policy == null || policy.isBlank() ? "Always" : policy;
    }

    /** The containers as declared, without resolving anything (for statuses when a pod cannot run). */
    private static List<ContainerDescriptor> plainContainers(Pod pod) {
        return pod.getSpec().getContainers().stream().map(c -> new ContainerDescriptor(c.getName(), c.getImage(),
                c.getImagePullPolicy(), List.of(), List.of(), null, Map.of(), List.of(), List.of(),
                PodSpecReader.resources(c.getResources()), false)).toList();
    }

    private static Instant created(Pod pod) {
        String created = pod.getMetadata().getCreationTimestamp();
        try {
            return created == null ? null : Instant.parse(created);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String human(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds / 60 + "m" + seconds % 60 + "s";
    }

    /** @return the read-only views of the pods, for the shell, REST and metrics */
    PodViews views() {
        return views;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

}
