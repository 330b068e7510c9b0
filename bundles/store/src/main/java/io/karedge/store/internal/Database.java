package io.karedge.store.internal;

import io.karedge.api.meta.StoreCommitStatistics;
import io.karedge.api.meta.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The SQLite file and the only thread that writes to it; what the three services use. It puts together:
 *
 * <ul>
 * <li>{@link WriteQueue}: writes are queued, and the writer thread takes up to {@code max_batch} of them;
 * <li>{@link GroupCommit}: it runs each batch in one transaction on the writer connection, each write in
 * its own savepoint, and releases the callers only after the commit (with {@code synchronous=FULL} the WAL
 * is fsynced); a write that fails fails only its own caller; a transaction that cannot start or commit
 * (disk full, I/O error) fails every write of its batch and never leaves the connection inside a
 * transaction;
 * <li>{@link WriteOutage}: while no writer connection can be opened (still no space), writes fail at once
 * with a {@link StoreException} saying so and reads keep working; the first batch after space returned
 * opens the connection again and commits;
 * <li>{@link ReadConnections}: reads use a small pool of read-only connections; in WAL mode they never
 * wait for the writer, and a read started after a write returned sees it. A store opened on a full disk
 * starts the same way, its readers opening the file immutable until the writer is back;
 * <li>{@link Checkpointer}: checkpoints run on a separate thread and connection, not inside a commit;
 * <li>{@link SqliteConnections}, {@link SqliteErrors}: opening connections, and telling disk errors apart;
 * <li>{@link CommitCounters}: the figures of {@link #commitStatistics()}.
 * </ul>
 */
final class Database implements AutoCloseable {

    static final String FILE_NAME = "karedge.db";

    private final Path file;
    private final StoreSettings settings;
    private final WriteOutage outage;
    private final ReadConnections readers;
    private final CommitCounters counters = new CommitCounters();
    private final Checkpointer checkpointer;
    private final GroupCommit groupCommit;
    private final WriteQueue writes;

    private Database(Path file, StoreSettings settings, Connection writer) {
        this.file = file;
        this.settings = settings;
        this.outage = new WriteOutage(file);
        this.readers = new ReadConnections(file, settings, writer == null);
        this.checkpointer = new Checkpointer(file, settings);
        this.groupCommit = new GroupCommit(file, settings, writer, outage, readers, checkpointer, counters);
        this.writes = new WriteQueue(settings, groupCommit);
    }

    /**
     * Opens (or creates) {@code <dataDirectory>/karedge.db}, creates the tables that are missing and
     * starts the writer thread.
     */
    static Database open(Path dataDirectory, StoreSettings settings) {
        Path file = dataDirectory.resolve(FILE_NAME).toAbsolutePath();
        StoreFiles.prepare(file);
        Connection writer;
        try {
            writer = SqliteConnections.openWriter(file, settings);
        } catch (SQLException e) {
            if (!SqliteErrors.isDiskProblem(e) || !Files.exists(file)) {
                throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
            }
            Database readOnly = new Database(file, settings, null);
            readOnly.outage.begin(e);
            readOnly.start();
            return readOnly;
        }
        Database database = new Database(file, settings, writer);
        database.start();
        return database;
    }

    private void start() {
        writes.start();
        checkpointer.start();
    }

    /** @return why writes are refused at the moment (no space, I/O error), or empty when the store writes */
    Optional<String> unwritable() {
        return Optional.ofNullable(outage.reason());
    }

    Path file() {
        return file;
    }

    StoreSettings settings() {
        return settings;
    }

    /**
     * Runs a write in the next batch and waits until that batch has committed.
     *
     * @return what the operation returned
     * @throws StoreException if the store is stopping or the write could not be made durable; a
     *                        runtime exception the operation threw is rethrown as it is
     */
    <T> T write(WriteOperation<T> operation) {
        return writes.write(operation);
    }

    /** Runs a read on a read connection (each statement sees the latest commit). */
    <T> T read(ReadOperation<T> operation) {
        return readers.read(operation);
    }

    /** Runs a read in one read transaction: everything it reads comes from the same commit. */
    <T> T readSnapshot(ReadOperation<T> operation) {
        return readers.readSnapshot(operation);
    }

    /** @return the result of {@code PRAGMA integrity_check}: {@code ok} or the problems found */
    String integrityCheck() {
        return read(connection -> {
            StringBuilder result = new StringBuilder();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
                while (rows.next()) {
                    if (result.length() > 0) {
                        result.append('\n');
                    }
                    result.append(rows.getString(1));
                }
            }
            return result.toString();
        });
    }

    /** @return writes committed since the database was opened */
    long committedWrites() {
        return counters.committedWrites();
    }

    /** @return transactions (batches) committed since the database was opened */
    long committedBatches() {
        return counters.committedBatches();
    }

    /** @return the transactions committed and failed so far, and how long the committed ones took */
    StoreCommitStatistics commitStatistics() {
        return counters.statistics();
    }

    /** @return checkpoints run since the database was opened (by the checkpointer or the writer) */
    long checkpoints() {
        return checkpointer.checkpoints();
    }

    /**
     * Stops taking writes (new ones fail with "store is stopping") and waits until the writer has
     * finished every write already queued. Reads keep working until {@link #close()}. Idempotent.
     */
    void stopWrites() {
        writes.stop();
    }

    /** Stops writes as {@link #stopWrites()} does, then closes the connections. Idempotent. */
    @Override
    public void close() {
        stopWrites();
        checkpointer.stop();
        if (!readers.close()) {
            return;
        }
        groupCommit.discardWriter();
    }

    /** Reads a single {@code long} from a one-row query. */
    static long queryLong(PreparedStatement statement, long whenNoRow) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(1) : whenNoRow;
        }
    }
}
