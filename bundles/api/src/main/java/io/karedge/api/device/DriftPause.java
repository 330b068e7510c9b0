package io.karedge.api.device;

/**
 * When a property that drifted from its accepted desired value may be written again: at once the first time,
 * then after a pause that doubles from {@code min} to {@code max} while it keeps drifting. The pause starts
 * over once the property has held its desired value past the current pause. Shared by the device manager
 * (in-process drivers) and the DMI server (mappers), so that both pace rewrites alike. Guarded by its own
 * monitor.
 *
 * @since 1.2
 */
public final class DriftPause {

    private final long min;
    private final long max;
    private long pause;
    private long notBefore;
    private boolean drifting;

    /**
     * @param min the first pause, in the caller's time unit
     * @param max the longest pause
     */
    public DriftPause(long min, long max) {
        this.min = min;
        this.max = max;
        this.pause = min;
    }

    /**
     * The property read (or was reported with) a value other than its desired one.
     *
     * @param now the caller's current time
     * @return whether it is to be written now; when it is, the next rewrite waits the current pause
     */
    public synchronized Decision drifted(long now) {
        if (now < notBefore) {
            return Decision.WAIT;
        }
        Decision decision = drifting ? Decision.WRITE_AGAIN : Decision.WRITE_FIRST;
        drifting = true;
        notBefore = now + pause;
        pause = Math.min(max, pause * 2);
        return decision;
    }

    /**
     * The property read its desired value.
     *
     * @param now the caller's current time
     */
    public synchronized void held(long now) {
        if (drifting && now >= notBefore) {
            drifting = false;
            pause = min;
        }
    }

    /** What {@link #drifted(long)} decided. */
    public enum Decision {
        /** not yet: a rewrite was made less than the pause ago */
        WAIT,
        /** the first rewrite since the property last held its value */
        WRITE_FIRST,
        /** a further rewrite while the property keeps drifting */
        WRITE_AGAIN
    }
}
