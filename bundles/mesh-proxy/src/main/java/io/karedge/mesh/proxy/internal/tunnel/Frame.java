package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One decoded or outgoing frame. The payload is owned by the frame: whoever consumes it releases it
 * (the encoder does for outgoing frames).
 */
record Frame(byte type, int streamId, ByteBuf payload) {

    /** type, stream id and payload length */
    static final int HEADER_BYTES = 9;

    static Frame empty(byte type, int streamId) {
        return new Frame(type, streamId, Unpooled.EMPTY_BUFFER);
    }

    void release() {
        payload.release();
    }

    @Override
    public String toString() {
        return FrameType.name(type) + "(" + streamId + ", " + payload.readableBytes() + " bytes)";
    }
}
