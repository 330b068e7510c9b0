package io.karedge.manifests.internal;

import static io.karedge.manifests.internal.ReconcilerFixture.configMap;
import static io.karedge.manifests.internal.ReconcilerFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.WatchEvent;
import io.karedge.manifests.ManifestReport;
import io.karedge.manifests.ManifestReport.FileReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReconcilerTest {

    static final String ALL_KINDS = """
            # every supported kind, with empty documents in between
            ---
            ---
            apiVersion: devices.kubeedge.io/v1beta1
            kind: DeviceModel
            metadata:
              name: thermo-model
            spec:
              protocol: virtual
              properties:
                - {name: temperature, type: FLOAT, accessMode: ReadOnly}
            ---
            apiVersion: devices.kubeedge.io/v1beta1
            kind: Device
            metadata:
              name: thermo-01
              namespace: default
            spec:
              deviceModelRef: {name: thermo-model}
              protocol: {protocolName: virtual}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: web, image: nginx}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: demo}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: token}
            stringData: {token: s3cret}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: web}
            subsets: [{addresses: [{ip: 127.0.0.1}], ports: [{port: 8080}]}]
            ---
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: ConfigMap
                metadata: {name: from-list}
            ---
            """;

    @TempDir
    Path directory;

    ReconcilerFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ReconcilerFixture(directory);
    }

    @Test
    void multiDocumentFileAppliesEveryKind() throws IOException {
        fx.write("all.yaml", ALL_KINDS);

        ManifestReport report = fx.scan();

        assertThat(fx.problems).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.files()).singleElement().satisfies(file -> {
            assertThat(file.name()).isEqualTo("all.yaml");
            assertThat(file.lastRead()).isNotNull();
            assertThat(file.objects()).containsExactly(
                    key("ConfigMap", "from-list"), key("ConfigMap", "settings"), key("Device", "thermo-01"),
                    key("DeviceModel", "thermo-model"), key("Endpoints", "web"), key("Pod", "web"),
                    key("Secret", "token"), key("Service", "web"));
        });
        assertThat(fx.store.countByKind()).containsOnlyKeys("ConfigMap", "Device", "DeviceModel", "Endpoints",
                "Pod", "Secret", "Service");
        assertThat(fx.source("Device", "thermo-01")).isEqualTo("manifest:all.yaml");
        StoredObject secret = fx.store.get(key("Secret", "token")).orElseThrow();
        assertThat(secret.object().path("data").path("token").asText())
                .isEqualTo(Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(secret.object().has("stringData")).isFalse();
        assertThat(fx.store.get(key("Pod", "web")).orElseThrow().object().path("metadata").path("namespace")
                .asText()).isEqualTo("default");
    }

    @Test
    void unchangedFilesCauseNoWrites() throws IOException {
        fx.write("all.yaml", ALL_KINDS);
        fx.write("b.yml", configMap("b", "1"));
        fx.scan();
        long version = fx.store.resourceVersion();
        int writes = fx.store.writeCalls.get();

        fx.scan();
        fx.scan();
        Path file = directory.resolve("all.yaml");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        fx.reconciler.scan(Set.of("all.yaml", "b.yml"));
        fx.restart();
        fx.scan();

        assertThat(fx.store.resourceVersion()).isEqualTo(version);
        assertThat(fx.store.writeCalls.get()).isEqualTo(writes);
        assertThat(fx.problems).isEmpty();
    }

    @Test
    void editingADocumentUpdatesOnlyThatObject() throws IOException {
        fx.write("a.yaml", configMap("one", "1") + "---\n" + configMap("two", "2"));
        fx.scan();
        long twoVersion = fx.store.get(key("ConfigMap", "two")).orElseThrow().resourceVersion();

        fx.write("a.yaml", configMap("one", "changed") + "---\n" + configMap("two", "2"));
        fx.scan();

        assertThat(fx.store.get(key("ConfigMap", "one")).orElseThrow().object().path("data").path("value").asText())
                .isEqualTo("changed");
        assertThat(fx.store.get(key("ConfigMap", "two")).orElseThrow().resourceVersion()).isEqualTo(twoVersion);
    }

    @Test
    void removingOrRenamingADocumentDeletesExactlyItsObject() throws IOException {
        fx.write("a.yaml", configMap("one", "1") + "---\n" + configMap("two", "2") + "---\n" + configMap("three", "3"));
        fx.write("b.yaml", configMap("other", "x"));
        fx.putCloud("ConfigMap", "cloudy");
        fx.scan();

        fx.write("a.yaml", configMap("one", "1") + "---\n" + configMap("three-renamed", "3"));
        fx.scan();

        assertThat(fx.store.list(io.karedge.api.meta.Selector.ALL).items()).extracting(StoredObject::key)
                .containsExactlyInAnyOrder(key("ConfigMap", "one"), key("ConfigMap", "three-renamed"),
                        key("ConfigMap", "other"), key("ConfigMap", "cloudy"));
        assertThat(deletedKeys()).containsExactlyInAnyOrder(key("ConfigMap", "two"), key("ConfigMap", "three"));
    }

    @Test
    void deletingAFileDeletesExactlyItsObjectsAndNeverCloudObjects() throws IOException {
        fx.write("a.yaml", ALL_KINDS);
        fx.write("b.yaml", configMap("keep", "1"));
        fx.putCloud("ConfigMap", "cloudy");
        fx.putCloud("Device", "cloud-device");
        fx.scan();

        fx.remove("a.yaml");
        ManifestReport report = fx.scan();

        assertThat(fx.store.list(io.karedge.api.meta.Selector.ALL).items()).extracting(StoredObject::key)
                .containsExactlyInAnyOrder(key("ConfigMap", "keep"), key("ConfigMap", "cloudy"),
                        key("Device", "cloud-device"));
        assertThat(fx.source("ConfigMap", "cloudy")).isEqualTo("cloud");
        assertThat(report.files()).extracting(FileReport::name).containsExactly("b.yaml");
        assertThat(fx.problems).isEmpty();
    }

    @Test
    void objectsOfOtherSourcesAreNotOverwritten() throws IOException {
        fx.putCloud("ConfigMap", "shared");
        long version = fx.store.resourceVersion();
        fx.write("a.yaml", configMap("mine", "1") + "---\n" + configMap("shared", "from-file"));

        fx.scan();
        fx.remove("a.yaml");
        fx.scan();

        StoredObject shared = fx.store.get(key("ConfigMap", "shared")).orElseThrow();
        assertThat(shared.source()).isEqualTo("cloud");
        assertThat(shared.resourceVersion()).isEqualTo(version);
        assertThat(fx.store.get(key("ConfigMap", "mine"))).isEmpty();
        assertThat(fx.problems).containsExactly("a.yaml:8:1: ConfigMap/default/shared already exists with source "
                + "'cloud'; manifests never overwrite objects of other sources");
    }

    @Test
    void invalidYamlNamesFileAndLineAndKeepsPreviousObjects() throws IOException {
        fx.write("a.yaml", configMap("one", "1") + "---\n" + configMap("two", "2"));
        fx.scan();
        long version = fx.store.resourceVersion();

        fx.write("a.yaml", configMap("one", "1") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two\n");
        ManifestReport report = fx.scan();

        assertThat(fx.store.resourceVersion()).isEqualTo(version);
        assertThat(fx.store.get(key("ConfigMap", "two"))).isPresent();
        assertThat(fx.problems).singleElement().asString()
                .startsWith("a.yaml:11:1: YAML syntax error: while parsing a flow mapping: ")
                .contains("the rest of the file is not read");
        assertThat(report.files().get(0).problems()).singleElement()
                .satisfies(problem -> assertThat(problem.line()).isEqualTo(11));
        assertThat(report.files().get(0).objects()).containsExactly(key("ConfigMap", "one"), key("ConfigMap", "two"));
    }

    @Test
    void syntaxErrorInsideADocumentPointsAtItsLine() throws IOException {
        fx.write("bad.yaml", configMap("one", "1") + "---\nkind: ConfigMap\n  bad: : x\n");

        fx.scan();

        assertThat(fx.problems).singleElement().asString().startsWith("bad.yaml:9:6: YAML syntax error: ");
        assertThat(fx.store.get(key("ConfigMap", "one"))).isPresent();
    }

    @Test
    void validationErrorsNameTheLineOfTheirDocument() throws IOException {
        fx.write("bad.yaml", configMap("ok", "1") + """
                ---
                apiVersion: v1
                kind: Deployment
                metadata: {name: web}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {namespace: default}
                ---
                apiVersion: v1
                kind: Device
                metadata: {name: dev}
                ---
                kind: Pod
                metadata: {name: p}
                ---
                apiVersion: v1
                kind: List
                items:
                  - {apiVersion: v1, kind: Thing, metadata: {name: t}}
                """);

        fx.scan();

        assertThat(fx.problems).containsExactly(
                "bad.yaml:8:1: unknown kind Deployment (supported: Device, DeviceModel, Pod, ConfigMap, Secret, "
                        + "Service, Endpoints, List)",
                "bad.yaml:12:1: missing metadata.name for ConfigMap",
                "bad.yaml:16:1: wrong apiVersion v1 for kind Device (expected devices.kubeedge.io/v1beta1)",
                "bad.yaml:20:1: missing apiVersion for kind Pod (expected v1)",
                "bad.yaml:23:1: items[0]: unknown kind Thing (supported: Device, DeviceModel, Pod, ConfigMap, "
                        + "Secret, Service, Endpoints, List)");
        assertThat(fx.store.get(key("ConfigMap", "ok"))).isPresent();
    }

    @Test
    void errorsAreLoggedOnceUntilTheFileChanges() throws IOException {
        fx.write("bad.yaml", "apiVersion: v1\nkind: Gadget\nmetadata: {name: g}\n");
        fx.scan();
        fx.scan();
        fx.restart();
        fx.scan();
        assertThat(fx.problems).hasSize(2); // once, and once more after the restart

        fx.write("bad.yaml", "# edited\napiVersion: v1\nkind: Gadget\nmetadata: {name: g}\n");
        fx.scan();
        fx.scan();

        assertThat(fx.problems).hasSize(3).last().asString().startsWith("bad.yaml:2:1: unknown kind Gadget");
    }

    @Test
    void tooLargeFileIsRejectedWholeAndKeepsItsObjects() throws IOException {
        fx.write("big.yaml", configMap("small", "1"));
        fx.scan();
        long version = fx.store.resourceVersion();

        Path big = directory.resolve("big.yaml");
        byte[] line = ("# " + "x".repeat(97) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write(configMap("other", "2").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 100_000; i++) {
                out.write(line);
            }
        }
        long size = Files.size(big);
        assertThat(size).isGreaterThan(10_000_000L);
        ManifestReport report = fx.scan();

        assertThat(fx.store.resourceVersion()).isEqualTo(version);
        assertThat(fx.store.get(key("ConfigMap", "small"))).isPresent();
        assertThat(fx.problems).containsExactly("big.yaml: file is " + size + " bytes, over the limit of 1048576 "
                + "bytes (max.file.bytes); not read, the objects applied from it are kept");
        assertThat(report.files().get(0).objects()).containsExactly(key("ConfigMap", "small"));
    }

    @Test
    void fileMixingValidAndInvalidDocumentsAppliesTheValidOnesAndDeletesNothing() throws IOException {
        fx.write("mixed.yaml", configMap("a", "1") + "---\n" + configMap("b", "1") + "---\n" + configMap("c", "1"));
        fx.scan();

        String unknownKind = configMap("b", "2").replace("kind: ConfigMap", "kind: Nope");
        fx.write("mixed.yaml", configMap("a", "2") + "---\n" + unknownKind + "---\n" + configMap("d", "2"));
        ManifestReport report = fx.scan();

        assertThat(value("a")).isEqualTo("2");
        assertThat(value("b")).isEqualTo("1");
        assertThat(value("c")).isEqualTo("1");
        assertThat(value("d")).isEqualTo("2");
        assertThat(deletedKeys()).isEmpty();
        assertThat(fx.problems).singleElement().asString().startsWith("mixed.yaml:8:1: unknown kind Nope");
        assertThat(report.files().get(0).objects()).extracting(ObjectKey::name).containsExactly("a", "b", "c", "d");

        fx.write("mixed.yaml", configMap("a", "2"));
        fx.scan();
        assertThat(deletedKeys()).extracting(ObjectKey::name).containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void firstFileInNameOrderWinsADuplicate() throws IOException {
        fx.write("b.yaml", configMap("dup", "from-b") + "---\n" + configMap("only-b", "1"));
        fx.scan();
        assertThat(fx.source("ConfigMap", "dup")).isEqualTo("manifest:b.yaml");

        fx.write("a.yaml", "# first\n" + configMap("dup", "from-a"));
        ManifestReport report = fx.scan();

        assertThat(fx.source("ConfigMap", "dup")).isEqualTo("manifest:a.yaml");
        assertThat(value("dup")).isEqualTo("from-a");
        assertThat(fx.problems).containsExactly("b.yaml:1:1: ConfigMap/default/dup is already defined in a.yaml "
                + "(line 2); the first file in name order wins, this definition is ignored");
        assertThat(report.files()).extracting(FileReport::name).containsExactly("a.yaml", "b.yaml");
        assertThat(report.files().get(1).objects()).containsExactly(key("ConfigMap", "only-b"));

        fx.remove("a.yaml");
        fx.scan();

        assertThat(fx.source("ConfigMap", "dup")).isEqualTo("manifest:b.yaml");
        assertThat(value("dup")).isEqualTo("from-b");
        assertThat(deletedKeys()).isEmpty();
    }

    @Test
    void activationRemovesObjectsOfFilesThatDisappearedWhileStopped() throws IOException {
        fx.write("gone.yaml", configMap("g1", "1") + "---\n" + configMap("g2", "1"));
        fx.write("kept.yaml", configMap("k1", "1") + "---\n" + configMap("k2", "1"));
        fx.write("broken.yaml", configMap("b1", "1"));
        fx.putCloud("ConfigMap", "cloudy");
        fx.store.put(fx.store.get(key("ConfigMap", "cloudy")).orElseThrow().copy(), "manifest:/some/other/path");
        fx.scan();

        // the bundle is stopped; meanwhile the files change
        fx.remove("gone.yaml");
        fx.write("kept.yaml", configMap("k1", "1"));
        fx.write("broken.yaml", "kind: [");
        fx.restart();
        fx.scan();

        assertThat(fx.store.list(io.karedge.api.meta.Selector.ALL).items()).extracting(StoredObject::key)
                .extracting(ObjectKey::name).containsExactlyInAnyOrder("k1", "b1", "cloudy");
        assertThat(fx.problems).singleElement().asString().startsWith("broken.yaml:1:");
    }

    @Test
    void missingDirectoryDeletesNothingAndIsReportedOnce() throws IOException {
        Path sub = Files.createDirectory(directory.resolve("manifests"));
        ReconcilerFixture inSub = new ReconcilerFixture(sub, fx.store);
        inSub.write("a.yaml", configMap("one", "1"));
        inSub.scan();

        inSub.remove("a.yaml");
        Files.delete(sub);
        inSub.scan();
        ManifestReport report = inSub.scan();

        assertThat(fx.store.get(key("ConfigMap", "one"))).isPresent();
        assertThat(report.problem()).contains("does not exist");
        assertThat(inSub.problems).containsExactly(sub + ": directory does not exist; nothing is applied or "
                + "deleted until it does");

        Files.createDirectory(sub);
        report = inSub.scan();
        assertThat(report.problem()).isNull();
        assertThat(fx.store.get(key("ConfigMap", "one"))).isEmpty();
    }

    @Test
    void storeFailuresAreRetriedAndDeleteNothing() throws IOException {
        fx.write("a.yaml", configMap("one", "1") + "---\n" + configMap("two", "1"));
        fx.scan();

        fx.store.failWrites = true;
        fx.write("a.yaml", configMap("one", "2"));
        fx.scan();
        fx.scan();
        assertThat(fx.problems).singleElement().asString()
                .startsWith("a.yaml:1:1: cannot store ConfigMap/default/one, retrying at the next scan");
        assertThat(value("one")).isEqualTo("1");
        assertThat(fx.store.get(key("ConfigMap", "two"))).isPresent();

        fx.store.failWrites = false;
        ManifestReport report = fx.scan();
        assertThat(value("one")).isEqualTo("2");
        assertThat(fx.store.get(key("ConfigMap", "two"))).isEmpty();
        assertThat(report.ok()).isTrue();
    }

    @Test
    void hiddenAndOtherFilesAreIgnored() throws IOException {
        fx.write(".hidden.yaml", configMap("hidden", "1"));
        fx.write("notes.txt", configMap("text", "1"));
        fx.write("upper.YML", configMap("upper", "1"));
        Files.createDirectory(directory.resolve("sub.yaml"));
        Files.writeString(directory.resolve("sub.yaml").resolve("nested.yaml"), configMap("nested", "1"));

        ManifestReport report = fx.scan();

        assertThat(report.files()).extracting(FileReport::name).containsExactly("upper.YML");
        assertThat(fx.store.countByKind()).containsEntry("ConfigMap", 1L);
    }

    @Test
    void invalidNameIsReportedWithItsLine() throws IOException {
        fx.write("a.yaml", configMap("ok", "1") + "---\n" + configMap("Not_Valid", "1"));

        fx.scan();

        assertThat(fx.problems).singleElement().asString()
                .startsWith("a.yaml:8:1: invalid metadata.name 'Not_Valid'");
        assertThat(fx.store.get(key("ConfigMap", "ok"))).isPresent();
    }

    private String value(String configMap) {
        return fx.store.get(key("ConfigMap", configMap)).orElseThrow().object().path("data").path("value").asText();
    }

    private List<ObjectKey> deletedKeys() {
        return fx.store.history().stream().filter(event -> event.type() == WatchEvent.Type.DELETED)
                .map(event -> event.object().key()).toList();
    }
}
