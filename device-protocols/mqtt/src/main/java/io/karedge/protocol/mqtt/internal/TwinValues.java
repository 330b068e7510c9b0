package io.karedge.protocol.mqtt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A JSON value from a device's message in twin form for the property's type: numbers without exponent and
 * trailing zeros ({@code int} rounded half-up), booleans as {@code true}/{@code false} (also from
 * {@code 1}/{@code 0}, {@code "on"}/{@code "off"}), strings as they are. Objects and arrays are refused: a twin
 * value is a scalar.
 */
final class TwinValues {

    private TwinValues() {
    }

    static String of(JsonNode node, String type) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("the value is null");
        }
        if (node.isContainerNode()) {
            throw new IllegalArgumentException("the value is a JSON " + (node.isArray() ? "array" : "object")
                    + ", not a single value; point jsonPath at a field inside it");
        }
        String text = node.asText().trim();
        return switch (type) {
            case "int" -> decimal(node, text).setScale(0, RoundingMode.HALF_UP).toBigInteger().toString();
            case "float", "double" -> plain(decimal(node, text));
            case "boolean" -> Boolean.toString(bool(node, text));
            default -> node.isNumber() ? plain(node.decimalValue()) : node.asText();
        };
    }

    private static BigDecimal decimal(JsonNode node, String text) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + node.asText() + "' is not a number");
        }
    }

    private static boolean bool(JsonNode node, String text) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.decimalValue().signum() != 0;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "on" -> true;
            case "false", "0", "off" -> false;
            default -> throw new IllegalArgumentException("'" + node.asText() + "' is not a boolean");
        };
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.signum() == 0 ? "0" : stripped.toPlainString();
    }
}
