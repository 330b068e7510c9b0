package io.karedge.protocol.opcua.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The OPC UA test server of {@code src/test/resources/opcua_server.js} on node-opcua, an OPC UA stack written
 * independently of Milo, started with {@code node} on a free 127.0.0.1 port.
 *
 * <p>node-opcua is looked up in the folder given by {@code -Dkaredge.node.opcua} or {@code KAREDGE_NODE_OPCUA},
 * else in {@code target/node-opcua} (where {@code run-tests.sh} installs it); tests are skipped, with that
 * message, when it is not there.
 */
final class NodeOpcUaServer implements AutoCloseable {

    private final Path modules;
    private final Path pki;
    private final int port;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    private NodeOpcUaServer(Path modules, Path pki, int port) {
        this.modules = modules;
        this.pki = pki;
        this.port = port;
    }

    /** Skips the calling test (an assumption) when node or node-opcua is missing. */
    static NodeOpcUaServer start(Path pki) throws Exception {
        String configured = System.getProperty("karedge.node.opcua", System.getenv("KAREDGE_NODE_OPCUA"));
        Path home = Path.of(configured == null || configured.isBlank() ? "target/node-opcua" : configured).toAbsolutePath();
        Path modules = home.resolve("node_modules");
        Assumptions.assumeTrue(Files.isDirectory(modules.resolve("node-opcua")), "node-opcua not found in " + home
                + " (run-tests.sh installs it there: npm install --prefix " + home + " node-opcua; "
                + "-Dkaredge.node.opcua or KAREDGE_NODE_OPCUA name another folder)");
        Assumptions.assumeTrue(nodeWorks(), "node (Node.js) not found on the PATH");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        NodeOpcUaServer server = new NodeOpcUaServer(modules, pki, port);
        server.launch();
        return server;
    }

    private static boolean nodeWorks() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String url() {
        return "opc.tcp://127.0.0.1:" + port + "/karedge";
    }

    /** Starts the server (again, on the same port and with the same certificate after {@link #stop()}). */
    void launch() throws Exception {
        Path script;
        try {
            script = Path.of(NodeOpcUaServer.class.getResource("/opcua_server.js").toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), Integer.toString(port), pki.toString())
                .redirectErrorStream(true);
        builder.environment().put("NODE_PATH", modules.toString());
        process = builder.start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        ready.complete(null);
                    } else if (output.size() < 200) {
                        output.add(line);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            ready.completeExceptionally(new IOException("node-opcua server ended: " + String.join("\n", output)));
        }, "node-opcua-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(90, TimeUnit.SECONDS);
    }

    /** Ends the server process as a crash or restart would. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
