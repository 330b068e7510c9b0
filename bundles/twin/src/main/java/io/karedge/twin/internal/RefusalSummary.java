package io.karedge.twin.internal;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Refused twin requests (a 400, 404 or 409 answer) are expected in normal use: a client sending a stale
 * version, a value of the wrong type, a device not on this node. Each is logged at DEBUG and counted in the
 * twin statistics; this class adds at most one summary line per {@code interval}, saying how many were refused
 * since the last summary and what the latest one was, so a client that keeps being refused is noticed
 * without one WARN per request.
 */
final class RefusalSummary {

    static final long DEFAULT_INTERVAL_SECONDS = 300;

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long refusedSinceSummary;
    private long lastSummaryNanos;
    private boolean summarized;

    RefusalSummary(long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one refusal.
     *
     * @param latest what the refusal was, for the summary line
     * @return the summary line to log now, if one is due
     */
    synchronized Optional<String> refused(String latest) {
        refusedSinceSummary++;
        long now = nanoClock.getAsLong();
        if (summarized && now - lastSummaryNanos < intervalNanos) {
            return Optional.empty();
        }
        String line = refusedSinceSummary + " twin request(s) refused"
                + (summarized ? " in the last " + TimeUnit.NANOSECONDS.toSeconds(now - lastSummaryNanos) + " s" : "")
                + ", latest: " + latest + " (each refusal is logged at DEBUG; at most one such line every "
                + TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s)";
        summarized = true;
        lastSummaryNanos = now;
        refusedSinceSummary = 0;
        return Optional.of(line);
    }
}
