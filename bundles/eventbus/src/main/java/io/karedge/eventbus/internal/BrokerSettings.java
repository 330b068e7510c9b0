package io.karedge.eventbus.internal;

/**
 * The embedded broker's settings.
 *
 * @param host               address to bind
 * @param port               port to bind; 0 picks a free one
 * @param maxMessageSize     the largest packet (remaining length, bytes) a client may send; larger ones
 *                           close the connection
 * @param maxInflight        unacknowledged QoS 1 messages sent to one client at a time
 * @param maxQueued          messages waiting for one client beyond those; more are dropped and counted
 * @param maxRetained        retained messages kept; further new retained topics are refused and counted
 * @param connectTimeoutSecs how long a new connection may take to send CONNECT
 * @param ioThreads          Netty worker threads
 * @param maxRetainedBytes   payload bytes of all retained messages together; a retained message that would
 *                           pass it is routed but not retained
 * @param maxQueuedBytes     payload bytes waiting for or in flight to one client; more are dropped and counted
 * @param maxQueuedTotalBytes payload bytes waiting for or in flight to all clients together; same
 * @param maxPendingBytes    payload bytes one client has sent that are not taken over yet (waiting for the
 *                           store); past it the broker stops reading from that client until they are
 * @param maxPendingTotalBytes the same for all clients together
 * @param bindRetryMillis    how often a listener whose address can't be bound tries again
 */
public record BrokerSettings(String host, int port, int maxMessageSize, int maxInflight, int maxQueued,
                             int maxRetained, int connectTimeoutSecs, int ioThreads, long maxRetainedBytes,
                             long maxQueuedBytes, long maxQueuedTotalBytes, long maxPendingBytes,
                             long maxPendingTotalBytes, long bindRetryMillis) {

    public static final long DEFAULT_MAX_RETAINED_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_MAX_QUEUED_TOTAL_BYTES = 32L * 1024 * 1024;
    public static final long DEFAULT_MAX_PENDING_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_MAX_PENDING_TOTAL_BYTES = 32L * 1024 * 1024;
    public static final long DEFAULT_BIND_RETRY_MILLIS = 5000;

    /** With the default byte budgets. */
    public BrokerSettings(String host, int port, int maxMessageSize, int maxInflight, int maxQueued,
                          int maxRetained, int connectTimeoutSecs, int ioThreads) {
        this(host, port, maxMessageSize, maxInflight, maxQueued, maxRetained, connectTimeoutSecs, ioThreads,
                DEFAULT_MAX_RETAINED_BYTES, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_TOTAL_BYTES,
                DEFAULT_MAX_PENDING_BYTES, DEFAULT_MAX_PENDING_TOTAL_BYTES);
    }

    /** With the default bind retry. */
    public BrokerSettings(String host, int port, int maxMessageSize, int maxInflight, int maxQueued,
                          int maxRetained, int connectTimeoutSecs, int ioThreads, long maxRetainedBytes,
                          long maxQueuedBytes, long maxQueuedTotalBytes, long maxPendingBytes,
                          long maxPendingTotalBytes) {
        this(host, port, maxMessageSize, maxInflight, maxQueued, maxRetained, connectTimeoutSecs, ioThreads,
                maxRetainedBytes, maxQueuedBytes, maxQueuedTotalBytes, maxPendingBytes, maxPendingTotalBytes,
                DEFAULT_BIND_RETRY_MILLIS);
    }

    public BrokerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        positive("max.message.size", maxMessageSize);
        positive("max.inflight", maxInflight);
        positive("max.queued", maxQueued);
        positive("max.retained", maxRetained);
        positive("connect timeout", connectTimeoutSecs);
        positive("io threads", ioThreads);
        positive("max.retained.bytes", maxRetainedBytes);
        positive("max.queued.bytes", maxQueuedBytes);
        positive("max.queued.total.bytes", maxQueuedTotalBytes);
        positive("max.pending.bytes", maxPendingBytes);
        positive("max.pending.total.bytes", maxPendingTotalBytes);
        if (bindRetryMillis < 100) {
            throw new IllegalArgumentException("bind.retry.ms must be at least 100, not " + bindRetryMillis);
        }
        if (maxInflight > 65535) {
            throw new IllegalArgumentException("max.inflight must be at most 65535");
        }
    }

    /** @return loopback, a free port and the defaults of the configuration */
    public static BrokerSettings loopback(int port) {
        return new BrokerSettings("127.0.0.1", port, 4 * 1024 * 1024, 100, 1000, 10_000, 10, 2);
    }

    /** The same settings with other byte budgets. */
    BrokerSettings withByteBudgets(long retainedBytes, long queuedBytes, long queuedTotalBytes) {
        return new BrokerSettings(host, port, maxMessageSize, maxInflight, maxQueued, maxRetained, connectTimeoutSecs,
                ioThreads, retainedBytes, queuedBytes, queuedTotalBytes, maxPendingBytes, maxPendingTotalBytes,
                bindRetryMillis);
    }

    /** The same settings with other budgets for data received and not taken over yet. */
    BrokerSettings withPendingBudgets(long pendingBytes, long pendingTotalBytes) {
        return new BrokerSettings(host, port, maxMessageSize, maxInflight, maxQueued, maxRetained, connectTimeoutSecs,
                ioThreads, maxRetainedBytes, maxQueuedBytes, maxQueuedTotalBytes, pendingBytes, pendingTotalBytes,
                bindRetryMillis);
    }

    /** The same settings with another bind retry interval. */
    BrokerSettings withBindRetry(long millis) {
        return new BrokerSettings(host, port, maxMessageSize, maxInflight, maxQueued, maxRetained, connectTimeoutSecs,
                ioThreads, maxRetainedBytes, maxQueuedBytes, maxQueuedTotalBytes, maxPendingBytes, maxPendingTotalBytes,
                millis);
    }

    private static void positive(String key, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value);
        }
    }
}
