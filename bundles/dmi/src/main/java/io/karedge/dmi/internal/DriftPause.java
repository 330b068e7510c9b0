package io.karedge.dmi.internal;

/**
 * When a device whose reported value drifted may be pushed again: at once the first time, then after a pause that doubles from
 * {@code min} to {@code max} while it keeps drifting. The pause starts over once the device has held its
 * desired value past the current pause. Guarded by its own monitor.
 */
final class DriftPause {

    private final long min;
    private final long max;
    private long pause;
    private long notBefore;
    private boolean drifting;

    DriftPause(long min, long max) {
        this.min = min;
        this.max = max;
        this.pause = min;
    }

    /**
     * The device reported a value other than its desired one.
     *
     * @return whether it is to be pushed now; when it is, the next push waits the current pause
     */
    synchronized Decision drifted(long now) {
        if (now < notBefore) {
            return Decision.WAIT;
        }
        Decision decision = drifting ? Decision.WRITE_AGAIN : Decision.WRITE_FIRST;
        drifting = true;
        notBefore = now + pause;
        pause = Math.min(max, pause * 2);
        return decision;
    }

    /** The device reported its desired value. */
    synchronized void held(long now) {
        if (drifting && now >= notBefore) {
            drifting = false;
            pause = min;
        }
    }

    enum Decision {
        /** not yet: a rewrite was made less than the pause ago */
        WAIT,
        /** the first rewrite since the property last held its value */
        WRITE_FIRST,
        /** a further rewrite while the property keeps drifting */
        WRITE_AGAIN
    }
}
