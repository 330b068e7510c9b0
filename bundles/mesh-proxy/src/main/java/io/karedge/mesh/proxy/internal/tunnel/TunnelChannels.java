package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;

/** The pipeline and options of a tunnel connection, the same for both roles. */
final class TunnelChannels {

    /** the tunnel socket stops local sockets from reading above 2 MiB queued and lets them go on below 512 KiB */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);

    private TunnelChannels() {
    }

    static void configure(Channel channel, SslHandler ssl, TunnelConnection connection) {
        channel.config().setOption(ChannelOption.TCP_NODELAY, true);
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        channel.pipeline().addLast("tls", ssl);
        // frames are written with a flush each; the flushes of one event-loop turn (a read batch of a local
        // socket, of the peer) go out as one, so TLS fills its records and the socket takes one write
        channel.pipeline().addLast("flushes", new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        channel.pipeline().addLast("frames", new FrameDecoder());
        channel.pipeline().addLast("encoder", FrameEncoder.INSTANCE);
        channel.pipeline().addLast("tunnel", connection);
    }
}
