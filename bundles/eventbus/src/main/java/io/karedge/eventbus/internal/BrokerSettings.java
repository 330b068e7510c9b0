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
 */
public record BrokerSettings(String host, int port, int maxMessageSize, int maxInflight, int maxQueued,
                             int maxRetained, int connectTimeoutSecs, int ioThreads) {

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
        if (maxInflight > 65535) {
            throw new IllegalArgumentException("max.inflight must be at most 65535");
        }
    }

    /** @return loopback, a free port and the defaults of the configuration */
    public static BrokerSettings loopback(int port) {
        return new BrokerSettings("127.0.0.1", port, 4 * 1024 * 1024, 100, 1000, 10_000, 10, 2);
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value);
        }
    }
}
