package io.karedge.store.internal;

import java.util.Locale;

/**
 * The store's tuning, checked once. {@link StoreComponent.Config} is the Config Admin face of it; tests
 * build it directly.
 *
 * @param synchronous     SQLite {@code synchronous} mode for commits
 * @param eventRetention  how many MetaStore change events are kept for watch replay
 * @param maxBatch        how many queued writes one transaction (group commit) takes at most
 * @param watchQueueLimit how many live events a watcher may lag behind before it is closed
 * @param uplinkMaxEntries how many Uplink entries without a coalesce key may wait (local clients' uploads)
 * @param uplinkMaxBytes   how many bytes of content those entries may hold together
 */
public record StoreSettings(Synchronous synchronous, int eventRetention, int maxBatch, int watchQueueLimit,
                            long uplinkMaxEntries, long uplinkMaxBytes) {

    /**
     * The durability of a commit.
     * <ul>
     * <li>{@code FULL}: the WAL is fsynced at every commit; a returned write survives a process crash and a
     * power loss.</li>
     * <li>{@code NORMAL}: the WAL is fsynced only at checkpoints; a returned write survives a process crash,
     * but the latest commits may be lost on power loss (the database stays consistent).</li>
     * </ul>
     */
    public enum Synchronous {
        FULL, NORMAL;

        static Synchronous parse(String value) {
            String upper = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
            for (Synchronous mode : values()) {
                if (mode.name().equals(upper)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("synchronous must be FULL or NORMAL, not '" + value + "'");
        }
    }

    public static final int DEFAULT_EVENT_RETENTION = 10_000;
    public static final int DEFAULT_MAX_BATCH = 256;
    public static final int DEFAULT_WATCH_QUEUE_LIMIT = 10_000;
    public static final long DEFAULT_UPLINK_MAX_ENTRIES = 100_000;
    public static final long DEFAULT_UPLINK_MAX_BYTES = 64L * 1024 * 1024;

    public StoreSettings {
        if (synchronous == null) {
            throw new IllegalArgumentException("synchronous must be FULL or NORMAL");
        }
        requirePositive("event.retention", eventRetention);
        requirePositive("max.batch", maxBatch);
        requirePositive("watch.queue.limit", watchQueueLimit);
        requirePositive("uplink.max.entries", uplinkMaxEntries);
        requirePositive("uplink.max.bytes", uplinkMaxBytes);
    }

    /** With the default Uplink bounds. */
    public StoreSettings(Synchronous synchronous, int eventRetention, int maxBatch, int watchQueueLimit) {
        this(synchronous, eventRetention, maxBatch, watchQueueLimit, DEFAULT_UPLINK_MAX_ENTRIES,
                DEFAULT_UPLINK_MAX_BYTES);
    }

    public static StoreSettings defaults() {
        return new StoreSettings(Synchronous.FULL, DEFAULT_EVENT_RETENTION, DEFAULT_MAX_BATCH,
                DEFAULT_WATCH_QUEUE_LIMIT);
    }

    static StoreSettings from(StoreComponent.Config config) {
        return new StoreSettings(Synchronous.parse(config.synchronous()), config.event_retention(),
                config.max_batch(), config.watch_queue_limit(), config.uplink_max_entries(),
                config.uplink_max_bytes());
    }

    StoreSettings withSynchronous(Synchronous mode) {
        return new StoreSettings(mode, eventRetention, maxBatch, watchQueueLimit, uplinkMaxEntries, uplinkMaxBytes);
    }

    StoreSettings withEventRetention(int retention) {
        return new StoreSettings(synchronous, retention, maxBatch, watchQueueLimit, uplinkMaxEntries, uplinkMaxBytes);
    }

    StoreSettings withWatchQueueLimit(int limit) {
        return new StoreSettings(synchronous, eventRetention, maxBatch, limit, uplinkMaxEntries, uplinkMaxBytes);
    }

    StoreSettings withUplinkBounds(long maxEntries, long maxBytes) {
        return new StoreSettings(synchronous, eventRetention, maxBatch, watchQueueLimit, maxEntries, maxBytes);
    }

    private static void requirePositive(String key, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value);
        }
    }
}
