package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BusDispatcherTest {

    private final FakeTwinEngine engine = new FakeTwinEngine();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final BusMetrics metrics = new BusMetrics();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private volatile Uplink uplink;
    private final BusDispatcher dispatcher = dispatcher(true);

    private BusDispatcher dispatcher(boolean legacy) {
        BusDispatcher created = new BusDispatcher(engine, legacy, () -> uplink, executor, metrics, () -> 1234L);
        created.publishTo(publisher);
        return created;
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void twinUpdateGoesToTheEngineAndItsResultIsPublishedBeforeTheStageCompletes() {
        engine.hold = true;
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/plant/thermo/twin/update",
                bytes("{\"event_id\":\"e-1\",\"twin\":{}}"));

        assertThat(engine.requests).hasSize(1);
        assertThat(engine.requests.get(0).operation()).isEqualTo(TwinOperation.TWIN_UPDATE);
        assertThat(engine.requests.get(0).target()).isEqualTo("plant/thermo");
        assertThat(engine.requests.get(0).origin()).isEqualTo(TwinOrigin.MQTT);
        assertThat(ack.toCompletableFuture()).isNotDone();
        assertThat(publisher.sent).isEmpty();

        engine.held.poll().complete();

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(publisher.topics()).containsExactly("$hw/events/device/plant/thermo/twin/update/result");
        assertThat(publisher.sent.get(0).json().get("event_id").asText()).isEqualTo("e-1");
    }

    @Test
    void legacyRequestIsAnsweredInLegacyForm() {
        dispatcher.published("$hw/events/device/thermo/twin/get", bytes("{\"event_id\":\"g\"}"));

        assertThat(engine.requests.get(0).target()).isEqualTo("default/thermo");
        assertThat(publisher.topics()).containsExactly("$hw/events/device/thermo/twin/get/result");
    }

    @Test
    void malformedPayloadStillGoesToTheEngineWhichAnswers400() {
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/ns/d/twin/update", bytes("{not json"));

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(publisher.sent.get(0).json().get("code").asInt()).isEqualTo(400);
    }

    @Test
    void cloudUpdatedHasNoResult() {
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/ns/d/twin/cloud_updated", bytes("{}"));

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(engine.requests).hasSize(1);
        assertThat(publisher.sent).isEmpty();
    }

    @Test
    void aRefusedCloudUpdateIsSaidOnItsResultTopic() {
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/ns/d/twin/cloud_updated",
                bytes("not json"));

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(publisher.sent).hasSize(1);
        assertThat(publisher.sent.get(0).topic()).isEqualTo("$hw/events/device/ns/d/twin/cloud_updated/result");
        assertThat(publisher.sent.get(0).json().get("code").asInt()).isEqualTo(400);
    }

    @Test
    void anUnknownSuffixIsSaidOnItsResultTopic() {
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/ns/d/twin/frobnicate",
                bytes("{\"event_id\":\"f-1\"}"));

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(engine.requests).isEmpty();
        assertThat(publisher.sent.get(0).topic()).isEqualTo("$hw/events/device/ns/d/twin/frobnicate/result");
        assertThat(publisher.sent.get(0).json().get("event_id").asText()).isEqualTo("f-1");
    }

    @Test
    void badTopicGetsA400ErrorWithTheRequestsEventIdAndNoEngineCall() {
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/../thermo/twin/update",
                bytes("{\"event_id\":\"bad-1\"}"));

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(engine.requests).isEmpty();
        assertThat(publisher.topics()).containsExactly("$hw/events/device/../thermo/twin/update/result");
        JsonNode error = publisher.sent.get(0).json();
        assertThat(error.get("event_id").asText()).isEqualTo("bad-1");
        assertThat(error.get("timestamp").asLong()).isEqualTo(1234L);
        assertThat(error.get("code").asInt()).isEqualTo(400);
        assertThat(error.get("reason").asText()).isEqualTo("namespace '..' is not allowed");
        assertThat(metrics.rejectedCount()).isEqualTo(1);
    }

    @Test
    void badTopicWithABinaryPayloadGetsAnEmptyEventId() {
        dispatcher.published("$hw/events/node//membership/get", new byte[] {(byte) 0xff, 0, 1});

        JsonNode error = publisher.sent.get(0).json();
        assertThat(error.get("event_id").asText()).isEmpty();
        assertThat(publisher.topics()).containsExactly("$hw/events/node//membership/get/result");
    }

    @Test
    void wildcardTopicIsRejectedWithoutAnyPublication() {
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/+/thermo/twin/update", bytes("{}"));

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(engine.requests).isEmpty();
        assertThat(publisher.sent).isEmpty();
        assertThat(metrics.rejectedCount()).isEqualTo(1);
    }

    @Test
    void engineFailureFailsTheStageSoTheMessageIsNotAcknowledged() {
        engine.hold = true;
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/ns/d/twin/update", bytes("{}"));
        engine.held.poll().stage().completeExceptionally(new IllegalStateException("store is stopping"));

        assertThat(ack.toCompletableFuture()).isCompletedExceptionally();
        assertThat(publisher.sent).isEmpty();
        assertThat(metrics.errorCount()).isEqualTo(1);
    }

    @Test
    void engineReply500IsPublishedButNotAcknowledged() {
        engine.hold = true;
        CompletionStage<Void> ack = dispatcher.published("$hw/events/device/ns/d/state/update", bytes("{}"));
        ObjectNode result = FakeTwinEngine.MAPPER.createObjectNode().put("code", 500);
        engine.held.poll().stage().complete(new TwinReply(500, "disk full", result, 0));

        // nothing was stored: the result says why, but the message must not be acknowledged
        assertThat(ack.toCompletableFuture()).isCompletedExceptionally();
        assertThat(publisher.sent.get(0).json().get("code").asInt()).isEqualTo(500);
        assertThat(metrics.errorCount()).isEqualTo(1);
    }

    @Test
    void publicationsAreSentInOrderAndNamespaceDefaultAlsoInLegacyForm() {
        ObjectNode document = FakeTwinEngine.MAPPER.createObjectNode().put("event_id", "x");
        dispatcher.twinChanged(new TwinChange("default/thermo", TwinOrigin.MQTT, Map.of(), null, List.of(
                new TwinPublication("$hw/events/device/default/thermo/twin/update/document", document),
                new TwinPublication("$hw/events/device/default/thermo/twin/update/delta", document))));
        dispatcher.twinChanged(new TwinChange("plant/p", TwinOrigin.MQTT, Map.of(), null, List.of(
                new TwinPublication("$hw/events/device/plant/p/twin/update/document", document),
                new TwinPublication("$hw/events/node/edge-1/membership/updated", document))));

        assertThat(publisher.topics()).containsExactly(
                "$hw/events/device/default/thermo/twin/update/document",
                "$hw/events/device/thermo/twin/update/document",
                "$hw/events/device/default/thermo/twin/update/delta",
                "$hw/events/device/thermo/twin/update/delta",
                "$hw/events/device/plant/p/twin/update/document",
                "$hw/events/node/edge-1/membership/updated");
    }

    @Test
    void withoutLegacyTopicsNoLegacyPublication() {
        dispatcher(false).twinChanged(new TwinChange("default/thermo", TwinOrigin.MQTT, Map.of(), null, List.of(
                new TwinPublication("$hw/events/device/default/thermo/twin/update/document",
                        FakeTwinEngine.MAPPER.createObjectNode()))));

        assertThat(publisher.topics()).containsExactly("$hw/events/device/default/thermo/twin/update/document");
    }

    @Test
    void uploadTopicsAreQueuedToTheUplinkBeforeTheStageCompletes() {
        RecordingUplink recording = new RecordingUplink();
        uplink = recording;

        CompletionStage<Void> ack = dispatcher.published("app/user/telemetry", bytes("{\"t\":1}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ack.toCompletableFuture().isDone());
        dispatcher.published("SYS/dis/upload_records", bytes("plain text")).toCompletableFuture().join();

        assertThat(recording.messages).hasSize(2);
        UplinkMessage first = recording.messages.get(0);
        assertThat(first.source()).isEqualTo("bus");
        assertThat(first.group()).isEqualTo("user");
        assertThat(first.operation()).isEqualTo("upload");
        assertThat(first.resource()).isEqualTo("app/user/telemetry");
        assertThat(first.content().isTextual()).isTrue();
        assertThat(first.content().asText()).isEqualTo("{\"t\":1}");
        assertThat(recording.messages.get(1).content().asText()).isEqualTo("plain text");
        assertThat(engine.requests).isEmpty();
    }

    @Test
    void uploadWithoutUplinkIsAcknowledgedAndDropped() {
        CompletionStage<Void> ack = dispatcher.published("$hw/events/upload/x", bytes("{}"));

        assertThat(ack.toCompletableFuture()).isCompleted();
    }

    @Test
    void failingUplinkLeavesTheMessageUnacknowledged() {
        uplink = new RecordingUplink() {
            @Override
            public UplinkEntry enqueue(UplinkMessage message) {
                throw new IllegalStateException("store is stopping");
            }
        };

        CompletableFuture<Void> ack = dispatcher.published("$hw/events/upload/x", bytes("{}")).toCompletableFuture();

        await().atMost(Duration.ofSeconds(5)).until(ack::isDone);
        assertThat(ack).isCompletedExceptionally();
        assertThat(metrics.errorCount()).isEqualTo(1);
    }

    @Test
    void otherTopicsAreIgnored() {
        CompletionStage<Void> ack = dispatcher.published("sensors/room-1", bytes("21"));

        assertThat(ack.toCompletableFuture()).isCompleted();
        assertThat(engine.requests).isEmpty();
        assertThat(publisher.sent).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static class RecordingUplink implements Uplink {
        final List<UplinkMessage> messages = new CopyOnWriteArrayList<>();

        @Override
        public UplinkEntry enqueue(UplinkMessage message) {
            messages.add(message);
            return new UplinkEntry(messages.size(), message, Instant.now(), 0);
        }

        @Override
        public List<UplinkEntry> pending(long afterSequence, int max) {
            return List.of();
        }

        @Override
        public void acknowledge(long sequence) {
        }

        @Override
        public long depth() {
            return messages.size();
        }

        @Override
        public AutoCloseable onEnqueue(Runnable callback) {
            return () -> { };
        }
    }
}
