package io.karedge.protocol.mqtt.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto broker for tests, listening on 127.0.0.1 only, on a free port, anonymous, no
 * persistence. Tests are skipped (assumption) when mosquitto is not installed.
 */
final class MosquittoBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final int port;
    private final Path dir;
    private Process process;

    private MosquittoBroker(int port) throws IOException {
        this.port = port;
        this.dir = Files.createTempDirectory("mosquitto-");
    }

    /** A broker on a free port, not yet started. */
    static MosquittoBroker onFreePort() throws IOException {
        assumeTrue(binary() != null, "mosquitto not found (apt-get install mosquitto)");
        return new MosquittoBroker(freePort());
    }

    static MosquittoBroker start() throws Exception {
        MosquittoBroker broker = onFreePort();
        broker.launch();
        return broker;
    }

    int port() {
        return port;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    void launch() throws Exception {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                ""));
        Path log = dir.resolve("mosquitto.log");
        process = new ProcessBuilder(binary(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        stop();
        throw new IllegalStateException("mosquitto did not listen on " + port + ": " + Files.readString(log));
    }

    void stop() throws InterruptedException {
        Process running = process;
        if (running == null) {
            return;
        }
        process = null;
        running.destroy();
        if (!running.waitFor(5, TimeUnit.SECONDS)) {
            running.destroyForcibly();
            running.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String binary() {
        for (String candidate : List.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File file = new File(dir, "mosquitto");
                if (file.canExecute()) {
                    return file.getPath();
                }
            }
        }
        return null;
    }
}
