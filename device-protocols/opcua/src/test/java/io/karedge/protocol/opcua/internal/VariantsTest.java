package io.karedge.protocol.opcua.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OPC UA values to twin strings and back. */
class VariantsTest {

    @Test
    void readValuesBecomeTwinStringsOfTheModelsType() {
        assertThat(Variants.toTwin(Variant.ofFloat(0.1f), "float")).isEqualTo("0.1");
        assertThat(Variants.toTwin(Variant.ofDouble(21.50), "double")).isEqualTo("21.5");
        assertThat(Variants.toTwin(Variant.ofDouble(1e21), "double")).isEqualTo("1000000000000000000000");
        assertThat(Variants.toTwin(Variant.ofDouble(2.5), "int")).isEqualTo("3");
        assertThat(Variants.toTwin(Variant.ofInt64(-5_000_000_000L), "int")).isEqualTo("-5000000000");
        assertThat(Variants.toTwin(Variant.ofUInt32(UInteger.valueOf(4_000_000_000L)), "int")).isEqualTo("4000000000");
        assertThat(Variants.toTwin(Variant.ofUInt64(ULong.valueOf("18446744073709551615")), "string"))
                .isEqualTo("18446744073709551615");
        assertThat(Variants.toTwin(Variant.ofBoolean(true), "boolean")).isEqualTo("true");
        assertThat(Variants.toTwin(Variant.ofInt32(0), "boolean")).isEqualTo("false");
        assertThat(Variants.toTwin(Variant.ofLocalizedText(LocalizedText.english("ok")), "string")).isEqualTo("ok");
        assertThat(Variants.toTwin(Variant.ofString("21.5"), "double")).isEqualTo("21.5");
    }

    @Test
    void valuesThatDoNotFitAreErrors() {
        assertThatThrownBy(() -> Variants.toTwin(Variant.ofDouble(Double.NaN), "double")).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Variants.toTwin(Variant.ofInt32Array(new Integer[]{1, 2}), "int"))
                .hasMessageContaining("array");
        assertThatThrownBy(() -> Variants.toTwin(Variant.ofNull(), "int")).hasMessageContaining("no value");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Boolean|1|true", "Boolean|off|false", "SByte|-128|-128", "Int16|-32768|-32768", "Int32|2.5|3",
        "Int64|9223372036854775807|9223372036854775807", "Byte|255|255", "UInt16|65535|65535",
        "UInt32|4294967295|4294967295", "UInt64|18446744073709551615|18446744073709551615", "Float|0.1|0.1",
        "Double|-1.25|-1.25", "String|  spaced |  spaced "})
    void twinStringsBecomeTheNodesDataType(OpcUaDataType type, String text, String back) {
        Variant variant = Variants.fromTwin(text, type);
        assertThat(variant.getDataType()).contains(type);
        assertThat(Variants.toTwin(variant, "string")).isEqualTo(back);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SByte|128|out of range", "Byte|-1|out of range", "UInt16|65536|out of range", "Int32|2147483648|out of range",
        "UInt64|-1|out of range", "Float|1e39|out of range", "Int32|ten|not a number", "Boolean|maybe|not a boolean",
        "DateTime|2024-01-01|cannot be written"})
    void twinStringsThatDoNotFitAreRefusedWithTheReason(OpcUaDataType type, String text, String message) {
        assertThatThrownBy(() -> Variants.fromTwin(text, type)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void statusCodesAreNamed() {
        assertThat(Variants.statusName(new StatusCode(StatusCodes.Bad_NodeIdUnknown)))
                .isEqualTo("Bad_NodeIdUnknown (0x80340000)");
    }

    @Test
    void randomIntegersSurviveTheRoundTripOfEveryIntegerType() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        OpcUaDataType[] types = {OpcUaDataType.SByte, OpcUaDataType.Int16, OpcUaDataType.Int32, OpcUaDataType.Int64,
            OpcUaDataType.Byte, OpcUaDataType.UInt16, OpcUaDataType.UInt32};
        long[][] ranges = {{-128, 127}, {-32768, 32767}, {Integer.MIN_VALUE, Integer.MAX_VALUE},
            {Long.MIN_VALUE / 2, Long.MAX_VALUE / 2}, {0, 255}, {0, 65535}, {0, 4294967295L}};
        for (int i = 0; i < 2000; i++) {
            int t = random.nextInt(types.length);
            long value = ranges[t][0] + (long) (random.nextDouble() * ((double) ranges[t][1] - ranges[t][0]));
            String text = Long.toString(value);
            assertThat(Variants.toTwin(Variants.fromTwin(text, types[t]), "int"))
                    .as("seed %d, %s %s", seed, types[t], text).isEqualTo(text);
        }
    }
}
