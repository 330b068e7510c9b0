package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The first frame each side sends after the TLS handshake: {@code version u8 | node string}. The node
 * named must be the one the sender's certificate names.
 */
record Hello(int version, String node) {

    static final int VERSION = 1;

    Frame encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(64);
        out.writeByte(version);
        Wire.writeString(out, node);
        return new Frame(FrameType.HELLO, 0, out);
    }

    static Hello decode(ByteBuf in) {
        int version = Wire.readUnsignedByte(in, "HELLO version");
        String node = Wire.readString(in, "HELLO node");
        Wire.end(in, "HELLO");
        if (node.isEmpty()) {
            throw new TunnelProtocolException("HELLO without a node name");
        }
        return new Hello(version, node);
    }
}
