package io.karedge.manifests.internal;

import io.karedge.test.support.InMemoryMetaStore;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ObjectKey;
import io.karedge.manifests.ManifestReport;
import io.karedge.manifests.ManifestReport.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A directory, a store, a reconciler and the problem lines it reported. */
final class ReconcilerFixture implements ProblemReporter {

    static final long MAX_BYTES = 1024 * 1024;

    final Path directory;
    final InMemoryMetaStore store;
    final List<String> problems = new CopyOnWriteArrayList<>();
    ManifestReconciler reconciler;

    ReconcilerFixture(Path directory) {
        this(directory, new InMemoryMetaStore());
    }

    ReconcilerFixture(Path directory, InMemoryMetaStore store) {
        this.directory = directory;
        this.store = store;
        restart();
    }

    /** A new reconciler on the same directory and store, as after a restart of the bundle. */
    void restart() {
        reconciler = new ManifestReconciler(store, directory, MAX_BYTES, this, Clock.systemUTC());
    }

    @Override
    public void report(String where, Problem problem) {
        problems.add(ProblemReporter.format(where, problem));
    }

    ManifestReport scan() {
        reconciler.scan(Set.of());
        return reconciler.report();
    }

    /** Writes a file and moves its modification time, so a change is seen even within one clock tick. */
    Path write(String name, String content) throws IOException {
        Path file = directory.resolve(name);
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, content);
        if (before != null && before.equals(Files.getLastModifiedTime(file))) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
        }
        return file;
    }

    void remove(String name) throws IOException {
        Files.delete(directory.resolve(name));
    }

    void putCloud(String kind, String name) {
        String apiVersion = kind.startsWith("Device") ? "devices.kubeedge.io/v1beta1" : "v1";
        store.put(KaredgeJson.mapper().createObjectNode()
                .put("apiVersion", apiVersion).put("kind", kind)
                .set("metadata", KaredgeJson.mapper().createObjectNode().put("name", name)
                        .put("namespace", "default")), "cloud");
    }

    String source(String kind, String name) {
        return store.sourceOf(key(kind, name));
    }

    static ObjectKey key(String kind, String name) {
        return ObjectKey.of(kind, "default", name);
    }

    static String configMap(String name, String value) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                data:
                  value: "%s"
                """.formatted(name, value);
    }
}
