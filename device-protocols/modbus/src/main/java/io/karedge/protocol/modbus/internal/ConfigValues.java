package io.karedge.protocol.modbus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Reads settings out of a {@code configData} object. KubeEdge passes numbers and booleans either as JSON
 * values or as strings (after a trip through DMI's {@code Any}), so both forms are accepted. Every error is
 * an {@link IllegalArgumentException} whose message starts with {@code where} and names the key.
 */
final class ConfigValues {

    private final String where;
    private final ObjectNode config;

    ConfigValues(String where, ObjectNode config) {
        this.where = where;
        this.config = config;
    }

    String where() {
        return where;
    }

    boolean has(String key) {
        JsonNode node = config == null ? null : config.get(key);
        return node != null && !node.isNull() && !(node.isTextual() && node.asText().isBlank());
    }

    /** @return the first of the keys that is set, or null */
    String firstPresent(String... keys) {
        for (String key : keys) {
            if (has(key)) {
                return key;
            }
        }
        return null;
    }

    String text(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode node = config.get(key);
        if (!node.isValueNode()) {
            throw fail(key + " must be a single value, not " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return node.asText().trim();
    }

    /** @return the integer, or {@code fallback} when the key is absent */
    long integer(String key, long fallback) {
        BigDecimal value = decimal(key);
        if (value == null) {
            return fallback;
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            throw fail(key + " must be a whole number, not " + value.toPlainString());
        }
    }

    BigDecimal decimal(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode node = config.get(key);
        if (node.isNumber()) {
            return node.decimalValue();
        }
        String text = node.asText().trim();
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw fail(key + " must be a number, not '" + text + "'");
        }
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode node = config.get(key);
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        String text = node.asText().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw fail(key + " must be true or false, not '" + node.asText() + "'");
        };
    }

    /** Rejects keys that are not in {@code known}, so that typos show up when the device is validated. */
    void rejectUnknown(Set<String> known) {
        if (config == null) {
            return;
        }
        Iterator<String> names = config.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!known.contains(key)) {
                throw fail("unknown setting '" + key + "' (known: " + String.join(", ", known.stream().sorted().toList())
                        + ")");
            }
        }
    }

    IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(where + ": " + message);
    }
}
