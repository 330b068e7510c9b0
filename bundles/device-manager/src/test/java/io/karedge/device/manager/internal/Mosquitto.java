package io.karedge.device.manager.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A mosquitto broker process for tests: {@code listener <port> 127.0.0.1}, anonymous, on a free port chosen
 * up front so that clients can be pointed at it before it runs. Its sessions are persisted in a temporary
 * directory, so a stop and a launch keep the durable subscriptions of the test's observer. Skipped (JUnit
 * assumption) when no mosquitto binary is installed.
 */
final class Mosquitto implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private Mosquitto(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** A broker on a free port, not started yet. */
    static Mosquitto onFreePort() throws IOException {
        assumeTrue(binary() != null, "mosquitto is not installed");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path dir = Files.createTempDirectory("dm-mosquitto-");
            try {
                // run as root, mosquitto drops to its own user, which must still write its session database
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            return new Mosquitto(socket.getLocalPort(), dir);
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the broker and waits (at most 10 s) until it accepts connections. */
    void launch() throws Exception {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence true",
                "persistence_location " + dir + "/",
                "log_dest file " + dir.resolve("mosquitto.log"),
                "log_type error",
                "log_type warning",
                ""));
        process = new ProcessBuilder(binary(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": " + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        stop();
        throw new IllegalStateException("mosquitto did not listen on " + port + ": " + log());
    }

    /** Stops the broker (SIGTERM, so that it saves its sessions), waiting at most 10 s. */
    void stop() throws InterruptedException {
        Process running = process;
        process = null;
        if (running == null) {
            return;
        }
        running.destroy();
        if (!running.waitFor(5, TimeUnit.SECONDS)) {
            running.destroyForcibly();
            running.waitFor(5, TimeUnit.SECONDS);
        }
    }

    String log() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stdout.log", "mosquitto.log")) {
            try {
                text.append(Files.readString(dir.resolve(name)));
            } catch (IOException e) {
                // not written
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    private static String binary() {
        for (String candidate : List.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return null;
    }
}
