package io.karedge.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A small tmpfs, so a full disk can be made on purpose. Needs root (mount); {@link #mount} answers empty
 * where it cannot mount, and the scenario is skipped.
 */
final class Tmpfs implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    static Optional<Tmpfs> mount(String name, int sizeMiB) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        Path mountPoint = Distribution.workDirectory().resolve("tmpfs").resolve(name);
        Files.createDirectories(mountPoint);
        Distribution.Shell.run(30, "umount", "-l", mountPoint.toString());
        int rc = Distribution.Shell.run(30, "mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m,mode=0755",
                "tmpfs-karedge-faults", mountPoint.toString());
        return rc == 0 ? Optional.of(new Tmpfs(mountPoint)) : Optional.empty();
    }

    Path path() {
        return mountPoint;
    }

    /** Writes the filler file until the file system refuses more; returns its size in bytes. */
    long fill() throws IOException {
        long written = Files.exists(filler) ? Files.size(filler) : 0;
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int chunk : new int[] {1 << 20, 64 << 10, 4 << 10, 512, 1}) {
                byte[] bytes = new byte[chunk];
                try {
                    while (true) {
                        out.write(bytes);
                        out.flush();
                        written += chunk;
                    }
                } catch (IOException full) {
                    // no room for a chunk this size; try a smaller one
                }
            }
        } catch (IOException closeOnFullDisk) {
            // the last partial write may fail again on close
        }
        return Files.exists(filler) ? Files.size(filler) : written;
    }

    /** Deletes the filler: the space comes back at once. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    long usableBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Distribution.Shell.run(30, "umount", mountPoint.toString());
        if (Distribution.Shell.run(30, "mountpoint", "-q", mountPoint.toString()) == 0) {
            Distribution.Shell.run(30, "umount", "-l", mountPoint.toString());
        }
    }
}
