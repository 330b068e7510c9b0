package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Reading and writing the fields of control payloads: strings are {@code u16 length | UTF-8}. */
final class Wire {

    static final int MAX_STRING_BYTES = 253;

    private Wire() {
    }

    static void writeString(ByteBuf out, String value) {
        byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("field longer than " + MAX_STRING_BYTES + " bytes: " + value);
        }
        out.writeShort(bytes.length).writeBytes(bytes);
    }

    static String readString(ByteBuf in, String field) {
        int length = readUnsignedShort(in, field);
        if (length > MAX_STRING_BYTES || in.readableBytes() < length) {
            throw new TunnelProtocolException(field + " is cut short or too long");
        }
        String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    static int readUnsignedShort(ByteBuf in, String field) {
        need(in, 2, field);
        return in.readUnsignedShort();
    }

    static int readUnsignedByte(ByteBuf in, String field) {
        need(in, 1, field);
        return in.readUnsignedByte();
    }

    static long readUnsignedInt(ByteBuf in, String field) {
        need(in, 4, field);
        return in.readUnsignedInt();
    }

    static long readLong(ByteBuf in, String field) {
        need(in, 8, field);
        return in.readLong();
    }

    static void end(ByteBuf in, String what) {
        if (in.isReadable()) {
            throw new TunnelProtocolException(what + " has " + in.readableBytes() + " bytes too many");
        }
    }

    private static void need(ByteBuf in, int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw new TunnelProtocolException(field + " is cut short");
        }
    }
}
