package io.karedge.store.internal;

import io.karedge.api.meta.StoreCommitStatistics;
import io.karedge.api.metrics.LatencyHistogram;
import java.util.concurrent.atomic.AtomicLong;

/** The writer's figures since the database was opened: writes and transactions committed, failed transactions. */
final class CommitCounters {

    private final AtomicLong committedWrites = new AtomicLong();
    private final AtomicLong committedBatches = new AtomicLong();
    /** transactions that could not start or commit (the unexpected failures of the writer included) */
    private final AtomicLong failedBatches = new AtomicLong();
    /** from BEGIN IMMEDIATE to the return of COMMIT, for committed transactions */
    private final LatencyHistogram commitDurations = new LatencyHistogram();

    /** A transaction begun at {@code startNanos} has committed. */
    void batchCommitted(long startNanos) {
        commitDurations.recordSince(startNanos);
        committedBatches.incrementAndGet();
    }

    void batchFailed() {
        failedBatches.incrementAndGet();
    }

    void writeCommitted() {
        committedWrites.incrementAndGet();
    }

    long committedWrites() {
        return committedWrites.get();
    }

    long committedBatches() {
        return committedBatches.get();
    }

    /** @return the transactions committed and failed so far, and how long the committed ones took */
    StoreCommitStatistics statistics() {
        return new StoreCommitStatistics(committedBatches.get(), failedBatches.get(), commitDurations.snapshot());
    }
}
