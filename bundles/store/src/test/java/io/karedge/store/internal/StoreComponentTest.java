package io.karedge.store.internal;

import static io.karedge.store.internal.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoreException;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.uplink.UplinkMessage;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreComponentTest {

    @TempDir
    Path directory;

    private static EdgeNode node(Path dataDirectory) {
        return new EdgeNode() {
            @Override
            public String nodeName() {
                return "edge-1";
            }

            @Override
            public NodeMode mode() {
                return NodeMode.STANDALONE;
            }

            @Override
            public Path dataDirectory() {
                return dataDirectory;
            }
        };
    }

    @SuppressWarnings("all")
    private static StoreComponent.Config config(String synchronous) {
        return new StoreComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreComponent.Config.class;
            }

            @Override
            public String synchronous() {
                return synchronous;
            }

            @Override
            public int event_retention() {
                return 100;
            }

            @Override
            public int max_batch() {
                return 16;
            }

            @Override
            public int watch_queue_limit() {
                return 50;
            }

            @Override
            public long uplink_max_entries() {
                return StoreSettings.DEFAULT_UPLINK_MAX_ENTRIES;
            }

            @Override
            public long uplink_max_bytes() {
                return StoreSettings.DEFAULT_UPLINK_MAX_BYTES;
            }
        };
    }

    @Test
    void activationOpensTheDatabaseInTheNodesDataDirectoryAndDeactivationClosesIt() throws Exception {
        Path dataDirectory = directory.resolve("not/yet/there");
        StoreComponent component = new StoreComponent(node(dataDirectory), config("normal"));

        component.put(pod("edge", "web", "nginx"), "local");
        component.put("edge/d1", "temperature", TextNode.valueOf("20"), TwinStore.ANY_VERSION);
        component.enqueue(new UplinkMessage("edged", "resource", "update", "edge/podstatus/web",
                TextNode.valueOf("Running"), null));

        assertThat(Files.exists(dataDirectory.resolve("karedge.db"))).isTrue();
        assertThat(component.get(ObjectKey.of("Pod", "edge", "web"))).isPresent();
        assertThat(component.countByKind()).containsEntry("Pod", 1L);
        assertThat(component.get("edge/d1")).containsOnlyKeys("temperature");
        assertThat(component.devices()).containsExactly("edge/d1");
        assertThat(component.depth()).isEqualTo(1);
        component.deactivate();

        assertThatThrownBy(() -> component.put(pod("edge", "other", "nginx"), "local"))
                .isInstanceOf(StoreException.class).hasMessage("store is stopping");
        StoreComponent again = new StoreComponent(node(dataDirectory), config("FULL"));
        assertThat(again.resourceVersion()).isEqualTo(1);
        assertThat(again.count()).isEqualTo(1);
        assertThat(again.pending(0, 10)).hasSize(1);
        again.deactivate();
    }

    @Test
    void anUnknownSynchronousModeFailsActivationClearly() {
        assertThatThrownBy(() -> new StoreComponent(node(directory), config("OFF")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synchronous must be FULL or NORMAL");
    }

    @Test
    void connectionsUseWalAndTheConfiguredSynchronousMode() {
        for (StoreSettings.Synchronous mode : StoreSettings.Synchronous.values()) {
            Path dataDirectory = directory.resolve(mode.name());
            try (Store store = Store.open(dataDirectory, StoreSettings.defaults().withSynchronous(mode))) {
                String[] journalAndSync = store.database().read(connection -> {
                    try (Statement statement = connection.createStatement();
                         ResultSet journal = statement.executeQuery("PRAGMA journal_mode")) {
                        journal.next();
                        String journalMode = journal.getString(1);
                        try (ResultSet sync = statement.executeQuery("PRAGMA synchronous")) {
                            sync.next();
                            return new String[] {journalMode, sync.getString(1)};
                        }
                    }
                });
                assertThat(journalAndSync[0]).isEqualTo("wal");
                assertThat(journalAndSync[1]).isEqualTo(mode == StoreSettings.Synchronous.FULL ? "2" : "1");
            }
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new StoreSettings(StoreSettings.Synchronous.FULL, 0, 1, 1))
                .hasMessageContaining("event.retention");
        assertThatThrownBy(() -> new StoreSettings(StoreSettings.Synchronous.FULL, 1, 0, 1))
                .hasMessageContaining("max.batch");
        assertThatThrownBy(() -> new StoreSettings(StoreSettings.Synchronous.FULL, 1, 1, 0))
                .hasMessageContaining("watch.queue.limit");
        assertThat(StoreSettings.defaults()).isEqualTo(new StoreSettings(StoreSettings.Synchronous.FULL,
                10_000, 256, 10_000));
    }
}
