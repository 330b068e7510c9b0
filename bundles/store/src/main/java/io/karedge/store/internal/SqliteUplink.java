package io.karedge.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.StoreException;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Uplink outbox on the {@code uplink} table. The sequence is the table's AUTOINCREMENT key, so it
 * only grows, also across acknowledgements and restarts. The depth is counted in memory, in step with
 * commits.
 */
final class SqliteUplink implements Uplink {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteUplink.class);

    /** Removes the waiting entries with a key (found through the partial index) and returns their counts. */
    static final String DELETE_WAITING_WITH_KEY =
            "DELETE FROM uplink WHERE coalesce_key = ? RETURNING coalesced";
    /** Appends an entry and returns its sequence: AUTOINCREMENT, so it is after every entry ever stored. */
    private static final String INSERT = "INSERT INTO uplink"
            + " (coalesce_key, source, route_group, operation, resource, content, enqueued_at, coalesced)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING sequence";

    private final Database database;
    private final Executor callbackExecutor;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final AtomicLong depth;

    SqliteUplink(Database database, Executor callbackExecutor) {
        this.database = database;
        this.callbackExecutor = callbackExecutor;
        this.depth = new AtomicLong(database.read(connection -> {
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM uplink")) {
                return Database.queryLong(count, 0);
            }
        }));
    }

    @Override
    public UplinkEntry enqueue(UplinkMessage message) {
        Prepared prepared = prepare(message);
        return database.write(context -> enqueueIn(context, prepared));
    }

    /** A message checked and written as JSON outside the writer thread, ready for {@link #enqueueIn}. */
    record Prepared(UplinkMessage stored, String content) {
    }

    Prepared prepare(UplinkMessage message) {
        Objects.requireNonNull(message, "message");
        String content;
        try {
            content = KaredgeJson.mapper().writeValueAsString(message.content());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the message content cannot be written as JSON: " + e.getMessage(), e);
        }
        UplinkMessage stored = new UplinkMessage(message.source(), message.group(), message.operation(),
                message.resource(), message.content().deepCopy(), message.coalesceKey());
        return new Prepared(stored, content);
    }

    /** Enqueues inside a write that is already running on the writer thread (part of its transaction). */
    UplinkEntry enqueueIn(WriteContext context, Prepared prepared) throws SQLException {
        UplinkMessage message = prepared.stored();
        int removed = 0;
        int coalesced = 0;
        if (message.coalesceKey() != null) {
            PreparedStatement delete = context.statement(DELETE_WAITING_WITH_KEY);
            delete.setString(1, message.coalesceKey());
            try (ResultSet rows = delete.executeQuery()) {
                while (rows.next()) {
                    removed++;
                    coalesced += 1 + rows.getInt(1);
                }
            }
        }
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        PreparedStatement insert = context.statement(INSERT);
        insert.setString(1, message.coalesceKey());
        insert.setString(2, message.source());
        insert.setString(3, message.group());
        insert.setString(4, message.operation());
        insert.setString(5, message.resource());
        insert.setString(6, prepared.content());
        insert.setLong(7, now.toEpochMilli());
        insert.setInt(8, coalesced);
        long sequence;
        try (ResultSet row = insert.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the uplink insert returned no sequence");
            }
            sequence = row.getLong(1);
        }
        long change = 1 - removed;
        context.afterCommit(() -> {
            depth.addAndGet(change);
            notifyEnqueued();
        });
        return new UplinkEntry(sequence, message, now, coalesced);
    }

    @Override
    public List<UplinkEntry> pending(long afterSequence, int max) {
        if (max <= 0) {
            return List.of();
        }
        return database.read(connection -> {
            List<UplinkEntry> entries = new ArrayList<>(Math.min(max, 1024));
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT sequence, coalesce_key, source, route_group, operation, resource, content, enqueued_at,"
                            + " coalesced FROM uplink WHERE sequence > ? ORDER BY sequence LIMIT ?")) {
                select.setLong(1, afterSequence);
                select.setInt(2, max);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        UplinkMessage message = new UplinkMessage(rows.getString(3), rows.getString(4),
                                rows.getString(5), rows.getString(6), parse(rows.getString(7)), rows.getString(2));
                        entries.add(new UplinkEntry(rows.getLong(1), message, Instant.ofEpochMilli(rows.getLong(8)),
                                rows.getInt(9)));
                    }
                }
            }
            return List.copyOf(entries);
        });
    }

    @Override
    public void acknowledge(long sequence) {
        database.write(context -> {
            PreparedStatement delete = context.statement("DELETE FROM uplink WHERE sequence = ?");
            delete.setLong(1, sequence);
            int removed = delete.executeUpdate();
            if (removed > 0) {
                context.afterCommit(() -> depth.addAndGet(-removed));
            }
            return null;
        });
    }

    @Override
    public long depth() {
        return depth.get();
    }

    @Override
    public AutoCloseable onEnqueue(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        callbacks.add(callback);
        return () -> callbacks.remove(callback);
    }

    /** Runs on the writer thread after a commit: hands the callbacks to the event threads. */
    private void notifyEnqueued() {
        if (callbacks.isEmpty()) {
            return;
        }
        try {
            callbackExecutor.execute(() -> {
                for (Runnable callback : callbacks) {
                    try {
                        callback.run();
                    } catch (RuntimeException e) {
                        LOG.warn("An uplink enqueue callback failed", e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Uplink callbacks skipped: the store is stopping");
        }
    }

    private static JsonNode parse(String json) {
        try {
            return KaredgeJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored uplink content is not JSON: " + e.getMessage(), e);
        }
    }
}
