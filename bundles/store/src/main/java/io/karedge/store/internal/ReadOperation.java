package io.karedge.store.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** A read on one of the read connections; it must close every result set it opens. */
@FunctionalInterface
interface ReadOperation<T> {

    T apply(Connection connection) throws SQLException;
}
