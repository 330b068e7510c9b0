package io.karedge.store.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens connections to the store's SQLite file: the settings every connection gets (WAL,
 * {@code synchronous}, busy timeout, journal size limit), the writer's own setup, read-only and
 * immutable connections.
 */
final class SqliteConnections {

    /** Logs under {@link Database}, the store's one database logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

    private SqliteConnections() {
    }

    /** Opens the writer connection: WAL, the tables (created when missing), no automatic checkpoints. */
    static Connection openWriter(Path file, StoreSettings settings) throws SQLException {
        Connection writer = connect(file, settings, false);
        try {
            String journalMode = pragma(writer, "journal_mode");
            if (!"wal".equalsIgnoreCase(journalMode)) {
                LOG.warn("{} runs in journal mode '{}', not WAL (is the file system able to share memory?);"
                        + " commits stay durable but readers may wait for the writer", file, journalMode);
            }
            Schema.createOrCheck(writer);
            try (Statement statement = writer.createStatement()) {
                // checkpoints run on their own thread (Checkpointer), not inside a commit
                statement.execute("PRAGMA wal_autocheckpoint = 0");
            }
            StoreFiles.restrict(file);
            return writer;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    static Connection connect(Path file, StoreSettings settings, boolean readOnly) throws SQLException {
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
    static Connection connectImmutable(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:file:" + file + "?immutable=1");
        return dataSource.getConnection();
    }

    /** Closes the connection, if there is one, logging a failure at debug level only. */
    static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Closing a connection failed", e);
        }
    }

    private static String pragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
            return rows.next() ? rows.getString(1) : "";
        }
    }
}
