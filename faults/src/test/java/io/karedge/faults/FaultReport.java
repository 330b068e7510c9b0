package io.karedge.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One line per scenario, on stdout and in {@code target/fault-suite.txt}: what was tried, what the
 * node acknowledged, what of that was lost, and the figures. Written before the scenario's assertions,
 * so a failing scenario still leaves its figures.
 */
final class FaultReport {

    private static boolean started;

    private FaultReport() {
    }

    /** @return the duration in seconds, to two decimals, as the report's figures give it */
    static double seconds(Duration duration) {
        return Math.round(duration.toMillis() / 10.0) / 100.0;
    }

    static synchronized void line(String scenario, String tried, String acknowledged, long lost,
            Map<String, ?> figures) {
        String text = String.format("FAULT %-28s | tried: %s | acknowledged: %s | lost: %d | %s",
                scenario, tried, acknowledged, lost,
                figures.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", ")));
        System.out.println(text);
        Path summary = Distribution.workDirectory().resolve("fault-suite.txt");
        try {
            Files.createDirectories(summary.getParent());
            if (!started) {
                started = true;
                Files.writeString(summary, "# Karedge fault suite, " + Instant.now() + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(summary, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
