package io.karedge.store.internal;

import java.nio.file.Path;
import java.sql.SQLException;

/** Tells the SQLite errors that come from the disk (full, I/O error, cannot open) from the others. */
final class SqliteErrors {

    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;

    private SqliteErrors() {
    }

    static boolean isDiskProblem(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN;
    }

    /** @return the SQLite error, said plainly when it is the disk holding {@code file} (full, I/O error) */
    static String describe(SQLException e, Path file) {
        int primary = e.getErrorCode() & 0xff;
        if (primary == SQLITE_FULL) {
            return "the disk holding " + file.getParent() + " is full (" + e.getMessage() + ")";
        }
        if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) {
            return "I/O error on the disk holding " + file.getParent() + ", is it full? (" + e.getMessage() + ")";
        }
        return e.getMessage();
    }
}
