package io.karedge.eventbus.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The embedded broker's users: a text file of salted password hashes, one user a line,
 * {@code <user>:pbkdf2-sha256:<iterations>:<salt, base64>:<hash, base64>}; blank lines and lines starting
 * with {@code #} are ignored. The file is written with mode 0600 (write to a temporary file, then an atomic
 * move). A file edited by hand is read again when its modification time changes.
 *
 * <p>Checking a password costs one PBKDF2 derivation (tens of milliseconds): callers run {@link #verify} off
 * the I/O threads. A password that was verified is remembered as a SHA-256 of salt and password, so a
 * client that reconnects is checked in microseconds ({@link #verifyCached}).
 */
final class PasswordFile {

    static final String SCHEME = "pbkdf2-sha256";
    static final int ITERATIONS = 120_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    record Entry(String user, int iterations, byte[] salt, byte[] hash) {
        String line() {
            Base64.Encoder b64 = Base64.getEncoder();
            return user + ":" + SCHEME + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
        }
    }

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private volatile Map<String, Entry> entries = Map.of();
    private volatile FileTime loadedTime;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    PasswordFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** Reads the file if it changed since it was last read; a missing file means no users. */
    synchronized void refresh() throws IOException {
        FileTime time;
        try {
            time = Files.getLastModifiedTime(file);
        } catch (NoSuchFileException e) {
            entries = Map.of();
            loadedTime = null;
            verified.clear();
            return;
        }
        if (time.equals(loadedTime)) {
            return;
        }
        Map<String, Entry> read = new TreeMap<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Entry entry = parse(trimmed, number);
            read.put(entry.user(), entry);
        }
        entries = Map.copyOf(read);
        loadedTime = time;
        verified.clear();
    }

    private Entry parse(String line, int number) throws IOException {
        String[] parts = line.split(":", -1);
        if (parts.length != 5 || !SCHEME.equals(parts[1])) {
            throw new IOException(file + " line " + number + ": expected <user>:" + SCHEME
                    + ":<iterations>:<salt>:<hash>");
        }
        try {
            int iterations = Integer.parseInt(parts[2]);
            if (iterations < 1000) {
                throw new IOException(file + " line " + number + ": fewer than 1000 iterations");
            }
            return new Entry(parts[0], iterations, Base64.getDecoder().decode(parts[3]),
                    Base64.getDecoder().decode(parts[4]));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<String> users() {
        return new ArrayList<>(new TreeMap<>(entries).keySet());
    }

    /** @return true if the password was verified before and still matches: no key derivation needed */
    boolean verifyCached(String user, byte[] password) {
        Entry entry = entries.get(user);
        byte[] known = verified.get(user);
        return entry != null && known != null && MessageDigest.isEqual(known, quickDigest(entry.salt(), password));
    }

    /** The full check, one PBKDF2 derivation; not on an I/O thread. */
    boolean verify(String user, byte[] password) {
        Entry entry = entries.get(user);
        if (entry == null) {
            derive(new char[0], new byte[SALT_BYTES], ITERATIONS); // same cost whether or not the user exists
            return false;
        }
        boolean ok = MessageDigest.isEqual(entry.hash(), derive(chars(password), entry.salt(), entry.iterations()));
        if (ok) {
            verified.put(user, quickDigest(entry.salt(), password));
        }
        return ok;
    }

    /** Adds a user or sets a new password; @return true if the user is new. */
    synchronized boolean put(String user, char[] password) throws IOException {
        checkUserName(user);
        if (password.length == 0) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        refresh();
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Map<String, Entry> next = new TreeMap<>(entries);
        boolean added = next.put(user, new Entry(user, ITERATIONS, salt, derive(password, salt, ITERATIONS))) == null;
        write(next);
        return added;
    }

    /** @return true if the user existed */
    synchronized boolean remove(String user) throws IOException {
        refresh();
        Map<String, Entry> next = new TreeMap<>(entries);
        if (next.remove(user) == null) {
            return false;
        }
        write(next);
        return true;
    }

    static void checkUserName(String user) {
        if (user == null || user.isEmpty() || user.length() > 128
                || user.chars().anyMatch(c -> c == ':' || c == '#' || Character.isWhitespace(c) || c < 0x20)) {
            throw new IllegalArgumentException("a user name is 1 to 128 characters without ':', '#', spaces or"
                    + " control characters");
        }
    }

    private void write(Map<String, Entry> next) throws IOException {
        StringBuilder text = new StringBuilder("# MQTT users of the embedded broker: <user>:" + SCHEME
                + ":<iterations>:<salt>:<hash>. Edit with edge:mqtt-user.\n");
        for (Entry entry : next.values()) {
            text.append(entry.line()).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.writeString(temp, "");
        }
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        entries = Map.copyOf(next);
        loadedTime = Files.getLastModifiedTime(file);
        verified.clear();
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        }
    }

    private static byte[] quickDigest(byte[] salt, byte[] password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            return digest.digest(password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static char[] chars(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8).toCharArray();
    }
}
