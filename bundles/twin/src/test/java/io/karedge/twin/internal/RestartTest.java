package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.store.internal.StoreComponent;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability on the real SQLite store: a new engine on the same store sees the same twins. */
class RestartTest extends TwinFixture {

    @TempDir
    Path directory;

    private static StoreComponent openStore(Path dataDirectory) {
        EdgeNode node = new EdgeNode() {
            @Override
            public String nodeName() {
                return NODE;
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
        StoreComponent.Config config = new StoreComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreComponent.Config.class;
            }

            @Override
            public String synchronous() {
                return "FULL";
            }

            @Override
            public int event_retention() {
                return 1000;
            }

            @Override
            public int max_batch() {
                return 256;
            }

            @Override
            public int watch_queue_limit() {
                return 1000;
            }

            @Override
            public long uplink_max_entries() {
                return 100_000;
            }

            @Override
            public long uplink_max_bytes() {
                return 64L * 1024 * 1024;
            }
        };
        return new StoreComponent(node, config);
    }

    private static void closeStore(StoreComponent store) throws Exception {
        Method deactivate = StoreComponent.class.getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(store);
    }

    @Test
    void aNewEngineOnTheSameStoreSeesTheSameTwinsStateAndVersions() throws Exception {
        StoreComponent sqlite = openStore(directory);
        start(sqlite, EngineSettings.defaults());
        join(THERMO);
        update(THERMO, """
                {"twin": {"temperature": {"actual": {"value": "21.5"}, "metadata": {"type": "float"}},
                          "setpoint": {"expected": {"value": "23"}}, "gone": {"actual": {"value": "1"}}}}""");
        update(THERMO, "{\"twin\": {\"gone\": null}}");
        send(TwinOperation.STATE_UPDATE, THERMO, "{\"state\": \"online\"}");
        reply(engine.setDesired(THERMO, "setpoint", "24", 1, TwinOrigin.REST));
        DeviceTwin before = engine.device(THERMO).orElseThrow();
        List<UplinkEntry> pending = sqlite.pending(0, 100);
        engine.close();
        closeStore(sqlite);

        StoreComponent reopened = openStore(directory);
        try {
            DeviceTwinEngine again = new DeviceTwinEngine(reopened, NODE, EngineSettings.defaults(), clock);
            try {
                assertThat(again.members()).containsExactly(THERMO);
                DeviceTwin after = again.device(THERMO).orElseThrow();
                assertThat(after.state()).isEqualTo("online");
                assertThat(after.lastOnline()).isEqualTo(before.lastOnline()).isNotNull();
                assertThat(after.twins().keySet()).isEqualTo(before.twins().keySet())
                        .containsExactlyInAnyOrder("temperature", "setpoint", "gone");
                for (TwinRecord record : before.twins().values()) {
                    TwinRecord reloaded = after.twins().get(record.property());
                    assertThat(reloaded.version()).isEqualTo(record.version());
                    assertThat(tree(reloaded.twin())).isEqualTo(tree(record.twin()));
                }
                assertThat(after.twins().get("setpoint").version()).isEqualTo(2);
                assertThat(after.twins().get("gone").twin().path("metadata").path("type").asText()).isEqualTo("deleted");
                assertThat(reopened.pending(0, 100)).hasSameSizeAs(pending).isNotEmpty();
                assertThat(reopened.pending(0, 100)).extracting(entry -> entry.message().resource())
                        .contains("device/plant-a/thermo-01/twin/edge_updated", "device/plant-a/thermo-01/state/update");
                assertThat(reply(again.setDesired(THERMO, "setpoint", "25", 2, TwinOrigin.REST)).version()).isEqualTo(3);
            } finally {
                again.close();
            }
        } finally {
            closeStore(reopened);
        }
    }
}
