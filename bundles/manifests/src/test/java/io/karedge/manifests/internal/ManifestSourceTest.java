package io.karedge.manifests.internal;

import io.karedge.test.support.InMemoryMetaStore;
import static io.karedge.manifests.internal.ReconcilerFixture.configMap;
import static io.karedge.manifests.internal.ReconcilerFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.manifests.ManifestReport;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSourceTest {

    @TempDir
    Path directory;

    final InMemoryMetaStore store = new InMemoryMetaStore();
    final List<String> problems = new CopyOnWriteArrayList<>();
    ManifestSource source;

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.deactivate();
        }
    }

    private ManifestSource start(String directoryText, long intervalMillis, boolean enabled) {
        source = new ManifestSource(store, config(directoryText, intervalMillis, 1024 * 1024, enabled),
                (where, problem) -> problems.add(ProblemReporter.format(where, problem)));
        return source;
    }

    @Test
    void appliesAtStartAndFollowsChanges() throws IOException {
        Files.writeString(directory.resolve("a.yaml"), configMap("one", "1"));
        start(directory.toString(), 60_000, true); // long interval: changes must come from the watcher

        await().atMost(Duration.ofSeconds(5)).until(() -> store.get(key("ConfigMap", "one")).isPresent());

        Files.writeString(directory.resolve("b.yaml"), configMap("two", "2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.get(key("ConfigMap", "two")).isPresent());

        Files.delete(directory.resolve("a.yaml"));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.get(key("ConfigMap", "one")).isEmpty());

        ManifestReport report = source.report();
        assertThat(report.enabled()).isTrue();
        assertThat(report.directory()).isEqualTo(directory.toAbsolutePath().normalize().toString());
        assertThat(report.files()).singleElement()
                .satisfies(file -> assertThat(file.objects()).containsExactly(key("ConfigMap", "two")));
    }

    @Test
    void periodicRescanFindsADirectoryCreatedLater() throws IOException {
        Path later = directory.resolve("later");
        start(later.toString(), 100, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> source.report().problem() != null);

        Files.createDirectory(later);
        Files.writeString(later.resolve("a.yml"), configMap("late", "1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.get(key("ConfigMap", "late")).isPresent());
        assertThat(problems).containsExactly(later + ": directory does not exist; nothing is applied or deleted "
                + "until it does");
    }

    @Test
    void badInputNeverStopsTheScanner() throws IOException {
        Files.writeString(directory.resolve("bad.yaml"), "kind: [\n");
        Files.write(directory.resolve("binary.yaml"), new byte[] {0, (byte) 0xff, (byte) 0xfe, 0, 1, 2});
        start(directory.toString(), 100, true);

        await().atMost(Duration.ofSeconds(5)).until(() -> problems.size() >= 2);
        Files.writeString(directory.resolve("good.yaml"), configMap("good", "1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.get(key("ConfigMap", "good")).isPresent());
        assertThat(source.isScanning()).isTrue();
        assertThat(problems).hasSize(2);
    }

    @Test
    void deactivateStopsTheThread() throws IOException {
        start(directory.toString(), 100, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> source.report().lastScan() != null);

        source.deactivate();

        assertThat(source.isScanning()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .doesNotContain(DirectoryScanner.THREAD_NAME);
        Files.writeString(directory.resolve("a.yaml"), configMap("one", "1"));
        assertThat(store.resourceVersion()).isZero();
        source = null;
    }

    @Test
    void disabledSourceReadsNothing() throws IOException {
        Files.writeString(directory.resolve("a.yaml"), configMap("one", "1"));

        start(directory.toString(), 100, false);

        assertThat(source.isScanning()).isFalse();
        assertThat(source.report().enabled()).isFalse();
        assertThat(store.resourceVersion()).isZero();
    }

    @Test
    void directoryDefaultsToKarafEtc() {
        String previous = System.getProperty("karaf.etc");
        try {
            System.clearProperty("karaf.etc");
            assertThat(ManifestSource.resolveDirectory(ManifestSource.DEFAULT_DIRECTORY))
                    .isEqualTo(Path.of("etc", "manifests").toAbsolutePath());
            System.setProperty("karaf.etc", directory.toString());
            assertThat(ManifestSource.resolveDirectory(ManifestSource.DEFAULT_DIRECTORY))
                    .isEqualTo(directory.resolve("manifests"));
            assertThat(ManifestSource.resolveDirectory("")).isEqualTo(directory.resolve("manifests"));
            assertThat(ManifestSource.resolveDirectory("${no.such.property}/x"))
                    .isEqualTo(Path.of("${no.such.property}/x").toAbsolutePath());
        } finally {
            if (previous == null) {
                System.clearProperty("karaf.etc");
            } else {
                System.setProperty("karaf.etc", previous);
            }
        }
    }

    static ManifestSource.Config config(String directory, long intervalMillis, long maxFileBytes, boolean enabled) {
        return new ManifestSource.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ManifestSource.Config.class;
            }

            @Override
            public String directory() {
                return directory;
            }

            @Override
            public long rescan_interval_ms() {
                return intervalMillis;
            }

            @Override
            public long max_file_bytes() {
                return maxFileBytes;
            }

            @Override
            public boolean enabled() {
                return enabled;
            }
        };
    }
}
