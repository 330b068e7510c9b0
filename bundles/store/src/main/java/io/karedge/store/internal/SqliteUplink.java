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
import java.util.concurrent.atomic.LongAdder;
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
    /** entries without a coalesce key (they accumulate; keyed ones replace each other), and their bytes */
    private final AtomicLong unkeyedEntries = new AtomicLong();
    private final AtomicLong unkeyedBytes = new AtomicLong();
    private final LongAdder refused = new LongAdder();
    private final long maxUnkeyedEntries;
    private final long maxUnkeyedBytes;

    SqliteUplink(Database database, Executor callbackExecutor) {
        this.database = database;
        this.callbackExecutor = callbackExecutor;
        this.maxUnkeyedEntries = database.settings().uplinkMaxEntries();
        this.maxUnkeyedBytes = database.settings().uplinkMaxBytes();
        this.depth = new AtomicLong(database.read(connection -> {
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM uplink")) {
                return Database.queryLong(count, 0);
            }
        }));
        database.read(connection -> {
            try (PreparedStatement sums = connection.prepareStatement("SELECT COUNT(*),"
                    + " COALESCE(SUM(LENGTH(CAST(content AS BLOB))), 0) FROM uplink WHERE coalesce_key IS NULL");
                 ResultSet row = sums.executeQuery()) {
                if (row.next()) {
                    unkeyedEntries.set(row.getLong(1));
                    unkeyedBytes.set(row.getLong(2));
                }
            }
            return null;
        });
    }

    /** @return entries without a coalesce key waiting, and the bytes of their content */
    long[] unkeyed() {
        return new long[] {unkeyedEntries.get(), unkeyedBytes.get()};
    }

    @Override
    public UplinkEntry enqueue(UplinkMessage message) {
        Prepared prepared = prepare(message);
        return database.write(context -> enqueueIn(context, prepared));
    }

    /** A message checked and written as JSON outside the writer thread, ready for {@link #enqueueIn}. */
    record Prepared(UplinkMessage stored, String content, int bytes) {
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
        return new Prepared(stored, content, content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    /** Enqueues inside a write that is already running on the writer thread (part of its transaction). */
    UplinkEntry enqueueIn(WriteContext context, Prepared prepared) throws SQLException {
        UplinkMessage message = prepared.stored();
        if (message.coalesceKey() == null) {
            refuseIfFull(prepared);
        }
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
        boolean unkeyed = message.coalesceKey() == null;
        context.afterCommit(() -> {
            depth.addAndGet(change);
            if (unkeyed) {
                unkeyedEntries.incrementAndGet();
                unkeyedBytes.addAndGet(prepared.bytes());
            }
            notifyEnqueued();
        });
        return new UplinkEntry(sequence, message, now, coalesced);
    }

    /**
     * Entries without a coalesce key accumulate while no cloud takes them (uploads of local MQTT clients on
     * a standalone node): past {@code uplink.max.entries} or {@code uplink.max.bytes} a new one is refused.
     * Checked against what is committed, so one group commit may pass the bound by its own entries.
     */
    private void refuseIfFull(Prepared prepared) {
        long entries = unkeyedEntries.get();
        long bytes = unkeyedBytes.get();
        if (entries + 1 > maxUnkeyedEntries || bytes + prepared.bytes() > maxUnkeyedBytes) {
            refused.increment();
            throw new StoreException("the Uplink is full: " + entries + " entries of " + bytes + " bytes wait for"
                    + " the cloud (uplink.max.entries " + maxUnkeyedEntries + ", uplink.max.bytes "
                    + maxUnkeyedBytes + "); the message of " + prepared.bytes() + " bytes was not stored");
        }
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
            PreparedStatement delete = context.statement("DELETE FROM uplink WHERE sequence = ?"
                    + " RETURNING coalesce_key IS NULL, LENGTH(CAST(content AS BLOB))");
            delete.setLong(1, sequence);
            int removed = 0;
            int unkeyed = 0;
            long unkeyedContent = 0;
            try (ResultSet rows = delete.executeQuery()) {
                while (rows.next()) {
                    removed++;
                    if (rows.getBoolean(1)) {
                        unkeyed++;
                        unkeyedContent += rows.getLong(2);
                    }
                }
            }
            if (removed > 0) {
                int removedEntries = removed;
                int removedUnkeyed = unkeyed;
                long removedBytes = unkeyedContent;
                context.afterCommit(() -> {
                    depth.addAndGet(-removedEntries);
                    unkeyedEntries.addAndGet(-removedUnkeyed);
                    unkeyedBytes.addAndGet(-removedBytes);
                });
            }
            return null;
        });
    }

    /**
     * Removes, inside a running write, the waiting twin and state reports of a device (coalesce keys
     * {@code twin/<ns>/<name>/...} and {@code state/<ns>/<name>}): once a device has left the node, its last
     * reports concern nobody. Keeps the Uplink of a node whose devices come and go (a standalone node's
     * manifests) bounded by the devices it has, not by those it ever had.
     *
     * @return the entries removed
     */
    int removeDeviceReportsIn(WriteContext context, String deviceId) throws SQLException {
        String prefix = "twin/" + deviceId + "/";
        PreparedStatement delete = context.statement("DELETE FROM uplink WHERE coalesce_key = ?"
                + " OR substr(coalesce_key, 1, ?) = ?");
        delete.setString(1, "state/" + deviceId);
        delete.setInt(2, prefix.length());
        delete.setString(3, prefix);
        int removed = delete.executeUpdate();
        if (removed > 0) {
            context.afterCommit(() -> depth.addAndGet(-removed));
        }
        return removed;
    }

    @Override
    public long depth() {
        return depth.get();
    }

    @Override
    public long refused() {
        return refused.sum();
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
