package io.karedge.mesh.proxy.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies what one channel reads to its peer, buffer by buffer, without looking at the bytes. Writes are
 * flushed once per read batch. Backpressure: when the peer stops being writable, this channel stops
 * reading (auto-read off) until the peer drains. A half-close (FIN) is passed on as a half-close; the pair
 * is closed once both directions are shut, or when either side closes or fails.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final Channel peer;

    RelayHandler(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            peer.flush();
            if (!peer.isWritable()) {
                autoRead(ctx.channel(), false);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // this channel is where the peer's reads are written: let the peer read while this one drains
        autoRead(peer, ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            passOnInputShutdown(ctx.channel(), peer);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Relay {} -> {} failed: {}", ctx.channel(), peer, cause.toString());
        ctx.close();
    }

    /**
     * {@code self} got the other side's FIN: shut {@code peer}'s output once everything queued for it is
     * written (shutdownOutput drops unwritten data); close both when both directions are shut.
     */
    static void passOnInputShutdown(Channel self, Channel peer) {
        if (peer instanceof DuplexChannel duplex && peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (!written.isSuccess()) {
                    closeBoth(self, peer);
                    return;
                }
                duplex.shutdownOutput().addListener(done -> {
                    if (!done.isSuccess() || duplex.isInputShutdown()) {
                        closeBoth(self, peer);
                    }
                });
            });
        } else {
            closeBoth(self, peer);
        }
    }

    /** Turns reading on or off, unless the channel's input is already shut or it is closed. */
    static void autoRead(Channel channel, boolean on) {
        if (!channel.isActive() || (channel instanceof DuplexChannel duplex && duplex.isInputShutdown())
                || channel.config().isAutoRead() == on) {
            return;
        }
        try {
            channel.config().setAutoRead(on);
        } catch (RuntimeException e) {
            LOG.debug("Cannot switch reading of {}: {}", channel, e.toString());
        }
    }

    private static void closeBoth(Channel self, Channel peer) {
        closeOnFlush(peer);
        closeOnFlush(self);
    }

    static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (channel.isOpen()) {
            channel.close();
        }
    }
}
