package io.karedge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The CloudHub double ({@code CloudHubDoubleMain} of the cloud bridge's tests) as a process in its own network
 * namespace, listening on every address there (one on each net) with a server certificate naming them. Its admin
 * endpoint listens on the namespace's 127.0.0.1, so the test reaches it with {@code ip netns exec <ns> python3}.
 */
final class CloudDouble implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String namespace;
    private final NetnsProcess process;
    private final Properties addresses = new Properties();

    private CloudDouble(String namespace, NetnsProcess process, Properties addresses) {
        this.namespace = namespace;
        this.process = process;
        this.addresses.putAll(addresses);
    }

    /** @param advertised the double's addresses, the first being the one {@link #server()} names */
    static CloudDouble start(String namespace, Path directory, String... advertised)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path file = directory.resolve("double.properties");
        Files.deleteIfExists(file);
        NetnsProcess process = NetnsProcess.start(namespace, directory.resolve("double.err"),
                "io.karedge.cloud.bridge.internal.CloudHubDoubleMain", file.toString(), "1800", "0.0.0.0",
                String.join(",", advertised));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                process.close();
                throw new IOException("the CloudHub double wrote no addresses in 60 s; see " + directory);
            }
            Thread.sleep(50);
        }
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file)));
        return new CloudDouble(namespace, process, properties);
    }

    String server() {
        return addresses.getProperty("server");
    }

    String certServer() {
        return addresses.getProperty("cert.server");
    }

    /** {@link #server()} on another of the double's advertised addresses (a node on the other net). */
    String server(String address) {
        return onAddress(server(), address);
    }

    /** {@link #certServer()} on another of the double's advertised addresses. */
    String certServer(String address) {
        return onAddress(certServer(), address);
    }

    /** {@code host:port} with another host. */
    private static String onAddress(String hostAndPort, String address) {
        return address + hostAndPort.substring(hostAndPort.lastIndexOf(':'));
    }

    String token() {
        return addresses.getProperty("token");
    }

    /** {@code GET /status} of the double. */
    JsonNode status() throws IOException, InterruptedException {
        return JSON.readTree(http("GET", "/status", ""));
    }

    /**
     * Creates or replaces an object in the cluster of the double's DynamicController ({@code services},
     * {@code endpoints} or {@code nodes}); the nodes that list-watch that resource through it get it as CloudCore
     * sends it.
     */
    void apply(String resource, JsonNode object) throws IOException, InterruptedException {
        String answer = http("POST", "/cluster?operation=apply&resource=" + resource, JSON.writeValueAsString(object));
        if (!answer.strip().matches("[0-9]+")) {
            throw new IOException("the double refused " + resource + ": " + answer);
        }
    }

    /**
     * One request to the admin endpoint from inside the double's namespace (python3's urllib: the test's JVM
     * cannot open a socket there; run-tests.sh needs python3 anyway). A status other than 2xx fails.
     */
    private String http(String method, String path, String body) throws IOException, InterruptedException {
        String script = "import sys, urllib.request\n"
                + "data = sys.stdin.buffer.read() if sys.argv[1] == 'POST' else None\n"
                + "request = urllib.request.Request(sys.argv[2], data=data, method=sys.argv[1])\n"
                + "sys.stdout.buffer.write(urllib.request.urlopen(request, timeout=10).read())\n";
        Process python = new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c", script, method,
                "http://" + addresses.getProperty("admin") + path).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (var in = python.getOutputStream()) {
            in.write(body.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = python.getInputStream().readAllBytes();
        if (!python.waitFor(20, TimeUnit.SECONDS) || python.exitValue() != 0) {
            python.destroyForcibly();
            throw new IOException(method + " " + path + " at the double's admin endpoint failed");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
