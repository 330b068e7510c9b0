package io.karedge.kube.api.internal;

/**
 * The operator's settings of the edge-local Kubernetes API (PID {@code io.karedge.kube.api}), checked.
 *
 * @param host                    the address to listen on; loopback unless the operator says otherwise
 * @param port                    the port ({@code 10550}, EdgeCore's MetaServer's)
 * @param watchMax                open watches at most; more get a 429
 * @param watchQueueMax           events waiting for a slow watch client at most before its watch ends
 * @param watchTimeoutSeconds     how long a watch lasts when the client names no {@code timeoutSeconds}
 * @param bookmarkIntervalSeconds a quiet watch that allows bookmarks gets one this often
 * @param listPageMax             items per page at most when a client asks for a larger {@code limit}
 * @param requestBodyMaxBytes     largest body of a write; larger ones get a 413
 * @param keepaliveSeconds        a watch with nothing to send writes a bare newline this often, so that a client
 *                                that went away is noticed and its slot freed
 * @param requestThreads          threads for admitted requests besides the watches
 */
record KubeApiSettings(String host, int port, int watchMax, int watchQueueMax, long watchTimeoutSeconds,
                       long bookmarkIntervalSeconds, long listPageMax, long requestBodyMaxBytes,
                       long keepaliveSeconds, int requestThreads) {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 10550;
    /** The REST API's limit too. */
    static final long DEFAULT_REQUEST_BODY_MAX_BYTES = 1024 * 1024;
    static final long DEFAULT_KEEPALIVE_SECONDS = 1;
    static final int DEFAULT_REQUEST_THREADS = 128;

    KubeApiSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        if (watchMax < 1 || watchQueueMax < 1 || watchTimeoutSeconds < 1 || bookmarkIntervalSeconds < 1
                || listPageMax < 1 || requestBodyMaxBytes < 1 || keepaliveSeconds < 1 || requestThreads < 1) {
            throw new IllegalArgumentException("watch.max, watch.queue.max, watch.timeout.s, bookmark.interval.s, "
                    + "list.page.max, request.body.max.bytes, watch.keepalive.s and request.threads must be positive");
        }
        if (requestBodyMaxBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("request.body.max.bytes must be at most " + Integer.MAX_VALUE / 2);
        }
    }

    KubeApiSettings(String host, int port, int watchMax, int watchQueueMax, long watchTimeoutSeconds,
                    long bookmarkIntervalSeconds, long listPageMax, long requestBodyMaxBytes) {
        this(host, port, watchMax, watchQueueMax, watchTimeoutSeconds, bookmarkIntervalSeconds, listPageMax,
                requestBodyMaxBytes, DEFAULT_KEEPALIVE_SECONDS, DEFAULT_REQUEST_THREADS);
    }

    KubeApiSettings(String host, int port, int watchMax, int watchQueueMax, long watchTimeoutSeconds,
                    long bookmarkIntervalSeconds, long listPageMax) {
        this(host, port, watchMax, watchQueueMax, watchTimeoutSeconds, bookmarkIntervalSeconds, listPageMax,
                DEFAULT_REQUEST_BODY_MAX_BYTES);
    }

    static KubeApiSettings defaults() {
        return new KubeApiSettings(DEFAULT_HOST, DEFAULT_PORT, 64, 1024, 1800, 60, 500);
    }

    KubeApiSettings withPort(int newPort) {
        return new KubeApiSettings(host, newPort, watchMax, watchQueueMax, watchTimeoutSeconds,
                bookmarkIntervalSeconds, listPageMax, requestBodyMaxBytes, keepaliveSeconds, requestThreads);
    }
}
