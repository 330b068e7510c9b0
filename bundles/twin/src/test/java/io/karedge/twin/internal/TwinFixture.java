package io.karedge.twin.internal;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** An engine on an in-memory store with a fixed clock, node {@code edge-node-7}. */
abstract class TwinFixture {

    static final String NODE = "edge-node-7";
    static final String THERMO = "plant-a/thermo-01";
    static final long T0 = 1767225600012L;

    final TestClock clock = new TestClock(T0);
    final InMemoryTwinStore store = new InMemoryTwinStore();
    final RecordingListener listener = new RecordingListener();
    DeviceTwinEngine engine;

    DeviceTwinEngine start(TwinStore twinStore, EngineSettings settings) {
        engine = new DeviceTwinEngine(twinStore, NODE, settings, clock);
        engine.addListener(listener);
        return engine;
    }

    DeviceTwinEngine start() {
        return start(store, EngineSettings.defaults());
    }

    @AfterEach
    void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Makes a device a member (no desired values) and waits until it is. */
    void join(TwinEngine target, String deviceId, MemberDevice.Desired... desired) {
        String name = deviceId.substring(deviceId.indexOf('/') + 1);
        ((DeviceTwinEngine) target).memberChanged(new MemberDevice(deviceId, name, name + "-label", List.of(desired)));
        await().atMost(Duration.ofSeconds(5)).until(() -> target.members().contains(deviceId));
        reply(target.handle(TwinRequest.ofPayload(TwinOperation.TWIN_GET, deviceId, new byte[] {'{', '}'},
                TwinOrigin.MQTT)));
    }

    void join(String deviceId, MemberDevice.Desired... desired) {
        join(engine, deviceId, desired);
    }

    /**
     * Waits until every change of the device so far has reached the listeners: a reply completes before
     * its listeners are called, but a later request of the same device is answered only after that.
     */
    void settle(String deviceId) {
        send(TwinOperation.TWIN_GET, deviceId, "{}");
    }

    /** @return the tree re-read, so numbers compare by value with trees from {@link #json} */
    static JsonNode tree(JsonNode node) {
        return json(text(node));
    }

    TwinReply send(TwinOperation operation, String target, String payload) {
        return reply(engine.handle(TwinRequest.ofPayload(operation, target,
                payload.getBytes(StandardCharsets.UTF_8), TwinOrigin.MQTT)));
    }

    TwinReply update(String deviceId, String payload) {
        return send(TwinOperation.TWIN_UPDATE, deviceId, payload);
    }

    static TwinReply reply(CompletionStage<TwinReply> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no reply: " + e, e);
        }
    }

    static JsonNode json(String text) {
        try {
            return KaredgeJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String text(JsonNode node) {
        return Messages.text(node);
    }

    JsonNode stored(String deviceId, String property) {
        return store.get(deviceId, property).orElseThrow().twin();
    }
}
