package io.karedge.store.internal;

import io.karedge.api.meta.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each batch of queued writes as one transaction on the writer connection; used by the writer
 * thread only (and by {@link Database#close()} once that thread has stopped).
 *
 * <p>Each write runs in its own savepoint inside the transaction. After the commit (with
 * {@code synchronous=FULL} the WAL is fsynced) the after-commit actions of the writes that succeeded run,
 * and only then are their callers released. A write that fails rolls back its savepoint and fails only its
 * own caller; if the transaction itself cannot commit, every write of the batch fails and nothing of it is
 * stored.
 *
 * <p>Failures never leave the writer connection inside a transaction: when a transaction cannot be started
 * or committed (disk full, I/O error), its statements are discarded, it is rolled back and the connection
 * is closed; the next batch opens a new one. While no writer connection can be opened (still no space),
 * the batch fails at once with a {@link StoreException} saying so; the first batch after space returned
 * opens the connection again and commits.
 */
final class GroupCommit {

    /** Logs under {@link Database}, the store's one database logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Path file;
    private final StoreSettings settings;
    private final WriteOutage outage;
    private final ReadConnections readers;
    private final Checkpointer checkpointer;
    private final CommitCounters counters;
    /** The writer connection; null while none can be opened (disk full). */
    private Connection writer;
    private WriteContext writeContext;

    GroupCommit(Path file, StoreSettings settings, Connection writer, WriteOutage outage, ReadConnections readers,
            Checkpointer checkpointer, CommitCounters counters) {
        this.file = file;
        this.settings = settings;
        this.writer = writer;
        this.writeContext = writer == null ? null : new WriteContext(writer);
        this.outage = outage;
        this.readers = readers;
        this.checkpointer = checkpointer;
        this.counters = counters;
    }

    /** Runs the batch in one transaction and completes each of its writes. */
    void run(List<PendingWrite<?>> batch) {
        StoreException unavailable = ensureWriter();
        if (unavailable != null) {
            batch.forEach(write -> write.fail(unavailable));
            return;
        }
        long startNanos = System.nanoTime();
        try {
            execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            counters.batchFailed();
            StoreException failure = new StoreException("cannot start a transaction on " + file + ": "
                    + SqliteErrors.describe(e, file), e);
            abandonTransaction(e);
            batch.forEach(write -> write.fail(failure));
            return;
        }
        SQLException broken = null;
        for (PendingWrite<?> write : batch) {
            broken = runInSavepoint(write);
            if (broken != null) {
                break;
            }
        }
        if (broken == null) {
            try {
                execute("COMMIT");
            } catch (SQLException e) {
                broken = e;
            }
        }
        if (broken != null) {
            counters.batchFailed();
            abandonTransaction(broken);
            StoreException failure = new StoreException("the write could not be made durable, nothing of its"
                    + " transaction was stored: " + SqliteErrors.describe(broken, file), broken);
            for (PendingWrite<?> write : batch) {
                write.fail(write.failure != null ? write.failure : failure);
            }
            return;
        }
        outage.end();
        counters.batchCommitted(startNanos);
        checkpointer.afterCommit(writer);
        for (PendingWrite<?> write : batch) {
            if (write.failure == null) {
                counters.writeCommitted();
                for (Runnable action : write.afterCommit) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.error("An after-commit action failed on {}", file, e);
                    }
                }
            }
        }
        for (PendingWrite<?> write : batch) {
            write.finish();
        }
    }

    /**
     * After {@link #run} threw: counts the transaction as failed, drops the writer connection and fails
     * every write of the batch.
     */
    void failUnexpectedly(List<PendingWrite<?>> batch, Throwable unexpected) {
        counters.batchFailed();
        LOG.error("The store writer failed unexpectedly on {}", file, unexpected);
        if (writeContext != null) {
            writeContext.closeStatements();
        }
        rollbackQuietly();
        discardWriter();
        StoreException failure = new StoreException("the store writer failed unexpectedly; the write"
                + " may or may not have been stored", unexpected);
        batch.forEach(write -> write.fail(failure));
    }

    /** Closes the writer connection and its statements, if open. */
    void discardWriter() {
        if (writeContext != null) {
            writeContext.closeStatements();
            writeContext = null;
        }
        if (writer != null) {
            SqliteConnections.closeQuietly(writer); // closing rolls back anything still open
            writer = null;
        }
    }

    /** @return null, or the exception that broke the whole transaction */
    private SQLException runInSavepoint(PendingWrite<?> write) {
        try {
            execute("SAVEPOINT write");
        } catch (SQLException e) {
            return e;
        }
        try {
            write.run(writeContext);
            execute("RELEASE write");
            write.afterCommit = writeContext.takeAfterCommitActions();
            return null;
        } catch (Throwable failure) {
            writeContext.takeAfterCommitActions();
            if (failure instanceof SQLException sqlFailure) {
                write.failure = new StoreException("write failed on " + file + ": "
                        + SqliteErrors.describe(sqlFailure, file), sqlFailure);
                // a statement that failed half-way is not reused: the next write prepares it afresh
                writeContext.closeStatements();
            } else {
                write.failure = failure;
            }
            try {
                execute("ROLLBACK TO write");
                execute("RELEASE write");
                return null;
            } catch (SQLException e) {
                return e;
            }
        }
    }

    private void execute(String sql) throws SQLException {
        writeContext.statement(sql).execute();
    }

    private void rollbackQuietly() {
        if (writer == null) {
            return;
        }
        try {
            execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may already have rolled the transaction back
        }
    }

    /**
     * After a transaction broke: discards the writer connection, its statements and whatever transaction
     * it still holds, so the next batch starts on a fresh connection. Never leaves a transaction open.
     */
    private void abandonTransaction(SQLException cause) {
        if (SqliteErrors.isDiskProblem(cause)) {
            outage.begin(cause);
        }
        if (writeContext != null) {
            writeContext.closeStatements();
        }
        rollbackQuietly();
        discardWriter();
    }

    /** @return null when the writer connection is open (opened now if needed), else why it cannot be */
    private StoreException ensureWriter() {
        if (writer != null) {
            return null;
        }
        try {
            writer = SqliteConnections.openWriter(file, settings);
            writeContext = new WriteContext(writer);
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException sqlFailure) {
                outage.begin(sqlFailure);
            }
            String reason = outage.reason() != null ? outage.reason() : e.getMessage();
            return new StoreException("the store cannot write to " + file + ": " + reason
                    + "; nothing was stored (reads keep working; writes are accepted again once it can)", e);
        }
        readers.writerBack();
        return null;
    }
}
