package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TwinRulesTest {

    @Test
    void namesAllowLettersDigitsAndTheListedSignsOnly() {
        assertThat(TwinRules.validName("temperature")).isTrue();
        assertThat(TwinRules.validName("a-b_c.d,e:f/g@h#1")).isTrue();
        assertThat(TwinRules.validName("x".repeat(128))).isTrue();
        assertThat(TwinRules.validName("x".repeat(129))).isFalse();
        assertThat(TwinRules.validName("")).isFalse();
        assertThat(TwinRules.validName("$state")).isFalse();
        assertThat(TwinRules.validName("with space")).isFalse();
        assertThat(TwinRules.validName("plus+")).isFalse();
    }

    @Test
    void valuesFollowThePatternAndTheType() {
        assertThat(TwinRules.checkValue("string", "21.5")).isNull();
        assertThat(TwinRules.checkValue("string", "")).isNull();
        assertThat(TwinRules.checkValue("string", "hello world")).contains("characters");
        assertThat(TwinRules.checkValue("float", "1e+5")).contains("characters");
        assertThat(TwinRules.checkValue("string", "x".repeat(513))).contains("length");
        assertThat(TwinRules.checkValue("int", "42")).isNull();
        assertThat(TwinRules.checkValue("integer", "-42")).isNull();
        assertThat(TwinRules.checkValue("int", "4.2")).isEqualTo("the value is not int or integer");
        assertThat(TwinRules.checkValue("float", "4.2")).isNull();
        assertThat(TwinRules.checkValue("float", "warm")).isEqualTo("the value is not float");
        assertThat(TwinRules.checkValue("boolean", "true")).isNull();
        assertThat(TwinRules.checkValue("boolean", "True")).isEqualTo("the value is not true or false");
        assertThat(TwinRules.checkValue("deleted", "anything")).isNull();
        assertThat(TwinRules.checkValue("", "anything")).isNull();
        assertThat(TwinRules.checkValue("double", "1.5")).isEqualTo("the value type is not allowed");
        assertThat(TwinRules.checkValue("INT", "1")).isEqualTo("the value type is not allowed");
    }

    @Test
    void modelTypesAreLowerCasedAndMappedOntoTwinTypes() {
        assertThat(TwinRules.fromModelType("INT")).isEqualTo("int");
        assertThat(TwinRules.fromModelType("FLOAT")).isEqualTo("float");
        assertThat(TwinRules.fromModelType("DOUBLE")).isEqualTo("float");
        assertThat(TwinRules.fromModelType("BOOLEAN")).isEqualTo("boolean");
        assertThat(TwinRules.fromModelType("BYTES")).isEqualTo("string");
        assertThat(TwinRules.fromModelType("weird")).isNull();
        assertThat(TwinRules.fromModelType(null)).isNull();
    }
}
