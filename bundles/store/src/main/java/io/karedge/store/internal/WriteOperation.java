package io.karedge.store.internal;

import java.sql.SQLException;

/**
 * One write, run by the writer thread inside the current batch transaction. It must do all its work
 * through the context, throw to undo it (its savepoint is rolled back, the rest of the batch goes on),
 * and register with {@link WriteContext#afterCommit(Runnable)} anything that must happen only once the
 * change is durable.
 */
@FunctionalInterface
interface WriteOperation<T> {

    T apply(WriteContext context) throws SQLException;
}
