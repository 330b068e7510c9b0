package io.karedge.runtime.cri.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore plan the node's launcher (boot/pods-first) reads before the framework starts: per pod
 * {@code <plan dir>/<uid>.plan}, what this runtime would send to create the pod's next sandbox and the next
 * attempt of each container, byte for byte. Written atomically (temporary file, fsync, rename) whenever it
 * changes; removed as soon as the pod is killed. The layout is the one {@code RestorePlan} of the launcher
 * reads: magic {@code KPF1}; uid, namespace, name, socket, runtime handler, log directory (DataOutput UTF); the
 * sandbox attempt (int); the PodSandboxConfig (int length, bytes); the container count, and per container
 * name, image, pull policy (UTF), attempt (int), ContainerConfig (int length, bytes).
 */
final class PodsFirstPlan {

    static final int MAGIC = 0x4b504631;

    private static final Logger LOG = LoggerFactory.getLogger(PodsFirstPlan.class);

    /** One container's entry. */
    record Container(String name, String image, String pullPolicy, int attempt, byte[] config) {
    }

    private final Path directory;
    private final Map<String, byte[]> written = new ConcurrentHashMap<>();

    PodsFirstPlan(Path directory) {
        this.directory = directory;
    }

    static Path defaultDirectory() {
        return Path.of(System.getProperty("karaf.data", "data"), "pods-first").toAbsolutePath().normalize();
    }

    Path directory() {
        return directory;
    }

    /** Writes the pod's plan if it differs from what was written last. */
    void update(String uid, String namespace, String name, String endpoint, String runtimeHandler, Path logDirectory,
                int sandboxAttempt, byte[] sandboxConfig, List<Container> containers) {
        byte[] content;
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(buffer)) {
                out.writeInt(MAGIC);
                out.writeUTF(uid);
                out.writeUTF(namespace);
                out.writeUTF(name);
                out.writeUTF(endpoint);
                out.writeUTF(runtimeHandler);
                out.writeUTF(logDirectory.toString());
                out.writeInt(sandboxAttempt);
                out.writeInt(sandboxConfig.length);
                out.write(sandboxConfig);
                out.writeInt(containers.size());
                for (Container container : containers) {
                    out.writeUTF(container.name());
                    out.writeUTF(container.image());
                    out.writeUTF(container.pullPolicy());
                    out.writeInt(container.attempt());
                    out.writeInt(container.config().length);
                    out.write(container.config());
                }
            }
            content = buffer.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        synchronized (this) {
            byte[] last = written.get(uid);
            if (last != null && Arrays.equals(last, content)) {
                return;
            }
            try {
                Files.createDirectories(directory);
                Path temp = Files.createTempFile(directory, "." + uid, ".tmp");
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.wrap(content));
                    channel.force(true);
                }
                Files.move(temp, directory.resolve(uid + ".plan"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                written.put(uid, content);
            } catch (IOException e) {
                LOG.warn("Cannot write the restore plan of pod {}/{} under {}: {}", namespace, name, directory,
                        e.toString());
            }
        }
    }

    /** The pod is going: it leaves the plan at once. */
    synchronized void remove(String uid) {
        written.remove(uid);
        try {
            Files.deleteIfExists(directory.resolve(uid + ".plan"));
        } catch (IOException e) {
            LOG.warn("Cannot remove the restore plan of pod {} under {}: {}", uid, directory, e.toString());
        }
    }

    /** Pods-first is off: every plan goes. */
    static void removeAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> plans = Files.newDirectoryStream(directory, "*.plan")) {
            for (Path plan : plans) {
                Files.deleteIfExists(plan);
            }
        } catch (IOException e) {
            LOG.warn("Cannot remove the restore plans under {}: {}", directory, e.toString());
        }
    }
}
