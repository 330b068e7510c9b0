package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.store.internal.StoreComponent;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a list answer and pushes around it meet in the store ({@link Downstream#replaceListed}). */
class DownstreamListTest {

    private static final ObjectKey ECHO = ObjectKey.of(Kinds.SERVICE, "default", "echo");

    @TempDir
    Path data;

    private StoreComponent store;
    private Downstream downstream;

    @BeforeEach
    void open() {
        store = Fixtures.openStore(data);
        downstream = new Downstream(store, "edge-1", new LinkStatusHolder(Clock.systemUTC(), "cloud", "edge-1",
                () -> 0), new RecentIds(100), node -> { });
    }

    @AfterEach
    void close() {
        Fixtures.closeStore(store);
    }

    @Test
    void aPushTheLastListNeitherNamesNorPredatesIsALateOneAndIgnored() {
        downstream.replaceListed(Kinds.SERVICE, List.of(), "50", "list");
        assertThat(downstream.apply(push("insert", "40"))).isEqualTo(Downstream.Outcome.STALE);
        assertThat(store.get(ECHO)).isEmpty();
        assertThat(downstream.apply(push("insert", "60"))).isEqualTo(Downstream.Outcome.APPLIED);
        assertThat(store.get(ECHO)).isPresent();
    }

    @Test
    void aListTakenBeforeADeleteDoesNotBringTheObjectBack() {
        downstream.apply(push("insert", "30"));
        downstream.apply(push("delete", "70"));
        downstream.replaceListed(Kinds.SERVICE, List.of(service("60")), "65", "list");
        assertThat(store.get(ECHO)).isEmpty();
        // a new session: the list is the truth again
        downstream.connected();
        downstream.replaceListed(Kinds.SERVICE, List.of(service("80")), "85", "list");
        assertThat(store.get(ECHO)).isPresent();
    }

    @Test
    void aListDeletesOnlyTheCloudsOlderObjectsOfItsKindAndNeverTheNodesOwnNode() {
        store.put(service("10"), Downstream.SOURCE);
        ObjectNode local = service("11");
        local.with("metadata").put("name", "local");
        store.put(local, "manifest:/etc/manifests/a.yaml");
        ObjectNode newer = service("90");
        newer.with("metadata").put("name", "newer");
        store.put(newer, Downstream.SOURCE);
        ObjectNode ownNode = CloudWatchFeedTest.node("edge-1");
        store.put(ownNode, Downstream.SOURCE);

        Downstream.Replaced replaced = downstream.replaceListed(Kinds.SERVICE, List.of(), "50", "list");
        assertThat(replaced.deleted()).isEqualTo(1);
        assertThat(store.get(ECHO)).isEmpty();
        assertThat(store.get(ObjectKey.of(Kinds.SERVICE, "default", "local"))).isPresent();
        assertThat(store.get(ObjectKey.of(Kinds.SERVICE, "default", "newer"))).as("newer than the list").isPresent();
        downstream.replaceListed(Kinds.NODE, List.of(), "50", "list");
        assertThat(store.get(ObjectKey.of(Kinds.NODE, "", "edge-1"))).isPresent();
    }

    private static ObjectNode service(String version) {
        ObjectNode service = CloudWatchFeedTest.service("default", "echo", "10.96.0.10");
        service.with("metadata").put("resourceVersion", version).put("uid", "uid-echo");
        return service;
    }

    private static Message push(String operation, String version) {
        return new Message(Message.newId(), "", System.currentTimeMillis(), version, "dynamiccontroller",
                Routes.GROUP_RESOURCE, operation, "default/service/echo", service(version));
    }
}
