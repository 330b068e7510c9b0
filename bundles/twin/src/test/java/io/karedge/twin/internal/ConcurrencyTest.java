package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyTest extends TwinFixture {

    private CompletionStage<TwinReply> actual(String deviceId, String property, int value) {
        String payload = "{\"twin\": {\"" + property + "\": {\"actual\": {\"value\": \"" + value + "\"}}}}";
        return engine.handle(TwinRequest.ofPayload(TwinOperation.TWIN_UPDATE, deviceId,
                payload.getBytes(StandardCharsets.UTF_8), TwinOrigin.DRIVER));
    }

    @Test
    void manyDevicesAreServedConcurrentlyAndEachKeepsItsCount() throws Exception {
        start(store, new EngineSettings(65536, 2, 64));
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            devices.add("plant-b/dev-" + i);
            join(devices.get(i));
        }
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<CompletableFuture<TwinReply>> replies = new ArrayList<>();
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int sender = t;
            sent.add(senders.submit(() -> {
                for (int n = 0; n < 50; n++) {
                    for (int d = sender; d < devices.size(); d += 4) {
                        synchronized (replies) {
                            replies.add(actual(devices.get(d), "level", n).toCompletableFuture());
                        }
                    }
                }
            }));
        }
        for (java.util.concurrent.Future<?> future : sent) {
            future.get(10, TimeUnit.SECONDS);
        }
        senders.shutdown();
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        assertThat(replies).allSatisfy(reply -> assertThat(reply.join().code()).isEqualTo(200));
        for (String device : devices) {
            assertThat(stored(device, "level").path("actual").path("value").asText()).isEqualTo("49");
            assertThat(stored(device, "level").path("actual_version").path("edge").asLong()).isEqualTo(50);
        }
    }

    @Test
    void aBusyDeviceIsBatchedAndKeepsTheOrderOfItsRequests() throws Exception {
        start(store, EngineSettings.defaults());
        join(THERMO);
        store.writeDelayMillis = 5;
        int writesBefore = store.writeCalls.get();
        listener.changes.clear();
        List<CompletableFuture<TwinReply>> replies = new ArrayList<>();
        for (int n = 1; n <= 300; n++) {
            replies.add(actual(THERMO, "level", n).toCompletableFuture());
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        for (int n = 0; n < 300; n++) {
            TwinReply reply = replies.get(n).join();
            assertThat(reply.code()).isEqualTo(200);
            assertThat(reply.result().path("twin").path("level").path("actual").path("value").asText())
                    .isEqualTo(String.valueOf(n + 1));
        }
        assertThat(store.writeCalls.get() - writesBefore).isLessThan(150);
        assertThat(stored(THERMO, "level").path("actual_version").path("edge").asLong()).isEqualTo(300);
        settle(THERMO);
        List<String> seen = listener.changes.stream().filter(change -> change.twins().containsKey("level"))
                .map(change -> change.twins().get("level").twin().path("actual").path("value").asText()).toList();
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= 300; n++) {
            expected.add(String.valueOf(n));
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        // the cloud learns the latest value once per property
        assertThat(store.uplink()).filteredOn(m -> "twin/plant-a/thermo-01/level".equals(m.coalesceKey())).hasSize(1);
    }

    @Test
    void aStaleConditionalWriteInABatchFailsOnlyItself() throws Exception {
        start();
        join(THERMO);
        assertThat(reply(engine.setDesired(THERMO, "setpoint", "20", 0, TwinOrigin.REST)).version()).isEqualTo(1);
        store.writeDelayMillis = 150;
        CompletionStage<TwinReply> blocker = actual(THERMO, "other", 1);
        Thread.sleep(30);
        CompletionStage<TwinReply> first = engine.setDesired(THERMO, "setpoint", "21", TwinStore.ANY_VERSION,
                TwinOrigin.REST);
        CompletionStage<TwinReply> stale = engine.setDesired(THERMO, "setpoint", "22", 1, TwinOrigin.REST);
        CompletionStage<TwinReply> after = actual(THERMO, "other", 2);

        assertThat(reply(blocker).code()).isEqualTo(200);
        assertThat(reply(first).version()).isEqualTo(2);
        TwinReply conflict = reply(stale);
        assertThat(conflict.code()).isEqualTo(409);
        assertThat(conflict.version()).isEqualTo(2);
        assertThat(reply(after).code()).isEqualTo(200);
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("21");
        assertThat(stored(THERMO, "other").path("actual").path("value").asText()).isEqualTo("2");
    }

    @Test
    void aConflictFoundOnlyByTheStoreIsRetriedWithoutTheConflictingRequest() throws Exception {
        start();
        join(THERMO);
        reply(engine.setDesired(THERMO, "setpoint", "20", 0, TwinOrigin.REST));
        store.put(THERMO, "setpoint", TextNode.valueOf("changed behind the engine's back"), TwinStore.ANY_VERSION);

        TwinReply conflict = reply(engine.setDesired(THERMO, "setpoint", "21", 1, TwinOrigin.REST));
        assertThat(conflict.code()).isEqualTo(409);
        assertThat(conflict.version()).isEqualTo(2);
        assertThat(reply(actual(THERMO, "other", 1)).code()).isEqualTo(200);
    }

    @Test
    void aFailedStoreWriteIsA500AndTheDeviceKeepsWorking() {
        start();
        join(THERMO);
        store.failWrites = 1;
        TwinReply failed = reply(actual(THERMO, "level", 1));
        assertThat(failed.code()).isEqualTo(500);
        assertThat(failed.result().path("code").asInt()).isEqualTo(500);
        assertThat(store.get(THERMO, "level")).isEmpty();
        assertThat(engine.device(THERMO).orElseThrow().twins()).doesNotContainKey("level");
        assertThat(reply(actual(THERMO, "level", 2)).code()).isEqualTo(200);
        settle(THERMO);
        assertThat(listener.changes).extracting(TwinChange::twins)
                .noneMatch(twins -> twins.containsKey("level")
                        && "1".equals(twins.get("level").twin().path("actual").path("value").asText()));
    }
}
