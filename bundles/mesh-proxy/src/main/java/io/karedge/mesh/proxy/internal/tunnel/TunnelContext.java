package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import java.util.function.Function;

/**
 * What every tunnel connection of a node shares.
 *
 * @param localNode     this node's name (sent in HELLO, the name in its certificate)
 * @param socketChannel the channel class endpoints are dialled with (NIO or epoll, as the mesh runs)
 * @param datagramChannel the channel class of UDP endpoints
 * @param events        told when a connection is ready and when it closes
 * @param relay         whether this node forwards streams between two of its peers
 * @param route         a ready connection to a node, or null (used by a relay)
 */
record TunnelContext(String localNode, TunnelLimits limits, StreamAcceptor acceptor,
                     Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel,
                     RefusalLog refusals, Events events, boolean relay, Function<String, TunnelConnection> route) {

    /** Connections becoming usable and ending. */
    interface Events {

        void ready(TunnelConnection connection);

        void closed(TunnelConnection connection);
    }
}
