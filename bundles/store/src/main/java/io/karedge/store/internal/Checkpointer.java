package io.karedge.store.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints (copying the WAL into the database file, with its own fsync) on a separate thread and
 * connection, not inside a commit, so they do not stall the writes queued behind it. The writer
 * checkpoints itself only after {@link #HARD_LIMIT_COMMITS} commits without one. A commit is durable
 * once the WAL is synced; checkpoints do not change that.
 */
final class Checkpointer {

    /**
     * Commits after which the checkpointer is woken. A twin batch adds a few WAL pages, so this is in the
     * range of SQLite's own automatic checkpoint (1000 pages).
     */
    static final int EVERY_COMMITS = 200;
    /** Commits without a checkpoint after which the writer checkpoints itself (the checkpointer is stuck). */
    static final int HARD_LIMIT_COMMITS = 20_000;
    private static final long PAUSE_MILLIS = 50;
    /** Logs under {@link Database}, the store's one database logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Path file;
    private final StoreSettings settings;
    private final AtomicLong checkpoints = new AtomicLong();
    private final Object signal = new Object();
    private final Thread thread;
    /** Commits since the last checkpoint started; the writer's. */
    private long commitsSinceCheckpoint;
    private boolean wanted;
    private boolean stopping;

    Checkpointer(Path file, StoreSettings settings) {
        this.file = file;
        this.settings = settings;
        this.thread = new Thread(this::run, "karedge-store-checkpoint");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** @return checkpoints run so far (by the checkpointer or the writer) */
    long checkpoints() {
        return checkpoints.get();
    }

    /**
     * On the writer thread after a commit: wakes the checkpointer every {@link #EVERY_COMMITS} commits, or
     * checkpoints here, on the writer connection, if it has not run for {@link #HARD_LIMIT_COMMITS}.
     */
    void afterCommit(Connection writer) {
        commitsSinceCheckpoint++;
        if (commitsSinceCheckpoint >= HARD_LIMIT_COMMITS) {
            commitsSinceCheckpoint = 0;
            try {
                checkpoint(writer);
            } catch (SQLException e) {
                LOG.warn("Checkpoint of {} failed: {}", file, e.getMessage());
            }
        } else if (commitsSinceCheckpoint % EVERY_COMMITS == 0) {
            synchronized (signal) {
                wanted = true;
                signal.notifyAll();
            }
        }
    }

    /** Stops the checkpoint thread and waits until it has closed its connection. Idempotent. */
    void stop() {
        synchronized (signal) {
            stopping = true;
            signal.notifyAll();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Connection connection = null;
        try {
            while (true) {
                synchronized (signal) {
                    while (!wanted && !stopping) {
                        signal.wait();
                    }
                    if (stopping) {
                        return;
                    }
                    wanted = false;
                }
                try {
                    if (connection == null) {
                        connection = SqliteConnections.connect(file, settings, false);
                    }
                    checkpoint(connection);
                } catch (SQLException | RuntimeException e) {
                    // the thread must outlive any failure: without it only the writer's rare checkpoint is left
                    LOG.warn("Checkpoint of {} failed (retried after the next commits): {}", file, e.toString());
                    SqliteConnections.closeQuietly(connection);
                    connection = null;
                }
                Thread.sleep(PAUSE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (connection != null) {
                SqliteConnections.closeQuietly(connection);
            }
        }
    }

    /**
     * Runs a PASSIVE checkpoint: copies what it can into the database file (and syncs it) without waiting
     * for the writer or the readers; what a reader still needs is copied by a later one.
     */
    private void checkpoint(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
            checkpoints.incrementAndGet();
        }
    }
}
