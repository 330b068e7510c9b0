package io.karedge.node.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The node's bearer token in a file only the node's user can read and write (0600): made with a random
 * value when missing, replaced atomically by {@link #rotate()}, and read again when the file changes (an
 * operator may also write it, e.g. to share one token between nodes).
 */
final class TokenFile {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TOKEN_BYTES = 32;

    private final Path file;
    private volatile Cached cached;

    private record Cached(byte[] token, FileTime modified, long size) {
    }

    TokenFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** Makes the file with a new token unless it exists. */
    void ensure() throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            try {
                write(file, newToken());
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another component
            }
        } else {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        cached = null;
    }

    void rotate() throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(next);
        write(next, newToken());
        try {
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
        }
        cached = null;
    }

    /** @return whether {@code candidate} is the token in the file now; false when the file cannot be read */
    boolean matches(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return false;
        }
        byte[] token = current();
        return token.length > 0 && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Cached known = cached;
            if (known != null && known.modified().equals(modified) && known.size() == size) {
                return known.token();
            }
            byte[] token = Files.readString(file, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8);
            cached = new Cached(token, modified, size);
            return token;
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void write(Path target, String token) throws IOException {
        Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(target, token, StandardCharsets.UTF_8);
    }
}
