package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;

/**
 * Where a stream's bytes end on this node: a socket ({@link SocketEnd}: the client's connection, or the
 * endpoint connection the far side dialled), or, on a relay, the stream of the other leg ({@link RelayEnd}).
 */
public interface StreamEnd {

    /** Ties the end to its stream: from now on the end's closing ends the stream. */
    void bind(TunnelStream stream);

    /** The stream is open: the end's bytes and its FIN go to the stream from now on. */
    void start(TunnelStream stream);

    /** Writes bytes the peer sent; {@code written} runs (on any thread) once the end has taken them. */
    void write(ByteBuf data, Runnable written);

    /** The peer's FIN, after everything written before it; {@code done} runs when it is passed on. */
    void shutdownOutput(Runnable done);

    /** Whether the end may deliver more bytes to the stream now. */
    void reading(boolean on);

    /** Both directions ended: the end goes away quietly. */
    void close();

    /** The stream failed (reset, connection lost): the end is torn down. */
    void abort();
}
