package io.karedge.store.internal;

import io.karedge.api.meta.StoreCommitStatistics;
import io.karedge.api.meta.StoreException;
import io.karedge.api.metrics.LatencyHistogram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite file and the only thread that writes to it.
 *
 * <p><b>Writes</b> are queued. The writer thread takes up to {@code max_batch} of them, runs each in
 * its own savepoint inside one transaction, commits (with {@code synchronous=FULL} the WAL is fsynced),
 * runs the after-commit actions of the writes that succeeded, and only then releases their callers. A
 * write that fails rolls back its savepoint and fails only its own caller; if the transaction itself
 * cannot commit, every write of the batch fails and nothing of it is stored.
 *
 * <p><b>Reads</b> use a small pool of read-only connections. In WAL mode they never wait for the
 * writer, and a read started after a write returned sees it.
 *
 * <p><b>Failures</b> never leave the writer connection inside a transaction: when a transaction cannot
 * be started or committed (disk full, I/O error), its statements are discarded, it is rolled back and
 * the connection is closed; the next batch opens a new one. While no writer connection can be opened
 * (still no space), writes fail at once with a {@link StoreException} saying so and reads keep working;
 * the first batch after space returned opens the connection again and commits. A store opened on a full
 * disk starts the same way, its readers opening the file immutable until the writer is back.
 *
 * <p><b>Checkpoints</b> (copying the WAL into the database file, with its own fsync) run on a separate
 * thread and connection, not inside a commit, so they do not stall the writes queued behind it. The
 * writer checkpoints itself only after {@link #CHECKPOINT_HARD_LIMIT_COMMITS} commits without one. A
 * commit is durable once the WAL is synced; checkpoints do not change that.
 */
final class Database implements AutoCloseable {

    static final String FILE_NAME = "karedge.db";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
    private static final int MAX_READERS = 4;
    /**
     * Commits after which the checkpointer is woken. A twin batch adds a few WAL pages, so this is in the
     * range of SQLite's own automatic checkpoint (1000 pages).
     */
    static final int CHECKPOINT_EVERY_COMMITS = 200;
    /** Commits without a checkpoint after which the writer checkpoints itself (the checkpointer is stuck). */
    static final int CHECKPOINT_HARD_LIMIT_COMMITS = 20_000;
    private static final long CHECKPOINT_PAUSE_MILLIS = 50;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;

    private final Path file;
    private final StoreSettings settings;
    /** The writer thread's connection; null while none can be opened (disk full). */
    private Connection writer;
    private WriteContext writeContext;
    /** Why the store cannot write, while it cannot; null when it can. */
    private volatile String unwritable;
    private long unwritableSinceNanos;
    /** Bumped when the writer comes back after the store opened without one: readers reconnect normally. */
    private volatile int readerGeneration;
    private volatile boolean readersImmutable;
    private final BlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();
    private final PendingWrite<Void> stopMarker = new PendingWrite<>(null);
    private final ReadWriteLock acceptance = new ReentrantReadWriteLock();
    private final Thread writerThread;
    private final BlockingQueue<Reader> idleReaders = new ArrayBlockingQueue<>(MAX_READERS);
    private final AtomicInteger openReaders = new AtomicInteger();
    private final AtomicLong committedWrites = new AtomicLong();
    private final AtomicLong committedBatches = new AtomicLong();
    /** transactions that could not start or commit (the unexpected failures of the writer included) */
    private final AtomicLong failedBatches = new AtomicLong();
    /** from BEGIN IMMEDIATE to the return of COMMIT, for committed transactions */
    private final LatencyHistogram commitDurations = new LatencyHistogram();
    private final AtomicLong checkpoints = new AtomicLong();
    private final Object checkpointSignal = new Object();
    private final Thread checkpointThread;
    /** Commits since the last checkpoint started; the writer's. */
    private long commitsSinceCheckpoint;
    private boolean checkpointWanted;
    private boolean checkpointStopping;
    private boolean accepting = true;
    private volatile boolean closed;

    private Database(Path file, StoreSettings settings, Connection writer) {
        this.file = file;
        this.settings = settings;
        this.writer = writer;
        this.writeContext = writer == null ? null : new WriteContext(writer);
        this.writerThread = new Thread(this::runWriter, "karedge-store-writer");
        this.writerThread.setDaemon(true);
        this.checkpointThread = new Thread(this::runCheckpoints, "karedge-store-checkpoint");
        this.checkpointThread.setDaemon(true);
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
            writer = openWriter(file, settings);
        } catch (SQLException e) {
            if (!isDiskProblem(e) || !Files.exists(file)) {
                throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
            }
            Database readOnly = new Database(file, settings, null);
            readOnly.markUnwritable(e);
            readOnly.readersImmutable = true;
            readOnly.writerThread.start();
            readOnly.checkpointThread.start();
            return readOnly;
        }
        Database database = new Database(file, settings, writer);
        database.writerThread.start();
        database.checkpointThread.start();
        return database;
    }

    /** Opens the writer connection: WAL, the tables (created when missing), no automatic checkpoints. */
    private static Connection openWriter(Path file, StoreSettings settings) throws SQLException {
        Connection writer = connect(file, settings, false);
        try {
            String journalMode = pragma(writer, "journal_mode");
            if (!"wal".equalsIgnoreCase(journalMode)) {
                LOG.warn("{} runs in journal mode '{}', not WAL (is the file system able to share memory?);"
                        + " commits stay durable but readers may wait for the writer", file, journalMode);
            }
            Schema.createOrCheck(writer);
            try (Statement statement = writer.createStatement()) {
                // checkpoints run on their own thread (runCheckpoints), not inside a commit
                statement.execute("PRAGMA wal_autocheckpoint = 0");
            }
            StoreFiles.restrict(file);
            return writer;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    /** @return why writes are refused at the moment (no space, I/O error), or empty when the store writes */
    java.util.Optional<String> unwritable() {
        return java.util.Optional.ofNullable(unwritable);
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
        PendingWrite<T> write = new PendingWrite<>(operation);
        acceptance.readLock().lock();
        try {
            if (!accepting) {
                throw new StoreException("store is stopping");
            }
            queue.add(write);
        } finally {
            acceptance.readLock().unlock();
        }
        return awaitUninterruptibly(write.done);
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
        return committedWrites.get();
    }

    /** @return transactions (batches) committed since the database was opened */
    long committedBatches() {
        return committedBatches.get();
    }

    /** @return the transactions committed and failed so far, and how long the committed ones took */
    StoreCommitStatistics commitStatistics() {
        return new StoreCommitStatistics(committedBatches.get(), failedBatches.get(), commitDurations.snapshot());
    }

    /** @return checkpoints run since the database was opened (by the checkpointer or the writer) */
    long checkpoints() {
        return checkpoints.get();
    }

    /**
     * Stops taking writes (new ones fail with "store is stopping") and waits until the writer has
     * finished every write already queued. Reads keep working until {@link #close()}. Idempotent.
     */
    void stopWrites() {
        acceptance.writeLock().lock();
        try {
            if (accepting) {
                accepting = false;
                queue.add(stopMarker);
            }
        } finally {
            acceptance.writeLock().unlock();
        }
        boolean interrupted = false;
        while (writerThread.isAlive()) {
            try {
                writerThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops writes as {@link #stopWrites()} does, then closes the connections. Idempotent. */
    @Override
    public void close() {
        stopWrites();
        stopCheckpoints();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Reader idle;
        while ((idle = idleReaders.poll()) != null) {
            openReaders.decrementAndGet();
            closeQuietly(idle.connection());
        }
        discardWriter();
    }

    // ---- the writer thread ----

    private void runWriter() {
        List<PendingWrite<?>> batch = new ArrayList<>(settings.maxBatch());
        boolean stopping = false;
        while (!stopping) {
            PendingWrite<?> next = takeUninterruptibly();
            while (next != null) {
                if (next == stopMarker) {
                    stopping = true;
                    break;
                }
                batch.add(next);
                next = batch.size() < settings.maxBatch() ? queue.poll() : null;
            }
            if (!batch.isEmpty()) {
                try {
                    runBatch(batch);
                } catch (Throwable unexpected) {
                    failedBatches.incrementAndGet();
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
                batch.clear();
            }
        }
    }

    private PendingWrite<?> takeUninterruptibly() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // only stopWrites() stops the writer, through the stop marker
            }
        }
    }

    private void runBatch(List<PendingWrite<?>> batch) {
        StoreException unavailable = ensureWriter();
        if (unavailable != null) {
            batch.forEach(write -> write.fail(unavailable));
            return;
        }
        long startNanos = System.nanoTime();
        try {
            execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            failedBatches.incrementAndGet();
            StoreException failure = new StoreException("cannot start a transaction on " + file + ": "
                    + describe(e), e);
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
            failedBatches.incrementAndGet();
            abandonTransaction(broken);
            StoreException failure = new StoreException("the write could not be made durable, nothing of its"
                    + " transaction was stored: " + describe(broken), broken);
            for (PendingWrite<?> write : batch) {
                write.fail(write.failure != null ? write.failure : failure);
            }
            return;
        }
        if (unwritable != null) {
            LOG.info("The store at {} writes again, {} ms after it stopped being able to ({})", file,
                    (System.nanoTime() - unwritableSinceNanos) / 1_000_000L, unwritable);
            unwritable = null;
        }
        commitDurations.recordSince(startNanos);
        committedBatches.incrementAndGet();
        afterCommitCheckpoint();
        for (PendingWrite<?> write : batch) {
            if (write.failure == null) {
                committedWrites.incrementAndGet();
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
                write.failure = new StoreException("write failed on " + file + ": " + describe(sqlFailure), sqlFailure);
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

    // ---- checkpoints ----

    /**
     * On the writer thread after a commit: wakes the checkpointer every {@link #CHECKPOINT_EVERY_COMMITS}
     * commits, or checkpoints here if it has not run for {@link #CHECKPOINT_HARD_LIMIT_COMMITS}.
     */
    private void afterCommitCheckpoint() {
        commitsSinceCheckpoint++;
        if (commitsSinceCheckpoint >= CHECKPOINT_HARD_LIMIT_COMMITS) {
            commitsSinceCheckpoint = 0;
            try {
                checkpoint(writer);
            } catch (SQLException e) {
                LOG.warn("Checkpoint of {} failed: {}", file, e.getMessage());
            }
        } else if (commitsSinceCheckpoint % CHECKPOINT_EVERY_COMMITS == 0) {
            synchronized (checkpointSignal) {
                checkpointWanted = true;
                checkpointSignal.notifyAll();
            }
        }
    }

    private void runCheckpoints() {
        Connection connection = null;
        try {
            while (true) {
                synchronized (checkpointSignal) {
                    while (!checkpointWanted && !checkpointStopping) {
                        checkpointSignal.wait();
                    }
                    if (checkpointStopping) {
                        return;
                    }
                    checkpointWanted = false;
                }
                try {
                    if (connection == null) {
                        connection = connect(file, settings, false);
                    }
                    checkpoint(connection);
                } catch (SQLException e) {
                    LOG.warn("Checkpoint of {} failed (retried after the next commits): {}", file, e.getMessage());
                    closeQuietly(connection);
                    connection = null;
                }
                Thread.sleep(CHECKPOINT_PAUSE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (connection != null) {
                closeQuietly(connection);
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

    private void stopCheckpoints() {
        synchronized (checkpointSignal) {
            checkpointStopping = true;
            checkpointSignal.notifyAll();
        }
        boolean interrupted = false;
        while (checkpointThread.isAlive()) {
            try {
                checkpointThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
        if (isDiskProblem(cause)) {
            markUnwritable(cause);
        }
        if (writeContext != null) {
            writeContext.closeStatements();
        }
        rollbackQuietly();
        discardWriter();
    }

    private void discardWriter() {
        if (writeContext != null) {
            writeContext.closeStatements();
            writeContext = null;
        }
        if (writer != null) {
            closeQuietly(writer); // closing rolls back anything still open
            writer = null;
        }
    }

    /** @return null when the writer connection is open (opened now if needed), else why it cannot be */
    private StoreException ensureWriter() {
        if (writer != null) {
            return null;
        }
        try {
            writer = openWriter(file, settings);
            writeContext = new WriteContext(writer);
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException sqlFailure) {
                markUnwritable(sqlFailure);
            }
            String reason = unwritable != null ? unwritable : e.getMessage();
            return new StoreException("the store cannot write to " + file + ": " + reason
                    + "; nothing was stored (reads keep working; writes are accepted again once it can)", e);
        }
        if (readersImmutable) {
            readersImmutable = false;
            readerGeneration++;
        }
        return null;
    }

    /** Notes (and logs once per outage) that the disk refuses writes. */
    private void markUnwritable(SQLException cause) {
        if (unwritable == null) {
            unwritable = describe(cause);
            unwritableSinceNanos = System.nanoTime();
            LOG.warn("The store at {} cannot write: {}. Writes are refused with an error until it can; reads keep"
                    + " working; nothing needs a restart", file, unwritable);
        }
    }

    /** @return the SQLite error, said plainly when it is the disk (full, I/O error) */
    private String describe(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        if (primary == SQLITE_FULL) {
            return "the disk holding " + file.getParent() + " is full (" + e.getMessage() + ")";
        }
        if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) {
            return "I/O error on the disk holding " + file.getParent() + ", is it full? (" + e.getMessage() + ")";
        }
        return e.getMessage();
    }

    private static boolean isDiskProblem(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN;
    }

    // ---- read connections ----

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
                closeQuietly(idle.connection());
                continue;
            }
            int open = openReaders.get();
            if (open < MAX_READERS && openReaders.compareAndSet(open, open + 1)) {
                int generation = readerGeneration;
                try {
                    return new Reader(connectReader(), generation);
                } catch (SQLException e) {
                    openReaders.decrementAndGet();
                    throw new StoreException("cannot open a read connection to " + file + ": " + describe(e), e);
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
                closeQuietly(idle.connection());
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
                return connect(file, settings, true);
            } catch (SQLException e) {
                Path wal = file.resolveSibling(file.getFileName() + "-wal");
                if (!isDiskProblem(e) || (Files.exists(wal) && sizeOf(wal) > 0)) {
                    throw e; // commits still in the WAL: an immutable read would not see them
                }
                return connectImmutable(file);
            }
        }
        return connect(file, settings, true);
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
            closeQuietly(reader.connection());
        }
    }

    // ---- connections ----

    private static Connection connect(Path file, StoreSettings settings, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(settings.synchronous() == StoreSettings.Synchronous.FULL
                ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setJournalSizeLimit(JOURNAL_SIZE_LIMIT_BYTES);
        // not DriverManager: it cannot see the driver across OSGi class loaders
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        Connection connection = dataSource.getConnection();
        if (readOnly) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA query_only = ON");
            } catch (SQLException e) {
                closeQuietly(connection);
                throw e;
            }
        }
        return connection;
    }

    /**
     * A read-only connection that takes no locks and needs no shared memory: only right for a file no one
     * writes, i.e. before the writer could open (after a clean stop the WAL was checkpointed into the file).
     */
    private static Connection connectImmutable(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:file:" + file + "?immutable=1");
        return dataSource.getConnection();
    }

    private static String pragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
            return rows.next() ? rows.getString(1) : "";
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Closing a connection failed", e);
        }
    }

    private static <T> T awaitUninterruptibly(CompletableFuture<T> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    // the write is queued and will complete; the caller must learn its outcome
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new StoreException("write failed: " + cause.getMessage(), cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A queued write and what became of it. Fields other than {@code done} belong to the writer thread. */
    private static final class PendingWrite<T> {

        final WriteOperation<T> operation;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;
        Throwable failure;
        List<Runnable> afterCommit = List.of();

        PendingWrite(WriteOperation<T> operation) {
            this.operation = operation;
        }

        void run(WriteContext context) throws SQLException {
            result = operation.apply(context);
        }

        void fail(Throwable cause) {
            done.completeExceptionally(cause);
        }

        void finish() {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(result);
            }
        }
    }

    /** Reads a single {@code long} from a one-row query. */
    static long queryLong(PreparedStatement statement, long whenNoRow) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(1) : whenNoRow;
        }
    }
}
