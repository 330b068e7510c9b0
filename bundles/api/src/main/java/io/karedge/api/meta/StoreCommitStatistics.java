package io.karedge.api.meta;

import io.karedge.api.metrics.HistogramSnapshot;
import java.util.Objects;

/**
 * The store's write transactions since it opened. One transaction commits a batch of writes together
 * (group commit), so there are fewer commits than writes.
 *
 * @param commits   transactions committed (on disk)
 * @param failures  transactions that could not commit (every write of the batch failed)
 * @param durations the time of each committed transaction, from its start to the commit's return
 *                  (with {@code synchronous=FULL} the fsync included)
 * @since 1.2
 */
public record StoreCommitStatistics(long commits, long failures, HistogramSnapshot durations) {

    public StoreCommitStatistics {
        Objects.requireNonNull(durations, "durations");
    }
}
