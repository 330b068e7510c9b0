package io.karedge.mesh.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays what one channel reads to its peer without looking at the bytes, in one of two modes.
 *
 * <ul>
 *   <li><b>Buffers</b> (NIO, or epoll with splicing off): each buffer read is written to the peer as is;
 *   writes are flushed once per read batch. Backpressure: when the peer stops being writable, this channel
 *   stops reading (auto-read off) until the peer drains.</li>
 *   <li><b>Splice</b> (epoll): the bytes go socket to pipe to socket inside the kernel
 *   ({@link AbstractEpollStreamChannel#spliceTo}) and never reach the JVM. Netty pauses reading while a
 *   splice into the peer is incomplete, which is the backpressure; this handler then only deals with
 *   half-closes, closes and failures.</li>
 * </ul>
 *
 * <p>Bytes relayed through the JVM (buffers, and what is drained after a spliced FIN) are added to a
 * counter of the port and direction; spliced bytes never reach the JVM and are not counted.
 *
 * <p>A half-close (FIN) is passed on as a half-close after everything ahead of it; the pair is closed
 * once both directions are shut, or when either side closes or fails.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);
    private static final int DRAIN_CHUNK = 64 * 1024;
    /** the longest single splice from a socket into its pipe (see {@link #splice}) */
    private static final RecvByteBufAllocator SPLICE_LENGTH = new FixedRecvByteBufAllocator(1024 * 1024);

    private final Channel peer;
    private final boolean spliced;
    private final LongAdder relayedBytes;
    private boolean unflushed;

    /**
     * @param peer         where this channel's bytes go
     * @param spliced      whether the pair relays with splice: writability then never switches reading
     * @param relayedBytes counts the bytes this channel's reads hand to the peer
     */
    RelayHandler(Channel peer, boolean spliced, LongAdder relayedBytes) {
        this.peer = peer;
        this.spliced = spliced;
        this.relayedBytes = relayedBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // buffers only: spliced bytes never pass through the pipeline
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buffer) {
            relayedBytes.add(buffer.readableBytes());
        }
        // written and flushed per read, as it arrives: holding a read batch (up to 16 reads) back until
        // the batch ends would leave the far side idle while this side reads, and the other way round
        peer.writeAndFlush(msg, peer.voidPromise());
        if (!peer.isWritable() && !spliced) {
            autoRead(ctx.channel(), false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            peer.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // this channel is where the peer's reads are written: let the peer read while this one drains.
        // Spliced pairs leave reading to Netty's splice, which pauses the peer while a splice is incomplete.
        if (!spliced) {
            autoRead(peer, ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            if (spliced) {
                drainAfterSplice(ctx.channel(), peer, relayedBytes);
            }
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
     * Splices everything {@code from} receives into {@code to} until either closes; both must be epoll
     * stream channels on the same event loop. A splice that fails (reset, broken pipe) closes the pair.
     */
    static void splice(Channel from, Channel to) {
        // the allocator's guess caps each splice from the socket into the pipe; with buffers Netty stops at
        // 64 KiB, here the pipe's capacity is the real bound and no memory is allocated for the guess
        from.config().setRecvByteBufAllocator(SPLICE_LENGTH);
        ((AbstractEpollStreamChannel) from).spliceTo((AbstractEpollStreamChannel) to, Integer.MAX_VALUE)
                .addListener(done -> {
                    if (!done.isSuccess()) {
                        if (!(done.cause() instanceof ClosedChannelException)) {
                            LOG.debug("Splice {} -> {} failed: {}", from, to, String.valueOf(done.cause()));
                        }
                        closeBoth(from, to);
                    }
                });
    }

    /**
     * Netty shuts a spliced channel's input as soon as it sees the FIN, even when not every byte ahead of
     * the FIN has been spliced yet (a pipe holds 16 segments; a peer that is not writable stops splicing).
     * A FIN is only delivered once all bytes before it are in the socket's receive queue, and Linux still
     * returns queued bytes after shutdown(SHUT_RD); so they are read here and written to the peer, behind
     * the splices already queued there and ahead of the half-close. The amount is bounded by the socket's
     * receive buffer.
     */
    static void drainAfterSplice(Channel self, Channel peer, LongAdder relayedBytes) {
        if (!(self instanceof AbstractEpollStreamChannel epoll) || !self.isOpen()) {
            return;
        }
        boolean wrote = false;
        try {
            for (;;) {
                ByteBuf buffer = self.alloc().directBuffer(DRAIN_CHUNK);
                int read;
                try {
                    ByteBuffer target = buffer.nioBuffer(0, buffer.capacity());
                    read = epoll.fd().read(target, target.position(), target.limit());
                } catch (IOException | RuntimeException e) {
                    buffer.release();
                    throw e;
                }
                if (read <= 0) { // 0: nothing queued, -1: end of stream
                    buffer.release();
                    return;
                }
                buffer.writerIndex(read);
                if (!peer.isActive()) {
                    buffer.release();
                    continue;
                }
                relayedBytes.add(read);
                peer.write(buffer, peer.voidPromise());
                wrote = true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Reading what is left of {} failed: {}", self, e.toString());
            closeBoth(self, peer);
        } finally {
            if (wrote) {
                peer.flush();
            }
        }
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
