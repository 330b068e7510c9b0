package io.karedge.protocol.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.ConfigBinding;
import org.junit.jupiter.api.Test;

class RegisterCodecTest {

    private static ModbusVisitor visitor(String json) throws Exception {
        return ConfigBinding.bind(KaredgeJson.mapper().readTree(json), ModbusVisitor.class, "p", warning -> { });
    }

    private static ModbusVisitor holding(int limit) throws Exception {
        return visitor("{\"register\":\"HoldingRegister\",\"offset\":0,\"limit\":" + limit + "}");
    }

    @Test
    void int16IsSigned() throws Exception {
        assertThat(RegisterCodec.decodeWords(new int[] {0x04D2}, holding(1), "int")).isEqualTo("1234");
        assertThat(RegisterCodec.decodeWords(new int[] {0xFFFE}, holding(1), "int")).isEqualTo("-2");
        assertThat(RegisterCodec.decodeWords(new int[] {0x8000}, holding(1), "int")).isEqualTo("-32768");
    }

    @Test
    void int32AndInt64AreBigEndianWords() throws Exception {
        assertThat(RegisterCodec.decodeWords(new int[] {0x0001, 0xE240}, holding(2), "int")).isEqualTo("123456");
        assertThat(RegisterCodec.decodeWords(new int[] {0xFFFE, 0x7960}, holding(2), "int")).isEqualTo("-100000");
        assertThat(RegisterCodec.decodeWords(new int[] {0xFFFF, 0xFFFD, 0xE78E, 0xE600}, holding(4), "int"))
                .isEqualTo(Long.toString(-9_000_000_000L));
    }

    @Test
    void float32AndFloat64() throws Exception {
        assertThat(RegisterCodec.decodeWords(new int[] {0x41AC, 0x0000}, holding(2), "float")).isEqualTo("21.5");
        assertThat(RegisterCodec.decodeWords(new int[] {0x3DCC, 0xCCCD}, holding(2), "float"))
                .as("float32 0.1 is reported in its shortest form").isEqualTo("0.1");
        long bits = Double.doubleToLongBits(3.14159);
        int[] words = {(int) (bits >>> 48) & 0xFFFF, (int) (bits >>> 32) & 0xFFFF, (int) (bits >>> 16) & 0xFFFF,
                (int) bits & 0xFFFF};
        assertThat(RegisterCodec.decodeWords(words, holding(4), "double")).isEqualTo("3.14159");
        assertThat(RegisterCodec.decodeWords(new int[] {0xFFFB}, holding(1), "float")).isEqualTo("-5");
    }

    @Test
    void notFiniteFloatIsAnError() throws Exception {
        assertThatThrownBy(() -> RegisterCodec.decodeWords(new int[] {0x7FC0, 0x0000}, holding(2), "float"))
                .hasMessageContaining("NaN");
    }

    @Test
    void registerSwapReversesTheWords() throws Exception {
        ModbusVisitor swapped = visitor("{\"register\":\"HoldingRegister\",\"offset\":0,\"limit\":2,"
                + "\"isRegisterSwap\":true}");
        assertThat(RegisterCodec.decodeWords(new int[] {0x0000, 0x41AC}, swapped, "float")).isEqualTo("21.5");
        assertThat(RegisterCodec.decodeWords(new int[] {0xE240, 0x0001}, swapped, "int")).isEqualTo("123456");
    }

    @Test
    void byteSwapSwapsWithinEachWord() throws Exception {
        ModbusVisitor swapped = visitor("{\"register\":\"HoldingRegister\",\"offset\":0,\"limit\":1,\"isSwap\":\"true\"}");
        assertThat(RegisterCodec.decodeWords(new int[] {0x3412}, swapped, "int")).isEqualTo("4660");
        ModbusVisitor both = visitor("{\"register\":\"HoldingRegister\",\"offset\":0,\"limit\":2,\"isSwap\":true,"
                + "\"isRegisterSwap\":true}");
        // 123456 = 0x0001E240 -> words reversed (E240 0001) -> bytes swapped (40E2 0100)
        assertThat(RegisterCodec.decodeWords(new int[] {0x40E2, 0x0100}, both, "int")).isEqualTo("123456");
        assertThat(RegisterCodec.swap(new int[] {0x0102, 0x0304}, true, true)).containsExactly(0x0403, 0x0201);
    }

    @Test
    void scaleMultipliesOnReadAndDividesOnWrite() throws Exception {
        ModbusVisitor tenth = visitor("{\"register\":\"HoldingRegister\",\"offset\":0,\"limit\":1,\"scale\":0.1}");
        assertThat(RegisterCodec.decodeWords(new int[] {250}, tenth, "float")).isEqualTo("25");
        assertThat(RegisterCodec.decodeWords(new int[] {251}, tenth, "float")).isEqualTo("25.1");
        assertThat(RegisterCodec.decodeWords(new int[] {255}, tenth, "int")).as("int rounds half up").isEqualTo("26");
        assertThat(RegisterCodec.encodeWords("25.1", tenth, "float")).containsExactly(251);
        assertThat(RegisterCodec.encodeWords("-3", tenth, "int")).containsExactly(0xFFE2);
        ModbusVisitor zero = visitor("{\"register\":\"HoldingRegister\",\"offset\":0,\"scale\":0}");
        assertThat(zero.scale()).as("scale 0 means unset, as in KubeEdge").isEqualByComparingTo("1");
    }

    @Test
    void encodeIsTheInverseOfDecode() throws Exception {
        ModbusVisitor both = visitor("{\"register\":\"HoldingRegister\",\"offset\":0,\"limit\":2,\"isSwap\":true,"
                + "\"isRegisterSwap\":true}");
        for (String value : new String[] {"0", "1", "-1", "123456", "-100000", "2147483647"}) {
            assertThat(RegisterCodec.decodeWords(RegisterCodec.encodeWords(value, both, "int"), both, "int"))
                    .isEqualTo(value);
        }
        for (String value : new String[] {"21.5", "-7.75", "0.1", "100000"}) {
            assertThat(RegisterCodec.decodeWords(RegisterCodec.encodeWords(value, both, "float"), both, "float"))
                    .isEqualTo(value);
        }
        assertThat(RegisterCodec.encodeWords("21.5", holding(2), "float")).containsExactly(0x41AC, 0x0000);
        assertThat(RegisterCodec.encodeWords("-9000000000", holding(4), "int"))
                .containsExactly(0xFFFF, 0xFFFD, 0xE78E, 0xE600);
    }

    @Test
    void writesOutOfRangeOrNotNumbersAreRejected() throws Exception {
        assertThatThrownBy(() -> RegisterCodec.encodeWords("70000", holding(1), "int"))
                .hasMessageContaining("does not fit in 16 bits");
        assertThat(RegisterCodec.encodeWords("65535", holding(1), "int")).as("unsigned 16-bit accepted")
                .containsExactly(0xFFFF);
        assertThatThrownBy(() -> RegisterCodec.encodeWords("warm", holding(1), "int"))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> RegisterCodec.encodeWords("", holding(1), "int")).hasMessageContaining("empty");
    }

    @Test
    void stringsAndBytes() throws Exception {
        assertThat(RegisterCodec.decodeWords(new int[] {0x4142, 0x4344, 0x0000}, holding(3), "string"))
                .isEqualTo("ABCD");
        assertThat(RegisterCodec.encodeWords("ABC", holding(2), "string")).containsExactly(0x4142, 0x4300);
        assertThatThrownBy(() -> RegisterCodec.encodeWords("ABCDE", holding(2), "string"))
                .hasMessageContaining("5 bytes");
        assertThat(RegisterCodec.decodeWords(new int[] {0x00FF, 0x1000}, holding(2), "bytes")).isEqualTo("00ff1000");
        assertThat(RegisterCodec.decodeWords(new int[] {0, 0}, holding(2), "boolean")).isEqualTo("false");
        assertThat(RegisterCodec.decodeWords(new int[] {0, 4}, holding(2), "boolean")).isEqualTo("true");
    }

    @Test
    void coilsAndDiscreteInputs() throws Exception {
        ModbusVisitor coil = visitor("{\"register\":\"CoilRegister\",\"offset\":3}");
        assertThat(RegisterCodec.decodeBits(new boolean[] {true}, coil, "boolean")).isEqualTo("true");
        assertThat(RegisterCodec.encodeBits("off", coil, "boolean")).containsExactly(false);
        assertThat(RegisterCodec.encodeBits("1", coil, "boolean")).containsExactly(true);
        assertThatThrownBy(() -> RegisterCodec.encodeBits("maybe", coil, "boolean")).hasMessageContaining("boolean");

        ModbusVisitor four = visitor("{\"register\":\"DiscreteInputRegister\",\"offset\":0,\"limit\":4}");
        boolean[] bits = {true, false, true, true};
        assertThat(RegisterCodec.decodeBits(bits, four, "int")).as("first address is bit 0").isEqualTo("13");
        assertThat(RegisterCodec.decodeBits(bits, four, "string")).isEqualTo("1011");
        assertThat(RegisterCodec.encodeBits("13", four, "int")).containsExactly(true, false, true, true);
        assertThatThrownBy(() -> RegisterCodec.encodeBits("16", four, "int")).hasMessageContaining("4 bits");
        assertThat(RegisterCodec.checkShape(four, "boolean")).contains("limit 1");
    }

    @Test
    void shapesThatDoNotFitAreNamed() throws Exception {
        assertThat(RegisterCodec.checkShape(holding(3), "int")).contains("limit 1, 2 or 4");
        assertThat(RegisterCodec.checkShape(holding(2), "float")).isNull();
        assertThat(RegisterCodec.checkShape(holding(5), "string")).isNull();
    }
}
