package io.karedge.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The MetaStore on the {@code objects} and {@code object_events} tables.
 *
 * <p>Every change runs on the writer thread: it takes the next resourceVersion from {@code store_info},
 * writes the object, appends the change to {@code object_events} and prunes that table to
 * {@code event_retention} rows, all in the write's savepoint. After the commit the change is published
 * to the {@link WatchHub}. Reads go to the database; nothing is cached.
 */
final class SqliteMetaStore implements MetaStore {

    private static final String SELECT_COUNTER =
            "SELECT value FROM store_info WHERE key = '" + Schema.RESOURCE_VERSION_KEY + "'";
    private static final String UPDATE_COUNTER =
            "UPDATE store_info SET value = ? WHERE key = '" + Schema.RESOURCE_VERSION_KEY + "'";
    private static final String SELECT_OBJECT =
            "SELECT resource_version, source, body FROM objects WHERE kind = ? AND namespace = ? AND name = ?";
    private static final String UPSERT_OBJECT =
            "INSERT INTO objects (kind, namespace, name, resource_version, source, body) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (kind, namespace, name) DO UPDATE SET"
                    + " resource_version = excluded.resource_version, source = excluded.source, body = excluded.body";
    private static final String DELETE_OBJECT =
            "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?";
    private static final String INSERT_EVENT =
            "INSERT INTO object_events (resource_version, type, kind, namespace, name, source, body)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String PRUNE_EVENTS = "DELETE FROM object_events WHERE resource_version <= ?";
    private static final String OLDEST_EVENT = "SELECT MIN(resource_version) FROM object_events";

    private final Database database;
    private final int eventRetention;
    private final WatchHub hub;

    SqliteMetaStore(Database database, Executor deliveryExecutor) {
        this.database = database;
        this.eventRetention = database.settings().eventRetention();
        long[] versionAndOldest = database.unwritable().isPresent()
                ? database.read(SqliteMetaStore::versionAndOldest)
                : database.write(this::pruneOnOpen);
        this.hub = new WatchHub(deliveryExecutor, database.settings().watchQueueLimit(),
                versionAndOldest[0], versionAndOldest[1]);
    }

    @Override
    public StoredObject put(ObjectNode object, String source) {
        Objects.requireNonNull(source, "source");
        IncomingObject incoming = IncomingObject.of(object);
        return database.write(context -> writePut(context, incoming, source));
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_OBJECT)) {
                bindKey(select, key);
                try (ResultSet row = select.executeQuery()) {
                    return row.next()
                            ? Optional.of(new StoredObject(key, row.getLong(1), row.getString(2), parse(row.getString(3))))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public ListResult list(Selector selector) {
        Selector effective = selector == null ? Selector.ALL : selector;
        StringBuilder sql = new StringBuilder(
                "SELECT kind, namespace, name, resource_version, source, body FROM objects");
        List<String> parameters = new ArrayList<>(2);
        appendSelector(sql, parameters, effective, " WHERE ");
        sql.append(" ORDER BY kind, namespace, name");
        return database.readSnapshot(connection -> {
            long version;
            try (PreparedStatement counter = connection.prepareStatement(SELECT_COUNTER)) {
                version = Database.queryLong(counter, 0);
            }
            List<StoredObject> items = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setString(i + 1, parameters.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        items.add(new StoredObject(
                                new ObjectKey(rows.getString(1), rows.getString(2), rows.getString(3)),
                                rows.getLong(4), rows.getString(5), parse(rows.getString(6))));
                    }
                }
            }
            return new ListResult(version, items);
        });
    }

    @Override
    public Optional<StoredObject> delete(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        return database.write(context -> writeDelete(context, key));
    }

    @Override
    public long resourceVersion() {
        return hub.publishedVersion();
    }

    @Override
    public long oldestWatchableVersion() {
        return hub.oldestWatchableVersion();
    }

    @Override
    public Watch watch(Selector selector, long fromVersion, WatchListener listener)
            throws ResourceVersionTooOldException {
        Objects.requireNonNull(listener, "listener");
        Selector effective = selector == null ? Selector.ALL : selector;
        WatchHub.Registration registration = hub.register(effective, fromVersion, listener);
        WatchSubscription subscription = registration.subscription();
        long replayUpTo = registration.publishedVersion();
        if (fromVersion < 0 || fromVersion >= replayUpTo) {
            subscription.start(List.of());
            return subscription;
        }
        List<WatchEvent> history;
        try {
            history = readHistory(effective, fromVersion, replayUpTo);
        } catch (ResourceVersionTooOldException | RuntimeException e) {
            subscription.discard();
            throw e;
        }
        subscription.start(history);
        return subscription;
    }

    @Override
    public Map<String, Long> countByKind() {
        return database.read(connection -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT kind, COUNT(*) FROM objects GROUP BY kind ORDER BY kind");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
            return Collections.unmodifiableMap(counts);
        });
    }

    /** @return the number of stored objects */
    long count() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM objects")) {
                return Database.queryLong(select, 0);
            }
        });
    }

    int openWatches() {
        return hub.openWatches();
    }

    /** Ends every open watch; the store is stopping. */
    void closeWatches(Throwable reason) {
        hub.closeAll(reason);
    }

    // ---- writer-thread operations ----

    /** Without pruning, for a store opened on a full disk: the version and the oldest watchable one. */
    private static long[] versionAndOldest(java.sql.Connection connection) throws SQLException {
        long version;
        long oldestRetained;
        try (PreparedStatement counter = connection.prepareStatement(SELECT_COUNTER);
             PreparedStatement oldest = connection.prepareStatement(OLDEST_EVENT)) {
            version = Database.queryLong(counter, 0);
            oldestRetained = Database.queryLong(oldest, 0);
        }
        return new long[] {version, oldestRetained == 0 ? version : oldestRetained - 1};
    }

    private long[] pruneOnOpen(WriteContext context) throws SQLException {
        long version = Database.queryLong(context.statement(SELECT_COUNTER), 0);
        pruneEvents(context, version);
        long oldestRetained = Database.queryLong(context.statement(OLDEST_EVENT), 0);
        // events are contiguous up to the current version: watching can start just before the oldest one
        long oldestWatchable = oldestRetained == 0 ? version : oldestRetained - 1;
        return new long[] {version, oldestWatchable};
    }

    private StoredObject writePut(WriteContext context, IncomingObject unstamped, String source) throws SQLException {
        ObjectKey key = unstamped.key();
        PreparedStatement select = context.statement(SELECT_OBJECT);
        bindKey(select, key);
        long currentVersion = 0;
        String currentSource = null;
        String currentBody = null;
        try (ResultSet row = select.executeQuery()) {
            if (row.next()) {
                currentVersion = row.getLong(1);
                currentSource = row.getString(2);
                currentBody = row.getString(3);
            }
        }
        boolean exists = currentBody != null;
        ObjectNode current = exists ? parse(currentBody) : null;
        IncomingObject incoming = unstamped.withCreationTimestamp(
                exists ? current.path("metadata").path("creationTimestamp").textValue() : null, Instant.now());
        if (exists && currentSource.equals(source)
                && (currentBody.equals(incoming.json()) || current.equals(incoming.tree()))) {
            return new StoredObject(key, currentVersion, currentSource, incoming.tree());
        }

        long version = nextVersion(context);
        PreparedStatement upsert = context.statement(UPSERT_OBJECT);
        bindKey(upsert, key);
        upsert.setLong(4, version);
        upsert.setString(5, source);
        upsert.setString(6, incoming.json());
        upsert.executeUpdate();
        StoredObject stored = new StoredObject(key, version, source, incoming.tree());
        recordChange(context, new WatchEvent(exists ? WatchEvent.Type.MODIFIED : WatchEvent.Type.ADDED, stored),
                incoming.json());
        return stored;
    }

    private Optional<StoredObject> writeDelete(WriteContext context, ObjectKey key) throws SQLException {
        PreparedStatement select = context.statement(SELECT_OBJECT);
        bindKey(select, key);
        String lastSource;
        String lastBody;
        try (ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                return Optional.empty();
            }
            lastSource = row.getString(2);
            lastBody = row.getString(3);
        }
        long version = nextVersion(context);
        PreparedStatement delete = context.statement(DELETE_OBJECT);
        bindKey(delete, key);
        delete.executeUpdate();
        StoredObject last = new StoredObject(key, version, lastSource, parse(lastBody));
        recordChange(context, new WatchEvent(WatchEvent.Type.DELETED, last), lastBody);
        return Optional.of(last);
    }

    private long nextVersion(WriteContext context) throws SQLException {
        long version = Database.queryLong(context.statement(SELECT_COUNTER), 0) + 1;
        PreparedStatement update = context.statement(UPDATE_COUNTER);
        update.setLong(1, version);
        update.executeUpdate();
        return version;
    }

    /** Appends the change to the history, prunes it, and publishes the change once committed. */
    private void recordChange(WriteContext context, WatchEvent event, String body) throws SQLException {
        StoredObject object = event.object();
        PreparedStatement insert = context.statement(INSERT_EVENT);
        insert.setLong(1, object.resourceVersion());
        insert.setString(2, event.type().name());
        insert.setString(3, object.key().kind());
        insert.setString(4, object.key().namespace());
        insert.setString(5, object.key().name());
        insert.setString(6, object.source());
        insert.setString(7, body);
        insert.executeUpdate();
        long oldestWatchable = pruneEvents(context, object.resourceVersion());
        context.afterCommit(() -> hub.publish(event, oldestWatchable));
    }

    /** @return the oldest version a watch can start from after pruning */
    private long pruneEvents(WriteContext context, long version) throws SQLException {
        long keepAfter = version - eventRetention;
        if (keepAfter > 0) {
            PreparedStatement prune = context.statement(PRUNE_EVENTS);
            prune.setLong(1, keepAfter);
            prune.executeUpdate();
            return keepAfter;
        }
        return 0;
    }

    // ---- reads ----

    private record History(List<WatchEvent> events, long oldestRetained) {
    }

    private List<WatchEvent> readHistory(Selector selector, long afterVersion, long upToVersion)
            throws ResourceVersionTooOldException {
        StringBuilder sql = new StringBuilder("SELECT resource_version, type, kind, namespace, name, source, body"
                + " FROM object_events WHERE resource_version > ? AND resource_version <= ?");
        List<String> parameters = new ArrayList<>(2);
        appendSelector(sql, parameters, selector, " AND ");
        sql.append(" ORDER BY resource_version");
        History history = database.readSnapshot(connection -> {
            long oldestRetained;
            try (PreparedStatement oldest = connection.prepareStatement(OLDEST_EVENT)) {
                oldestRetained = Database.queryLong(oldest, 0);
            }
            List<WatchEvent> events = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                select.setLong(1, afterVersion);
                select.setLong(2, upToVersion);
                for (int i = 0; i < parameters.size(); i++) {
                    select.setString(i + 3, parameters.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ObjectKey key = new ObjectKey(rows.getString(3), rows.getString(4), rows.getString(5));
                        StoredObject object = new StoredObject(key, rows.getLong(1), rows.getString(6),
                                parse(rows.getString(7)));
                        events.add(new WatchEvent(WatchEvent.Type.valueOf(rows.getString(2)), object));
                    }
                }
            }
            return new History(events, oldestRetained);
        });
        // pruning may have passed the start point between registration and this read
        if (history.oldestRetained() == 0 || history.oldestRetained() > afterVersion + 1) {
            long oldestWatchable = history.oldestRetained() == 0 ? upToVersion : history.oldestRetained() - 1;
            throw new ResourceVersionTooOldException(afterVersion, oldestWatchable);
        }
        return history.events();
    }

    private static void appendSelector(StringBuilder sql, List<String> parameters, Selector selector,
                                       String firstJoin) {
        String join = firstJoin;
        if (selector.kind() != null) {
            sql.append(join).append("kind = ?");
            parameters.add(selector.kind());
            join = " AND ";
        }
        if (selector.namespace() != null) {
            sql.append(join).append("namespace = ?");
            parameters.add(selector.namespace());
        }
    }

    private static void bindKey(PreparedStatement statement, ObjectKey key) throws SQLException {
        statement.setString(1, key.kind());
        statement.setString(2, key.namespace());
        statement.setString(3, key.name());
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) KaredgeJson.mapper().readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new StoreException("a stored object is not a JSON object: " + e.getMessage(), e);
        }
    }
}
