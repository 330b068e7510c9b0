package io.karedge.runtime.cri.internal;

import io.karedge.boot.podsfirst.plan.RestorePlan;
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
 * changes; removed as soon as the pod is killed. The layout is the launcher's {@link RestorePlan}, whose
 * package this bundle embeds, so both sides use one definition of it.
 */
final class PodsFirstPlan {

    private static final Logger LOG = LoggerFactory.getLogger(PodsFirstPlan.class);

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
                int sandboxAttempt, byte[] sandboxConfig, List<RestorePlan.Container> containers) {
        byte[] content;
        try {
            content = new RestorePlan(uid, namespace, name, endpoint, runtimeHandler, logDirectory.toString(),
                    sandboxAttempt, sandboxConfig, containers).toBytes();
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
