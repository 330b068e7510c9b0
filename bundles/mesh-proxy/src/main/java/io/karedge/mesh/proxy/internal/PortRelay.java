package io.karedge.mesh.proxy.internal;

/**
 * The local side of one Service port: a TCP {@link PortListener} or a UDP {@link UdpPortListener}, bound to
 * the Service's loopback address and port and balancing over the current {@link EndpointPool}.
 */
interface PortRelay extends AutoCloseable {

    /** Binds; on failure keeps the reason for {@link #error()} and returns false (retried later). */
    boolean bind();

    boolean listening();

    /** @return why the relay is not listening, or empty */
    String error();

    /** @return open connections (TCP) or live sessions (UDP) */
    int connections();

    /** @return bytes (TCP payload, UDP datagram payload) from clients relayed to endpoints so far */
    long bytesIn();

    /** @return bytes from endpoints relayed back to clients so far */
    long bytesOut();

    EndpointPool pool();

    /** Replaces the endpoints for new connections or sessions; those already open keep theirs. */
    void pool(EndpointPool next);

    @Override
    void close();
}
