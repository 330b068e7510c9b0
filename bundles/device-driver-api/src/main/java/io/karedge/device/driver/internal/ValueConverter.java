package io.karedge.device.driver.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.device.driver.ConfigKey;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Converts one {@code configData} value to a component's type, with the error wording of the binding. */
final class ValueConverter {

    /** Where a value came from: the place ({@code device x protocol configData}) and the key. */
    record Place(String where, String key) {
        IllegalArgumentException wrong(String expected, JsonNode given) {
            return new IllegalArgumentException(where + ": " + key + " must be " + expected + ", not " + shown(given));
        }
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)?");
    private static final Map<String, ChronoUnit> UNITS = Map.of("ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS,
            "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS);

    private ValueConverter() {
    }

    /** @return whether a key is given: not absent, not null, not a blank string */
    static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode() && !(node.isTextual() && node.asText().isBlank());
    }

    static String shown(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        return "'" + node.asText() + "'";
    }

    /** @return the value of an absent key without defaults: null, or 0 / false for primitives */
    static Object empty(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        if (type == float.class) {
            return 0.0f;
        }
        if (type.isPrimitive()) {
            throw new IllegalStateException("unsupported configuration type " + type);
        }
        return null;
    }

    static Object convert(JsonNode node, Class<?> type, ConfigKey key, Place place) {
        if (type == JsonNode.class) {
            return node;
        }
        if (type == String.class) {
            if (!node.isValueNode()) {
                throw place.wrong("a single value", node);
            }
            return node.asText().trim();
        }
        if (type == boolean.class || type == Boolean.class) {
            return bool(node, place);
        }
        if (type == int.class || type == Integer.class) {
            return (int) whole(node, key, place, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (type == long.class || type == Long.class) {
            return whole(node, key, place, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (type == double.class || type == Double.class) {
            return decimal(node, key, place).doubleValue();
        }
        if (type == float.class || type == Float.class) {
            return decimal(node, key, place).floatValue();
        }
        if (type == BigDecimal.class) {
            return decimal(node, key, place);
        }
        if (type == Duration.class) {
            return duration(node, key, place);
        }
        if (type.isEnum()) {
            return constant(node, type, place);
        }
        throw new IllegalStateException("unsupported configuration type " + type.getName() + " for " + place.key());
    }

    private static boolean bool(JsonNode node, Place place) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            switch (node.asText().trim().toLowerCase(Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    break;
            }
        }
        throw place.wrong("true or false", node);
    }

    private static long whole(JsonNode node, ConfigKey key, Place place, long typeMin, long typeMax) {
        String expected = "a whole number" + range(key);
        BigDecimal value = number(node);
        if (value == null) {
            throw place.wrong(expected, node);
        }
        long whole;
        try {
            whole = value.longValueExact();
        } catch (ArithmeticException e) {
            throw place.wrong(expected, node);
        }
        if (whole < typeMin || whole > typeMax || outside(key, value)) {
            throw place.wrong(expected, node);
        }
        return whole;
    }

    private static BigDecimal decimal(JsonNode node, ConfigKey key, Place place) {
        String expected = "a number" + range(key);
        BigDecimal value = number(node);
        if (value == null || outside(key, value)) {
            throw place.wrong(expected, node);
        }
        return value;
    }

    private static Duration duration(JsonNode node, ConfigKey key, Place place) {
        ChronoUnit unit = key == null ? ChronoUnit.MILLIS : key.unit();
        String expected = "a duration (a number of " + unitName(unit)
                + " or a number with a unit: 500ms, 5s, 2m, 1h)" + range(key, unit);
        BigDecimal amount;
        ChronoUnit given = unit;
        if (node.isNumber()) {
            amount = node.decimalValue();
        } else if (node.isTextual()) {
            Matcher matcher = DURATION.matcher(node.asText().trim().toLowerCase(Locale.ROOT));
            if (!matcher.matches()) {
                throw place.wrong(expected, node);
            }
            amount = new BigDecimal(matcher.group(1));
            if (matcher.group(2) != null) {
                given = UNITS.get(matcher.group(2));
            }
        } else {
            throw place.wrong(expected, node);
        }
        if (amount.signum() < 0) {
            throw place.wrong(expected, node);
        }
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(given.getDuration().toNanos()));
        BigDecimal inUnit = nanos.divide(BigDecimal.valueOf(unit.getDuration().toNanos()), MathContext.DECIMAL64);
        if (outside(key, inUnit) || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw place.wrong(expected, node);
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static Object constant(JsonNode node, Class<?> type, Place place) {
        Object[] constants = type.getEnumConstants();
        String expected = "one of " + Arrays.stream(constants).map(Object::toString).collect(Collectors.joining(", "));
        if (!node.isTextual()) {
            throw place.wrong(expected, node);
        }
        String text = node.asText().trim();
        for (Object constant : constants) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(text) || constant.toString().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw place.wrong(expected, node);
    }

    /** @return the number a node holds as a JSON number or a string, or null when it holds none */
    private static BigDecimal number(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (!node.isTextual()) {
            return null;
        }
        try {
            return new BigDecimal(node.asText().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean outside(ConfigKey key, BigDecimal value) {
        if (key == null) {
            return false;
        }
        boolean belowMin = key.min() != Double.NEGATIVE_INFINITY && value.compareTo(BigDecimal.valueOf(key.min())) < 0;
        boolean aboveMax = key.max() != Double.POSITIVE_INFINITY && value.compareTo(BigDecimal.valueOf(key.max())) > 0;
        return belowMin || aboveMax;
    }

    private static String range(ConfigKey key) {
        return range(key, null);
    }

    private static String range(ConfigKey key, ChronoUnit unit) {
        boolean hasMin = key != null && key.min() != Double.NEGATIVE_INFINITY;
        boolean hasMax = key != null && key.max() != Double.POSITIVE_INFINITY;
        String suffix = unit == null ? "" : " " + unitName(unit);
        String hint = key == null || key.hint().isEmpty() ? "" : " (" + key.hint() + ")";
        if (hasMin && hasMax) {
            return " between " + plain(key.min()) + " and " + plain(key.max()) + suffix + hint;
        }
        if (hasMin) {
            return " of at least " + plain(key.min()) + suffix + hint;
        }
        if (hasMax) {
            return " of at most " + plain(key.max()) + suffix + hint;
        }
        return hint;
    }

    private static String unitName(ChronoUnit unit) {
        return unit == ChronoUnit.MILLIS ? "milliseconds" : unit.toString().toLowerCase(Locale.ROOT);
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
