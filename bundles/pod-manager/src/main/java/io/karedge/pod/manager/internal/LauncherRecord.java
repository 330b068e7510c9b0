package io.karedge.pod.manager.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the pods-first launcher did in this process, from {@code <karaf.data>/pods-first/last-restore.properties}:
 * the pods it started and when (ms after the JVM start). A file of an earlier process is ignored.
 */
final class LauncherRecord {

    static final String FILE = "last-restore.properties";
    static final String STATE_PROPERTY = "karedge.pods.first";

    private LauncherRecord() {
    }

    static Path defaultFile() {
        return Path.of(System.getProperty("karaf.data", "data"), "pods-first", FILE).toAbsolutePath().normalize();
    }

    /** @return whether the launcher of this process is still at work */
    static boolean launcherRunning() {
        return "running".equals(System.getProperty(STATE_PROPERTY));
    }

    /**
     * @return {@code namespace/name} of each pod the launcher started in this process, to the time its last
     *         container was started, counted from {@code processStart}; empty if the file is of another process
     */
    static Map<String, Duration> read(Path file, Instant processStart) {
        Properties record = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            record.load(in);
        } catch (IOException e) {
            return Map.of();
        }
        Instant jvmStart;
        try {
            jvmStart = Instant.parse(record.getProperty("jvm.start", ""));
        } catch (DateTimeParseException e) {
            return Map.of();
        }
        if (Duration.between(jvmStart, processStart).abs().compareTo(Duration.ofSeconds(2)) > 0) {
            return Map.of();
        }
        Map<String, Duration> started = new TreeMap<>();
        for (String key : record.stringPropertyNames()) {
            if (!key.startsWith("pod.") || !key.endsWith(".name")) {
                continue;
            }
            String prefix = key.substring(0, key.length() - ".name".length());
            String at = record.getProperty(prefix + ".started.ms");
            if (!"started".equals(record.getProperty(prefix + ".outcome")) || at == null) {
                continue;
            }
            try {
                Instant when = jvmStart.plusMillis(Long.parseLong(at.trim()));
                started.put(record.getProperty(key), Duration.between(processStart, when));
            } catch (NumberFormatException e) {
                // a damaged entry: that pod counts as started by the manager
            }
        }
        return started;
    }
}
