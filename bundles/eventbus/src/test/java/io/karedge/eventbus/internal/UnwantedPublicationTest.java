package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Publications nobody subscribed to are not written as JSON nor published; wanted ones still are. */
class UnwantedPublicationTest {

    /** A publisher that only wants some topics. */
    private static final class Selective implements BusPublisher {
        final RecordingPublisher recorded = new RecordingPublisher();
        final Set<String> wanted;

        Selective(Set<String> wanted) {
            this.wanted = wanted;
        }

        @Override
        public void publish(String topic, byte[] payload) {
            recorded.publish(topic, payload);
        }

        @Override
        public boolean wanted(String topic) {
            return wanted.contains(topic);
        }
    }

    private final FakeTwinEngine engine = new FakeTwinEngine();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void onlyWantedPublicationsAndResultsArePublished() throws Exception {
        Selective publisher = new Selective(Set.of(
                "$hw/events/device/thermo/twin/update/delta",
                "$hw/events/device/default/thermo/twin/update/document"));
        BusDispatcher dispatcher = new BusDispatcher(engine, true, () -> null, executor, new BusMetrics(), () -> 1L);
        dispatcher.publishTo(publisher);
        ObjectNode unwritable = FakeTwinEngine.MAPPER.createObjectNode();
        unwritable.putPOJO("notJson", new Object()); // fails if anyone tries to write it as JSON

        dispatcher.twinChanged(new TwinChange("default/thermo", TwinOrigin.MQTT, Map.of(), null, List.of(
                new TwinPublication("$hw/events/device/default/thermo/twin/update/document",
                        FakeTwinEngine.MAPPER.createObjectNode().put("n", 1)),
                new TwinPublication("$hw/events/device/default/thermo/twin/update/delta",
                        FakeTwinEngine.MAPPER.createObjectNode().put("n", 2)),
                new TwinPublication("$hw/events/node/edge-1/membership/updated", unwritable))));

        assertThat(publisher.recorded.topics()).containsExactly(
                "$hw/events/device/default/thermo/twin/update/document",
                "$hw/events/device/thermo/twin/update/delta");

        // a result nobody subscribed to is not published, and the message is still acknowledged
        dispatcher.published("$hw/events/device/plant/thermo/twin/update",
                "{\"event_id\":\"e-1\",\"twin\":{}}".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(publisher.recorded.topics()).hasSize(2);
    }

    @Test
    void theSubscriptionTreeKnowsWhetherAnyoneListens() {
        SubscriptionTree<String> tree = new SubscriptionTree<>();
        assertThat(tree.matchesAny("a/b/c")).isFalse();
        tree.add("a/+/c", "one", 1);
        assertThat(tree.matchesAny("a/b/c")).isTrue();
        assertThat(tree.matchesAny("a/b/d")).isFalse();
        assertThat(tree.matchesAny("a/b")).isFalse();
        tree.add("x/#", "two", 0);
        assertThat(tree.matchesAny("x")).isTrue();
        assertThat(tree.matchesAny("x/y/z")).isTrue();
        tree.add("#", "three", 0);
        assertThat(tree.matchesAny("$hw/events")).as("# does not match $ topics").isFalse();
        tree.add("$hw/events/device/+/twin/update/result", "four", 1);
        assertThat(tree.matchesAny("$hw/events/device/d1/twin/update/result")).isTrue();
        tree.remove("a/+/c", "one");
        tree.remove("#", "three");
        assertThat(tree.matchesAny("a/b/c")).isFalse();
        assertThat(tree.matchesAny("q")).isFalse();
    }
}
