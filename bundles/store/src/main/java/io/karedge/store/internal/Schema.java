package io.karedge.store.internal;

import io.karedge.api.meta.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of {@code karedge.db}. Created when absent; the {@code schema_version} row of
 * {@code store_info} says which layout a file has, so later versions can migrate it.
 */
final class Schema {

    /** The layout this code reads and writes. */
    static final int VERSION = 1;

    static final String SCHEMA_VERSION_KEY = "schema_version";
    static final String RESOURCE_VERSION_KEY = "resource_version";

    private static final String[] CREATE = {
        // store-wide values: schema_version, resource_version
        "CREATE TABLE IF NOT EXISTS store_info ("
                + " key TEXT PRIMARY KEY,"
                + " value INTEGER NOT NULL"
                + ") WITHOUT ROWID",

        // MetaStore: the current state of every object
        "CREATE TABLE IF NOT EXISTS objects ("
                + " kind TEXT NOT NULL,"
                + " namespace TEXT NOT NULL,"
                + " name TEXT NOT NULL,"
                + " resource_version INTEGER NOT NULL,"
                + " source TEXT NOT NULL,"
                + " body TEXT NOT NULL,"
                + " PRIMARY KEY (kind, namespace, name)"
                + ")",

        // MetaStore: one row per change, newest event_retention kept, for watch replay
        "CREATE TABLE IF NOT EXISTS object_events ("
                + " resource_version INTEGER PRIMARY KEY,"
                + " type TEXT NOT NULL,"
                + " kind TEXT NOT NULL,"
                + " namespace TEXT NOT NULL,"
                + " name TEXT NOT NULL,"
                + " source TEXT NOT NULL,"
                + " body TEXT NOT NULL"
                + ")",

        // TwinStore: one row per device property
        "CREATE TABLE IF NOT EXISTS twins ("
                + " device_id TEXT NOT NULL,"
                + " property TEXT NOT NULL,"
                + " version INTEGER NOT NULL,"
                + " body TEXT NOT NULL,"
                + " updated_at INTEGER NOT NULL,"
                + " PRIMARY KEY (device_id, property)"
                + ")",

        // Uplink: the outbox; AUTOINCREMENT so a sequence is never handed out twice
        "CREATE TABLE IF NOT EXISTS uplink ("
                + " sequence INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " coalesce_key TEXT,"
                + " source TEXT NOT NULL,"
                + " route_group TEXT NOT NULL,"
                + " operation TEXT NOT NULL,"
                + " resource TEXT NOT NULL,"
                + " content TEXT NOT NULL,"
                + " enqueued_at INTEGER NOT NULL,"
                + " coalesced INTEGER NOT NULL"
                + ")",
        "CREATE INDEX IF NOT EXISTS uplink_by_coalesce_key ON uplink (coalesce_key)"
                + " WHERE coalesce_key IS NOT NULL",
    };

    private Schema() {
    }

    /** Creates what is missing, in one transaction, and checks the file's layout version. */
    static void createOrCheck(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                for (String ddl : CREATE) {
                    statement.execute(ddl);
                }
                statement.execute("INSERT OR IGNORE INTO store_info (key, value) VALUES ('"
                        + SCHEMA_VERSION_KEY + "', " + VERSION + ")");
                statement.execute("INSERT OR IGNORE INTO store_info (key, value) VALUES ('"
                        + RESOURCE_VERSION_KEY + "', 0)");
                long found = schemaVersion(statement);
                if (found > VERSION) {
                    throw new StoreException("the database has schema version " + found
                            + ", newer than this store's " + VERSION + "; refusing to open it");
                }
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    statement.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // the failure above is what matters
                }
                throw e;
            }
        }
    }

    private static long schemaVersion(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery(
                "SELECT value FROM store_info WHERE key = '" + SCHEMA_VERSION_KEY + "'")) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }
}
