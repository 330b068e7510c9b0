package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Writes a frame as its 9-byte header followed by its payload, which is passed on as is (no copy). */
@ChannelHandler.Sharable
final class FrameEncoder extends MessageToMessageEncoder<Frame> {

    static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf payload = frame.payload();
        ByteBuf header = ctx.alloc().buffer(Frame.HEADER_BYTES);
        header.writeByte(frame.type()).writeInt(frame.streamId()).writeInt(payload.readableBytes());
        out.add(header);
        if (payload.isReadable()) {
            out.add(payload); // a Frame is not reference counted: its payload's reference passes on here
        } else {
            payload.release();
        }
    }
}
