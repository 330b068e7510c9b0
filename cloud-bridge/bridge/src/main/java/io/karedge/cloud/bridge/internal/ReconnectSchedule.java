package io.karedge.cloud.bridge.internal;

/**
 * How long the link waits before its next attempt to reach CloudHub: the ceiling doubles from
 * {@code backoff.initial.ms} with each failure in a row and stops at {@code backoff.max.ms}; the wait is drawn
 * evenly from the upper half of the ceiling, so nodes that lost the cloud together do not all come back at the
 * same instant, and no wait is ever longer than {@code backoff.max.ms}.
 */
final class ReconnectSchedule {

    private ReconnectSchedule() {
    }

    /**
     * @param failures failed attempts in a row, 1 for the first
     * @param unit     a random number in {@code [0, 1)}
     * @return the wait in milliseconds, between half the ceiling and the ceiling
     */
    static long delayMillis(long initialMillis, long maxMillis, int failures, double unit) {
        long ceiling = initialMillis * (1L << Math.min(20, Math.max(0, failures - 1)));
        long capped = Math.min(maxMillis, ceiling);
        return capped / 2 + (long) (unit * (capped - capped / 2));
    }
}
