package io.karedge.manifests.internal;

import io.karedge.manifests.ManifestReport.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the manifest files of the directory and reads a file into its {@link FileState}: again only
 * when its modification time or size changed (or the watcher named it), only once it is stable
 * ({@code settle}), and parsed again only when its content (SHA-256) changed.
 */
final class ManifestFileReader {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestReconciler.class);

    private final Path directory;
    private final long maxFileBytes;
    private final Duration settle;
    private final ManifestParser parser;
    private final NextScan nextScan;

    ManifestFileReader(Path directory, long maxFileBytes, Duration settle, NextScan nextScan) {
        this.directory = directory;
        this.maxFileBytes = maxFileBytes;
        this.settle = settle;
        this.parser = new ManifestParser(maxFileBytes);
        this.nextScan = nextScan;
    }

    /** @return whether a file name is one the manifest source reads */
    static boolean isManifestName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && name.indexOf('/') < 0 && name.indexOf('\\') < 0
                && (lower.endsWith(".yaml") || lower.endsWith(".yml"));
    }

    /** @return the regular files with a manifest name, in name order */
    List<Path> listDirectory() throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                if (isManifestName(path.getFileName().toString()) && Files.isRegularFile(path)) {
                    paths.add(path);
                }
            }
        }
        paths.sort(Comparator.comparing(path -> path.getFileName().toString()));
        return paths;
    }

    /** @return whether the file's content (or readability) changed since it was last read */
    boolean refresh(FileState file, Path path, boolean touched, Instant now) {
        boolean wasPresent = file.present;
        file.present = true;
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            Problem problem = new Problem(0, 0, ManifestParser.oneLine("cannot read the file: " + e));
            if (wasPresent && file.documents.isEmpty() && file.readProblems.equals(List.of(problem))) {
                return false;
            }
            file.modified = null;
            file.size = -1;
            return file.failed(problem.message(), now);
        }
        FileTime modified = attributes.lastModifiedTime();
        long size = attributes.size();
        if (wasPresent && !touched && modified.equals(file.modified) && size == file.size) {
            return false;
        }
        if (!settled(file, path, modified, size, touched, now)) {
            return false;
        }
        file.modified = modified;
        file.size = size;
        if (size > maxFileBytes) {
            return file.failed(tooLarge(size), now);
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(path)) {
            content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16L, maxFileBytes + 1));
        } catch (IOException e) {
            return file.failed("cannot read the file: " + e, now);
        }
        if (content.length > maxFileBytes) {
            return file.failed(tooLarge(Math.max(size, content.length)), now);
        }
        file.lastRead = now;
        String hash = sha256(content);
        if (hash.equals(file.hash)) {
            return false;
        }
        file.hash = hash;
        ManifestParser.Result result = parser.parse(content);
        file.read(result.documents(), result.problems());
        return true;
    }

    /**
     * @return whether a changed file has stopped changing: not written for {@code settle} by its
     *         modification time, or time and size unchanged since a look at least {@code settle} ago
     */
    private boolean settled(FileState file, Path path, FileTime modified, long size, boolean touched, Instant now) {
        if (settle.isZero()) {
            return true;
        }
        if (touched || !modified.equals(file.seenModified) || size != file.seenSize) {
            file.seenModified = modified;
            file.seenSize = size;
            file.seenAt = now;
        }
        // a file cut in the middle of a line is most likely still being written: it waits longer
        Duration needed = size > 0 && !endsWithLineBreak(path)
                ? settle.multipliedBy(ManifestReconciler.UNTERMINATED_SETTLE_FACTOR) : settle;
        Instant byTime = modified.toInstant().plus(needed);
        Instant byLook = file.seenAt.plus(needed);
        if (!now.isBefore(byTime) || !now.isBefore(byLook)) {
            return true;
        }
        nextScan.wakeAt(byTime.isBefore(byLook) ? byTime : byLook);
        LOG.debug("Manifest {} is still being written; read once it has been unchanged for {} ms", file.name,
                settle.toMillis());
        return false;
    }

    private static boolean endsWithLineBreak(Path path) {
        try (SeekableByteChannel channel = Files.newByteChannel(path)) {
            long size = channel.size();
            if (size == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.position(size - 1);
            return channel.read(last) == 1 && (last.get(0) == '\n' || last.get(0) == '\r');
        } catch (IOException e) {
            return true; // reading it will report the problem
        }
    }

    private String tooLarge(long size) {
        return "file is " + size + " bytes, over the limit of " + maxFileBytes
                + " bytes (max.file.bytes); not read, the objects applied from it are kept";
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
