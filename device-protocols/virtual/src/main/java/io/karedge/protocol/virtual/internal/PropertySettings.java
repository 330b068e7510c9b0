package io.karedge.protocol.virtual.internal;

import io.karedge.device.driver.ConfigKey;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The simulation settings of one property, bound from its {@code visitors.configData} by the SPI's
 * configuration binding (numbers as JSON numbers or strings).
 *
 * @param generator   constant (default), counter, random, sine or setpoint
 * @param value       the first value (constant, counter, setpoint), or null
 * @param period      of a sine: {@code period} (alias {@code periodSeconds}), a plain number is seconds, default 60
 * @param latency     {@code latency.ms}: how long each read and write takes, a plain number is milliseconds
 * @param failureRate {@code failure.rate}: the share of reads that fail, 0..1
 * @param dataType    accepted for KubeEdge compatibility; the model's type decides
 */
record PropertySettings(String generator, String value, Double min, Double max, double step,
                        @ConfigKey(aliases = "periodSeconds", unit = ChronoUnit.SECONDS) Duration period,
                        @ConfigKey(min = 0) double noise,
                        @ConfigKey("latency.ms") Duration latency,
                        @ConfigKey(value = "failure.rate", min = 0, max = 1) double failureRate,
                        String dataType) {

    static final List<String> GENERATORS = List.of("constant", "counter", "random", "sine", "setpoint");
    static final PropertySettings DEFAULTS = new PropertySettings("constant", null, null, null, 1,
            Duration.ofSeconds(60), 0, Duration.ZERO, 0, null);

    PropertySettings {
        generator = generator.toLowerCase(Locale.ROOT);
        if (!GENERATORS.contains(generator)) {
            throw new IllegalArgumentException("generator must be one of " + String.join(", ", GENERATORS)
                    + ", not '" + generator + "'");
        }
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("min " + plain(min) + " is greater than max " + plain(max));
        }
        if (("random".equals(generator) || "sine".equals(generator)) && (min == null) != (max == null)) {
            throw new IllegalArgumentException("generator " + generator
                    + " needs both min and max, or neither (then 0 and 100)");
        }
        if (period.isZero()) {
            throw new IllegalArgumentException("period must be greater than 0 seconds");
        }
        if (value != null && "counter".equals(generator)) {
            try {
                Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("value of a counter must be a number, not '" + value + "'");
            }
        }
    }

    double periodMillis() {
        return period.toNanos() / 1_000_000.0;
    }

    long latencyMillis() {
        return latency.toMillis();
    }

    double low() {
        return min == null ? 0 : min;
    }

    double high() {
        return max == null ? 100 : max;
    }

    static String plain(double value) {
        return Values.format(value, "double");
    }
}
