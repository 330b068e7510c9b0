package io.karedge.pod.manager.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each pod came from, for the pods-first launcher: {@code <plan dir>/<uid>.origin}, beside the CRI
 * runtime's {@code <uid>.plan}. {@code source = cloud} for a pod of the store's other sources, or
 * {@code source = manifest} with the manifest's path and the SHA-256 of its content, so that the launcher
 * does not start a pod whose manifest was removed or changed while the node was down. Written atomically
 * when it changes; removed as soon as the pod is being deleted. Also answers whether a pod's manifest is
 * gone, which holds the pod back until the manifest source has deleted it.
 */
final class PodOrigins {

    static final String MANIFEST_PREFIX = "manifest:";

    private static final Logger LOG = LoggerFactory.getLogger(PodOrigins.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private final Path directory;
    private final Path manifestDirectory;

    /**
     * @param directory         the plan directory, or {@code null} when no origins are written
     * @param manifestDirectory the manifest source's directory
     */
    PodOrigins(Path directory, Path manifestDirectory) {
        this.directory = directory;
        this.manifestDirectory = manifestDirectory;
    }

    static PodOrigins of(Settings settings) {
        Path plans = settings.podsFirst() ? Path.of(System.getProperty("karaf.data", "data"), "pods-first")
                .toAbsolutePath().normalize() : null;
        return new PodOrigins(plans, expand(settings.manifestDirectory()));
    }

    /** {@code ${karaf.etc}} and other system properties expanded, as the manifest source does. */
    static Path expand(String configured) {
        Matcher matcher = PLACEHOLDER.matcher(configured == null || configured.isBlank() ? "${karaf.etc}/manifests"
                : configured.trim());
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String value = System.getProperty(matcher.group(1), "karaf.etc".equals(matcher.group(1)) ? "etc" : null);
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(expanded);
        return Path.of(expanded.toString()).toAbsolutePath().normalize();
    }

    /** @return the manifest file of a pod from a manifest, or null for other sources */
    Path manifestOf(String source) {
        if (source == null || !source.startsWith(MANIFEST_PREFIX)) {
            return null;
        }
        return manifestDirectory.resolve(source.substring(MANIFEST_PREFIX.length()));
    }

    /**
     * @return whether the pod comes from a manifest that is no longer there (the manifest source deletes it
     *         soon); with no manifest directory at all nothing counts as gone
     */
    boolean manifestGone(String source) {
        Path file = manifestOf(source);
        return file != null && Files.isDirectory(manifestDirectory) && !Files.isRegularFile(file);
    }

    /**
     * Writes the pod's origin if it changed since {@code previous}.
     *
     * @return what was recorded (pass it as {@code previous} next time)
     */
    String record(String uid, String source, String previous) {
        if (directory == null) {
            return previous;
        }
        Path manifest = manifestOf(source);
        String stamp;
        try {
            if (manifest == null) {
                stamp = "cloud";
            } else {
                BasicFileAttributes attributes = Files.readAttributes(manifest, BasicFileAttributes.class);
                stamp = "manifest|" + manifest + "|" + attributes.lastModifiedTime().toMillis() + "|"
                        + attributes.size();
            }
            if (stamp.equals(previous)) {
                return previous;
            }
            Properties origin = new Properties();
            if (manifest == null) {
                origin.setProperty("source", "cloud");
                origin.setProperty("store.source", source == null ? "" : source);
            } else {
                origin.setProperty("source", "manifest");
                origin.setProperty("file", manifest.toString());
                origin.setProperty("sha256", sha256(manifest));
            }
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, "." + uid, ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                origin.store(out, "where the pod came from (pods-first)");
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, directory.resolve(uid + ".origin"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return stamp;
        } catch (IOException e) {
            LOG.debug("Origin of pod {} not recorded: {}", uid, e.toString());
            forget(uid);
            return null;
        }
    }

    /** The pod is going (or its manifest is): the launcher must not start it. */
    void forget(String uid) {
        if (directory == null) {
            return;
        }
        try {
            Files.deleteIfExists(directory.resolve(uid + ".origin"));
        } catch (IOException e) {
            LOG.warn("Cannot remove the origin of pod {} under {}: {}", uid, directory, e.toString());
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
