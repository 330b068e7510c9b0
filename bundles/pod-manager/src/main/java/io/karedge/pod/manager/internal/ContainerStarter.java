package io.karedge.pod.manager.internal;

import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container's step in a sync, as kubelet takes it: whether the pod's restart policy wants a new instance,
 * whether a crash-loop or image-pull back-off still runs, and if not, the start with the next attempt number.
 * Used on the pod's queue.
 */
final class ContainerStarter {

    /** Logs as the pod manager, whose lines these have always been. */
    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

    /**
     * One container's step.
     *
     * @return {@link Instant#MIN} if an instance was started, the time to look again if it waits for a
     *         back-off, or {@code null}
     */
    Instant step(ManagedPod managed, PodRuntime runtime, PodDescriptor pod, SandboxInfo sandbox,
                 ContainerDescriptor container, ContainerObservation current, ContainerTrack track,
                 String restartPolicy, Instant now) {
        int attempt;
        if (current == null) {
            attempt = track.lastAttempt + 1;
            if (track.lastAttempt >= 0 && track.previous == null) {
                track.previous = PodRecovery.lostInRestart(container.name(), track.lastAttempt, container.image());
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

    private static String human(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds / 60 + "m" + seconds % 60 + "s";
    }
}
