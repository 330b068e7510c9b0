package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void padsEveryColumnButTheLastToItsWidestCellPlusThree() {
        String rendered = new TextTable(List.of("NAME", "AGE"))
                .row(List.of("thermometer-1", "5m"))
                .row(List.of("x", "10d"))
                .render();

        assertThat(rendered).isEqualTo(
                "NAME            AGE\n"
                + "thermometer-1   5m\n"
                + "x               10d\n");
    }

    @Test
    void narrowColumnsAreAtLeastSixWide() {
        assertThat(new TextTable(List.of("A", "B")).row(List.of("x", "y")).render())
                .isEqualTo("A     B\nx     y\n");
    }

    @Test
    void rejectsRowsOfTheWrongSize() {
        assertThatThrownBy(() -> new TextTable(List.of("A", "B")).row(List.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
