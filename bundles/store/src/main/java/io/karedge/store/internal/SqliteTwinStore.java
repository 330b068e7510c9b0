package io.karedge.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.StoreException;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.twin.TwinVersionConflictException;
import io.karedge.api.twin.TwinWrite;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The TwinStore on the {@code twins} table. Writes run on the writer thread, so reading the current
 * version and writing the next one is atomic.
 */
final class SqliteTwinStore implements TwinStore {

    private static final String SELECT_VERSION = "SELECT version FROM twins WHERE device_id = ? AND property = ?";
    private static final String UPSERT = "INSERT INTO twins (device_id, property, version, body, updated_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, property) DO UPDATE SET"
            + " version = excluded.version, body = excluded.body, updated_at = excluded.updated_at";
    /** Writes the next version whatever the current one is, in one statement: 1 for a new row, else +1. */
    private static final String UPSERT_NEXT = "INSERT INTO twins (device_id, property, version, body, updated_at)"
            + " VALUES (?, ?, 1, ?, ?) ON CONFLICT (device_id, property) DO UPDATE SET"
            + " version = twins.version + 1, body = excluded.body, updated_at = excluded.updated_at"
            + " RETURNING version";

    private final Database database;
    private final SqliteUplink uplink;

    SqliteTwinStore(Database database, SqliteUplink uplink) {
        this.database = database;
        this.uplink = uplink;
    }

    @Override
    public Map<String, TwinRecord> get(String deviceId) {
        requireId("deviceId", deviceId);
        return database.read(connection -> {
            Map<String, TwinRecord> twins = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT property, version, body, updated_at FROM twins WHERE device_id = ? ORDER BY property")) {
                select.setString(1, deviceId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String property = rows.getString(1);
                        twins.put(property, new TwinRecord(deviceId, property, rows.getLong(2),
                                parse(rows.getString(3)), Instant.ofEpochMilli(rows.getLong(4))));
                    }
                }
            }
            return Collections.unmodifiableMap(twins);
        });
    }

    @Override
    public Optional<TwinRecord> get(String deviceId, String property) {
        requireId("deviceId", deviceId);
        requireId("property", property);
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version, body, updated_at FROM twins WHERE device_id = ? AND property = ?")) {
                select.setString(1, deviceId);
                select.setString(2, property);
                try (ResultSet row = select.executeQuery()) {
                    return row.next()
                            ? Optional.of(new TwinRecord(deviceId, property, row.getLong(1), parse(row.getString(2)),
                                    Instant.ofEpochMilli(row.getLong(3))))
                            : Optional.empty();
                }
            }
        });
    }

    /** The result of a conditional write: the new record, or the version found instead of the expected one. */
    private record PutOutcome(TwinRecord record, long conflictingVersion) {
    }

    @Override
    public TwinRecord put(String deviceId, String property, JsonNode twin, long expectedVersion)
            throws TwinVersionConflictException {
        requireId("deviceId", deviceId);
        requireId("property", property);
        Objects.requireNonNull(twin, "twin");
        if (expectedVersion < ANY_VERSION) {
            throw new IllegalArgumentException("expectedVersion must be ANY_VERSION (-1), 0 or a version, not "
                    + expectedVersion);
        }
        String body = write(twin);
        JsonNode copy = twin.deepCopy();
        PutOutcome outcome = database.write(context -> {
            long current = currentVersion(context, deviceId, property);
            if (expectedVersion != ANY_VERSION && expectedVersion != current) {
                return new PutOutcome(null, current);
            }
            return new PutOutcome(upsert(context, deviceId, property, current + 1, body, copy, Instant.now()), 0);
        });
        if (outcome.record() == null) {
            throw new TwinVersionConflictException(deviceId, property, expectedVersion, outcome.conflictingVersion());
        }
        return outcome.record();
    }

    @Override
    public Map<String, TwinRecord> putAll(String deviceId, Map<String, JsonNode> twins) {
        requireId("deviceId", deviceId);
        Objects.requireNonNull(twins, "twins");
        if (twins.isEmpty()) {
            return Map.of();
        }
        Map<String, Body> bodies = bodies(twins);
        return database.write(context -> {
            Instant now = Instant.now();
            Map<String, TwinRecord> stored = new LinkedHashMap<>();
            for (Map.Entry<String, Body> entry : bodies.entrySet()) {
                stored.put(entry.getKey(), upsertNext(context, deviceId, entry.getKey(), entry.getValue(), now));
            }
            return Collections.unmodifiableMap(stored);
        });
    }

    @Override
    public Map<String, TwinRecord> write(TwinWrite write) throws TwinVersionConflictException {
        Objects.requireNonNull(write, "write");
        String deviceId = write.deviceId();
        requireId("deviceId", deviceId);
        Map<String, Body> bodies = bodies(write.twins());
        List<SqliteUplink.Prepared> messages = new ArrayList<>(write.uplink().size());
        write.uplink().forEach(message -> messages.add(uplink.prepare(message)));
        if (bodies.isEmpty() && messages.isEmpty()) {
            return Map.of();
        }
        Conflict[] conflict = new Conflict[1];
        Map<String, TwinRecord> stored = database.write(context -> {
            // conditional properties are checked before anything is written; the others need no read
            Map<String, Long> current = new HashMap<>();
            for (String property : bodies.keySet()) {
                Long expected = write.expectedVersions().get(property);
                if (expected == null || expected == ANY_VERSION) {
                    continue;
                }
                long version = currentVersion(context, deviceId, property);
                if (expected != version) {
                    conflict[0] = new Conflict(property, expected, version);
                    return null;
                }
                current.put(property, version);
            }
            Instant now = Instant.now();
            Map<String, TwinRecord> records = new LinkedHashMap<>();
            for (Map.Entry<String, Body> entry : bodies.entrySet()) {
                String property = entry.getKey();
                Long version = current.get(property);
                records.put(property, version == null
                        ? upsertNext(context, deviceId, property, entry.getValue(), now)
                        : upsert(context, deviceId, property, version + 1, entry.getValue().json(),
                                entry.getValue().twin(), now));
            }
            for (SqliteUplink.Prepared message : messages) {
                uplink.enqueueIn(context, message);
            }
            return Collections.unmodifiableMap(records);
        });
        if (stored == null) {
            Conflict found = conflict[0];
            throw new TwinVersionConflictException(deviceId, found.property(), found.expected(), found.actual());
        }
        return stored;
    }

    private record Conflict(String property, long expected, long actual) {
    }

    @Override
    public boolean delete(String deviceId, String property) {
        requireId("deviceId", deviceId);
        requireId("property", property);
        return database.write(context -> {
            PreparedStatement delete = context.statement("DELETE FROM twins WHERE device_id = ? AND property = ?");
            delete.setString(1, deviceId);
            delete.setString(2, property);
            return delete.executeUpdate() > 0;
        });
    }

    @Override
    public int deleteDevice(String deviceId) {
        requireId("deviceId", deviceId);
        return database.write(context -> {
            PreparedStatement delete = context.statement("DELETE FROM twins WHERE device_id = ?");
            delete.setString(1, deviceId);
            int deleted = delete.executeUpdate();
            uplink.removeDeviceReportsIn(context, deviceId);
            return deleted;
        });
    }

    @Override
    public Set<String> devices() {
        return database.read(connection -> {
            Set<String> devices = new LinkedHashSet<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT DISTINCT device_id FROM twins ORDER BY device_id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    devices.add(rows.getString(1));
                }
            }
            return Collections.unmodifiableSet(devices);
        });
    }

    @Override
    public long count() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM twins")) {
                return Database.queryLong(select, 0);
            }
        });
    }

    private static long currentVersion(WriteContext context, String deviceId, String property) throws SQLException {
        PreparedStatement select = context.statement(SELECT_VERSION);
        select.setString(1, deviceId);
        select.setString(2, property);
        return Database.queryLong(select, 0);
    }

    /** A twin written as JSON outside the writer thread, and the caller-independent copy returned in its record. */
    private record Body(String json, JsonNode twin) {
    }

    private static Map<String, Body> bodies(Map<String, JsonNode> twins) {
        Map<String, Body> bodies = new LinkedHashMap<>();
        twins.forEach((property, twin) -> {
            requireId("property", property);
            JsonNode checked = Objects.requireNonNull(twin, "twin of " + property);
            bodies.put(property, new Body(write(checked), checked.deepCopy()));
        });
        return bodies;
    }

    /** Writes the next version of a property (1 if it has none) and reads that version back, in one statement. */
    private static TwinRecord upsertNext(WriteContext context, String deviceId, String property, Body body,
                                         Instant now) throws SQLException {
        Instant updatedAt = Instant.ofEpochMilli(now.toEpochMilli());
        PreparedStatement upsert = context.statement(UPSERT_NEXT);
        upsert.setString(1, deviceId);
        upsert.setString(2, property);
        upsert.setString(3, body.json());
        upsert.setLong(4, updatedAt.toEpochMilli());
        long version;
        try (ResultSet row = upsert.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the upsert of " + deviceId + "/" + property + " returned no version");
            }
            version = row.getLong(1);
        }
        return new TwinRecord(deviceId, property, version, body.twin(), updatedAt);
    }

    private static TwinRecord upsert(WriteContext context, String deviceId, String property, long version,
                                     String body, JsonNode twin, Instant now) throws SQLException {
        Instant updatedAt = Instant.ofEpochMilli(now.toEpochMilli());
        PreparedStatement upsert = context.statement(UPSERT);
        upsert.setString(1, deviceId);
        upsert.setString(2, property);
        upsert.setLong(3, version);
        upsert.setString(4, body);
        upsert.setLong(5, updatedAt.toEpochMilli());
        upsert.executeUpdate();
        return new TwinRecord(deviceId, property, version, twin, updatedAt);
    }

    private static void requireId(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static String write(JsonNode twin) {
        try {
            return KaredgeJson.mapper().writeValueAsString(twin);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the twin cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return KaredgeJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoreException("a stored twin is not JSON: " + e.getMessage(), e);
        }
    }
}
