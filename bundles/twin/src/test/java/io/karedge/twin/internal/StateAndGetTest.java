package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.uplink.UplinkMessage;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StateAndGetTest extends TwinFixture {

    @BeforeEach
    void member() {
        start();
        join(THERMO);
        clock.set(1767225603004L);
    }

    @Test
    void onlineIsStoredWithLastOnlineAndReportedToTheCloudAsAString() {
        TwinReply reply = send(TwinOperation.STATE_UPDATE, THERMO,
                "{\"event_id\": \"st-1\", \"timestamp\": 1767225603000, \"state\": \"Online\"}");
        assertThat(reply.code()).isEqualTo(200);
        JsonNode result = reply.result();
        assertThat(result.path("event_id").asText()).isNotEqualTo("st-1").hasSize(36);
        assertThat(result.path("timestamp").asLong()).isEqualTo(1767225603004L);
        assertThat(result.path("device")).isEqualTo(json("""
                {"name": "thermo-01", "state": "Online", "lastOnlineTime": "2026-01-01T00:00:03Z"}"""));

        UplinkMessage report = store.uplink().get(0);
        assertThat(report.resource()).isEqualTo("device/plant-a/thermo-01/state/update");
        assertThat(report.coalesceKey()).isEqualTo("state/plant-a/thermo-01");
        assertThat(report.content().isTextual()).isTrue();
        assertThat(json(report.content().textValue())).isEqualTo(result);

        DeviceTwin twin = engine.device(THERMO).orElseThrow();
        assertThat(twin.state()).isEqualTo("Online");
        assertThat(twin.lastOnline()).isEqualTo(Instant.parse("2026-01-01T00:00:03Z"));
        JsonNode stateRecord = stored(THERMO, "$state");
        assertThat(stateRecord.path("state").asText()).isEqualTo("Online");
        settle(THERMO);
        assertThat(listener.changes.get(listener.changes.size() - 1).state()).isEqualTo("Online");
    }

    @Test
    void otherAcceptedStatesClearLastOnlineAndUnknownStatesGet400() {
        send(TwinOperation.STATE_UPDATE, THERMO, "{\"state\": \"ok\"}");
        TwinReply offline = send(TwinOperation.STATE_UPDATE, THERMO, "{\"state\": \"offline\"}");
        assertThat(offline.result().path("device").path("lastOnlineTime").asText()).isEmpty();
        assertThat(engine.device(THERMO).orElseThrow().lastOnline()).isNull();

        TwinReply disconnected = send(TwinOperation.STATE_UPDATE, THERMO, "{\"event_id\": \"s\", \"state\": \"disconnected\"}");
        assertThat(disconnected.code()).isEqualTo(400);
        assertThat(disconnected.result().path("reason").asText()).contains("disconnected");
        assertThat(send(TwinOperation.STATE_UPDATE, THERMO, "{\"state\": 1}").code()).isEqualTo(400);
        assertThat(engine.device(THERMO).orElseThrow().state()).isEqualTo("offline");
        assertThat(send(TwinOperation.STATE_UPDATE, "plant-a/other", "{\"state\": \"online\"}").code()).isEqualTo(404);
    }

    @Test
    void getAnswersAllLiveTwinsWithTheRequestEventId() {
        update(THERMO, """
                {"twin": {"a": {"actual": {"value": "1"}}, "b": {"expected": {"value": "2"}}, "c": {"actual": {"value": "3"}}}}""");
        update(THERMO, "{\"twin\": {\"c\": null}}");
        TwinReply reply = send(TwinOperation.TWIN_GET, THERMO, "{\"event_id\": \"get-1\", \"timestamp\": 1767225601000}");
        assertThat(reply.result().path("event_id").asText()).isEqualTo("get-1");
        assertThat(reply.result().path("twin").fieldNames()).toIterable().containsExactly("a", "b");
        assertThat(reply.result().path("twin").path("b").has("expected_version")).isFalse();

        TwinReply missing = send(TwinOperation.TWIN_GET, "plant-a/ghost", "{\"event_id\": \"get-1\"}");
        assertThat(tree(missing.result())).isEqualTo(json("""
                {"event_id": "get-1", "timestamp": 1767225603004, "code": 404,
                 "reason": "Device plant-a/ghost not found while getting twin"}"""));
        assertThat(send(TwinOperation.TWIN_GET, THERMO, "nope").code()).isEqualTo(400);
    }

    @Test
    void membershipGetListsTheMembersWithStateAndLastOnline() {
        send(TwinOperation.STATE_UPDATE, THERMO, "{\"state\": \"online\"}");
        TwinReply reply = send(TwinOperation.MEMBERSHIP_GET, NODE, "{\"event_id\": \"m-1\"}");
        assertThat(reply.code()).isEqualTo(200);
        assertThat(tree(reply.result())).isEqualTo(json("""
                {"event_id": "m-1", "timestamp": 1767225603004,
                 "devices": [{"id": "plant-a/thermo-01", "name": "thermo-01", "description": "thermo-01-label",
                              "state": "online", "last_online": "2026-01-01T00:00:03Z"}]}"""));
        assertThat(send(TwinOperation.MEMBERSHIP_GET, "other-node", "{}").code()).isEqualTo(404);
        assertThat(send(TwinOperation.MEMBERSHIP_GET, NODE, "[]").code()).isEqualTo(400);
    }
}
