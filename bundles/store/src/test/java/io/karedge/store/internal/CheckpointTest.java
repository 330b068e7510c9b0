package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints run on their own thread, not inside commits, and keep the WAL from growing without end. */
class CheckpointTest {

    @TempDir
    Path dataDirectory;

    @Test
    void theWriterDoesNotCheckpointButTheCheckpointerDoes() throws Exception {
        try (Database database = Database.open(dataDirectory, StoreSettings.defaults())) {
            long autoCheckpoint = database.write(context -> {
                try (ResultSet row = context.statement("PRAGMA wal_autocheckpoint").executeQuery()) {
                    return row.next() ? row.getLong(1) : -1;
                }
            });
            assertThat(autoCheckpoint).as("automatic checkpoints inside commits").isZero();
            assertThat(database.checkpoints()).isZero();

            for (int i = 0; i < Checkpointer.EVERY_COMMITS * 2; i++) {
                int value = i;
                database.write(context -> {
                    var insert = context.statement("INSERT OR REPLACE INTO store_info (key, value) VALUES (?, ?)");
                    insert.setString(1, "checkpoint-test-" + (value % 10));
                    insert.setLong(2, value);
                    return insert.executeUpdate();
                });
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (database.checkpoints() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(database.checkpoints()).as("checkpoints after %d commits", Checkpointer.EVERY_COMMITS * 2)
                    .isGreaterThanOrEqualTo(1);
        }
        // everything committed is in the file after close, and the file is sound
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dataDirectory.resolve(Database.FILE_NAME));
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT COUNT(*) FROM store_info WHERE key LIKE 'checkpoint-test-%'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(10);
        }
        assertThat(Files.exists(dataDirectory.resolve(Database.FILE_NAME))).isTrue();
    }

    @Test
    void closeStopsTheCheckpointer() {
        Database database = Database.open(dataDirectory, StoreSettings.defaults());
        database.close();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().equals("karedge-store-checkpoint") && thread.isAlive());
    }
}
