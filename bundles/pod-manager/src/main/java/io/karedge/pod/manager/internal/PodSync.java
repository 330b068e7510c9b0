package io.karedge.pod.manager.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one pod, on its serial queue: a pod being deleted is terminated, a pod whose manifest is
 * gone is held back, otherwise the pod's origin is recorded, its sandbox made sure of, each container given
 * its step (restart policy, back-off), the status published, and the next sync scheduled.
 */
final class PodSync {

    /** Logs as the pod manager, whose lines these have always been. */
    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

    private final Settings settings;
    private final String nodeName;
    private final Path podsDirectory;
    private final Clock clock;
    private final String hostIp;
    private final PodSpecReader reader;
    private final Map<String, PodRuntime> runtimes;
    private final RestoreWatch restore;
    private final PodOrigins origins;
    private final PodStatusPublisher publisher;
    private final PodTermination termination;
    private final PodRecovery recovery;
    private final ContainerStarter starter = new ContainerStarter();
    private final BiConsumer<ManagedPod, Instant> syncAt;
    /**
     * until when a pod whose runtime class is not served waits for it: runtimes may start after the manager, and
     * one that goes (its bundle updated or stopped, the node shutting down) may come back
     */
    private volatile Instant runtimesDueBy;

    /**
     * @param runtimes the manager's runtimes by runtime class
     * @param syncAt   schedules the pod's next sync at the time given
     */
    PodSync(Settings settings, String nodeName, Path podsDirectory, Clock clock, String hostIp, PodSpecReader reader,
            Map<String, PodRuntime> runtimes, RestoreWatch restore, PodOrigins origins, PodStatusPublisher publisher,
            PodTermination termination, BiConsumer<ManagedPod, Instant> syncAt) {
        this.settings = settings;
        this.nodeName = nodeName;
        this.podsDirectory = podsDirectory;
        this.clock = clock;
        this.hostIp = hostIp;
        this.reader = reader;
        this.runtimes = runtimes;
        this.restore = restore;
        this.origins = origins;
        this.publisher = publisher;
        this.termination = termination;
        this.recovery = new PodRecovery(settings, restore);
        this.syncAt = syncAt;
        this.runtimesDueBy = clock.instant().plusMillis(settings.runtimeWaitMillis());
    }

    /** A runtime went: pods of a runtime class no longer served keep their status for the wait from now on. */
    void runtimeGone() {
        Instant due = clock.instant().plusMillis(settings.runtimeWaitMillis());
        if (due.isAfter(runtimesDueBy)) {
            runtimesDueBy = due;
        }
    }

    /** One reconcile of the pod; the caller has checked that it is not forgotten and the manager is open. */
    void sync(ManagedPod managed) {
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
            termination.terminate(managed, runtime, now);
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
            syncAt.accept(managed, now.plusMillis(settings.syncPeriodMillis()));
            return;
        }
        managed.heldBack = false;
        managed.origin = origins.record(managed.ref.uid(), managed.source, managed.origin);
        Path podDirectory = podsDirectory.resolve(managed.ref.uid());
        if (managed.startTime == null) {
            recovery.resume(managed, podDirectory, now);
        }
        List<ContainerDescriptor> specContainers = PodStatusPublisher.plainContainers(pod);
        if (runtime == null && now.isBefore(runtimesDueBy)) {
            // its runtime may start after the pod manager (the feature runtime needs Karaf's features service,
            // which on a restart starts after the node's own bundles) or have just gone (its bundle updated, the
            // node stopping): the pod keeps the status it has until the runtime is there (runtimeAdded syncs
            // every pod) or the wait is over
            LOG.debug("Pod {}: runtime class \"{}\" not served yet; waiting until {}", managed.ref,
                    managed.runtimeClass, runtimesDueBy);
            syncAt.accept(managed, runtimesDueBy);
            return;
        }
        if (runtime == null) {
            String message = "no runtime for runtime class \"" + managed.runtimeClass + "\" is available on node "
                    + nodeName;
            if (!"RuntimeClassNotFound".equals(managed.lastStatus == null ? null
                    : managed.lastStatus.path("reason").asText(null))) {
                LOG.info("Pod {}: {}; it waits (RuntimeClassNotFound)", managed.ref, message);
            }
            waitAll(managed, specContainers, "RuntimeClassNotFound", message);
            publisher.publish(managed, specContainers, null, "RuntimeClassNotFound", message, false, null, now);
            syncAt.accept(managed, now.plusMillis(settings.syncPeriodMillis()));
            return;
        }
        if (PodStatusPublisher.isTerminalPhase(managed.lastStatus)) {
            PodObservation seen = observe(managed, runtime);
            publisher.publish(managed, specContainers, seen, null, null, false, publisher.sandboxIp(seen), now);
            return;
        }
        PodDescriptor descriptor;
        try {
            descriptor = reader.describe(pod, podDirectory);
        } catch (PodConfigException e) {
            restore.notRunning(managed.key, e.reason());
            waitAll(managed, specContainers, e.reason(), e.getMessage());
            PodObservation seen = observe(managed, runtime);
            publisher.publish(managed, specContainers, seen, null, null, false, publisher.sandboxIp(seen), now);
            syncAt.accept(managed, now.plusMillis(settings.syncPeriodMillis()));
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
            publisher.publish(managed, descriptor.containers(), null, null, null, false, null, now);
            syncAt.accept(managed, now.plusMillis(recovery.restoreAware(managed, settings.syncPeriodMillis())));
            return;
        }
        restore.sandboxReady(managed.key);
        if (before != null && before.sandbox() != null && !before.sandbox().id().equals(sandbox.id())) {
            recovery.sandboxReplaced(managed, before);
        }
        managed.sandboxProblem = null;
        PodObservation seen = observe(managed, runtime);
        boolean raised = false;
        for (ContainerObservation instance : seen == null ? List.<ContainerObservation>of() : seen.containers()) {
            ContainerTrack track = managed.track(instance.name(), settings);
            if (track.previous == null && track.lastAttempt >= 0 && instance.attempt() > track.lastAttempt) {
                // started by the launcher before the framework after a reboot: the one before was lost with it
                track.previous = PodRecovery.lostInRestart(instance.name(), track.lastAttempt, instance.image());
            }
            raised |= track.saw(instance);
        }
        Instant wake = now.plusMillis(settings.syncPeriodMillis());
        boolean started = false;
        String restartPolicy = PodStatusPublisher.restartPolicy(pod);
        for (ContainerDescriptor container : descriptor.containers()) {
            ContainerTrack track = managed.track(container.name(), settings);
            ContainerObservation current = seen == null ? null : seen.container(container.name()).orElse(null);
            Instant retry = starter.step(managed, runtime, descriptor, sandbox, container, current, track,
                    restartPolicy, now);
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
            recovery.record(managed, podDirectory);
        }
        managed.lastSeen = seen;
        publisher.publish(managed, descriptor.containers(), seen, null, null, false,
                descriptor.hostNetwork() ? hostIp : sandbox.ip(), now);
        if (restore.waitingFor(managed.key)) {
            recovery.restoreStep(managed, descriptor.containers(), seen);
            if (restore.waitingFor(managed.key)) {
                Instant soon = now.plusMillis(recovery.restoreAware(managed, settings.syncPeriodMillis()));
                wake = soon.isBefore(wake) ? soon : wake;
            }
        }
        syncAt.accept(managed, wake);
    }

    private PodObservation observe(ManagedPod managed, PodRuntime runtime) {
        try {
            return runtime.status(managed.ref);
        } catch (PodRuntimeException | RuntimeException e) {
            LOG.debug("Status of pod {}: {}", managed.ref, e.getMessage());
            return null;
        }
    }

    private void waitAll(ManagedPod managed, List<ContainerDescriptor> containers, String reason, String message) {
        for (ContainerDescriptor container : containers) {
            managed.track(container.name(), settings).waiting(reason, message, null);
        }
    }
}
