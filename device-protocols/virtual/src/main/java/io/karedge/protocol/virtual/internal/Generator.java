package io.karedge.protocol.virtual.internal;

import io.karedge.device.driver.PropertyException;
import java.util.Random;

/**
 * Produces the values of one simulated property. Not thread-safe: a handler's calls are never
 * concurrent.
 */
final class Generator {

    private final String property;
    private final PropertySettings settings;
    private final String type;
    private final Random random;
    private double counter;
    private String held;

    Generator(String property, PropertySettings settings, String type, Random random) {
        this.property = property;
        this.settings = settings;
        this.type = type;
        this.random = random;
        this.counter = "counter".equals(settings.generator()) && settings.value() != null
                ? Double.parseDouble(settings.value()) - settings.step() : -settings.step();
        this.held = settings.value() == null ? defaultValue() : settings.value();
    }

    private String defaultValue() {
        return switch (type) {
            case "string", "bytes" -> "";
            case "boolean" -> "false";
            default -> "0";
        };
    }

    /** @return the next value at time {@code nowMillis} */
    String next(long nowMillis) {
        return switch (settings.generator()) {
            case "counter" -> counter();
            case "random" -> numeric(settings.low() + random.nextDouble() * (settings.high() - settings.low()));
            case "sine" -> numeric(sine(nowMillis));
            default -> held;
        };
    }

    private String counter() {
        counter += settings.step();
        if (settings.max() != null && counter > settings.max()) {
            counter = settings.min() != null ? settings.min() : settings.value() == null ? 0
                    : Double.parseDouble(settings.value());
        }
        return numeric(counter);
    }

    private double sine(long nowMillis) {
        double phase = 2 * Math.PI * (nowMillis % (long) settings.periodMillis()) / settings.periodMillis();
        double middle = (settings.low() + settings.high()) / 2;
        double amplitude = (settings.high() - settings.low()) / 2;
        return middle + amplitude * Math.sin(phase);
    }

    private String numeric(double value) {
        double noisy = settings.noise() > 0 ? value + (random.nextDouble() * 2 - 1) * settings.noise() : value;
        return Values.format(noisy, "string".equals(type) ? "double" : type);
    }

    /**
     * Writes a value: {@code constant} and {@code setpoint} hold it (a setpoint refuses numbers outside
     * min..max); the other generators are read-only.
     */
    String write(String value) throws PropertyException {
        switch (settings.generator()) {
            case "constant" -> held = value;
            case "setpoint" -> {
                if (settings.min() != null || settings.max() != null) {
                    double number;
                    try {
                        number = Double.parseDouble(value.trim());
                    } catch (NumberFormatException e) {
                        throw new PropertyException("setpoint " + property + " needs a number, not '"
                                + value + "'");
                    }
                    if (settings.min() != null && number < settings.min()
                            || settings.max() != null && number > settings.max()) {
                        throw new PropertyException("setpoint " + property + " accepts "
                                + PropertySettings.plain(settings.low()) + ".." + PropertySettings.plain(settings.high())
                                + ", not " + value);
                    }
                }
                held = value;
            }
            default -> throw new PropertyException("property " + property + " uses generator "
                    + settings.generator() + ", which cannot be written; use constant or setpoint");
        }
        return held;
    }
}
