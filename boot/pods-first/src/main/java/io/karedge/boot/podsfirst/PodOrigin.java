package io.karedge.boot.podsfirst;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Where a pod of the plan came from, {@code <karaf.data>/pods-first/<uid>.origin}, written by the pod manager:
 * {@code source = cloud}, or {@code source = manifest} with {@code file} (the manifest's absolute path) and
 * {@code sha256} (of its content when the pod was last synced). A pod is restored only if its origin still
 * holds: a manifest removed or changed while the node was down is left to the pod manager.
 */
final class PodOrigin {

    private PodOrigin() {
    }

    /** @return null if the pod may be restored, else why not */
    static String refusal(Path originFile) {
        Properties origin = new Properties();
        try (InputStream in = Files.newInputStream(originFile)) {
            origin.load(in);
        } catch (IOException e) {
            return "its origin is not recorded (" + originFile.getFileName() + ")";
        }
        String source = origin.getProperty("source", "");
        if ("cloud".equals(source)) {
            return null;
        }
        if (!"manifest".equals(source)) {
            return "unknown origin '" + source + "'";
        }
        Path file = Path.of(origin.getProperty("file", ""));
        if (!Files.isRegularFile(file)) {
            return "its manifest " + file + " was removed";
        }
        try {
            if (!sha256(file).equals(origin.getProperty("sha256", ""))) {
                return "its manifest " + file + " changed";
            }
        } catch (IOException e) {
            return "its manifest " + file + " cannot be read: " + e.getMessage();
        }
        return null;
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
