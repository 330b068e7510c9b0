package io.karedge.protocol.virtual.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulation settings of one property, read from its {@code visitors.configData}. Numbers may be
 * given as JSON numbers or as strings; a bad setting is an {@link IllegalArgumentException} naming the
 * property and the key.
 */
record PropertySettings(String property, String generator, String value, Double min, Double max, double step,
                        double periodMillis, double noise, long latencyMillis, double failureRate) {

    static final List<String> GENERATORS = List.of("constant", "counter", "random", "sine", "setpoint");

    static PropertySettings parse(String property, ObjectNode config) {
        String generator = text(config, "generator", "constant").toLowerCase(Locale.ROOT);
        if (!GENERATORS.contains(generator)) {
            throw new IllegalArgumentException("property " + property + ": unknown generator '" + generator
                    + "'; use one of " + String.join(", ", GENERATORS));
        }
        Double min = number(property, config, "min");
        Double max = number(property, config, "max");
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("property " + property + ": min " + plain(min) + " is greater than max "
                    + plain(max));
        }
        if (("random".equals(generator) || "sine".equals(generator)) && (min == null) != (max == null)) {
            throw new IllegalArgumentException("property " + property + ": generator " + generator
                    + " needs both min and max, or neither (then 0 and 100)");
        }
        double step = orDefault(number(property, config, "step"), 1);
        Double periodSeconds = number(property, config, "period");
        if (periodSeconds == null) {
            periodSeconds = number(property, config, "periodSeconds");
        }
        double period = orDefault(periodSeconds, 60) * 1000;
        if (period <= 0) {
            throw new IllegalArgumentException("property " + property + ": period must be greater than 0 seconds");
        }
        double noise = orDefault(number(property, config, "noise"), 0);
        if (noise < 0) {
            throw new IllegalArgumentException("property " + property + ": noise must not be negative");
        }
        double latency = orDefault(number(property, config, "latency.ms"), 0);
        if (latency < 0) {
            throw new IllegalArgumentException("property " + property + ": latency.ms must not be negative");
        }
        double failureRate = orDefault(number(property, config, "failure.rate"), 0);
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("property " + property + ": failure.rate must be between 0 and 1, not "
                    + plain(failureRate));
        }
        String value = config.hasNonNull("value") ? config.get("value").asText() : null;
        if (value != null && ("counter".equals(generator)) && number(property, config, "value") == null) {
            throw new IllegalArgumentException("property " + property + ": value of a counter must be a number");
        }
        return new PropertySettings(property, generator, value, min, max, step, period, noise, (long) latency,
                failureRate);
    }

    /** Checks every key against the known ones, so that typos are found at validate time. */
    static void rejectUnknownKeys(String property, ObjectNode config) {
        Iterator<Map.Entry<String, JsonNode>> fields = config.fields();
        while (fields.hasNext()) {
            String key = fields.next().getKey();
            if (!List.of("generator", "value", "min", "max", "step", "period", "periodSeconds", "noise", "latency.ms",
                    "failure.rate", "dataType").contains(key)) {
                throw new IllegalArgumentException("property " + property + ": unknown setting '" + key + "'");
            }
        }
    }

    double low() {
        return min == null ? 0 : min;
    }

    double high() {
        return max == null ? 100 : max;
    }

    private static String text(ObjectNode config, String key, String fallback) {
        JsonNode node = config.get(key);
        return node == null || node.isNull() || node.asText().isBlank() ? fallback : node.asText().trim();
    }

    private static Double number(String property, ObjectNode config, String key) {
        JsonNode node = config.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        try {
            return Double.valueOf(node.asText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + property + ": " + key + " must be a number, not '"
                    + node.asText() + "'");
        }
    }

    private static double orDefault(Double value, double fallback) {
        return value == null ? fallback : value;
    }

    static String plain(double value) {
        return Values.format(value, "double");
    }
}
