package io.karedge.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One Karedge node of the built distribution, run as an operating-system process exactly as an
 * operator runs it ({@code bin/karaf server}), with its own {@code etc/} and {@code data/} under
 * {@code target/nodes/<name>} and its MQTT, HTTP and SSH ports moved to free loopback ports. The demo
 * manifests are removed; a scenario puts its own into {@link #manifests()}.
 */
final class KaredgeNode implements AutoCloseable {

    static final Duration BOOT = Duration.ofSeconds(120);
    private static final Set<KaredgeNode> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        // a test JVM that dies or is interrupted takes its nodes with it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(KaredgeNode::killQuietly)));
    }

    private final String name;
    private final Path home;
    private final Path directory;
    private final Path etc;
    private final Path data;
    private final int httpPort;
    private final int mqttPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process launcher;
    private long pid = -1;
    private int boots;

    private KaredgeNode(String name, Path home, Path directory) throws IOException {
        this.name = name;
        this.home = home;
        this.directory = directory;
        this.etc = directory.resolve("etc");
        this.data = directory.resolve("data");
        this.httpPort = freePort();
        this.mqttPort = freePort();
    }

    /** A fresh node directory: a copy of the distribution's {@code etc/}, free ports, no demo manifests. */
    static KaredgeNode create(String name) throws IOException, InterruptedException {
        Path home = Distribution.home();
        Path directory = Distribution.workDirectory().resolve("nodes").resolve(name);
        deleteTree(directory);
        Files.createDirectories(directory);
        KaredgeNode node = new KaredgeNode(name, home, directory);
        copyTree(home.resolve("etc"), node.etc);
        Files.createDirectories(node.data);
        try (Stream<Path> demo = Files.list(node.manifests())) {
            for (Path file : demo.collect(Collectors.toList())) {
                Files.delete(file);
            }
        }
        node.configure("org.ops4j.pax.web", "org.osgi.service.http.port", String.valueOf(node.httpPort));
        node.configure("io.karedge.eventbus", "port", String.valueOf(node.mqttPort));
        node.configure("io.karedge.eventbus", "allow.anonymous", "true"); // the fault tests' clients send no user
        node.configure("org.apache.karaf.shell", "sshPort", String.valueOf(freePort()));
        node.configure("io.karedge.node", "node.name", "faults-" + name);
        return node;
    }

    String name() {
        return name;
    }

    Path manifests() {
        return etc.resolve("manifests");
    }

    Path home() {
        return home;
    }

    Path etc() {
        return etc;
    }

    Path data() {
        return data;
    }

    Path karafLog() {
        return data.resolve("log").resolve("karaf.log");
    }

    int httpPort() {
        return httpPort;
    }

    int mqttPort() {
        return mqttPort;
    }

    String mqttUrl() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    long pid() {
        return pid;
    }

    /** @return {@code Bearer <token>} from the token file the node made at its first start, as its user reads it */
    String bearer() {
        try {
            return "Bearer " + Files.readString(data.resolve("karedge").resolve("api-token"),
                    StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the node has no token file yet", e);
        }
    }

    /** A request to the REST API as the node's user sends it: with the node's token. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", bearer());
    }

    /** Sets {@code key = value} in {@code etc/<pid>.cfg}, replacing the key's line or appending one. */
    void configure(String configPid, String key, String value) throws IOException {
        Path file = etc.resolve(configPid + ".cfg");
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

    /** Adds a feature to the node's boot features (Karaf's {@code featuresBoot}), first in the list. */
    void addBootFeature(String feature) throws IOException {
        Path features = etc.resolve("org.apache.karaf.features.cfg");
        String text = Files.readString(features);
        String boot = text.replaceFirst("(featuresBoot\\s*=\\s*\\\\\\n)", "$1    " + feature + ", \\\\\n");
        if (boot.equals(text)) {
            throw new IllegalStateException("no featuresBoot in " + features);
        }
        Files.writeString(features, boot);
    }

    /** Starts the node and waits until it says it is ready, its REST API answers and its broker listens. */
    Duration start() throws IOException {
        return start(true);
    }

    /** Starts the node and waits until it says it is ready and its REST API answers, not for its broker. */
    Duration startWithoutMqtt() throws IOException {
        return start(false);
    }

    private Duration start(boolean awaitMqtt) throws IOException {
        long started = System.nanoTime();
        boots++;
        Path pidFile = directory.resolve("karaf.pid");
        Files.deleteIfExists(pidFile);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("console.out").toFile()));
        Map<String, String> env = builder.environment();
        env.put("KARAF_ETC", etc.toString());
        env.put("KARAF_DATA", data.toString());
        env.put("KARAF_OPTS", "-Dkaraf.pid.file=" + pidFile + " -Dkaraf.lock.dir=" + directory
                + " -Dkaraf.instances=" + directory.resolve("instances"));
        env.put("CHECK_ROOT_INSTANCE_RUNNING", "false");
        launcher = builder.start();
        RUNNING.add(this);
        await("pid file of node " + name).atMost(BOOT).pollInterval(Duration.ofMillis(100))
                .until(() -> pidFromFile(pidFile).isPresent() || !launcher.isAlive());
        pid = pidFromFile(pidFile).orElseThrow(() -> new IllegalStateException("node " + name
                + " exited before it wrote its pid; see " + directory.resolve("console.out")));
        awaitReady(awaitMqtt);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private void awaitReady(boolean awaitMqtt) {
        int readyLines = boots;
        await("node " + name + " ready").atMost(BOOT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!isAlive()) {
                        throw new IllegalStateException("node " + name + " died while starting; see " + karafLog());
                    }
                    return countInLog("Karedge node .* ready:") >= readyLines && restStatus("/api/v1/status") == 200
                            && (!awaitMqtt || mqttListening());
                });
    }

    /** SIGKILL, as a power cut or the OOM killer would do it; no shutdown hook of the node runs. */
    void kill9() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await("node " + name + " gone").atMost(Duration.ofSeconds(30)).until(() -> !isAlive());
        reapLauncher();
    }

    /** SIGTERM, as {@code bin/stop} or systemd does it; SIGKILL if the node has not ended after 60 s. */
    void stop() {
        if (pid <= 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        try {
            await("node " + name + " stopped").atMost(Duration.ofSeconds(60)).until(() -> !isAlive());
        } finally {
            killQuietly();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            killQuietly();
            RUNNING.remove(this);
        }
    }

    private void killQuietly() {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        reapLauncher();
    }

    private void reapLauncher() {
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

    boolean isAlive() {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The node's thread count, from {@code /proc/<pid>/status}. */
    int threads() throws IOException {
        return procStatus("Threads:") .map(Integer::parseInt).orElse(-1);
    }

    /** The node's resident memory in MiB, from {@code /proc/<pid>/status}. */
    long residentMiB() throws IOException {
        return procStatus("VmRSS:").map(value -> Long.parseLong(value.split("\\s+")[0]) / 1024).orElse(-1L);
    }

    private Optional<String> procStatus(String field) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
        if (!Files.exists(status)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(status)) {
            return lines.filter(line -> line.startsWith(field)).findFirst()
                    .map(line -> line.substring(field.length()).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** How often a regular expression matches a line of the node's log files and console. */
    long countInLog(String regex) throws IOException {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        long count = 0;
        List<Path> files = new ArrayList<>();
        Path logs = data.resolve("log");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> list = Files.list(logs)) {
                list.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        files.add(directory.resolve("console.out"));
        for (Path file : files) {
            if (!Files.exists(file)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
                count += lines.filter(line -> pattern.matcher(line).find()).count();
            }
        }
        return count;
    }

    /** OutOfMemoryErrors the node logged or printed, over all its boots. */
    long outOfMemoryErrors() throws IOException {
        return countInLog("OutOfMemoryError");
    }

    int restStatus(String path) {
        try {
            return http.send(request(path).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Alive, answering REST, and no OutOfMemoryError logged. */
    Map<String, Object> health() throws IOException {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("alive", isAlive());
        health.put("status", restStatus("/api/v1/status"));
        health.put("oom", outOfMemoryErrors());
        health.put("threads", threads());
        health.put("rssMiB", residentMiB());
        return health;
    }

    boolean mqttListening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", mqttPort), 1000);
            return true;
        } catch (IOException e) {
            return false;
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

    /**
     * A loopback port free now, below Linux's ephemeral range (32768 and up), and never handed out twice by this
     * JVM. A port from the ephemeral range can be taken, before the node binds it, as the source port of any
     * outgoing connection on the machine (a broker's "Address already in use" failed a run that way).
     */
    static synchronized int freePort() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = FIRST_PORT + PORTS.nextInt(LAST_PORT - FIRST_PORT + 1);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new IOException("no free loopback port between " + FIRST_PORT + " and " + LAST_PORT);
    }

    private static final int FIRST_PORT = 21_000;
    private static final int LAST_PORT = 32_000;
    private static final java.util.Random PORTS = new java.util.Random();
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        }
    }
}
