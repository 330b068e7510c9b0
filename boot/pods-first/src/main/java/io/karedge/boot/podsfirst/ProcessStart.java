package io.karedge.boot.podsfirst;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * When this process started, to about 10 ms. {@code ProcessHandle.info().startInstant()} adds the process's
 * start in clock ticks to the boot time, which Linux gives in whole seconds ({@code btime}), so it can be up to
 * a second early; here the start in ticks is subtracted from the uptime instead, which has hundredths. It is
 * the process {@code bin/karaf} started, which became the JVM by exec.
 */
final class ProcessStart {

    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessStart() {
    }

    static Instant instant() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // after the command name in parentheses: field 3 (state) first, field 22 (starttime) at index 19
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]);
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            long now = System.currentTimeMillis();
            return Instant.ofEpochMilli(now - Math.round((uptime - startTicks / TICKS_PER_SECOND) * 1000));
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().startInstant().orElse(Instant.now());
        }
    }
}
