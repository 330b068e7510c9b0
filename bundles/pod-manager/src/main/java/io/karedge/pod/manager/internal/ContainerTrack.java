package io.karedge.pod.manager.internal;

import io.karedge.pod.ContainerObservation;
import java.time.Duration;
import java.time.Instant;

/**
 * What the pod manager remembers about one container between syncs: its crash and image-pull back-offs,
 * why it waits (if it does), until when, and the instance before the current one (for {@code lastState}).
 * Used on the pod's queue only.
 */
final class ContainerTrack {

    final Backoff crash;
    final Backoff pull;
    String waitingReason;
    String waitingMessage;
    Instant retryAt;
    ContainerObservation previous;

    ContainerTrack(Duration initial, Duration max) {
        this.crash = new Backoff(initial, max);
        this.pull = new Backoff(initial, max);
    }

    void waiting(String reason, String message, Instant retry) {
        this.waitingReason = reason;
        this.waitingMessage = message;
        this.retryAt = retry;
    }

    void clearWaiting() {
        waitingReason = null;
        waitingMessage = null;
        retryAt = null;
    }
}
