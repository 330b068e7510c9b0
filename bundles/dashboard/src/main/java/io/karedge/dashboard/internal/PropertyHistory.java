package io.karedge.dashboard.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The recent values of one device property, in two bounded rings: every change (a later change of the reported
 * value in the same second replaces the one before; a change of the desired value is always kept) in the
 * <em>fine</em> ring, and one point per minute (the minute's last
 * values, with the lowest and highest reported number) in the <em>coarse</em> ring, which covers what the
 * fine ring no longer holds. The rings grow as points arrive, up to their capacities, so a property that
 * rarely changes costs little. Numbers are kept as {@code double}; a value that is not a number is kept
 * as text (its array is made only for a property that has such values).
 *
 * <p>Not thread-safe on its own: {@link ValueHistory} calls it under the property's lock.
 */
final class PropertyHistory {

    /** One point as served: its time, the reported and desired values (number, text or null), the minute's range. */
    record Point(long atMillis, Object actual, Object desired, double min, double max) {
    }

    private static final int FIRST_SIZE = 8;
    private static final long MINUTE = 60_000;
    private static final long SECOND = 1_000;

    private final Ring fine;
    private final Ring coarse;
    private long lastAt = Long.MIN_VALUE;
    private long lastTouched;

    PropertyHistory(int finePoints, int coarseMinutes) {
        this.fine = new Ring(finePoints, false);
        this.coarse = new Ring(coarseMinutes, true);
    }

    /**
     * Adds the values seen at one time. A time before the last point's is taken as the last point's (the
     * rings stay in time order).
     *
     * @param actual  the reported value, or {@code null}
     * @param desired the desired value, or {@code null}
     */
    void add(long atMillis, String actual, String desired) {
        long at = Math.max(atMillis, lastAt);
        lastAt = at;
        lastTouched = at;
        double actualNumber = number(actual);
        double desiredNumber = number(desired);
        if (fine.size > 0 && fine.time(fine.size - 1) / SECOND == at / SECOND
                && fine.sameDesired(fine.size - 1, desired, desiredNumber)) {
            fine.set(fine.size - 1, at, actual, actualNumber, desired, desiredNumber, actualNumber, actualNumber);
        } else {
            fine.append(at, actual, actualNumber, desired, desiredNumber, actualNumber, actualNumber);
        }
        if (coarse.size > 0 && coarse.time(coarse.size - 1) / MINUTE == at / MINUTE) {
            int last = coarse.size - 1;
            coarse.set(last, at, actual, actualNumber, desired, desiredNumber,
                    minOf(coarse.min(last), actualNumber), maxOf(coarse.max(last), actualNumber));
        } else {
            coarse.append(at, actual, actualNumber, desired, desiredNumber, actualNumber, actualNumber);
        }
    }

    /** @return the points at or after {@code sinceMillis}, oldest first: minutes before the fine ring, then its points */
    List<Point> since(long sinceMillis) {
        List<Point> points = new ArrayList<>();
        long fineStart = fine.size == 0 ? Long.MAX_VALUE : fine.time(0);
        for (int i = 0; i < coarse.size; i++) {
            long at = coarse.time(i);
            // a minute is shown only where the fine ring has no points of it
            if (at >= sinceMillis && at / MINUTE < fineStart / MINUTE) {
                points.add(coarse.point(i));
            }
        }
        for (int i = 0; i < fine.size; i++) {
            if (fine.time(i) >= sinceMillis) {
                points.add(fine.point(i));
            }
        }
        return points;
    }

    /** @return true when every value held is a number (or absent): the property is drawn as a line */
    boolean numeric() {
        return !fine.hasText() && !coarse.hasText();
    }

    long lastTouched() {
        return lastTouched;
    }

    /** @return points the rings can hold at most */
    int capacity() {
        return fine.capacity + coarse.capacity;
    }

    /** @return points held */
    int size() {
        return fine.size + coarse.size;
    }

    private static double number(String value) {
        if (value == null || value.isEmpty()) {
            return Double.NaN;
        }
        char first = value.charAt(0);
        // cheap refusal of words before the parser throws
        if (!(first == '-' || first == '+' || first == '.' || Character.isDigit(first))) {
            return Double.NaN;
        }
        try {
            double parsed = Double.parseDouble(value);
            return Double.isFinite(parsed) ? parsed : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double minOf(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    private static double maxOf(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /**
     * A ring of points in parallel arrays, oldest at logical index 0. A value that is not a number is kept
     * in the text arrays, which exist only once such a value came.
     */
    private static final class Ring {
        final int capacity;
        /** whether each point keeps a range of its own (a minute's), else its range is its value */
        final boolean ranges;
        long[] times = new long[0];
        double[] actual = new double[0];
        /** made when the first desired number comes: most properties (ReadOnly sensors) never have one */
        double[] desired;
        double[] min = new double[0];
        double[] max = new double[0];
        String[] actualText;
        String[] desiredText;
        int start;
        int size;

        Ring(int capacity, boolean ranges) {
            this.capacity = capacity;
            this.ranges = ranges;
        }

        long time(int i) {
            return times[slot(i)];
        }

        double min(int i) {
            return ranges ? min[slot(i)] : actual[slot(i)];
        }

        double max(int i) {
            return ranges ? max[slot(i)] : actual[slot(i)];
        }

        boolean sameDesired(int i, String value, double number) {
            int s = slot(i);
            if (!Double.isNaN(number) || !Double.isNaN(desiredAt(s))) {
                return Double.compare(number, desiredAt(s)) == 0;
            }
            String held = desiredText == null ? null : desiredText[s];
            return value == null ? held == null : value.equals(held);
        }

        boolean hasText() {
            if (actualText == null) {
                return false;
            }
            for (int i = 0; i < size; i++) {
                int s = slot(i);
                if (actualText[s] != null || desiredText[s] != null) {
                    return true;
                }
            }
            return false;
        }

        void append(long at, String actualValue, double actualNumber, String desiredValue, double desiredNumber,
                    double low, double high) {
            if (capacity == 0) {
                return;
            }
            if (size < capacity) {
                if (size == times.length) {
                    grow();
                }
                size++;
            } else {
                start = (start + 1) % times.length;
            }
            set(size - 1, at, actualValue, actualNumber, desiredValue, desiredNumber, low, high);
        }

        void set(int i, long at, String actualValue, double actualNumber, String desiredValue, double desiredNumber,
                 double low, double high) {
            int s = slot(i);
            times[s] = at;
            actual[s] = actualNumber;
            if (desired == null && !Double.isNaN(desiredNumber)) {
                desired = new double[times.length];
                Arrays.fill(desired, Double.NaN);
            }
            if (desired != null) {
                desired[s] = desiredNumber;
            }
            if (ranges) {
                min[s] = low;
                max[s] = high;
            }
            String actualWord = actualValue != null && Double.isNaN(actualNumber) ? actualValue : null;
            String desiredWord = desiredValue != null && Double.isNaN(desiredNumber) ? desiredValue : null;
            if (actualText == null && (actualWord != null || desiredWord != null)) {
                actualText = new String[times.length];
                desiredText = new String[times.length];
            }
            if (actualText != null) {
                actualText[s] = actualWord;
                desiredText[s] = desiredWord;
            }
        }

        Point point(int i) {
            int s = slot(i);
            return new Point(times[s], value(actual[s], actualText == null ? null : actualText[s]),
                    value(desiredAt(s), desiredText == null ? null : desiredText[s]), min(i), max(i));
        }

        private static Object value(double number, String text) {
            return text != null ? text : Double.isNaN(number) ? null : (Object) number;
        }

        private double desiredAt(int s) {
            return desired == null ? Double.NaN : desired[s];
        }

        private int slot(int i) {
            return (start + i) % times.length;
        }

        /** Doubles the arrays (up to the capacity); only called while the ring is not yet full, so start is 0. */
        private void grow() {
            int length = Math.min(capacity, Math.max(FIRST_SIZE, times.length * 2));
            times = Arrays.copyOf(times, length);
            actual = Arrays.copyOf(actual, length);
            if (desired != null) {
                int from = desired.length;
                desired = Arrays.copyOf(desired, length);
                Arrays.fill(desired, from, length, Double.NaN);
            }
            if (ranges) {
                min = Arrays.copyOf(min, length);
                max = Arrays.copyOf(max, length);
            }
            if (actualText != null) {
                actualText = Arrays.copyOf(actualText, length);
                desiredText = Arrays.copyOf(desiredText, length);
            }
        }
    }
}
