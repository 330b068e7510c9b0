package io.karedge.edge.stream.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message of the stream tunnel, as it travels in one WebSocket message: the connection id as an
 * unsigned varint, the type number as an unsigned varint, then the payload bytes up to the end of the
 * WebSocket message.
 *
 * @param connectionId the id the cloud gave the API server's connection (the same in both directions)
 * @param typeCode     the type number; {@link #type()} names it when this node knows it
 */
record TunnelMessage(long connectionId, long typeCode, byte[] data) {

    /** The most payload bytes one message carries (CloudCore reads at most this much of one). */
    static final int MAX_DATA_BYTES = 4 * 1024 * 1024;

    TunnelMessage {
        Objects.requireNonNull(data, "data");
    }

    static TunnelMessage of(long connectionId, MessageType type, byte[] data) {
        return new TunnelMessage(connectionId, type.code(), data);
    }

    MessageType type() {
        return MessageType.of(typeCode);
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 20);
        writeUvarint(out, connectionId);
        writeUvarint(out, typeCode);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException if the bytes do not start with two well-formed varints */
    static TunnelMessage decode(byte[] bytes) {
        int[] at = {0};
        long connectionId = readUvarint(bytes, at);
        long type = readUvarint(bytes, at);
        if (bytes.length - at[0] > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("a tunnel message of " + bytes.length + " bytes is over the "
                    + MAX_DATA_BYTES + " byte limit");
        }
        return new TunnelMessage(connectionId, type, Arrays.copyOfRange(bytes, at[0], bytes.length));
    }

    static void writeUvarint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while (Long.compareUnsigned(rest, 0x80) >= 0) {
            out.write((int) (rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    static long readUvarint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= bytes.length) {
                throw new IllegalArgumentException("a tunnel message ends inside a varint");
            }
            int b = bytes[at[0]++] & 0xff;
            if (shift == 63 && b > 1) {
                throw new IllegalArgumentException("a varint in a tunnel message overflows 64 bits");
            }
            value |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return value;
            }
        }
        throw new IllegalArgumentException("a varint in a tunnel message overflows 64 bits");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TunnelMessage that && connectionId == that.connectionId && typeCode == that.typeCode
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectionId, typeCode, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        MessageType type = type();
        return "TunnelMessage[" + connectionId + " " + (type == null ? "type " + typeCode : type) + " " + data.length
                + " bytes]";
    }
}
