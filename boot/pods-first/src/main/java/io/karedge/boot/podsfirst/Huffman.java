package io.karedge.boot.podsfirst;

import java.io.ByteArrayOutputStream;

/**
 * The static Huffman code of HPACK (RFC 7541, appendix B). The code is canonical: codes of one length are
 * consecutive and follow the symbol order, each length starts where the shorter ones left off. So the code
 * length of each of the 257 symbols (256 octets and EOS) defines the whole table; they are listed here by
 * length.
 */
final class Huffman {

    static final int EOS = 256;

    /** Symbols by code length; the lengths not listed have no symbols. */
    private static final int[][] BY_LENGTH = {
            {5, '0', '1', '2', 'a', 'c', 'e', 'i', 'o', 's', 't'},
            {6, ' ', '%', '-', '.', '/', '3', '4', '5', '6', '7', '8', '9', '=', 'A', '_', 'b', 'd', 'f', 'g', 'h',
                    'l', 'm', 'n', 'p', 'r', 'u'},
            {7, ':', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T',
                    'U', 'V', 'W', 'Y', 'j', 'k', 'q', 'v', 'w', 'x', 'y', 'z'},
            {8, '&', '*', ',', ';', 'X', 'Z'},
            {10, '!', '"', '(', ')', '?'},
            {11, '\'', '+', '|'},
            {12, '#', '>'},
            {13, 0, '$', '@', '[', ']', '~'},
            {14, '^', '}'},
            {15, '<', '`', '{'},
            {19, '\\', 195, 208},
            {20, 128, 130, 131, 162, 184, 194, 224, 226},
            {21, 153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230},
            {22, 129, 132, 133, 134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189,
                    190, 196, 198, 228, 232, 233},
            {23, 1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152, 155, 157, 158, 165, 166, 168, 174,
                    175, 180, 182, 183, 188, 191, 197, 231, 239},
            {24, 9, 142, 144, 145, 148, 159, 171, 206, 215, 225, 236, 237},
            {25, 199, 207, 234, 235},
            {26, 192, 193, 200, 201, 202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255},
            {27, 203, 204, 211, 212, 214, 221, 222, 223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254},
            {28, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31,
                    127, 220, 249},
            {30, 10, 13, 22, EOS},
    };

    static final int[] CODES = new int[257];
    static final byte[] LENGTHS = new byte[257];

    /** The decoding tree: node i has children CHILD[2i] (bit 0) and CHILD[2i+1] (bit 1); a leaf is -1 - symbol. */
    private static final int[] CHILD;

    static {
        int code = 0;
        int length = 0;
        for (int[] row : BY_LENGTH) {
            code <<= row[0] - length;
            length = row[0];
            for (int i = 1; i < row.length; i++) {
                CODES[row[i]] = code++;
                LENGTHS[row[i]] = (byte) length;
            }
        }
        int[] child = new int[2 * 512];
        java.util.Arrays.fill(child, 0);
        int nodes = 1;
        for (int symbol = 0; symbol <= EOS; symbol++) {
            int node = 0;
            for (int bit = LENGTHS[symbol] - 1; bit >= 0; bit--) {
                int slot = 2 * node + ((CODES[symbol] >>> bit) & 1);
                if (bit == 0) {
                    child[slot] = -1 - symbol;
                } else {
                    if (child[slot] == 0) {
                        child[slot] = nodes++;
                    }
                    node = child[slot];
                }
            }
        }
        CHILD = child;
    }

    private Huffman() {
    }

    /**
     * @return the octets a Huffman-coded string stands for
     * @throws HpackException on EOS in the string, padding longer than 7 bits or padding not made of ones
     */
    static byte[] decode(byte[] data, int offset, int length) throws HpackException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length * 8 / 5 + 1);
        int node = 0;
        int depth = 0;
        boolean allOnes = true;
        for (int i = offset; i < offset + length; i++) {
            int octet = data[i] & 0xff;
            for (int bit = 7; bit >= 0; bit--) {
                int b = (octet >>> bit) & 1;
                int next = CHILD[2 * node + b];
                depth++;
                allOnes &= b == 1;
                if (next < 0) {
                    int symbol = -1 - next;
                    if (symbol == EOS) {
                        throw new HpackException("EOS inside a Huffman-coded string");
                    }
                    out.write(symbol);
                    node = 0;
                    depth = 0;
                    allOnes = true;
                } else if (next == 0) {
                    throw new HpackException("invalid Huffman code");
                } else {
                    node = next;
                }
            }
        }
        if (depth > 7 || !allOnes) {
            throw new HpackException("invalid Huffman padding");
        }
        return out.toByteArray();
    }

    /** @return the Huffman code of the octets, padded with ones */
    static byte[] encode(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
        long bits = 0;
        int count = 0;
        for (byte b : text) {
            int symbol = b & 0xff;
            bits = (bits << LENGTHS[symbol]) | CODES[symbol];
            count += LENGTHS[symbol];
            while (count >= 8) {
                out.write((int) (bits >>> (count - 8)));
                count -= 8;
            }
        }
        if (count > 0) {
            out.write((int) ((bits << (8 - count)) | (0xff >>> count)));
        }
        return out.toByteArray();
    }
}
