package io.karedge.store.internal;

import io.karedge.api.meta.StoreException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permissions of the store's files: the database holds Secrets, so its directory is {@code 0700}
 * and the database with its {@code -wal} and {@code -shm} files {@code 0600}, also when they were
 * created earlier with wider modes. SQLite gives the {@code -wal} and {@code -shm} files the mode of the
 * database file, so creating that one {@code 0600} before SQLite opens it covers all three.
 */
final class StoreFiles {

    private static final Logger LOG = LoggerFactory.getLogger(StoreFiles.class);
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final String[] SUFFIXES = {"", "-wal", "-shm"};

    private StoreFiles() {
    }

    /** Creates the directory ({@code 0700}) and an empty database file ({@code 0600}) if missing. */
    static void prepare(Path file) {
        Path directory = file.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (!Files.isDirectory(directory)) {
                if (posix) {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
                } else {
                    Files.createDirectories(directory);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + directory + ": " + e, e);
        }
        if (!posix) {
            return;
        }
        restrictOne(directory, DIRECTORY_MODE);
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
            } catch (IOException e) {
                // SQLite reports the problem when it opens the file
                LOG.debug("Cannot create {} ahead of SQLite: {}", file, e.toString());
            }
        }
        restrict(file);
    }

    /** Narrows the database, {@code -wal} and {@code -shm} files that exist to {@code 0600}. */
    static void restrict(Path file) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        for (String suffix : SUFFIXES) {
            Path path = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(path)) {
                restrictOne(path, FILE_MODE);
            }
        }
    }

    private static void restrictOne(Path path, Set<PosixFilePermission> mode) {
        try {
            if (!Files.getPosixFilePermissions(path).equals(mode)) {
                Files.setPosixFilePermissions(path, mode);
                LOG.info("Permissions of {} set to {}", path, PosixFilePermissions.toString(mode));
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Cannot set the permissions of {} to {}: {}", path, PosixFilePermissions.toString(mode),
                    e.toString());
        }
    }
}
