package io.karedge.cloud.bridge.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The credential files under {@code <data dir>/cloud/}: {@code ca.crt}, {@code edge.crt} (PEM
 * {@code CERTIFICATE}) and {@code edge.key} (PEM {@code EC PRIVATE KEY}), the directory owner-only (0700)
 * and the files owner read/write only (0600). Each file is replaced atomically.
 */
final class CredentialFiles {

    static final String CA_FILE = "ca.crt";
    static final String CERT_FILE = "edge.crt";
    static final String KEY_FILE = "edge.key";

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path directory;

    CredentialFiles(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** @return the stored credentials, or empty if any file is missing or unreadable */
    Optional<Credentials> load() throws IOException {
        Path ca = directory.resolve(CA_FILE);
        Path cert = directory.resolve(CERT_FILE);
        Path key = directory.resolve(KEY_FILE);
        if (!Files.isRegularFile(ca) || !Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            return Optional.empty();
        }
        try {
            X509Certificate caCertificate = Pki.readCertificatePem(Files.readString(ca));
            X509Certificate certificate = Pki.readCertificatePem(Files.readString(cert));
            return Optional.of(new Credentials(Pki.readPrivateKeyPem(Files.readString(key)), certificate,
                    caCertificate));
        } catch (CertificateException e) {
            throw new IOException("unreadable certificate in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Writes the key first and the CA last, so that a crash in between leaves a pair that is detected as stale. */
    void store(KeyPair keyPair, X509Certificate certificate, X509Certificate ca) throws IOException {
        ensureDirectory();
        write(KEY_FILE, Pki.ecPrivateKeyPem(keyPair));
        write(CERT_FILE, Pki.pem(certificate));
        write(CA_FILE, Pki.pem(ca));
    }

    /** Removes the files and the directory (edge:leave --forget). */
    void forget() throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private void ensureDirectory() throws IOException {
        if (POSIX) {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory.getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
            }
            Files.setPosixFilePermissions(directory, DIRECTORY_MODE);
        } else {
            Files.createDirectories(directory);
        }
    }

    private void write(String name, String content) throws IOException {
        Path target = directory.resolve(name);
        Path temporary = directory.resolve("." + name + ".tmp");
        Files.deleteIfExists(temporary);
        if (POSIX) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(FILE_MODE));
        }
        Files.writeString(temporary, content, StandardCharsets.US_ASCII);
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
