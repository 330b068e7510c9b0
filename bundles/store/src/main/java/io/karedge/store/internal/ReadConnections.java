package io.karedge.store.internal;

import io.karedge.api.meta.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The small pool of read-only connections the reads run on. In WAL mode they never wait for the writer,
 * and a read started after a write returned sees it.
 *
 * <p>A store opened on a full disk has no writer, and SQLite cannot size its shared-memory file there:
 * until the writer is back ({@link #writerBack()}) the readers open the database file immutable.
 */
final class ReadConnections {

    private static final int MAX_READERS = 4;

    private final Path file;
    private final StoreSettings settings;
    private final BlockingQueue<Reader> idleReaders = new ArrayBlockingQueue<>(MAX_READERS);
    private final AtomicInteger openReaders = new AtomicInteger();
    /** Bumped when the writer comes back after the store opened without one: readers reconnect normally. */
    private volatile int readerGeneration;
    private volatile boolean readersImmutable;
    private volatile boolean closed;

    ReadConnections(Path file, StoreSettings settings, boolean readersImmutable) {
        this.file = file;
        this.settings = settings;
        this.readersImmutable = readersImmutable;
    }

    /** Runs a read on a read connection (each statement sees the latest commit). */
    <T> T read(ReadOperation<T> operation) {
        Reader reader = borrowReader();
        try {
            return operation.apply(reader.connection());
        } catch (SQLException e) {
            throw new StoreException("reading " + file + " failed: " + e.getMessage(), e);
        } finally {
            returnReader(reader);
        }
    }

    /** Runs a read in one read transaction: everything it reads comes from the same commit. */
    <T> T readSnapshot(ReadOperation<T> operation) {
        return read(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                try {
                    T result = operation.apply(connection);
                    statement.execute("COMMIT");
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        statement.execute("ROLLBACK");
                    } catch (SQLException ignored) {
                        // the failure above is what matters
                    }
                    throw e;
                }
            }
        });
    }

    /** On the writer thread, once it has a connection: readers opened immutable are replaced by normal ones. */
    void writerBack() {
        if (readersImmutable) {
            readersImmutable = false;
            readerGeneration++;
        }
    }

    /**
     * Closes the idle connections; later reads fail with "store is closed".
     *
     * @return false if the pool was already closed
     */
    synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        Reader idle;
        while ((idle = idleReaders.poll()) != null) {
            openReaders.decrementAndGet();
            SqliteConnections.closeQuietly(idle.connection());
        }
        return true;
    }

    /** A read connection, and the reader generation it was opened in. */
    private record Reader(Connection connection, int generation) {
    }

    private Reader borrowReader() {
        while (true) {
            if (closed) {
                throw new StoreException("store is closed");
            }
            Reader idle = idleReaders.poll();
            if (idle != null) {
                if (idle.generation() == readerGeneration) {
                    return idle;
                }
                openReaders.decrementAndGet();
                SqliteConnections.closeQuietly(idle.connection());
                continue;
            }
            int open = openReaders.get();
            if (open < MAX_READERS && openReaders.compareAndSet(open, open + 1)) {
                int generation = readerGeneration;
                try {
                    return new Reader(connectReader(), generation);
                } catch (SQLException e) {
                    openReaders.decrementAndGet();
                    throw new StoreException("cannot open a read connection to " + file + ": "
                            + SqliteErrors.describe(e, file), e);
                }
            }
            try {
                idle = idleReaders.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for a read connection");
            }
            if (idle != null) {
                if (idle.generation() == readerGeneration) {
                    return idle;
                }
                openReaders.decrementAndGet();
                SqliteConnections.closeQuietly(idle.connection());
            }
        }
    }

    /**
     * A read connection in WAL mode; while the store has had no writer since it opened (it started on a
     * full disk, where SQLite cannot size its shared-memory file), an immutable one on the database file.
     */
    private Connection connectReader() throws SQLException {
        if (readersImmutable) {
            try {
                return SqliteConnections.connect(file, settings, true);
            } catch (SQLException e) {
                Path wal = file.resolveSibling(file.getFileName() + "-wal");
                if (!SqliteErrors.isDiskProblem(e) || (Files.exists(wal) && sizeOf(wal) > 0)) {
                    throw e; // commits still in the WAL: an immutable read would not see them
                }
                return SqliteConnections.connectImmutable(file);
            }
        }
        return SqliteConnections.connect(file, settings, true);
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }

    private void returnReader(Reader reader) {
        if (closed || reader.generation() != readerGeneration || !idleReaders.offer(reader)) {
            openReaders.decrementAndGet();
            SqliteConnections.closeQuietly(reader.connection());
        }
    }
}
