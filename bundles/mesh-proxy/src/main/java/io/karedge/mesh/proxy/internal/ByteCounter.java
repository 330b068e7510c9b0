package io.karedge.mesh.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/** Counts a tunnelled client connection's bytes for its port: reads as bytes in, writes as bytes out. */
final class ByteCounter extends ChannelDuplexHandler {

    private final LongAdder in;
    private final LongAdder out;

    ByteCounter(LongAdder in, LongAdder out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buffer) {
            in.add(buffer.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buffer) {
            out.add(buffer.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
