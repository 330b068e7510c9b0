package io.karedge.store.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A queued write and what became of it. Fields other than {@code done} belong to the writer thread. */
final class PendingWrite<T> {

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
