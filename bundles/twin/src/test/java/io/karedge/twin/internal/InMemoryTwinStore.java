package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.meta.StoreException;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.twin.TwinVersionConflictException;
import io.karedge.api.twin.TwinWrite;
import io.karedge.api.uplink.UplinkMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TwinStore in memory with the real one's contract: a version per property, conditional writes,
 * and {@link #write} all-or-nothing including its Uplink messages (kept in {@link #uplink}, coalesced
 * by key like the Uplink does). Writes can be slowed down (to let requests queue) or made to fail.
 */
final class InMemoryTwinStore implements TwinStore {

    private final Map<String, Map<String, TwinRecord>> devices = new TreeMap<>();
    private final List<UplinkMessage> uplink = new ArrayList<>();
    final AtomicInteger writeCalls = new AtomicInteger();
    volatile long writeDelayMillis;
    volatile int failWrites;

    @Override
    public synchronized Map<String, TwinRecord> get(String deviceId) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(devices.getOrDefault(deviceId, Map.of())));
    }

    @Override
    public synchronized Optional<TwinRecord> get(String deviceId, String property) {
        return Optional.ofNullable(devices.getOrDefault(deviceId, Map.of()).get(property));
    }

    @Override
    public synchronized TwinRecord put(String deviceId, String property, JsonNode twin, long expectedVersion)
            throws TwinVersionConflictException {
        long current = version(deviceId, property);
        if (expectedVersion != ANY_VERSION && expectedVersion != current) {
            throw new TwinVersionConflictException(deviceId, property, expectedVersion, current);
        }
        return store(deviceId, property, twin, current + 1);
    }

    @Override
    public synchronized Map<String, TwinRecord> putAll(String deviceId, Map<String, JsonNode> twins) {
        Map<String, TwinRecord> stored = new LinkedHashMap<>();
        twins.forEach((property, twin) -> stored.put(property, store(deviceId, property, twin,
                version(deviceId, property) + 1)));
        return stored;
    }

    @Override
    public Map<String, TwinRecord> write(TwinWrite write) throws TwinVersionConflictException {
        writeCalls.incrementAndGet();
        long delay = writeDelayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (failWrites > 0) {
                failWrites--;
                throw new StoreException("disk I/O error");
            }
            for (Map.Entry<String, Long> expected : write.expectedVersions().entrySet()) {
                long current = version(write.deviceId(), expected.getKey());
                if (expected.getValue() != ANY_VERSION && expected.getValue() != current) {
                    throw new TwinVersionConflictException(write.deviceId(), expected.getKey(), expected.getValue(),
                            current);
                }
            }
            Map<String, TwinRecord> stored = new LinkedHashMap<>();
            write.twins().forEach((property, twin) -> stored.put(property, store(write.deviceId(), property, twin,
                    version(write.deviceId(), property) + 1)));
            for (UplinkMessage message : write.uplink()) {
                if (message.coalesceKey() != null) {
                    uplink.removeIf(waiting -> message.coalesceKey().equals(waiting.coalesceKey()));
                }
                uplink.add(message);
            }
            return stored;
        }
    }

    @Override
    public synchronized boolean delete(String deviceId, String property) {
        Map<String, TwinRecord> twins = devices.get(deviceId);
        return twins != null && twins.remove(property) != null;
    }

    @Override
    public synchronized int deleteDevice(String deviceId) {
        Map<String, TwinRecord> removed = devices.remove(deviceId);
        return removed == null ? 0 : removed.size();
    }

    @Override
    public synchronized Set<String> devices() {
        return new LinkedHashSet<>(devices.keySet());
    }

    @Override
    public synchronized long count() {
        return devices.values().stream().mapToLong(Map::size).sum();
    }

    /** @return the messages waiting for the cloud, oldest first */
    synchronized List<UplinkMessage> uplink() {
        return List.copyOf(uplink);
    }

    synchronized void clearUplink() {
        uplink.clear();
    }

    private long version(String deviceId, String property) {
        TwinRecord record = devices.getOrDefault(deviceId, Map.of()).get(property);
        return record == null ? 0 : record.version();
    }

    private TwinRecord store(String deviceId, String property, JsonNode twin, long version) {
        TwinRecord record = new TwinRecord(deviceId, property, version, twin.deepCopy(), Instant.now());
        devices.computeIfAbsent(deviceId, id -> new TreeMap<>()).put(property, record);
        return record;
    }
}
