package io.karedge.manifests.internal;

import static io.karedge.manifests.internal.ReconcilerFixture.configMap;
import static io.karedge.manifests.internal.ReconcilerFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.meta.WatchEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed file is read once it is stable; an object is deleted only after its delete grace. */
class EditSafetyTest {

    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration GRACE = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private ReconcilerFixture fx;
    private Instant now;

    @BeforeEach
    void setUp() {
        fx = new ReconcilerFixture(directory);
        now = Instant.now();
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        fx.reconciler = new ManifestReconciler(fx.store, directory, ReconcilerFixture.MAX_BYTES, fx, clock, SETTLE,
                GRACE);
    }

    @Test
    void aDocumentBackWithinTheGraceKeepsItsObjectUntouched() throws IOException {
        write("a.yaml", configMap("one", "1") + "---\n" + configMap("two", "2"), Duration.ofMinutes(1));
        fx.scan();
        long versionOfTwo = fx.store.get(key("ConfigMap", "two")).orElseThrow().resourceVersion();

        write("a.yaml", configMap("one", "1"), Duration.ofMinutes(1));
        long wait = fx.reconciler.scan(Set.of());
        assertThat(fx.store.get(key("ConfigMap", "two"))).isPresent();
        assertThat(wait).as("a scan is wanted when the grace ends").isLessThanOrEqualTo(GRACE.toMillis());

        now = now.plus(GRACE.minusSeconds(1));
        fx.scan();
        assertThat(fx.store.get(key("ConfigMap", "two"))).isPresent();

        write("a.yaml", configMap("one", "1") + "---\n" + configMap("two", "2"), Duration.ofMinutes(1));
        now = now.plus(Duration.ofMinutes(5));
        fx.scan();
        assertThat(fx.store.get(key("ConfigMap", "two")).orElseThrow().resourceVersion()).isEqualTo(versionOfTwo);
        assertThat(fx.store.history()).noneMatch(event -> event.type() == WatchEvent.Type.DELETED);
    }

    @Test
    void anObjectStillUndefinedAfterTheGraceIsDeleted() throws IOException {
        write("a.yaml", configMap("one", "1") + "---\n" + configMap("two", "2"), Duration.ofMinutes(1));
        write("b.yaml", configMap("three", "3"), Duration.ofMinutes(1));
        fx.scan();

        write("a.yaml", configMap("one", "1"), Duration.ofMinutes(1));
        Files.delete(directory.resolve("b.yaml"));
        fx.scan();
        now = now.plus(GRACE);
        fx.scan();

        assertThat(fx.store.get(key("ConfigMap", "two"))).isEmpty();
        assertThat(fx.store.get(key("ConfigMap", "three"))).isEmpty();
        assertThat(fx.store.get(key("ConfigMap", "one"))).isPresent();
    }

    @Test
    void aFileStillBeingWrittenIsReadOnlyOnceItStoppedChanging() throws IOException {
        write("a.yaml", configMap("one", "1"), Duration.ofMinutes(1));
        fx.scan();

        // just written: not read yet
        write("a.yaml", configMap("one", "2"), Duration.ZERO);
        long wait = fx.reconciler.scan(Set.of("a.yaml"));
        assertThat(value("one")).isEqualTo("1");
        assertThat(wait).isLessThanOrEqualTo(SETTLE.toMillis());

        now = now.plus(SETTLE);
        fx.scan();
        assertThat(value("one")).isEqualTo("2");
    }

    @Test
    void aFileEndingInTheMiddleOfALineWaitsLonger() throws IOException {
        write("a.yaml", configMap("one", "1"), Duration.ofMinutes(1));
        fx.scan();

        String full = configMap("one", "12345");
        write("a.yaml", full.substring(0, full.length() - 4), Duration.ZERO);
        now = now.plus(SETTLE.multipliedBy(2));
        fx.scan();
        assertThat(value("one")).isEqualTo("1");

        now = now.plus(SETTLE.multipliedBy(ManifestReconciler.UNTERMINATED_SETTLE_FACTOR));
        fx.scan();
        assertThat(fx.problems).isNotEmpty();
    }

    private String value(String name) {
        return fx.store.get(key("ConfigMap", name)).orElseThrow().object().path("data").path("value").asText();
    }

    /** Writes a file whose modification time is {@code age} before the test clock. */
    private void write(String name, String content, Duration age) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(now.minus(age)));
    }
}
