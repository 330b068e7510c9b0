package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.uplink.UplinkMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TwinUpdateTest extends TwinFixture {

    private static final String EXAMPLE = """
            {"event_id": "app-7f3c-0001", "timestamp": 1767225600000,
             "twin": {"temperature": {"actual": {"value": "21.5"}, "metadata": {"type": "float"}},
                      "setpoint":    {"expected": {"value": "23"}},
                      "obsolete":    null}}""";

    @BeforeEach
    void member() {
        start();
        join(THERMO);
    }

    private void before() {
        clock.set(1767225500000L);
        assertThat(update(THERMO, """
                {"event_id": "prep", "twin": {"setpoint": {"expected": {"value": "22"}, "actual": {"value": "22"}},
                                              "obsolete": {"actual": {"value": "x"}}}}""").code()).isEqualTo(200);
        clock.set(T0);
        settle(THERMO);
        listener.changes.clear();
        store.clearUplink();
    }

    @Test
    void theReferenceUpdateGivesTheReferenceResult() {
        before();
        TwinReply reply = update(THERMO, EXAMPLE);

        assertThat(reply.code()).isEqualTo(200);
        assertThat(reply.reason()).isNull();
        assertThat(reply.result()).isEqualTo(json("""
                {"event_id": "app-7f3c-0001", "timestamp": 1767225600012,
                 "twin": {
                   "temperature": {"actual": {"value": "21.5", "metadata": {"timestamp": 1767225600012}},
                                   "optional": true, "metadata": {"type": "float"}},
                   "setpoint": {"expected": {"value": "23", "metadata": {"timestamp": 1767225600012}},
                                "actual": {"value": "22", "metadata": {"timestamp": 1767225500000}},
                                "optional": true, "metadata": {"type": "string"}},
                   "obsolete": null}}"""));
        assertThat(text(reply.result())).doesNotContain("version");
    }

    @Test
    void theDocumentHasLastAndCurrentAndTheDeltaCoversAllTwins() {
        before();
        update(THERMO, EXAMPLE);
        settle(THERMO);

        assertThat(listener.changes).hasSize(1);
        TwinChange change = listener.changes.get(0);
        assertThat(change.publications()).extracting(p -> p.topic()).containsExactly(
                "$hw/events/device/plant-a/thermo-01/twin/update/document",
                "$hw/events/device/plant-a/thermo-01/twin/update/delta");
        JsonNode document = change.publications().get(0).payload();
        assertThat(document.path("event_id").asText()).isEqualTo("app-7f3c-0001");
        assertThat(document.path("twin").path("setpoint")).isEqualTo(json("""
                {"last":    {"expected": {"value": "22", "metadata": {"timestamp": 1767225500000}},
                             "actual": {"value": "22", "metadata": {"timestamp": 1767225500000}},
                             "optional": true, "metadata": {"type": "string"}},
                 "current": {"expected": {"value": "23", "metadata": {"timestamp": 1767225600012}},
                             "actual": {"value": "22", "metadata": {"timestamp": 1767225500000}},
                             "optional": true, "metadata": {"type": "string"}}}"""));
        assertThat(document.path("twin").path("temperature").path("last").isNull()).isTrue();
        assertThat(document.path("twin").path("obsolete").path("current").isNull()).isTrue();

        JsonNode delta = change.publications().get(1).payload();
        assertThat(delta.path("event_id").asText()).isNotEqualTo("app-7f3c-0001").hasSize(36);
        assertThat(delta.path("delta")).isEqualTo(json("{\"setpoint\": \"23\"}"));
        assertThat(delta.path("twin").fieldNames()).toIterable().containsExactly("setpoint");
        assertThat(delta.path("twin").path("setpoint").has("expected_version")).isFalse();

        assertThat(change.twins()).containsOnlyKeys("temperature", "setpoint", "obsolete");
        assertThat(change.twins().get("setpoint").version()).isEqualTo(2);
        assertThat(change.twins().get("obsolete").twin().path("metadata").path("type").asText()).isEqualTo("deleted");
    }

    @Test
    void everyPartWrittenBumpsItsEdgeCounterAndDeletionIsLogical() {
        before();
        update(THERMO, EXAMPLE);

        assertThat(tree(stored(THERMO, "setpoint").path("expected_version"))).isEqualTo(json("{\"cloud\":0,\"edge\":2}"));
        assertThat(tree(stored(THERMO, "setpoint").path("actual_version"))).isEqualTo(json("{\"cloud\":0,\"edge\":1}"));
        assertThat(tree(stored(THERMO, "temperature").path("actual_version"))).isEqualTo(json("{\"cloud\":0,\"edge\":1}"));
        assertThat(stored(THERMO, "temperature").has("expected_version")).isFalse();
        JsonNode obsolete = stored(THERMO, "obsolete");
        assertThat(obsolete.path("metadata").path("type").asText()).isEqualTo("deleted");
        assertThat(obsolete.has("actual")).isFalse();
        assertThat(tree(obsolete.path("actual_version"))).isEqualTo(json("{\"cloud\":0,\"edge\":2}"));
        assertThat(store.get(THERMO, "obsolete").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void changedTwinsAreReportedToTheCloudOnePropertyPerMessageWithVersions() {
        before();
        update(THERMO, EXAMPLE);

        assertThat(store.uplink()).extracting(UplinkMessage::coalesceKey).containsExactly(
                "twin/plant-a/thermo-01/temperature", "twin/plant-a/thermo-01/setpoint",
                "twin/plant-a/thermo-01/obsolete");
        UplinkMessage setpoint = store.uplink().get(1);
        assertThat(setpoint.source()).isEqualTo("twin");
        assertThat(setpoint.group()).isEqualTo("resource");
        assertThat(setpoint.operation()).isEqualTo("update");
        assertThat(setpoint.resource()).isEqualTo("device/plant-a/thermo-01/twin/edge_updated");
        assertThat(tree(setpoint.content().path("twin").path("setpoint").path("expected_version"))).isEqualTo(json("{\"cloud\":0,\"edge\":2}"));
        assertThat(setpoint.content().path("twin").path("setpoint").path("expected").path("value").asText())
                .isEqualTo("23");
        assertThat(setpoint.content().path("event_id").asText()).hasSize(36);
    }

    @Test
    void oneRequestIsOneStoreWrite() {
        int before = store.writeCalls.get();
        update(THERMO, EXAMPLE);
        assertThat(store.writeCalls.get() - before).isEqualTo(1);
    }

    @Test
    void aMandatoryTwinIsNotDeletedAndOptionalOnlyGoesToFalse() {
        update(THERMO, "{\"twin\": {\"fixed\": {\"actual\": {\"value\": \"1\"}, \"optional\": false}}}");
        TwinReply reply = update(THERMO, "{\"event_id\": \"d\", \"twin\": {\"fixed\": null}}");
        assertThat(reply.code()).isEqualTo(200);
        assertThat(reply.result().path("twin")).isEqualTo(json("{}"));
        assertThat(stored(THERMO, "fixed").path("optional").asBoolean()).isFalse();
        update(THERMO, "{\"twin\": {\"fixed\": {\"optional\": true}}}");
        assertThat(stored(THERMO, "fixed").path("optional").asBoolean()).isFalse();
    }

    @Test
    void aDeletedTwinIsRevivedWithTheNewType() {
        update(THERMO, "{\"twin\": {\"level\": {\"actual\": {\"value\": \"x\"}}}}");
        update(THERMO, "{\"twin\": {\"level\": null}}");
        settle(THERMO);
        listener.changes.clear();
        TwinReply reply = update(THERMO,
                "{\"twin\": {\"level\": {\"actual\": {\"value\": \"7\"}, \"metadata\": {\"type\": \"int\"}}}}");
        assertThat(reply.code()).isEqualTo(200);
        assertThat(stored(THERMO, "level").path("metadata").path("type").asText()).isEqualTo("int");
        assertThat(tree(stored(THERMO, "level").path("actual_version"))).isEqualTo(json("{\"cloud\":0,\"edge\":3}"));
        settle(THERMO);
        assertThat(listener.publications("document").get(0).payload().path("twin").path("level").path("last").isNull())
                .isTrue();
    }

    @Test
    void aValueOfTheWrongTypeRefusesTheWholeMessage() {
        update(THERMO, "{\"twin\": {\"count\": {\"actual\": {\"value\": \"1\"}, \"metadata\": {\"type\": \"int\"}}}}");
        TwinReply reply = update(THERMO, """
                {"event_id": "bad-1", "twin": {"other": {"actual": {"value": "5"}},
                                               "count": {"actual": {"value": "1.5"}}}}""");
        assertThat(reply.code()).isEqualTo(400);
        assertThat(reply.result()).isEqualTo(json("""
                {"event_id": "bad-1", "timestamp": 1767225600012, "code": 400,
                 "reason": "the value is not int or integer"}"""));
        assertThat(store.get(THERMO, "other")).isEmpty();
        assertThat(stored(THERMO, "count").path("actual").path("value").asText()).isEqualTo("1");
    }

    @Test
    void unknownTypesAndValuesOutsideThePatternAreRefused() {
        assertThat(update(THERMO, "{\"twin\": {\"t\": {\"actual\": {\"value\": \"1\"}, \"metadata\": {\"type\": \"double\"}}}}")
                .reason()).isEqualTo("the value type is not allowed");
        assertThat(update(THERMO, "{\"twin\": {\"t\": {\"actual\": {\"value\": \"hello world\"}}}}").code())
                .isEqualTo(400);
        assertThat(update(THERMO, "{\"twin\": {\"bad name\": {\"actual\": {\"value\": \"1\"}}}}").code())
                .isEqualTo(400);
        assertThat(update(THERMO, "{\"twin\": {\"t\": {\"actual\": {\"value\": 5}}}}").reason())
                .contains("is not a string");
        assertThat(store.get(THERMO, "t")).isEmpty();
        settle(THERMO);
        assertThat(listener.changes).hasSize(1);
        assertThat(listener.changes.get(0).publications().get(0).topic()).endsWith("/membership/updated");
    }

    @Test
    void malformedInputIsAnsweredWith400() {
        assertThat(update(THERMO, "{\"twin\": ").result().path("code").asInt()).isEqualTo(400);
        TwinReply array = update(THERMO, "[1, 2]");
        assertThat(array.code()).isEqualTo(400);
        assertThat(array.reason()).isEqualTo("the payload is not a JSON object");
        assertThat(update(THERMO, "{\"event_id\": \"x\"}").reason()).isEqualTo("the message has no twin object");
        assertThat(update(THERMO, "{\"twin\": {\"a\": 5}}").code()).isEqualTo(400);
    }

    @Test
    void aPayloadOverTheLimitIsRefusedAndTheNodeKeepsServing() {
        byte[] big = new byte[1024 * 1024];
        Arrays.fill(big, (byte) ' ');
        TwinReply reply = send(TwinOperation.TWIN_UPDATE, THERMO, new String(big, StandardCharsets.UTF_8));
        assertThat(reply.code()).isEqualTo(400);
        assertThat(reply.reason()).startsWith("payload too large");
        assertThat(update(THERMO, "{\"twin\": {\"a\": {\"actual\": {\"value\": \"1\"}}}}").code()).isEqualTo(200);
    }

    @Test
    void anUnknownDeviceGets404WithTheEventId() {
        TwinReply reply = update("plant-a/nobody", "{\"event_id\": \"u-1\", \"twin\": {}}");
        assertThat(reply.code()).isEqualTo(404);
        assertThat(reply.result().path("event_id").asText()).isEqualTo("u-1");
        assertThat(reply.result().path("reason").asText()).isEqualTo(
                "Device plant-a/nobody not found while updating twin");
        assertThat(store.devices()).doesNotContain("plant-a/nobody");
    }

    @Test
    void aVersionKeyMakesTheWholeMessageConditional() {
        update(THERMO, "{\"twin\": {\"setpoint\": {\"expected\": {\"value\": \"20\"}}}}");
        long version = store.get(THERMO, "setpoint").orElseThrow().version();

        TwinReply stale = update(THERMO, """
                {"event_id": "c-1", "twin": {"setpoint": {"expected": {"value": "21"}, "version": %d},
                                             "other": {"actual": {"value": "1"}}}}""".formatted(version + 5));
        assertThat(stale.code()).isEqualTo(409);
        assertThat(stale.result().path("code").asInt()).isEqualTo(409);
        assertThat(stale.reason()).isEqualTo("twin plant-a/thermo-01/setpoint is at version " + version + ", not "
                + (version + 5));
        assertThat(store.get(THERMO, "other")).isEmpty();

        TwinReply fresh = update(THERMO, """
                {"twin": {"setpoint": {"expected": {"value": "21"}, "version": %d}}}""".formatted(version));
        assertThat(fresh.code()).isEqualTo(200);
        assertThat(store.get(THERMO, "setpoint").orElseThrow().version()).isEqualTo(version + 1);
        assertThat(stored(THERMO, "setpoint").has("version")).isFalse();

        assertThat(update(THERMO, "{\"twin\": {\"brand-new\": {\"actual\": {\"value\": \"1\"}, \"version\": 0}}}")
                .code()).isEqualTo(200);
    }
}
