package io.karedge.edge.stream.internal;

import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the whole node uses, from the kernel's counters: CPU time from the {@code cpu} line of
 * {@code /proc/stat} (user, nice, system, irq and softirq, in clock ticks of 1/100 s), memory from
 * {@code /proc/meminfo} (the working set is {@code MemTotal - MemAvailable}). The rate of CPU use is measured
 * between two readings at least a second and at most ten minutes apart; the first reading has none.
 */
final class NodeUsageReader {

    /** Nanoseconds in one clock tick ({@code USER_HZ} is 100 on Linux whatever the kernel's own rate). */
    static final long NANOS_PER_TICK = 10_000_000L;
    static final Duration MIN_RATE_WINDOW = Duration.ofSeconds(1);
    static final Duration MAX_RATE_WINDOW = Duration.ofMinutes(10);

    /**
     * One reading.
     *
     * @param booted when the node started ({@code btime}), or {@code null}
     */
    record NodeUsage(Instant booted, CpuUsage cpu, MemoryUsage memory) {
    }

    private final Path proc;
    private final Clock clock;
    private Instant previousTime;
    private long previousNanos;

    NodeUsageReader(Path proc, Clock clock) {
        this.proc = proc;
        this.clock = clock;
    }

    static NodeUsageReader system() {
        return new NodeUsageReader(Path.of("/proc"), Clock.systemUTC());
    }

    /** @throws IOException if a file cannot be read or does not have the expected lines */
    synchronized NodeUsage read() throws IOException {
        Instant now = clock.instant();
        long cpuNanos = -1;
        Instant booted = null;
        for (String line : Files.readAllLines(proc.resolve("stat"), StandardCharsets.US_ASCII)) {
            String[] fields = line.trim().split("\\s+");
            if (fields[0].equals("cpu")) {
                cpuNanos = cpuTicks(fields) * NANOS_PER_TICK;
            } else if (fields[0].equals("btime") && fields.length > 1) {
                booted = Instant.ofEpochSecond(number(fields[1], "btime"));
            }
        }
        if (cpuNanos < 0) {
            throw new IOException(proc.resolve("stat") + " has no cpu line");
        }
        long nanoCores = CpuUsage.UNKNOWN;
        if (previousTime != null) {
            Duration window = Duration.between(previousTime, now);
            if (window.compareTo(MIN_RATE_WINDOW) >= 0 && window.compareTo(MAX_RATE_WINDOW) <= 0
                    && cpuNanos >= previousNanos) {
                nanoCores = (long) ((cpuNanos - previousNanos) * 1e9 / window.toNanos());
            }
        }
        if (previousTime == null || Duration.between(previousTime, now).compareTo(MIN_RATE_WINDOW) >= 0) {
            previousTime = now;
            previousNanos = cpuNanos;
        }
        return new NodeUsage(booted, new CpuUsage(now, cpuNanos, nanoCores), memory(now));
    }

    /** user + nice + system + irq + softirq; idle, iowait and steal are not this node's use (guest is in user). */
    private static long cpuTicks(String[] fields) throws IOException {
        if (fields.length < 8) {
            throw new IOException("the cpu line of /proc/stat has " + (fields.length - 1) + " fields, not 7 or more");
        }
        return number(fields[1], "user") + number(fields[2], "nice") + number(fields[3], "system")
                + number(fields[6], "irq") + number(fields[7], "softirq");
    }

    private MemoryUsage memory(Instant now) throws IOException {
        long total = -1;
        long free = -1;
        long available = -1;
        for (String line : Files.readAllLines(proc.resolve("meminfo"), StandardCharsets.US_ASCII)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 2) {
                continue;
            }
            switch (fields[0]) {
                case "MemTotal:" -> total = kibibytes(fields);
                case "MemFree:" -> free = kibibytes(fields);
                case "MemAvailable:" -> available = kibibytes(fields);
                default -> {
                }
            }
        }
        if (total < 0 || free < 0 || available < 0) {
            throw new IOException(proc.resolve("meminfo") + " lacks MemTotal, MemFree or MemAvailable");
        }
        return new MemoryUsage(now, Math.max(0, total - available), Math.max(0, total - free), MemoryUsage.UNKNOWN,
                available);
    }

    private static long kibibytes(String[] fields) throws IOException {
        long value = number(fields[1], fields[0]);
        return fields.length > 2 && fields[2].equals("kB") ? value * 1024 : value;
    }

    private static long number(String text, String what) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(what + " is not a number: " + text);
        }
    }
}
