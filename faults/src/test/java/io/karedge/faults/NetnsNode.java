package io.karedge.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Karedge node of the built distribution started inside a network namespace
 * ({@code ip netns exec <ns> bin/karaf server}), from its own copy of the distribution under
 * {@code target/mesh-nodes/<name>}. Its ports are the defaults: the namespace is its own host. It boots
 * {@code karedge-core} plus the cloud bridge and the mesh proxy; the demo manifests are removed.
 */
final class NetnsNode implements AutoCloseable {

    static final Duration BOOT = Duration.ofSeconds(180);
    static final String MESH_PID = "io.karedge.mesh.proxy";
    private static final Set<NetnsNode> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(NetnsNode::killQuietly)));
    }

    private final String name;
    private final String namespace;
    private final Path home;
    private Process launcher;
    private long pid = -1;

    private NetnsNode(String name, String namespace, Path home) {
        this.name = name;
        this.namespace = namespace;
        this.home = home;
    }

    /**
     * A fresh copy of the distribution for node {@code name} (also its Kubernetes node name) in
     * {@code namespace}, with the cloud bridge pointed at the double and the mesh proxy installed at boot.
     */
    static NetnsNode create(String name, String namespace, CloudDouble cloud) throws IOException, InterruptedException {
        return create(name, namespace, cloud.server(), cloud.certServer(), cloud.token());
    }

    /** As {@link #create(String, String, CloudDouble)}, the double reached on {@code cloudAddress}. */
    static NetnsNode create(String name, String namespace, CloudDouble cloud, String cloudAddress)
            throws IOException, InterruptedException {
        return create(name, namespace, cloud.server(cloudAddress), cloud.certServer(cloudAddress), cloud.token());
    }

    private static NetnsNode create(String name, String namespace, String server, String certServer, String token)
            throws IOException, InterruptedException {
        Path distribution = Distribution.home();
        Path home = Distribution.workDirectory().resolve("mesh-nodes").resolve(name);
        KaredgeNode.deleteTree(home);
        Files.createDirectories(home.getParent());
        if (Distribution.Shell.run(120, "cp", "-a", distribution.toString(), home.toString()) != 0) {
            throw new IOException("could not copy " + distribution + " to " + home);
        }
        KaredgeNode.deleteTree(home.resolve("data"));
        try (Stream<Path> demo = Files.list(home.resolve("etc").resolve("manifests"))) {
            for (Path file : demo.toList()) {
                Files.delete(file);
            }
        }
        NetnsNode node = new NetnsNode(name, namespace, home);
        node.addBootFeatures("karedge-cloud-bridge", "karedge-mesh-proxy");
        node.configure("io.karedge.node", "node.name", name);
        node.configure("io.karedge.cloud.bridge", "server", server);
        node.configure("io.karedge.cloud.bridge", "cert.server", certServer);
        node.configure("io.karedge.cloud.bridge", "token", token);
        return node;
    }

    String name() {
        return name;
    }

    String namespace() {
        return namespace;
    }

    /** The REST API's token file, made at the node's first start. */
    Path apiToken() {
        return home.resolve("data").resolve("karedge").resolve("api-token");
    }

    Path karafLog() {
        return home.resolve("data").resolve("log").resolve("karaf.log");
    }

    /** Adds features of this build to {@code featuresBoot}, after {@code karedge-core}. */
    void addBootFeatures(String... features) throws IOException {
        Path file = home.resolve("etc").resolve("org.apache.karaf.features.cfg");
        String text = Files.readString(file);
        java.util.regex.Matcher core = Pattern.compile("karedge-core/([^,\\s]+)").matcher(text);
        if (!core.find()) {
            throw new IllegalStateException("no karedge-core in featuresBoot of " + file);
        }
        StringBuilder added = new StringBuilder(core.group());
        for (String feature : features) {
            added.append(", ").append(feature).append('/').append(core.group(1));
        }
        Files.writeString(file, text.substring(0, core.start()) + added + text.substring(core.end()));
    }

    /** Sets {@code key = value} in {@code etc/<pid>.cfg}, replacing the key's line or appending one. */
    void configure(String configPid, String key, String value) throws IOException {
        Path file = home.resolve("etc").resolve(configPid + ".cfg");
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        String line = key + " = " + value;
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).trim();
            if (trimmed.startsWith(key) && trimmed.substring(key.length()).trim().startsWith("=")) {
                lines.set(i, line);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(line);
        }
        Files.write(file, lines);
    }

    /** Starts the node in its namespace; {@link #awaitReady()} waits for it. */
    void start() throws IOException {
        Path pidFile = home.resolve("karaf.pid");
        Files.deleteIfExists(pidFile);
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", namespace,
                home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.out").toFile()));
        Map<String, String> env = builder.environment();
        env.put("KARAF_OPTS", "-Dkaraf.pid.file=" + pidFile + " -Dkaraf.log.console=OFF");
        env.put("CHECK_ROOT_INSTANCE_RUNNING", "false");
        launcher = builder.start();
        RUNNING.add(this);
    }

    /** Waits until the node wrote its pid and logged that every bundle is active. */
    void awaitReady() {
        Path pidFile = home.resolve("karaf.pid");
        await("pid file of node " + name).atMost(BOOT).pollInterval(Duration.ofMillis(200))
                .until(() -> pidFromFile(pidFile).isPresent() || !launcher.isAlive());
        pid = pidFromFile(pidFile).orElseThrow(() -> new IllegalStateException("node " + name
                + " exited before it wrote its pid; see " + home.resolve("console.out")));
        await("node " + name + " ready").atMost(BOOT).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!isAlive()) {
                throw new IllegalStateException("node " + name + " died while starting; see " + karafLog());
            }
            return countInLog("Karedge node .* ready:") > 0;
        });
    }

    boolean isAlive() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** SIGKILL, as a power cut would end it. */
    void kill9() {
        killQuietly();
        await("node " + name + " gone").atMost(Duration.ofSeconds(30)).until(() -> !isAlive());
    }

    long countInLog(String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        Path log = karafLog();
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> pattern.matcher(line).find()).count();
        }
    }

    @Override
    public void close() {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            try {
                await("node " + name + " stopped").atMost(Duration.ofSeconds(30)).until(() -> !isAlive());
            } catch (RuntimeException e) {
                // killed below
            }
        }
        killQuietly();
        RUNNING.remove(this);
    }

    private void killQuietly() {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Process process = launcher;
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Optional<Long> pidFromFile(Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file).trim() : "";
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
