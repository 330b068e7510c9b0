package io.karedge.pod.manager.internal;

import io.karedge.pod.ContainerObservation;
import java.time.Duration;
import java.time.Instant;

/**
 * What the pod manager remembers about one container between syncs: its crash and image-pull back-offs,
 * why it waits (if it does), until when, and the instance before the current one (for {@code lastState}).
 * The highest instance number known to have started survives a restart of the node through the pod's
 * state file, so that a container re-created after a reboot counts as a restart, as kubelet counts it.
 * Used on the pod's queue only.
 */
final class ContainerTrack {

    final Backoff crash;
    final Backoff pull;
    String waitingReason;
    String waitingMessage;
    Instant retryAt;
    ContainerObservation previous;
    /** the highest attempt known to have started, -1 for none */
    int lastAttempt = -1;

    ContainerTrack(Duration initial, Duration max) {
        this.crash = new Backoff(initial, max);
        this.pull = new Backoff(initial, max);
    }

    void waiting(String reason, String message, Instant retry) {
        this.waitingReason = reason;
        this.waitingMessage = message;
        this.retryAt = retry;
    }

    /** Remembers an instance the runtime reported; {@code true} if it raised {@link #lastAttempt}. */
    boolean saw(ContainerObservation instance) {
        if (instance.attempt() > lastAttempt) {
            lastAttempt = instance.attempt();
            return true;
        }
        return false;
    }

    /** The restart count to show while no instance is observed: the last known attempt, or 0. */
    int restartCount() {
        return Math.max(0, lastAttempt);
    }

    void clearWaiting() {
        waitingReason = null;
        waitingMessage = null;
        retryAt = null;
    }
}
