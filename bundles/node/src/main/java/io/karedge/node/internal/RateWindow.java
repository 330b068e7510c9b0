package io.karedge.node.internal;

/**
 * The rate of a task over its last {@value #WINDOW_MILLIS} ms: a few samples of (time, units done), at least
 * {@value #SPACING_MILLIS} ms apart, at most {@value #MAX_SAMPLES}. The rate is measured from the newest sample
 * at least a window old (or the first one) to now, so it falls while the work stalls. Not thread-safe: the
 * tracker's lock guards it.
 */
final class RateWindow {

    static final long WINDOW_MILLIS = 10_000;
    static final long SPACING_MILLIS = 500;
    static final long MIN_SPAN_MILLIS = 1_000;
    static final int MAX_SAMPLES = 32;

    private final long[] times = new long[MAX_SAMPLES];
    private final long[] units = new long[MAX_SAMPLES];
    private int first;
    private int count;

    RateWindow(long startMillis) {
        times[0] = startMillis;
        units[0] = 0;
        count = 1;
    }

    void record(long nowMillis, long done) {
        long last = times[index(count - 1)];
        if (nowMillis - last < SPACING_MILLIS) {
            return;
        }
        if (count == MAX_SAMPLES) {
            first = index(1);
            count--;
        }
        times[index(count)] = nowMillis;
        units[index(count)] = done;
        count++;
        // one sample older than the window is enough to measure from
        while (count > 1 && times[index(1)] <= nowMillis - WINDOW_MILLIS) {
            first = index(1);
            count--;
        }
    }

    /** @return units per second up to {@code nowMillis}, or null when nothing was done or too little time passed */
    Double perSecond(long nowMillis, long done) {
        int reference = 0;
        for (int i = count - 1; i >= 0; i--) {
            if (times[index(i)] <= nowMillis - WINDOW_MILLIS) {
                reference = i;
                break;
            }
        }
        long span = nowMillis - times[index(reference)];
        if (done <= 0 || span < MIN_SPAN_MILLIS) {
            return null;
        }
        return Math.max(0, done - units[index(reference)]) * 1000.0 / span;
    }

    private int index(int i) {
        return (first + i) % MAX_SAMPLES;
    }
}
