package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanUnitsTest {

    @Test
    void bytesInBinaryUnits() {
        assertThat(HumanUnits.bytes(0)).isEqualTo("0 B");
        assertThat(HumanUnits.bytes(1023)).isEqualTo("1023 B");
        assertThat(HumanUnits.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(HumanUnits.bytes(12_900_000)).isEqualTo("12.3 MiB");
        assertThat(HumanUnits.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
        assertThat(HumanUnits.bytes(-1)).isEqualTo("<unknown>");
    }

    @Test
    void agesLikeKubectl() {
        assertThat(HumanUnits.age(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
        assertThat(HumanUnits.age(Duration.ofMillis(-500))).isEqualTo("0s");
        assertThat(HumanUnits.age(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(HumanUnits.age(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(HumanUnits.age(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(HumanUnits.age(Duration.ofMinutes(4))).isEqualTo("4m");
        assertThat(HumanUnits.age(Duration.ofMinutes(45))).isEqualTo("45m");
        assertThat(HumanUnits.age(Duration.ofMinutes(5 * 60 + 3))).isEqualTo("5h3m");
        assertThat(HumanUnits.age(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(HumanUnits.age(Duration.ofHours(3 * 24 + 5))).isEqualTo("3d5h");
        assertThat(HumanUnits.age(Duration.ofDays(45))).isEqualTo("45d");
        assertThat(HumanUnits.age(Duration.ofDays(2 * 365 + 30))).isEqualTo("2y30d");
        assertThat(HumanUnits.age(Duration.ofDays(10 * 365))).isEqualTo("10y");
    }
}
