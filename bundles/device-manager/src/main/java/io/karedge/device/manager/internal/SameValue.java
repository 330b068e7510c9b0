package io.karedge.device.manager.internal;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Whether a value read from a device is the desired value written to it, by the property's model type: a
 * {@code FLOAT} reads {@code 43.0} for a desired {@code 43} and loses digits beyond single precision, a
 * {@code BOOLEAN} may read {@code 1} or {@code TRUE}. Other types, and values that do not parse as their type,
 * compare as text.
 */
final class SameValue {

    private SameValue() {
    }

    static boolean of(String type, String reading, String desired) {
        if (reading == null || desired == null) {
            return reading == null && desired == null;
        }
        String a = reading.trim();
        String b = desired.trim();
        if (a.equals(b)) {
            return true;
        }
        String kind = type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
        switch (kind) {
            case "INT", "INTEGER", "LONG" -> {
                BigDecimal x = number(a);
                BigDecimal y = number(b);
                return x != null && y != null && x.compareTo(y) == 0;
            }
            case "FLOAT" -> {
                BigDecimal x = number(a);
                BigDecimal y = number(b);
                return x != null && y != null && (x.compareTo(y) == 0 || x.floatValue() == y.floatValue());
            }
            case "DOUBLE" -> {
                BigDecimal x = number(a);
                BigDecimal y = number(b);
                return x != null && y != null && (x.compareTo(y) == 0 || x.doubleValue() == y.doubleValue());
            }
            case "BOOLEAN", "BOOL" -> {
                Boolean x = bool(a);
                Boolean y = bool(b);
                return x != null && x.equals(y);
            }
            default -> {
                return false;
            }
        }
    }

    private static BigDecimal number(String text) {
        if (text.isEmpty() || text.length() > 100) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "on" -> Boolean.TRUE;
            case "false", "0", "off" -> Boolean.FALSE;
            default -> null;
        };
    }
}
