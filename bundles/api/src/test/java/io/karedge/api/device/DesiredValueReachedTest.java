package io.karedge.api.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DesiredValueReachedTest {

    @Test
    void numbersCompareByTheirModelType() {
        assertThat(DesiredValueRules.reached("FLOAT", "43.0", "43")).isTrue();
        assertThat(DesiredValueRules.reached("FLOAT", "12.300000190734863", "12.3")).as("a float register").isTrue();
        assertThat(DesiredValueRules.reached("FLOAT", "12.31", "12.3")).isFalse();
        assertThat(DesiredValueRules.reached("DOUBLE", "1e2", "100")).isTrue();
        assertThat(DesiredValueRules.reached("INT", "042", "42")).isTrue();
        assertThat(DesiredValueRules.reached("INT", "0", "42")).isFalse();
        assertThat(DesiredValueRules.reached("int", "x", "42")).isFalse();
    }

    @Test
    void booleansAndText() {
        assertThat(DesiredValueRules.reached("BOOLEAN", "1", "true")).isTrue();
        assertThat(DesiredValueRules.reached("BOOLEAN", "FALSE", "false")).isTrue();
        assertThat(DesiredValueRules.reached("BOOLEAN", "0", "true")).isFalse();
        assertThat(DesiredValueRules.reached("STRING", "43.0", "43")).isFalse();
        assertThat(DesiredValueRules.reached("STRING", " on ", "on")).isTrue();
        assertThat(DesiredValueRules.reached(null, "a", "a")).isTrue();
    }
}
