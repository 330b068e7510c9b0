package io.karedge.protocol.modbus.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An independent Modbus TCP server for tests: {@code modbus_server.py} (pymodbus) on a free 127.0.0.1 port.
 * The register contents are listed in that script. Tests are skipped (assumption) when no Python 3 with
 * pymodbus is found; the system property {@code karedge.python} names a specific interpreter.
 */
final class PymodbusServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static volatile String python;

    private final int port;
    private final Path log;
    private Process process;

    private PymodbusServer(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    /** Starts a server on a free port; skips the calling test when pymodbus is not installed. */
    static PymodbusServer start() throws Exception {
        PymodbusServer server = new PymodbusServer(freePort(), Files.createTempFile("pymodbus-", ".log"));
        server.launch();
        return server;
    }

    int port() {
        return port;
    }

    /** Starts the server again on the same port (after {@link #stop()}). */
    void launch() throws Exception {
        String interpreter = python();
        assumeTrue(interpreter != null, "python3 with pymodbus not found (apt-get install python3-pymodbus)");
        ProcessBuilder builder = new ProcessBuilder(interpreter, script().toString(), Integer.toString(port), "300")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = builder.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pymodbus server exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        stop();
        throw new IllegalStateException("pymodbus server did not listen on port " + port + " within " + START_TIMEOUT
                + ": " + Files.readString(log));
    }

    /** Stops the server: closes its standard input (it exits), then kills it if it lingers. */
    void stop() throws InterruptedException {
        Process running = process;
        if (running == null) {
            return;
        }
        process = null;
        try {
            OutputStream stdin = running.getOutputStream();
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!running.waitFor(3, TimeUnit.SECONDS)) {
            running.destroyForcibly();
            running.waitFor(3, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file left behind
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path script() throws URISyntaxException {
        return Paths.get(PymodbusServer.class.getResource("/modbus_server.py").toURI());
    }

    /** @return a Python 3 interpreter that can import pymodbus, or null */
    static synchronized String python() {
        if (python != null) {
            return python.isEmpty() ? null : python;
        }
        Set<String> candidates = new LinkedHashSet<>();
        String configured = System.getProperty("karedge.python");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String candidate : candidates) {
            if (canImportPymodbus(candidate)) {
                python = candidate;
                return candidate;
            }
        }
        python = "";
        return null;
    }

    private static boolean canImportPymodbus(String interpreter) {
        List<String> command = new ArrayList<>(List.of(interpreter, "-c", "import pymodbus.server, pymodbus.datastore"));
        try {
            Process check = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null"))).start();
            if (!check.waitFor(20, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return false;
            }
            return check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
