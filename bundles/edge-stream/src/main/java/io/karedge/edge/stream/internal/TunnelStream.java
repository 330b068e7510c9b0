package io.karedge.edge.stream.internal;

/** A stream the tunnel carries for one connection id. */
interface TunnelStream {

    /** {@code DATA} from the cloud for this stream; never blocks. Streams that take no input ignore it. */
    default void input(byte[] data) {
    }

    /** Ends the stream: the cloud removed the connection, or the tunnel closed. */
    void stop();
}
