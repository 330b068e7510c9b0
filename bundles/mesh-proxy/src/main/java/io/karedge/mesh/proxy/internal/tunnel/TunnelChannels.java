package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;

/** The pipeline and options of a tunnel connection, the same for both roles. */
final class TunnelChannels {

    /** the tunnel socket stops local sockets from reading above 2 MiB queued and lets them go on below 512 KiB */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);

    private TunnelChannels() {
    }

    /** reads of the tunnel socket and of stream sockets grow to 256 KiB under load (fewer reads, unwraps, tasks) */
    static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(2048, 16 * 1024, 256 * 1024);

    /** TLS seals up to a whole DATA frame and its header per call (several records), not 16 KiB at a time */
    static final int WRAP_BYTES = FrameDecoder.MAX_DATA_PAYLOAD + Frame.HEADER_BYTES;

    static void configure(Channel channel, SslHandler ssl, TunnelConnection connection) {
        channel.config().setOption(ChannelOption.TCP_NODELAY, true);
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        channel.config().setRecvByteBufAllocator(READS);
        ssl.setWrapDataSize(WRAP_BYTES);
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
