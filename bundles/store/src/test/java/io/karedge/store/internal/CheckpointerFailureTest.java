package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint that cannot even open its connection is retried later; the checkpoint thread lives on. */
class CheckpointerFailureTest {

    @TempDir
    Path directory;

    @Test
    void aConnectionThatCannotOpenIsRetriedAfterTheNextCommits() throws Exception {
        Path missing = directory.resolve("not-yet").resolve(Database.FILE_NAME);
        Checkpointer checkpointer = new Checkpointer(missing, StoreSettings.defaults());
        checkpointer.start();
        try {
            wake(checkpointer);
            // the first attempt fails (no such directory); give it the time to fail
            Thread.sleep(500);
            assertThat(checkpointer.checkpoints()).isZero();

            Files.createDirectories(missing.getParent());
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + missing)) {
                connection.createStatement().execute("PRAGMA journal_mode=WAL");
            }
            wake(checkpointer);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(checkpointer.checkpoints())
                            .as("checkpoints once the file can be opened").isEqualTo(1));
        } finally {
            checkpointer.stop();
        }
    }

    /** As the writer does after {@link Checkpointer#EVERY_COMMITS} commits. */
    private static void wake(Checkpointer checkpointer) {
        for (int i = 0; i < Checkpointer.EVERY_COMMITS; i++) {
            checkpointer.afterCommit(null);
        }
    }
}
