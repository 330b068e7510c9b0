package io.karedge.pod.manager.internal;

import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.PodObservation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What carries a pod across a restart of the node or of its sandbox: the pod's state file (start time and
 * the last attempt of each container), the instances lost with a sandbox or a reboot (shown as the last
 * state, the next start counting as a restart), and the restore watch's view of a pod of the last run
 * (back, or not running and why). Used on the pod's queue.
 */
final class PodRecovery {

    /** How soon a pod of the last run that is not back yet is looked at again (a runtime still starting). */
    static final long RESTORE_RETRY_MILLIS = 200;

    /** Logs as the pod manager, whose lines these have always been. */
    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

    private final Settings settings;
    private final RestoreWatch restore;

    PodRecovery(Settings settings, RestoreWatch restore) {
        this.settings = settings;
        this.restore = restore;
    }

    /** The pod's first sync in this process: its start time and attempts as its state file has them. */
    void resume(ManagedPod managed, Path podDirectory, Instant now) {
        Optional<PodStateFile.State> recorded = PodStateFile.read(podDirectory);
        managed.startTime = recorded.map(PodStateFile.State::startTime).orElse(now);
        recorded.ifPresent(state -> state.attempts().forEach((name, attempt) ->
                managed.track(name, settings).lastAttempt = attempt));
        record(managed, podDirectory);
    }

    void record(ManagedPod managed, Path podDirectory) {
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
     * The runtime gave the pod a new sandbox (after a reboot, or the old one died): the containers of the old
     * one are gone with it, so each becomes its container's last state and the next start counts as a restart.
     */
    void sandboxReplaced(ManagedPod managed, PodObservation old) {
        for (ContainerObservation instance : old.containers()) {
            ContainerTrack track = managed.track(instance.name(), settings);
            track.saw(instance);
            track.previous = instance.state() == ContainerObservation.State.EXITED ? instance : lost(instance);
        }
        LOG.info("Pod {}: its sandbox was replaced; {} container(s) will be started again as restarts",
                managed.ref, old.containers().size());
    }

    /** The last instance before a node restart, when the runtime no longer has it (pod.json knows its attempt). */
    static ContainerObservation lostInRestart(String name, int attempt, String image) {
        return new ContainerObservation(name, null, attempt, ContainerObservation.State.EXITED, 255, "Unknown",
                "the runtime no longer knows the container (node restart)", null, null, null, image, null);
    }

    /** An instance that the runtime no longer has, as kubelet shows one that vanished with a node restart. */
    private static ContainerObservation lost(ContainerObservation instance) {
        return new ContainerObservation(instance.name(), instance.id(), instance.attempt(),
                ContainerObservation.State.EXITED, 255, "Unknown", "the container was lost with its sandbox",
                instance.createdAt(), instance.startedAt(), instance.finishedAt(), instance.image(), instance.imageId());
    }

    /** Tells the restore watch whether a pod of the last run is back: all containers running, or one failing. */
    void restoreStep(ManagedPod managed, List<ContainerDescriptor> containers, PodObservation seen) {
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
    long restoreAware(ManagedPod managed, long millis) {
        return restore.waitingFor(managed.key) ? Math.min(millis, RESTORE_RETRY_MILLIS) : millis;
    }
}
