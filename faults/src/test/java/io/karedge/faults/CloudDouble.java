package io.karedge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The CloudHub double ({@code CloudHubDoubleMain} of the cloud bridge's tests) as a process in its own network
 * namespace, listening on every address there (one on each net) with a server certificate naming them. Its admin
 * endpoint listens on the namespace's 127.0.0.1, so the test reaches it with {@code ip netns exec <ns> curl}.
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

    String token() {
        return addresses.getProperty("token");
    }

    /** {@code GET /status} of the double. */
    JsonNode status() throws IOException, InterruptedException {
        return JSON.readTree(curl("-s", "http://" + addresses.getProperty("admin") + "/status"));
    }

    /**
     * Pushes a Kubernetes object to every connected node as CloudCore's controllers do (resource
     * {@code <namespace>/<type>/<name>}, group resource, ACK required).
     */
    void push(String operation, String resource, JsonNode object) throws IOException, InterruptedException {
        String answer = curl("-s", "-f", "-X", "POST", "--data-binary", JSON.writeValueAsString(object),
                "http://" + addresses.getProperty("admin") + "/push?operation=" + operation + "&resource=" + resource);
        if (answer.isBlank()) {
            throw new IOException("the double refused the push of " + resource);
        }
    }

    private String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", namespace, "curl",
                "--max-time", "10"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        curl.getOutputStream().close();
        byte[] out = curl.getInputStream().readAllBytes();
        if (!curl.waitFor(20, TimeUnit.SECONDS) || curl.exitValue() != 0) {
            curl.destroyForcibly();
            throw new IOException("curl " + String.join(" ", args) + " failed");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
