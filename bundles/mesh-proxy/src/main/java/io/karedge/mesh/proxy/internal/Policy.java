package io.karedge.mesh.proxy.internal;

/** How a Service port picks the endpoint of a new connection. */
enum Policy {
    /** each new connection goes to the next healthy endpoint */
    ROUND_ROBIN,
    /** a uniformly random healthy endpoint */
    RANDOM,
    /** a hash ring over the endpoints, keyed by the client's source IP (without its port) */
    CONSISTENT_HASH_SOURCE_IP
}
