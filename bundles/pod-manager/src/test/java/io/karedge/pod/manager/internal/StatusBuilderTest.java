package io.karedge.pod.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {

    @Test
    void phaseFollowsKubelet() {
        assertThat(StatusBuilder.phase("Always", false, 0, 1, 0, 0, 0, 1)).isEqualTo("Pending");
        assertThat(StatusBuilder.phase("Always", false, 1, 0, 0, 0, 0, 1)).isEqualTo("Running");
        assertThat(StatusBuilder.phase("Always", false, 0, 0, 1, 0, 0, 1)).isEqualTo("Running");
        assertThat(StatusBuilder.phase("OnFailure", false, 0, 0, 1, 1, 0, 1)).isEqualTo("Succeeded");
        assertThat(StatusBuilder.phase("OnFailure", false, 0, 0, 1, 0, 0, 1)).isEqualTo("Running");
        assertThat(StatusBuilder.phase("Never", false, 0, 0, 2, 1, 0, 2)).isEqualTo("Failed");
        assertThat(StatusBuilder.phase("Always", true, 0, 0, 1, 1, 0, 1)).isEqualTo("Succeeded");
        assertThat(StatusBuilder.phase("Always", true, 0, 0, 1, 0, 0, 1)).isEqualTo("Failed");
    }

    @Test
    void backoffDoublesUpToTheMaximumAndStartsOverAfterALongQuiet() {
        Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(40));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(backoff.inBackoffSince(t, t)).isFalse();
        assertThat(backoff.next(t)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.inBackoffSince(t, t.plusSeconds(9))).isTrue();
        assertThat(backoff.inBackoffSince(t, t.plusSeconds(10))).isFalse();
        assertThat(backoff.next(t)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.next(t)).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.next(t)).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.next(t.plusSeconds(81))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void variableReferencesExpandLikeKubelet() {
        var env = java.util.Map.of("A", "1");
        assertThat(PodSpecReader.expand("$(A)-$(B)-$$(A)", env)).isEqualTo("1-$(B)-$(A)");
    }
}
