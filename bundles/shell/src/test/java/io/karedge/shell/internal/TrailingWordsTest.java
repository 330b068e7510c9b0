package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrailingWordsTest {

    @Test
    void optionsAfterTheNameAreReadAsWithKubectl() throws GetException {
        assertThat(TrailingWords.parse(List.of("web", "-o", "yaml", "-n", "apps")))
                .isEqualTo(new TrailingWords("web", "apps", "yaml", false));
        assertThat(TrailingWords.parse(List.of("-ojson", "--namespace=plant", "web")))
                .isEqualTo(new TrailingWords("web", "plant", "json", false));
        assertThat(TrailingWords.parse(List.of("-A"))).isEqualTo(new TrailingWords(null, null, null, true));
        assertThat(TrailingWords.parse(List.of())).isEqualTo(new TrailingWords(null, null, null, false));
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> TrailingWords.parse(List.of("web", "-o"))).hasMessage("-o needs a value");
        assertThatThrownBy(() -> TrailingWords.parse(List.of("web", "db"))).hasMessageContaining("unexpected argument db");
        assertThatThrownBy(() -> TrailingWords.parse(List.of("--watch"))).hasMessageContaining("unknown option --watch");
    }
}
