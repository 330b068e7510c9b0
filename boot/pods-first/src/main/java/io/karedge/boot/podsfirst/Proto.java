package io.karedge.boot.podsfirst;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Protocol buffers on the wire: messages built by appending fields, and a reader that walks fields. */
final class Proto {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private Proto() {
    }

    /** Appends fields in the order they are given. */
    static final class Writer {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer varint(int field, long value) {
            tag(field, VARINT);
            rawVarint(value);
            return this;
        }

        /** A length-delimited field: an embedded message, bytes or a string's UTF-8. */
        Writer bytes(int field, byte[] value) {
            tag(field, LENGTH_DELIMITED);
            rawVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        Writer string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        /** A string field left out when empty, as proto3 writes its default. */
        Writer optionalString(int field, String value) {
            return value == null || value.isEmpty() ? this : string(field, value);
        }

        /** One entry of a {@code map<string, string>} field: a message with key 1 and value 2. */
        Writer mapEntry(int field, String key, String value) {
            return bytes(field, new Writer().string(1, key).string(2, value).toByteArray());
        }

        private void tag(int field, int wireType) {
            rawVarint(((long) field << 3) | wireType);
        }

        private void rawVarint(long value) {
            while ((value & ~0x7fL) != 0) {
                out.write((int) ((value & 0x7f) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Walks the fields of one message: {@code while (reader.next()) { reader.field() ... }}. */
    static final class Reader {

        private final byte[] data;
        private int pos;
        private int field;
        private int wireType;
        private long varint;
        private byte[] bytes;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean next() throws IOException {
            if (pos >= data.length) {
                return false;
            }
            long tag = readVarint();
            field = (int) (tag >>> 3);
            wireType = (int) (tag & 7);
            if (field == 0) {
                throw new IOException("protobuf field number 0");
            }
            bytes = null;
            switch (wireType) {
                case VARINT -> varint = readVarint();
                case FIXED64 -> skip(8);
                case LENGTH_DELIMITED -> {
                    long length = readVarint();
                    if (length < 0 || length > data.length - pos) {
                        throw new IOException("protobuf length " + length + " beyond the message");
                    }
                    bytes = Arrays.copyOfRange(data, pos, pos + (int) length);
                    pos += (int) length;
                }
                case FIXED32 -> skip(4);
                default -> throw new IOException("protobuf wire type " + wireType + " not supported");
            }
            return true;
        }

        int field() {
            return field;
        }

        int wireType() {
            return wireType;
        }

        long varint() {
            return varint;
        }

        byte[] bytes() {
            return bytes;
        }

        String string() {
            return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        }

        private void skip(int n) throws IOException {
            if (n > data.length - pos) {
                throw new IOException("protobuf field cut short");
            }
            pos += n;
        }

        private long readVarint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= data.length) {
                    throw new IOException("protobuf varint cut short");
                }
                int b = data[pos++] & 0xff;
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IOException("protobuf varint too long");
        }
    }

    /** @return the first string value of a field of the message, or "" */
    static String firstString(byte[] message, int field) throws IOException {
        Reader reader = new Reader(message);
        while (reader.next()) {
            if (reader.field() == field && reader.wireType() == LENGTH_DELIMITED) {
                return reader.string();
            }
        }
        return "";
    }
}
