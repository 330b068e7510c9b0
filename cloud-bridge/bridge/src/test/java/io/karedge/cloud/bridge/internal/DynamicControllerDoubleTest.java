package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The double's DynamicController refuses and answers applications as CloudCore v1.22's application center does,
 * and the bridge's reading of an answer ({@link MetaServerApplication.Answer}) understands what it sends.
 */
class DynamicControllerDoubleTest {

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final DynamicControllerDouble dynamic = new DynamicControllerDouble(log, (node, message) -> false,
            id -> 1);
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close() {
        dynamic.close();
        channel.finishAndReleaseAll();
    }

    @Test
    void anApplicationGoUnmarshalRefusesIsDroppedWithoutAnAnswer() {
        ObjectNode application = MetaServerApplication.of("services", "list", "edge-1").toJson();
        application.set("Option", IntNode.valueOf(7));
        dynamic.receive(channel, "edge-1", request("null", application));
        ObjectNode badBase64 = MetaServerApplication.of("services", "list", "edge-1").toJson().put("Option", "%%%");
        dynamic.receive(channel, "edge-1", request("null", badBase64));

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(log).hasSize(2).allMatch(line -> line.startsWith("failed to translate msg to Application"));
    }

    @Test
    void anApplicationForAnotherNodeIsDroppedAsCloudHubAuthorizationDoes() {
        dynamic.receive(channel, "edge-1", request("null",
                MetaServerApplication.of("services", "list", "edge-2").toJson()));
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(log).singleElement().asString().contains("authorization");
    }

    @Test
    void aListIsRejectedForMissingOptionsOrAnUnservedResourceAndApprovedWithTheListOtherwise() {
        ObjectNode noOption = MetaServerApplication.of("services", "list", "edge-1").toJson();
        noOption.set("Option", NullNode.getInstance());
        MetaServerApplication.Answer rejected = answer(request("null", noOption), "ignore/Application/ignore");
        assertThat(rejected.status()).isEqualTo("Rejected");
        assertThat(rejected.reason()).startsWith("failed to parse Option bytes");

        MetaServerApplication.Answer notFound = answer(request("null",
                MetaServerApplication.of("gizmos", "list", "edge-1").toJson()), "ignore/Application/ignore");
        assertThat(notFound.status()).isEqualTo("Rejected");
        assertThat(notFound.reason()).contains("NotFound");

        dynamic.apply("services", CloudWatchFeedTest.service("default", "echo", "10.96.0.10"));
        MetaServerApplication.Answer listed = answer(request("null",
                MetaServerApplication.of("services", "list", "edge-1").toJson()), "ignore/Application/ignore");
        assertThat(listed.approved()).isTrue();
        JsonNode list = listed.body().orElseThrow();
        assertThat(list.path("kind").asText()).isEqualTo("ServiceList");
        assertThat(list.at("/metadata/resourceVersion").asText()).isNotEmpty();
        assertThat(list.at("/items/0/metadata/name").asText()).isEqualTo("echo");
        assertThat(log).isEmpty();
    }

    @Test
    void aWatchSyncAddsMissingListenersDropsOthersAndAnswersTheFailedOnes() {
        ObjectNode sync = MessageCodec.mapper().createObjectNode();
        for (String resource : List.of("services", "endpoints")) {
            MetaServerApplication watch = MetaServerApplication.of(resource, "watch", "edge-1");
            sync.set(watch.id(), watch.toJson());
        }
        MetaServerApplication unserved = MetaServerApplication.of("gizmos", "watch", "edge-1");
        sync.set(unserved.id(), unserved.toJson());
        dynamic.receive(channel, "edge-1", request("watchapp/sync", sync));
        Message answer = outbound();
        assertThat(answer.resource()).isEqualTo("watchapp/sync");
        assertThat(answer.operation()).isEqualTo("applicationResponse");
        assertThat(answer.content().properties()).singleElement()
                .satisfies(failed -> assertThat(failed.getKey()).isEqualTo(unserved.id()));
        assertThat(dynamic.listeners("edge-1")).hasSize(2);

        ObjectNode smaller = MessageCodec.mapper().createObjectNode();
        MetaServerApplication services = MetaServerApplication.of("services", "watch", "edge-1");
        smaller.set(services.id(), services.toJson());
        dynamic.receive(channel, "edge-1", request("watchapp/sync", smaller));
        assertThat(outbound().content().isEmpty()).isTrue();
        assertThat(dynamic.listeners("edge-1")).containsExactly(services.id());
    }

    private MetaServerApplication.Answer answer(Message request, String resource) {
        dynamic.receive(channel, "edge-1", request);
        Message answer = outbound();
        assertThat(answer.parentId()).isEqualTo(request.id());
        assertThat(answer.source()).isEqualTo("dynamiccontroller");
        assertThat(answer.group()).isEqualTo("resource");
        assertThat(answer.operation()).isEqualTo("applicationResponse");
        assertThat(answer.resource()).isEqualTo(resource);
        return MetaServerApplication.Answer.from(answer.content());
    }

    private Message outbound() {
        TextWebSocketFrame frame = channel.readOutbound();
        assertThat(frame).as("an answer").isNotNull();
        try {
            return MessageCodec.decode(ByteBufUtil.getBytes(frame.content()));
        } finally {
            frame.release();
        }
    }

    private static Message request(String resource, JsonNode content) {
        return new Message(Message.newId(), "", System.currentTimeMillis(), "", "metaserver", "dynamiccontroller",
                "null", resource, content);
    }
}
