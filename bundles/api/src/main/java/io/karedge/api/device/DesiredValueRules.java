package io.karedge.api.device;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * What a DeviceModel allows as the desired value of a property, the same for every source of desired
 * values (the Device spec, REST, the shell, MQTT, the local Kubernetes API). A property the model does not
 * describe is not checked (its twin is free-form and nothing is written to the device for it). For a
 * property the model describes:
 *
 * <ul>
 * <li>{@code accessMode} must be {@code ReadWrite}; {@code ReadOnly} (or none) is refused;</li>
 * <li>the value must parse as the model's {@code type}: {@code INT} a whole number, {@code FLOAT} and
 * {@code DOUBLE} a finite number, {@code BOOLEAN} {@code true} or {@code false}; {@code STRING},
 * {@code BYTES} and {@code STREAM} take any value;</li>
 * <li>a number must lie within {@code minimum} and {@code maximum} where the model gives them (bounds
 * included; a bound that is not a number is ignored).</li>
 * </ul>
 *
 * An empty value clears a desired value and is always allowed.
 *
 * @since 1.1
 */
public final class DesiredValueRules {

    private DesiredValueRules() {
    }

    /**
     * @param model    the device's model, or {@code null} when it is not known (nothing is checked)
     * @param property the property's name
     * @param value    the desired value
     * @return the reason the model refuses the value, or empty when it allows it
     */
    public static Optional<String> problem(DeviceModel model, String property, String value) {
        if (model == null || model.spec() == null || value == null || value.isEmpty()) {
            return Optional.empty();
        }
        Optional<ModelProperty> described = model.spec().property(property);
        if (described.isEmpty()) {
            return Optional.empty();
        }
        ModelProperty rules = described.get();
        String modelName = model.metadata() == null ? "" : model.metadata().getName();
        if (!rules.writable()) {
            return Optional.of("property " + property + " is " + (rules.accessMode() == null ? "not ReadWrite"
                    : rules.accessMode()) + " in DeviceModel " + modelName + "; it takes no desired value");
        }
        String type = rules.type() == null ? "" : rules.type().trim().toUpperCase(Locale.ROOT);
        BigDecimal number;
        switch (type) {
            case "INT" -> {
                number = parse(value);
                if (number == null || number.stripTrailingZeros().scale() > 0 || !value.matches("[-+]?\\d+")) {
                    return Optional.of("property " + property + " is INT in DeviceModel " + modelName + "; "
                            + clip(value) + " is not a whole number");
                }
            }
            case "FLOAT", "DOUBLE" -> {
                number = parse(value);
                if (number == null) {
                    return Optional.of("property " + property + " is " + type + " in DeviceModel " + modelName
                            + "; " + clip(value) + " is not a number");
                }
            }
            case "BOOLEAN" -> {
                return "true".equals(value) || "false".equals(value) ? Optional.empty()
                        : Optional.of("property " + property + " is BOOLEAN in DeviceModel " + modelName + "; "
                        + clip(value) + " is not true or false");
            }
            default -> {
                return Optional.empty();
            }
        }
        BigDecimal minimum = parse(rules.minimum());
        if (minimum != null && number.compareTo(minimum) < 0) {
            return Optional.of("property " + property + ": " + clip(value) + " is below the minimum "
                    + rules.minimum().trim() + " of DeviceModel " + modelName);
        }
        BigDecimal maximum = parse(rules.maximum());
        if (maximum != null && number.compareTo(maximum) > 0) {
            return Optional.of("property " + property + ": " + clip(value) + " is above the maximum "
                    + rules.maximum().trim() + " of DeviceModel " + modelName);
        }
        return Optional.empty();
    }

    private static BigDecimal parse(String text) {
        if (text == null || text.isBlank() || text.length() > 100) {
            return null;
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String clip(String value) {
        return value.length() <= 40 ? "\"" + value + "\"" : "\"" + value.substring(0, 40) + "...\"";
    }

    /**
     * Whether a value read from a device shows the desired value, by the model's {@code type}: numbers by
     * value ({@code 43.0} is {@code 43}; a {@code FLOAT} at single precision, as a float register holds it), a
     * {@code BOOLEAN} {@code true}/{@code 1}/{@code on} or {@code false}/{@code 0}/{@code off} in any case; other
     * types, and values that do not parse as their type, compare as text (trimmed).
     *
     * @param type    the model's type of the property ({@code INT}, {@code FLOAT} ...), or {@code null}
     * @param reading the value read from the device
     * @param desired the desired value
     * @return whether the reading is the desired value
     * @since 1.2
     */
    public static boolean reached(String type, String reading, String desired) {
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
