package io.karedge.kube.api.internal;

import java.time.Duration;

/**
 * How many connections the API keeps open and how long a client may take to send a request.
 *
 * @param connectionsMax           open connections at most; a new one beyond takes the place of the connection
 *                                 that has waited longest without a complete request, or is closed if every
 *                                 open connection is busy with a request or a watch
 * @param connectionsPerAddressMax open connections at most from one remote address other than loopback (every
 *                                 local process shares the loopback address, so only {@code connectionsMax}
 *                                 bounds those)
 * @param requestReadTimeout       a connection must deliver a whole request (TLS handshake, head and body) this
 *                                 long after it opened or after the previous answer ended; else it is closed
 */
record ConnectionLimits(int connectionsMax, int connectionsPerAddressMax, Duration requestReadTimeout) {

    static final int DEFAULT_CONNECTIONS_MAX = 512;
    static final int DEFAULT_CONNECTIONS_PER_ADDRESS_MAX = 64;
    static final long DEFAULT_REQUEST_READ_TIMEOUT_SECONDS = 10;

    ConnectionLimits {
        if (connectionsMax < 1 || connectionsPerAddressMax < 1 || requestReadTimeout.isNegative()
                || requestReadTimeout.isZero()) {
            throw new IllegalArgumentException("connections.max, connections.per.address.max and "
                    + "request.read.timeout.s must be positive");
        }
    }

    static ConnectionLimits defaults() {
        return new ConnectionLimits(DEFAULT_CONNECTIONS_MAX, DEFAULT_CONNECTIONS_PER_ADDRESS_MAX,
                Duration.ofSeconds(DEFAULT_REQUEST_READ_TIMEOUT_SECONDS));
    }
}
