package io.karedge.manifests.internal;

import io.karedge.test.support.InMemoryMetaStore;
import static io.karedge.manifests.internal.ReconcilerFixture.configMap;
import static io.karedge.manifests.internal.ReconcilerFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.meta.ObjectKey;
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

    /**
     * A file rewritten in place in two writes (as an editor or {@code cp} does) with a pause between them:
     * no Device is ever deleted or given other desired values, whatever the pause, so the twin engine
     * never drops a device's twin history nor changes a twin value.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aFileRewrittenInPartsKeepsEveryDeviceAndEveryDesiredValue() throws Exception {
        Path file = directory.resolve("devices.yaml");
        Files.writeString(file, devices(0));
        source = new ManifestSource(store, config(directory.toString(), 2000, 1024 * 1024, true,
                ManifestSource.DEFAULT_SETTLE_MILLIS, ManifestSource.DEFAULT_DELETE_GRACE_MILLIS),
                (where, problem) -> problems.add(ProblemReporter.format(where, problem)));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.get(key("ConfigMap", "revision")).isPresent());
        int revision = 0;
        long[] pausesMillis = {300, 500, 3000};
        for (long pause : pausesMillis) {
            for (boolean atLineEnd : new boolean[] {false, true}) {
                revision++;
                String content = devices(revision);
                int cut = content.length() / 2;
                if (atLineEnd) {
                    cut = content.indexOf('\n', cut) + 1;
                }
                writeInTwoParts(file, content, cut, pause);
                String expected = String.valueOf(revision);
                await().atMost(Duration.ofSeconds(15)).until(() -> store.get(key("ConfigMap", "revision"))
                        .map(stored -> stored.object().path("data").path("value").asText().equals(expected))
                        .orElse(false));
            }
        }
        for (int i = 0; i < DEVICES; i++) {
            assertThat(store.get(ObjectKey.of("Device", "default", "sensor-" + i))).as("sensor-%d", i).isPresent();
        }
        for (io.karedge.api.meta.WatchEvent event : store.history()) {
            if (event.object().key().kind().equals("Device")) {
                assertThat(event.type()).as("event of %s", event.object().key())
                        .isNotEqualTo(io.karedge.api.meta.WatchEvent.Type.DELETED);
                int index = Integer.parseInt(event.object().key().name().substring("sensor-".length()));
                // a document cut at a line end may lack its desired value for a moment (the twin engine
                // leaves the twin as it is then), but it never carries another value
                java.util.regex.Matcher values = java.util.regex.Pattern.compile("\"value\":\"([^\"]*)\"")
                        .matcher(event.object().object().toString());
                while (values.find()) {
                    assertThat(values.group(1)).as("desired value of %s", event.object().key())
                            .isEqualTo(setpoint(index));
                }
            }
        }
    }

    private static final int DEVICES = 12;

    private static String setpoint(int device) {
        return (200 + device) + ".5";
    }

    private static String devices(int revision) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata:
                  name: sensor-model
                spec:
                  protocol: virtual
                  properties:
                    - {name: setpoint, type: FLOAT, accessMode: ReadWrite}
                """);
        for (int i = 0; i < DEVICES; i++) {
            yaml.append("""
                    ---
                    apiVersion: devices.kubeedge.io/v1beta1
                    kind: Device
                    metadata:
                      name: sensor-%d
                    spec:
                      deviceModelRef: {name: sensor-model}
                      protocol: {protocolName: virtual}
                      properties:
                        - name: setpoint
                          desired:
                            value: "%s"
                    """.formatted(i, setpoint(i)));
        }
        yaml.append("---\n").append(configMap("revision", String.valueOf(revision)));
        return yaml.toString();
    }

    /** Truncates the file, writes up to {@code cut}, pauses, writes the rest: one file, rewritten in place. */
    private static void writeInTwoParts(Path file, String content, int cut, long pauseMillis) throws Exception {
        byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes, 0, cut));
            Thread.sleep(pauseMillis);
            channel.write(java.nio.ByteBuffer.wrap(bytes, cut, bytes.length - cut));
        }
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
        return config(directory, intervalMillis, maxFileBytes, enabled, 0, 0);
    }

    static ManifestSource.Config config(String directory, long intervalMillis, long maxFileBytes, boolean enabled,
                                        long settleMillis, long deleteGraceMillis) {
        return new ManifestSource.Config() {
            @Override
            public long settle_ms() {
                return settleMillis;
            }

            @Override
            public long delete_grace_ms() {
                return deleteGraceMillis;
            }

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
