package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SameValueTest {

    @Test
    void numbersCompareByTheirModelType() {
        assertThat(SameValue.of("FLOAT", "43.0", "43")).isTrue();
        assertThat(SameValue.of("FLOAT", "12.300000190734863", "12.3")).as("a float register").isTrue();
        assertThat(SameValue.of("FLOAT", "12.31", "12.3")).isFalse();
        assertThat(SameValue.of("DOUBLE", "1e2", "100")).isTrue();
        assertThat(SameValue.of("INT", "042", "42")).isTrue();
        assertThat(SameValue.of("INT", "0", "42")).isFalse();
        assertThat(SameValue.of("int", "x", "42")).isFalse();
    }

    @Test
    void booleansAndText() {
        assertThat(SameValue.of("BOOLEAN", "1", "true")).isTrue();
        assertThat(SameValue.of("BOOLEAN", "FALSE", "false")).isTrue();
        assertThat(SameValue.of("BOOLEAN", "0", "true")).isFalse();
        assertThat(SameValue.of("STRING", "43.0", "43")).isFalse();
        assertThat(SameValue.of("STRING", " on ", "on")).isTrue();
        assertThat(SameValue.of(null, "a", "a")).isTrue();
    }
}
