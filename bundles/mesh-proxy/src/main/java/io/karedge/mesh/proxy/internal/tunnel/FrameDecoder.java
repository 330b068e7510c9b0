package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the decrypted byte stream into {@link Frame}s. A header that cannot be right (unknown type, a
 * stream frame on stream 0 or a connection frame on another stream, a payload over the limit of its type)
 * throws {@link TunnelProtocolException} before any payload is buffered, so a hostile peer never makes the
 * decoder hold more than one frame of at most {@link #MAX_DATA_PAYLOAD} bytes.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    /** the largest DATA payload */
    static final int MAX_DATA_PAYLOAD = 64 * 1024;
    /** the largest payload of every other frame */
    static final int MAX_CONTROL_PAYLOAD = 2048;

    /** set by the first bad header: everything after it is dropped unread (the connection is closing) */
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Frame.HEADER_BYTES) {
            return;
        }
        int start = in.readerIndex();
        byte type = in.getByte(start);
        int streamId = in.getInt(start + 1);
        long length = in.getUnsignedInt(start + 5);
        try {
            check(type, streamId, length);
        } catch (TunnelProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        if (in.readableBytes() < Frame.HEADER_BYTES + length) {
            return;
        }
        in.skipBytes(Frame.HEADER_BYTES);
        out.add(new Frame(type, streamId, in.readRetainedSlice((int) length)));
    }

    static void check(byte type, int streamId, long length) {
        if (!FrameType.known(type)) {
            throw new TunnelProtocolException("unknown frame type " + (type & 0xff));
        }
        if (type != FrameType.WINDOW && FrameType.connectionLevel(type) != (streamId == 0)) {
            throw new TunnelProtocolException(FrameType.name(type) + " on stream " + Integer.toUnsignedString(streamId));
        }
        long limit = type == FrameType.DATA ? MAX_DATA_PAYLOAD : MAX_CONTROL_PAYLOAD;
        if (length > limit) {
            throw new TunnelProtocolException(FrameType.name(type) + " of " + length + " bytes (limit " + limit + ")");
        }
    }
}
