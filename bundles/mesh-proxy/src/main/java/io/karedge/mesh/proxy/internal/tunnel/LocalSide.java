package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The handler on a stream's local socket: hands reads and the FIN to the stream on the tunnel's event loop. */
final class LocalSide extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSide.class);

    private final TunnelStream stream;

    LocalSide(TunnelStream stream) {
        this.stream = stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buffer)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        streamRun(() -> stream.fromLocal(buffer), buffer);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            streamRun(stream::localInputShutdown, null);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Stream {} local socket failed: {}", stream.id(), cause.toString());
        ctx.close();
    }

    private void streamRun(Runnable task, ByteBuf owned) {
        if (!stream.connectionRun(task) && owned != null) {
            owned.release();
        }
    }

    static void autoRead(Channel channel, boolean on) {
        if (!channel.isActive() || (channel instanceof DuplexChannel duplex && duplex.isInputShutdown())
                || channel.config().isAutoRead() == on) {
            return;
        }
        channel.config().setAutoRead(on);
    }
}
