package io.karedge.store.internal;

import static io.karedge.store.internal.TestObjects.configMap;
import static io.karedge.store.internal.TestObjects.object;
import static io.karedge.store.internal.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.InvalidObjectException;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.StoredObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetaStoreTest {

    @TempDir
    Path dataDirectory;

    private Store store;
    private SqliteMetaStore meta;

    @BeforeEach
    void open() {
        store = Store.open(dataDirectory, StoreSettings.defaults());
        meta = store.metaStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        open();
    }

    @Test
    void putThenGetReturnsTheStoredCopyWithItsVersion() {
        ObjectNode pod = pod("edge", "web", "nginx:1");

        StoredObject stored = meta.put(pod, "cloud");
        pod.put("kind", "Changed");  // the store keeps its own copy

        assertThat(stored.key()).isEqualTo(ObjectKey.of("Pod", "edge", "web"));
        assertThat(stored.resourceVersion()).isEqualTo(1);
        assertThat(stored.source()).isEqualTo("cloud");
        Optional<StoredObject> read = meta.get(ObjectKey.of("Pod", "edge", "web"));
        assertThat(read).isPresent();
        assertThat(read.get().resourceVersion()).isEqualTo(1);
        assertThat(read.get().source()).isEqualTo("cloud");
        assertThat(read.get().object().path("kind").asText()).isEqualTo("Pod");
        assertThat(read.get().object().at("/spec/containers/0/image").asText()).isEqualTo("nginx:1");
        assertThat(meta.resourceVersion()).isEqualTo(1);
        assertThat(meta.get(ObjectKey.of("Pod", "edge", "other"))).isEmpty();
    }

    @Test
    void anObjectWithoutCreationTimestampGetsOneWhenFirstStoredAndKeepsIt() throws Exception {
        StoredObject first = meta.put(configMap("default", "settings", "1"), "manifest");
        String created = first.object().path("metadata").path("creationTimestamp").asText();
        assertThat(java.time.Instant.parse(created)).isBeforeOrEqualTo(java.time.Instant.now());

        Thread.sleep(1100);
        StoredObject same = meta.put(configMap("default", "settings", "1"), "manifest");
        assertThat(same.resourceVersion()).as("unchanged object, no new version").isEqualTo(first.resourceVersion());
        StoredObject changed = meta.put(configMap("default", "settings", "2"), "manifest");
        assertThat(changed.resourceVersion()).isGreaterThan(first.resourceVersion());
        assertThat(changed.object().path("metadata").path("creationTimestamp").asText()).isEqualTo(created);
        reopen();
        assertThat(meta.get(changed.key()).orElseThrow().object().path("metadata").path("creationTimestamp").asText())
                .isEqualTo(created);
    }

    @Test
    void theCloudsCreationTimestampIsKept() {
        ObjectNode pod = pod("edge", "web", "nginx:1");
        ((ObjectNode) pod.get("metadata")).put("creationTimestamp", "2026-01-02T03:04:05Z");
        assertThat(meta.put(pod, "cloud").object().path("metadata").path("creationTimestamp").asText())
                .isEqualTo("2026-01-02T03:04:05Z");
    }

    @Test
    void replacingTakesTheNextVersionOfTheStoreWideCounter() {
        meta.put(pod("edge", "a", "nginx:1"), "cloud");
        meta.put(configMap("edge", "b", "x"), "cloud");
        StoredObject replaced = meta.put(pod("edge", "a", "nginx:2"), "cloud");

        assertThat(replaced.resourceVersion()).isEqualTo(3);
        assertThat(meta.get(replaced.key()).orElseThrow().object().at("/spec/containers/0/image").asText())
                .isEqualTo("nginx:2");
        assertThat(meta.resourceVersion()).isEqualTo(3);
    }

    @Test
    void puttingEqualContentFromTheSameSourceChangesNothing() {
        StoredObject first = meta.put(pod("edge", "web", "nginx:1"), "cloud");
        ObjectNode sameContentOtherFieldOrder = KaredgeJson.mapper().createObjectNode();
        sameContentOtherFieldOrder.set("spec", first.object().get("spec").deepCopy());
        sameContentOtherFieldOrder.set("metadata", first.object().get("metadata").deepCopy());
        sameContentOtherFieldOrder.put("kind", "Pod");
        sameContentOtherFieldOrder.put("apiVersion", "v1");

        StoredObject again = meta.put(pod("edge", "web", "nginx:1"), "cloud");
        StoredObject reordered = meta.put(sameContentOtherFieldOrder, "cloud");

        assertThat(again.resourceVersion()).isEqualTo(first.resourceVersion());
        assertThat(reordered.resourceVersion()).isEqualTo(first.resourceVersion());
        assertThat(meta.resourceVersion()).isEqualTo(1);

        StoredObject otherSource = meta.put(pod("edge", "web", "nginx:1"), "local");
        assertThat(otherSource.resourceVersion()).isEqualTo(2);
        assertThat(meta.get(otherSource.key()).orElseThrow().source()).isEqualTo("local");
    }

    @Test
    void namespacedKindsDefaultToTheDefaultNamespaceAndClusterKindsHaveNone() {
        StoredObject pod = meta.put(pod(null, "web", "nginx"), "local");
        StoredObject node = meta.put(object("Node", "ignored", "edge-1"), "local");
        StoredObject custom = meta.put(object("Widget", null, "w1"), "local");

        assertThat(pod.key()).isEqualTo(ObjectKey.of("Pod", "default", "web"));
        assertThat(pod.object().at("/metadata/namespace").asText()).isEqualTo("default");
        assertThat(node.key()).isEqualTo(ObjectKey.of("Node", "", "edge-1"));
        assertThat(custom.key()).isEqualTo(ObjectKey.of("Widget", "default", "w1"));
        assertThat(meta.get(ObjectKey.of("Node", "", "edge-1"))).isPresent();
        assertThat(meta.get(ObjectKey.of("Pod", "default", "web"))).isPresent();
    }

    @Test
    void invalidObjectsAreRejectedWithAClearMessage() {
        ObjectNode noKind = pod("edge", "web", "x");
        noKind.remove("kind");
        ObjectNode noMetadata = pod("edge", "web", "x");
        noMetadata.remove("metadata");
        ObjectNode noName = pod("edge", "web", "x");
        ((ObjectNode) noName.get("metadata")).remove("name");

        assertThatThrownBy(() -> meta.put(noKind, "local"))
                .isInstanceOf(InvalidObjectException.class).hasMessageContaining("no kind");
        assertThatThrownBy(() -> meta.put(noMetadata, "local"))
                .isInstanceOf(InvalidObjectException.class).hasMessageContaining("no metadata");
        assertThatThrownBy(() -> meta.put(noName, "local"))
                .isInstanceOf(InvalidObjectException.class).hasMessageContaining("metadata.name");
        assertThatThrownBy(() -> meta.put(pod("edge", "Web", "x"), "local"))
                .isInstanceOf(InvalidObjectException.class).hasMessageContaining("\"Web\"")
                .hasMessageContaining("DNS-1123 subdomain");
        assertThatThrownBy(() -> meta.put(pod("edge", "a_b", "x"), "local"))
                .isInstanceOf(InvalidObjectException.class);
        assertThatThrownBy(() -> meta.put(pod("edge", "-web", "x"), "local"))
                .isInstanceOf(InvalidObjectException.class);
        assertThatThrownBy(() -> meta.put(pod("edge", "a".repeat(254), "x"), "local"))
                .isInstanceOf(InvalidObjectException.class);
        assertThatThrownBy(() -> meta.put(pod("edge.dots", "web", "x"), "local"))
                .isInstanceOf(InvalidObjectException.class).hasMessageContaining("DNS-1123 label");
        assertThatThrownBy(() -> meta.put(pod("x".repeat(64), "web", "x"), "local"))
                .isInstanceOf(InvalidObjectException.class);

        assertThat(meta.put(pod("edge", "web-1.v2", "x"), "local").key().name()).isEqualTo("web-1.v2");
        assertThat(meta.put(pod("edge", "a".repeat(253), "x"), "local").key().name()).hasSize(253);
        assertThat(meta.resourceVersion()).isEqualTo(2);
    }

    @Test
    void listReturnsMatchingObjectsInKeyOrderWithTheVersionReadAt() {
        meta.put(pod("b", "web", "x"), "cloud");
        meta.put(pod("a", "web", "x"), "cloud");
        meta.put(configMap("a", "settings", "1"), "cloud");
        meta.put(object("Node", null, "edge-1"), "cloud");
        meta.put(pod("a", "api", "x"), "cloud");

        ListResult all = meta.list(Selector.ALL);
        ListResult pods = meta.list(Selector.kind("Pod"));
        ListResult inA = meta.list(Selector.of(null, "a"));
        ListResult podsInA = meta.list(Selector.of("Pod", "a"));

        assertThat(all.resourceVersion()).isEqualTo(5);
        assertThat(all.items()).extracting(item -> item.key().toString())
                .containsExactly("ConfigMap/a/settings", "Node/edge-1", "Pod/a/api", "Pod/a/web", "Pod/b/web");
        assertThat(pods.items()).extracting(item -> item.key().toString())
                .containsExactly("Pod/a/api", "Pod/a/web", "Pod/b/web");
        assertThat(inA.items()).hasSize(3);
        assertThat(podsInA.items()).extracting(item -> item.key().name()).containsExactly("api", "web");
        assertThat(meta.list(null).items()).hasSize(5);
    }

    @Test
    void deleteReturnsTheLastStateWithTheDeletionsVersion() {
        meta.put(pod("edge", "web", "nginx:1"), "cloud");
        meta.put(configMap("edge", "other", "x"), "cloud");

        Optional<StoredObject> deleted = meta.delete(ObjectKey.of("Pod", "edge", "web"));

        assertThat(deleted).isPresent();
        assertThat(deleted.get().resourceVersion()).isEqualTo(3);
        assertThat(deleted.get().source()).isEqualTo("cloud");
        assertThat(deleted.get().object().at("/spec/containers/0/image").asText()).isEqualTo("nginx:1");
        assertThat(meta.get(ObjectKey.of("Pod", "edge", "web"))).isEmpty();
        assertThat(meta.delete(ObjectKey.of("Pod", "edge", "web"))).isEmpty();
        assertThat(meta.resourceVersion()).isEqualTo(3);
    }

    @Test
    void countsObjectsByKind() {
        meta.put(pod("a", "p1", "x"), "cloud");
        meta.put(pod("b", "p2", "x"), "cloud");
        meta.put(configMap("a", "c1", "x"), "cloud");

        assertThat(meta.countByKind()).containsExactly(Map.entry("ConfigMap", 1L), Map.entry("Pod", 2L));

        meta.delete(ObjectKey.of("ConfigMap", "a", "c1"));
        assertThat(meta.countByKind()).containsExactly(Map.entry("Pod", 2L));
    }

    @Test
    void restartKeepsObjectsAndTheVersionCounter() {
        meta.put(pod("edge", "web", "nginx:1"), "cloud");
        meta.put(configMap("edge", "cfg", "1"), "cloud");
        meta.delete(ObjectKey.of("ConfigMap", "edge", "cfg"));

        reopen();

        assertThat(meta.resourceVersion()).isEqualTo(3);
        assertThat(meta.get(ObjectKey.of("Pod", "edge", "web")).orElseThrow().resourceVersion()).isEqualTo(1);
        assertThat(meta.get(ObjectKey.of("ConfigMap", "edge", "cfg"))).isEmpty();
        assertThat(meta.put(configMap("edge", "cfg", "2"), "cloud").resourceVersion()).isEqualTo(4);
        assertThat(meta.oldestWatchableVersion()).isZero();
    }

    @Test
    void writesAfterCloseFailAsStopping() {
        store.close();

        assertThatThrownBy(() -> meta.put(pod("edge", "web", "x"), "local"))
                .isInstanceOf(StoreException.class).hasMessage("store is stopping");
        assertThatThrownBy(() -> meta.get(ObjectKey.of("Pod", "edge", "web")))
                .isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    @Test
    void theDatabaseFileIsInTheDataDirectoryAndPassesTheIntegrityCheck() {
        meta.put(pod("edge", "web", "x"), "local");

        assertThat(store.database().file()).isEqualTo(dataDirectory.resolve("karedge.db").toAbsolutePath());
        assertThat(store.database().integrityCheck()).isEqualTo("ok");
    }
}
