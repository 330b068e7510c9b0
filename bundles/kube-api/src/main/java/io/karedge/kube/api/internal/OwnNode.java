package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The node's own {@code Node} object, for a node whose store holds none (a standalone node; a joined node
 * keeps the one the cloud sent). It says what the node knows of itself: its name, that it is up, the
 * machine's processors, memory, kernel and operating system. It has no kubelet: the version is Karedge's.
 */
final class OwnNode {

    private final String name;
    private final String version;
    private final Instant created;
    private final int cpus;
    private final long memoryKib;
    private final String kernel;
    private final String osImage;
    private final String architecture;

    OwnNode(String name, String version, Instant created, int cpus, long memoryKib, String kernel, String osImage,
            String architecture) {
        this.name = name;
        this.version = version;
        this.created = created.truncatedTo(ChronoUnit.SECONDS);
        this.cpus = cpus;
        this.memoryKib = memoryKib;
        this.kernel = kernel;
        this.osImage = osImage;
        this.architecture = architecture;
    }

    /** This machine's facts, read once. */
    static OwnNode ofThisMachine(String name, String version, Instant created) {
        return new OwnNode(name, version, created, Runtime.getRuntime().availableProcessors(),
                memoryKib(Path.of("/proc/meminfo")), System.getProperty("os.version", ""),
                osImage(Path.of("/etc/os-release")), architecture(System.getProperty("os.arch", "")));
    }

    String name() {
        return name;
    }

    /** @return the Node, as {@code v1} {@code Node} without a resource version (the caller sets one) */
    ObjectNode object() {
        ObjectNode node = KaredgeJson.mapper().createObjectNode();
        node.put("apiVersion", "v1");
        node.put("kind", "Node");
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("name", name);
        metadata.put("creationTimestamp", DateTimeFormatter.ISO_INSTANT.format(created));
        ObjectNode labels = metadata.putObject("labels");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", architecture);
        labels.put("node-role.kubernetes.io/edge", "");
        labels.put("node-role.kubernetes.io/agent", "");
        node.putObject("spec");
        ObjectNode status = node.putObject("status");
        ObjectNode capacity = status.putObject("capacity");
        capacity.put("cpu", Integer.toString(cpus));
        if (memoryKib > 0) {
            capacity.put("memory", memoryKib + "Ki");
        }
        status.set("allocatable", capacity.deepCopy());
        status.putArray("conditions").addObject()
                .put("type", "Ready")
                .put("status", "True")
                .put("reason", "KaredgeReady")
                .put("message", "the Karedge node is running and serves this API")
                .put("lastTransitionTime", DateTimeFormatter.ISO_INSTANT.format(created));
        status.putArray("addresses").addObject().put("type", "Hostname").put("address", name);
        ObjectNode info = status.putObject("nodeInfo");
        info.put("kernelVersion", kernel);
        info.put("osImage", osImage);
        info.put("operatingSystem", "linux");
        info.put("architecture", architecture);
        info.put("kubeletVersion", version);
        info.put("kubeProxyVersion", "");
        info.put("containerRuntimeVersion", "");
        info.put("machineID", "");
        info.put("systemUUID", "");
        info.put("bootID", "");
        return node;
    }

    static long memoryKib(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.substring("MemTotal:".length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the Node shows no memory
        }
        return 0;
    }

    static String osImage(Path osRelease) {
        try {
            List<String> lines = Files.readAllLines(osRelease);
            for (String line : lines) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException | RuntimeException e) {
            // no os-release
        }
        return "Linux";
    }

    /** @return the architecture as Kubernetes names it ({@code amd64}, {@code arm64}) */
    static String architecture(String javaArch) {
        return switch (javaArch.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "arm" -> "arm";
            default -> javaArch;
        };
    }

    /** @return the created time of a directory (the node's data), if the file system keeps one */
    static Optional<Instant> createdTime(Path directory) {
        try {
            return Optional.of(Files.readAttributes(directory, java.nio.file.attribute.BasicFileAttributes.class)
                    .creationTime().toInstant());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
