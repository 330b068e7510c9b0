package io.karedge.manifests.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * When the current scan wants the next one: a file still settling or a delete grace ending asks
 * for a moment, and the earliest moment asked for wins.
 */
final class NextScan {

    /** null: no wish */
    private Instant wakeAt;

    /** Forgets the wishes of the previous scan. */
    void clear() {
        wakeAt = null;
    }

    /** Asks for a scan at {@code when} (the earliest asked for wins). */
    void wakeAt(Instant when) {
        if (wakeAt == null || when.isBefore(wakeAt)) {
            wakeAt = when;
        }
    }

    /** @return milliseconds from {@code now} to the wished scan (at least 1), or {@link Long#MAX_VALUE} */
    long millisFrom(Instant now) {
        return wakeAt == null ? Long.MAX_VALUE : Math.max(1, Duration.between(now, wakeAt).toMillis());
    }
}
