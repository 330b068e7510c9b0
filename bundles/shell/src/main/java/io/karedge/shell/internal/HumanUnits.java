package io.karedge.shell.internal;

import java.time.Duration;
import java.util.Locale;

/** Sizes and durations the way people read them: {@code 12.3 MiB}, {@code 3m12s}, {@code 5d2h}. */
final class HumanUnits {

    private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private HumanUnits() {
    }

    /** @return {@code 512 B}, {@code 1.5 KiB}, {@code 12.3 MiB} ... (one decimal above bytes) */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return "<unknown>";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, BINARY_UNITS[unit]);
    }

    /**
     * An age in kubectl's style: seconds up to two minutes, then minutes (with seconds below ten
     * minutes), hours (with minutes below eight hours), days (with hours below eight days), years
     * (with days below eight years).
     */
    static String age(Duration age) {
        long seconds = age.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            return join(minutes, "m", seconds % 60, "s");
        }
        if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            return join(hours, "h", minutes % 60, "m");
        }
        if (hours < 48) {
            return hours + "h";
        }
        long days = hours / 24;
        if (hours < 24 * 8) {
            return join(days, "d", hours % 24, "h");
        }
        if (days < 365 * 2) {
            return days + "d";
        }
        long years = days / 365;
        if (days < 365 * 8) {
            return join(years, "y", days % 365, "d");
        }
        return years + "y";
    }

    private static String join(long major, String majorUnit, long minor, String minorUnit) {
        return minor == 0 ? major + majorUnit : major + majorUnit + minor + minorUnit;
    }
}
