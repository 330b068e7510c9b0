package io.karedge.pod.manager.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Kubelet's back-off for one container (crash loop) or one image (pulls): the first retry waits
 * {@code initial}, each later one twice as long, up to {@code max}. A back-off left alone for twice
 * {@code max} starts over. Not thread-safe: used on the pod's queue only.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration current = Duration.ZERO;
    private Instant lastUpdate = Instant.EPOCH;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** @return whether, measured from {@code since}, the current back-off still runs at {@code now} */
    boolean inBackoffSince(Instant since, Instant now) {
        if (current.isZero() || expired(now)) {
            return false;
        }
        return now.isBefore(since.plus(current));
    }

    /** @return when the back-off measured from {@code since} ends */
    Instant until(Instant since) {
        return since.plus(current);
    }

    /** Records a retry made at {@code now}: the next back-off doubles (or starts at {@code initial}). */
    Duration next(Instant now) {
        if (current.isZero() || expired(now)) {
            current = initial;
        } else {
            Duration doubled = current.multipliedBy(2);
            current = doubled.compareTo(max) > 0 ? max : doubled;
        }
        lastUpdate = now;
        return current;
    }

    Duration current() {
        return current;
    }

    private boolean expired(Instant now) {
        return Duration.between(lastUpdate, now).compareTo(max.multipliedBy(2)) > 0;
    }
}
