package io.karedge.boot.podsfirst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decoder against the examples of RFC 7541 appendix C, the Huffman code against appendix B. */
class HpackTest {

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    private static Hpack.Field f(String name, String value) {
        return new Hpack.Field(name, value);
    }

    @Test
    void integersOfAppendixC1() throws Exception {
        assertThat(Hpack.integer(new byte[] {0x0a}, new int[] {0}, 5)).isEqualTo(10);
        assertThat(Hpack.integer(new byte[] {0x1f, (byte) 0x9a, 0x0a}, new int[] {0}, 5)).isEqualTo(1337);
        assertThat(Hpack.integer(new byte[] {0x2a}, new int[] {0}, 8)).isEqualTo(42);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Hpack.writeInteger(out, 0, 5, 1337);
        assertThat(out.toByteArray()).containsExactly(0x1f, 0x9a, 0x0a);
    }

    @Test
    void requestsWithoutHuffmanOfAppendixC3() throws Exception {
        Hpack.Decoder decoder = new Hpack.Decoder(4096);
        assertThat(decoder.decode(hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"))).containsExactly(
                f(":method", "GET"), f(":scheme", "http"), f(":path", "/"), f(":authority", "www.example.com"));
        assertThat(decoder.tableSize()).isEqualTo(57);
        assertThat(decoder.decode(hex("8286 84be 5808 6e6f 2d63 6163 6865"))).containsExactly(
                f(":method", "GET"), f(":scheme", "http"), f(":path", "/"), f(":authority", "www.example.com"),
                f("cache-control", "no-cache"));
        assertThat(decoder.tableSize()).isEqualTo(110);
        assertThat(decoder.decode(hex("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65")))
                .containsExactly(f(":method", "GET"), f(":scheme", "https"), f(":path", "/index.html"),
                        f(":authority", "www.example.com"), f("custom-key", "custom-value"));
        assertThat(decoder.tableSize()).isEqualTo(164);
        assertThat(decoder.table()).containsExactly(f("custom-key", "custom-value"), f("cache-control", "no-cache"),
                f(":authority", "www.example.com"));
    }

    @Test
    void requestsWithHuffmanOfAppendixC4() throws Exception {
        Hpack.Decoder decoder = new Hpack.Decoder(4096);
        assertThat(decoder.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"))).containsExactly(
                f(":method", "GET"), f(":scheme", "http"), f(":path", "/"), f(":authority", "www.example.com"));
        assertThat(decoder.decode(hex("8286 84be 5886 a8eb 1064 9cbf"))).containsExactly(
                f(":method", "GET"), f(":scheme", "http"), f(":path", "/"), f(":authority", "www.example.com"),
                f("cache-control", "no-cache"));
        assertThat(decoder.decode(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")))
                .containsExactly(f(":method", "GET"), f(":scheme", "https"), f(":path", "/index.html"),
                        f(":authority", "www.example.com"), f("custom-key", "custom-value"));
        assertThat(decoder.tableSize()).isEqualTo(164);
    }

    @Test
    void responsesWithEvictionOfAppendixC5() throws Exception {
        Hpack.Decoder decoder = new Hpack.Decoder(256);
        decoder.decode(hex("4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"));
        assertThat(decoder.tableSize()).isEqualTo(222);
        assertThat(decoder.decode(hex("4803 3330 37c1 c0bf"))).containsExactly(f(":status", "307"),
                f("cache-control", "private"), f("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
                f("location", "https://www.example.com"));
        assertThat(decoder.tableSize()).isEqualTo(222);
        List<Hpack.Field> third = decoder.decode(hex("88c1 611d 4d6f 6e2c 2032 3120 4f63 7420"
                + "3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153"
                + "444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61"
                + "6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"));
        assertThat(third).contains(f("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
        assertThat(decoder.tableSize()).isEqualTo(215);
        assertThat(decoder.table()).extracting(Hpack.Field::name).containsExactly("set-cookie", "content-encoding",
                "date");
    }

    @Test
    void responsesWithHuffmanAndEvictionOfAppendixC6() throws Exception {
        Hpack.Decoder decoder = new Hpack.Decoder(256);
        assertThat(decoder.decode(hex("4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0"
                + "82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"))).containsExactly(
                f(":status", "302"), f("cache-control", "private"), f("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
                f("location", "https://www.example.com"));
        assertThat(decoder.decode(hex("4883 640e ffc1 c0bf"))).first().isEqualTo(f(":status", "307"));
        assertThat(decoder.tableSize()).isEqualTo(222);
        List<Hpack.Field> third = decoder.decode(hex("88c1 6196 d07a be94 1054 d444 a820 0595"
                + "040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b"
                + "3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"));
        assertThat(third).containsExactly(f(":status", "200"), f("cache-control", "private"),
                f("date", "Mon, 21 Oct 2013 20:13:22 GMT"), f("location", "https://www.example.com"),
                f("content-encoding", "gzip"),
                f("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
        assertThat(decoder.tableSize()).isEqualTo(215);
    }

    @Test
    void huffmanCodeIsCompleteAndHasTheCodesOfAppendixB() {
        double kraft = 0;
        for (int symbol = 0; symbol <= Huffman.EOS; symbol++) {
            kraft += Math.pow(2, -Huffman.LENGTHS[symbol]);
        }
        assertThat(kraft).isEqualTo(1.0);
        int[][] samples = {{0, 0x1ff8, 13}, {1, 0x7fffd8, 23}, {9, 0xffffea, 24}, {10, 0x3ffffffc, 30},
                {' ', 0x14, 6}, {'!', 0x3f8, 10}, {'\\', 0x7fff0, 19}, {'a', 0x3, 5}, {'z', 0x7b, 7},
                {127, 0xffffffc, 28}, {128, 0xfffe6, 20}, {195, 0x7fff1, 19}, {199, 0x1ffffec, 25},
                {203, 0x7ffffde, 27}, {220, 0xffffffd, 28}, {254, 0x7fffff0, 27}, {255, 0x3ffffee, 26},
                {Huffman.EOS, 0x3fffffff, 30}};
        for (int[] sample : samples) {
            assertThat(Huffman.CODES[sample[0]]).as("code of %d", sample[0]).isEqualTo(sample[1]);
            assertThat((int) Huffman.LENGTHS[sample[0]]).as("length of %d", sample[0]).isEqualTo(sample[2]);
        }
    }

    @Test
    void huffmanRoundTripsEveryOctet() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            byte[] text = new byte[random.nextInt(40)];
            random.nextBytes(text);
            byte[] coded = Huffman.encode(text);
            assertThat(Huffman.decode(coded, 0, coded.length)).as("seed %d", seed).isEqualTo(text);
        }
    }

    @Test
    void badHuffmanPaddingAndEosAreRefused() {
        // 'a' (00011) padded with zeros instead of ones
        assertThatThrownBy(() -> Huffman.decode(new byte[] {0x18}, 0, 1)).isInstanceOf(HpackException.class);
        // a whole octet of padding
        byte[] padded = {0x1f, (byte) 0xff};
        assertThatThrownBy(() -> Huffman.decode(padded, 0, 2)).isInstanceOf(HpackException.class);
        byte[] eos = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> Huffman.decode(eos, 0, 4)).isInstanceOf(HpackException.class);
    }

    @Test
    void tableSizeUpdateAboveTheSettingIsRefused() throws Exception {
        Hpack.Decoder decoder = new Hpack.Decoder(256);
        assertThatThrownBy(() -> decoder.decode(hex("3fe1 1f"))).isInstanceOf(HpackException.class);
        decoder.decode(hex("20"));
        assertThat(decoder.decode(hex("4803 3330 32"))).containsExactly(f(":status", "302"));
        assertThat(decoder.tableSize()).isZero();
    }

    @Test
    void encoderOutputDecodes() throws Exception {
        List<Hpack.Field> fields = List.of(f(":method", "POST"), f(":scheme", "http"),
                f(":path", "/runtime.v1.RuntimeService/RunPodSandbox"), f(":authority", "localhost"),
                f("content-type", "application/grpc"), f("te", "trailers"), f("x-long", "v".repeat(300)));
        byte[] block = Hpack.encode(fields);
        assertThat(block[0] & 0xff).isEqualTo(0x83);
        Hpack.Decoder decoder = new Hpack.Decoder(4096);
        assertThat(decoder.decode(block)).isEqualTo(fields);
        assertThat(decoder.tableSize()).isZero();
        assertThat(new String(block, StandardCharsets.ISO_8859_1)).contains("application/grpc");
    }
}
