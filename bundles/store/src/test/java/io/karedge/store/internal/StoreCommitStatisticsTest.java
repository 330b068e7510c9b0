package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.meta.StoreCommitStatistics;
import io.karedge.api.twin.TwinStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer counts its transactions and times each commit. */
class StoreCommitStatisticsTest {

    @TempDir
    Path dataDirectory;

    @Test
    void everyCommittedTransactionIsCountedAndTimed() throws Exception {
        try (Store store = Store.open(dataDirectory, StoreSettings.defaults())) {
            StoreCommitStatistics before = store.database().commitStatistics();
            long batchesBefore = store.database().committedBatches();

            for (int i = 0; i < 5; i++) {
                // one caller, one write at a time: one transaction each
                store.twinStore().put("default/d", "p" + i, TextNode.valueOf("v" + i), TwinStore.ANY_VERSION);
            }
            store.metaStore().put(TestObjects.configMap("default", "c", "v"), "test");

            StoreCommitStatistics after = store.database().commitStatistics();
            assertThat(after.commits() - before.commits()).isEqualTo(6);
            assertThat(store.database().committedBatches() - batchesBefore).isEqualTo(6);
            assertThat(after.durations().count()).isEqualTo(after.commits());
            assertThat(after.durations().sumSeconds()).isGreaterThan(before.durations().sumSeconds());
            assertThat(after.failures()).isZero();
        }
    }
}
