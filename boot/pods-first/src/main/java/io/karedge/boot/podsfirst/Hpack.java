package io.karedge.boot.podsfirst;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;


/**
 * HPACK (RFC 7541): a full decoder (static and dynamic table, size updates, Huffman-coded strings) and a small
 * encoder that writes static-table indexes and literals without indexing, so the peer's
 * decoder keeps no state for them.
 */
final class Hpack {

    /** One header field. */
    record Field(String name, String value) {

        int size() {
            return name.getBytes(StandardCharsets.ISO_8859_1).length + value.getBytes(StandardCharsets.ISO_8859_1).length + 32;
        }
    }

    /** Appendix A. */
    static final Field[] STATIC = {
            null,
            new Field(":authority", ""), new Field(":method", "GET"), new Field(":method", "POST"),
            new Field(":path", "/"), new Field(":path", "/index.html"), new Field(":scheme", "http"),
            new Field(":scheme", "https"), new Field(":status", "200"), new Field(":status", "204"),
            new Field(":status", "206"), new Field(":status", "304"), new Field(":status", "400"),
            new Field(":status", "404"), new Field(":status", "500"), new Field("accept-charset", ""),
            new Field("accept-encoding", "gzip, deflate"), new Field("accept-language", ""),
            new Field("accept-ranges", ""), new Field("accept", ""), new Field("access-control-allow-origin", ""),
            new Field("age", ""), new Field("allow", ""), new Field("authorization", ""),
            new Field("cache-control", ""), new Field("content-disposition", ""), new Field("content-encoding", ""),
            new Field("content-language", ""), new Field("content-length", ""), new Field("content-location", ""),
            new Field("content-range", ""), new Field("content-type", ""), new Field("cookie", ""),
            new Field("date", ""), new Field("etag", ""), new Field("expect", ""), new Field("expires", ""),
            new Field("from", ""), new Field("host", ""), new Field("if-match", ""),
            new Field("if-modified-since", ""), new Field("if-none-match", ""), new Field("if-range", ""),
            new Field("if-unmodified-since", ""), new Field("last-modified", ""), new Field("link", ""),
            new Field("location", ""), new Field("max-forwards", ""), new Field("proxy-authenticate", ""),
            new Field("proxy-authorization", ""), new Field("range", ""), new Field("referer", ""),
            new Field("refresh", ""), new Field("retry-after", ""), new Field("server", ""),
            new Field("set-cookie", ""), new Field("strict-transport-security", ""),
            new Field("transfer-encoding", ""), new Field("user-agent", ""), new Field("vary", ""),
            new Field("via", ""), new Field("www-authenticate", ""),
    };

    private Hpack() {
    }

    /** The decoding side of a connection: its dynamic table lives as long as the connection. */
    static final class Decoder {

        private final Deque<Field> dynamic = new ArrayDeque<>();
        /** The most the peer may make the table: our SETTINGS_HEADER_TABLE_SIZE. */
        private final int maxAllowed;
        private int capacity;
        private int size;

        Decoder(int maxAllowed) {
            this.maxAllowed = maxAllowed;
            this.capacity = maxAllowed;
        }

        int tableSize() {
            return size;
        }

        List<Field> table() {
            return List.copyOf(dynamic);
        }

        List<Field> decode(byte[] block) throws HpackException {
            List<Field> fields = new ArrayList<>();
            int[] pos = {0};
            boolean fieldSeen = false;
            while (pos[0] < block.length) {
                int b = block[pos[0]] & 0xff;
                if ((b & 0x80) != 0) {
                    int index = integer(block, pos, 7);
                    fields.add(field(index));
                    fieldSeen = true;
                } else if ((b & 0xc0) == 0x40) {
                    Field field = literal(block, pos, 6);
                    add(field);
                    fields.add(field);
                    fieldSeen = true;
                } else if ((b & 0xe0) == 0x20) {
                    if (fieldSeen) {
                        throw new HpackException("dynamic table size update after a header field");
                    }
                    int newCapacity = integer(block, pos, 5);
                    if (newCapacity > maxAllowed) {
                        throw new HpackException("table size update " + newCapacity + " above the allowed "
                                + maxAllowed);
                    }
                    capacity = newCapacity;
                    evict(0);
                } else {
                    fields.add(literal(block, pos, 4));
                    fieldSeen = true;
                }
            }
            return fields;
        }

        private Field literal(byte[] block, int[] pos, int prefix) throws HpackException {
            int index = integer(block, pos, prefix);
            String name = index == 0 ? string(block, pos) : field(index).name();
            return new Field(name, string(block, pos));
        }

        private Field field(int index) throws HpackException {
            if (index <= 0) {
                throw new HpackException("header index 0");
            }
            if (index < STATIC.length) {
                return STATIC[index];
            }
            int dynamicIndex = index - STATIC.length;
            if (dynamicIndex >= dynamic.size()) {
                throw new HpackException("header index " + index + " beyond the tables");
            }
            Iterator<Field> it = dynamic.iterator();
            for (int i = 0; i < dynamicIndex; i++) {
                it.next();
            }
            return it.next();
        }

        private void add(Field field) {
            int entry = field.size();
            evict(entry);
            if (entry <= capacity) {
                dynamic.addFirst(field);
                size += entry;
            }
        }

        /** Evicts the oldest entries until {@code room} more octets fit (all of them if it never will). */
        private void evict(int room) {
            while (!dynamic.isEmpty() && size + room > capacity) {
                size -= dynamic.removeLast().size();
            }
        }
    }

    /** Section 5.1: an integer with an N-bit prefix, starting at pos[0]; pos[0] moves past it. */
    static int integer(byte[] block, int[] pos, int prefix) throws HpackException {
        int max = (1 << prefix) - 1;
        int value = block[pos[0]++] & max;
        if (value < max) {
            return value;
        }
        int shift = 0;
        while (true) {
            if (pos[0] >= block.length) {
                throw new HpackException("integer cut short");
            }
            int b = block[pos[0]++] & 0xff;
            if (shift > 21) {
                throw new HpackException("integer too large");
            }
            value += (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    /** Section 5.2: a string literal, Huffman-coded or not. */
    static String string(byte[] block, int[] pos) throws HpackException {
        if (pos[0] >= block.length) {
            throw new HpackException("string literal cut short");
        }
        boolean huffman = (block[pos[0]] & 0x80) != 0;
        int length = integer(block, pos, 7);
        if (length > block.length - pos[0]) {
            throw new HpackException("string literal longer than the block");
        }
        byte[] octets = huffman ? Huffman.decode(block, pos[0], length)
                : java.util.Arrays.copyOfRange(block, pos[0], pos[0] + length);
        pos[0] += length;
        return new String(octets, StandardCharsets.ISO_8859_1);
    }

    /** Writes the fields: an exact static entry as its index, else a literal without indexing (its name indexed if static). */
    static byte[] encode(List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            int exact = 0;
            int named = 0;
            for (int i = 1; i < STATIC.length; i++) {
                if (STATIC[i].name().equals(field.name())) {
                    if (named == 0) {
                        named = i;
                    }
                    if (STATIC[i].value().equals(field.value())) {
                        exact = i;
                        break;
                    }
                }
            }
            if (exact > 0) {
                writeInteger(out, 0x80, 7, exact);
                continue;
            }
            writeInteger(out, 0x00, 4, named);
            if (named == 0) {
                writeString(out, field.name());
            }
            writeString(out, field.value());
        }
        return out.toByteArray();
    }

    static void writeInteger(ByteArrayOutputStream out, int flags, int prefix, int value) {
        int max = (1 << prefix) - 1;
        if (value < max) {
            out.write(flags | value);
            return;
        }
        out.write(flags | max);
        value -= max;
        while (value >= 0x80) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] octets = text.getBytes(StandardCharsets.ISO_8859_1);
        writeInteger(out, 0x00, 7, octets.length);
        out.writeBytes(octets);
    }

    /** @return the value of the first field with the name, or null */
    static String value(List<Field> fields, String name) {
        for (Field field : fields) {
            if (field.name().equals(name)) {
                return field.value();
            }
        }
        return null;
    }
}
