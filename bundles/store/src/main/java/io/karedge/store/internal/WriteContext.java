package io.karedge.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link WriteOperation} sees: the writer connection inside an open transaction, its cached
 * prepared statements, and a place for actions to run after the commit. Used by the writer thread only.
 */
final class WriteContext {

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private List<Runnable> afterCommit = new ArrayList<>();

    WriteContext(Connection connection) {
        this.connection = connection;
    }

    /**
     * @return a prepared statement for {@code sql}, cached for the life of the connection; callers set
     *         parameters, execute it and close the result sets they open, but never close the statement
     */
    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Runs {@code action} on the writer thread once the transaction holding this write has committed. */
    void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    /** @return the actions registered since the last call, and forgets them */
    List<Runnable> takeAfterCommitActions() {
        List<Runnable> taken = afterCommit.isEmpty() ? List.of() : afterCommit;
        afterCommit = new ArrayList<>();
        return taken;
    }

    void closeStatements() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        statements.clear();
    }
}
