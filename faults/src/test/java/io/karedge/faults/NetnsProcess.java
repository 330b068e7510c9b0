package io.karedge.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java main of the test classpath run inside a network namespace ({@code ip netns exec <ns> java ...}), its
 * stdout kept line by line, its stderr in a file. Closing its stdin (or {@link #close()}) ends the mains that
 * watch it; {@link #kill()} is a SIGKILL of the JVM.
 */
final class NetnsProcess implements AutoCloseable {

    private final String label;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private NetnsProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "netns-out-" + label);
        reader.setDaemon(true);
        reader.start();
    }

    static NetnsProcess start(String namespace, Path stderr, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classpath(), mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
        return new NetnsProcess(namespace + " " + mainClass.substring(mainClass.lastIndexOf('.') + 1), process);
    }

    /** The test's classpath as Surefire/Failsafe give it (not the booter jar's). */
    static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** @return the first output line matching, waiting up to {@code timeout}; fails if none came */
    String awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean ended = false;
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (matching.test(line)) {
                    return line;
                }
            }
            if (ended) {
                break;
            }
            if (!process.isAlive()) {
                ended = true; // one more look: the reader may still have been adding its last lines
                Thread.sleep(200);
            } else {
                Thread.sleep(20);
            }
        }
        throw new AssertionError(label + ": no expected line within " + timeout + "; output " + lines
                + (process.isAlive() ? "" : ", exit " + process.exitValue()));
    }

    /** Waits for the process to end by itself. @return its output */
    List<String> awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(label + ": still running after " + timeout + "; output so far " + lines);
        }
        Thread.sleep(100);
        return List.copyOf(lines);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL of the JVM in the namespace (the {@code ip netns exec} process became it by exec). */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
