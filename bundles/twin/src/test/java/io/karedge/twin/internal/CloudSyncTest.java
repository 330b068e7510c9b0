package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.uplink.UplinkMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code twin/cloud_updated}: the version-vector rules of section 2.4. */
class CloudSyncTest extends TwinFixture {

    @BeforeEach
    void member() {
        start();
        join(THERMO);
        // setpoint: expected 20, expected_version {cloud 0, edge 1}
        update(THERMO, "{\"twin\": {\"setpoint\": {\"expected\": {\"value\": \"20\"}}}}");
        store.clearUplink();
    }

    private TwinReply sync(String payload) {
        return send(TwinOperation.TWIN_CLOUD_UPDATED, THERMO, payload);
    }

    @Test
    void aVectorNotBehindTheEdgesIsAcceptedAndCopied() {
        TwinReply reply = sync("""
                {"event_id": "sync-1", "timestamp": 1767225602000,
                 "twin": {"setpoint": {"expected": {"value": "24"}, "metadata": {"type": "string"},
                                       "expected_version": {"cloud": 1, "edge": 3}}}}""");
        assertThat(reply.code()).isEqualTo(200);
        assertThat(reply.result()).isNull();
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("24");
        assertThat(tree(stored(THERMO, "setpoint").path("expected_version"))).isEqualTo(json("{\"cloud\":1,\"edge\":3}"));
        assertThat(store.uplink()).isEmpty();
        settle(THERMO);
        assertThat(listener.publications("twin/update/document")).hasSize(2);
        assertThat(listener.publications("twin/update/delta").get(1).payload().path("delta").path("setpoint").asText())
                .isEqualTo("24");
    }

    @Test
    void aVectorBehindTheEdgeIsRefusedAndTheEdgeValueGoesBackToTheCloud() {
        update(THERMO, "{\"twin\": {\"setpoint\": {\"expected\": {\"value\": \"21\"}}}}"); // edge 2
        store.clearUplink();
        TwinReply reply = sync("""
                {"twin": {"setpoint": {"expected": {"value": "99"}, "metadata": {"type": "string"},
                                       "expected_version": {"cloud": 5, "edge": 1}}}}""");
        assertThat(reply.code()).isEqualTo(200);
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("21");
        assertThat(store.uplink()).hasSize(1);
        UplinkMessage back = store.uplink().get(0);
        assertThat(back.resource()).isEqualTo("device/plant-a/thermo-01/twin/edge_updated");
        assertThat(back.content().path("twin").path("setpoint").path("expected").path("value").asText()).isEqualTo("21");
        assertThat(tree(back.content().path("twin").path("setpoint").path("expected_version")))
                .isEqualTo(json("{\"cloud\":0,\"edge\":2}"));
    }

    @Test
    void aCloudCounterBehindTheEdgesCopyIsRefused() {
        sync("""
                {"twin": {"setpoint": {"expected": {"value": "30"}, "metadata": {"type": "string"},
                                       "expected_version": {"cloud": 4, "edge": 1}}}}""");
        sync("""
                {"twin": {"setpoint": {"expected": {"value": "31"}, "metadata": {"type": "string"},
                                       "expected_version": {"cloud": 3, "edge": 9}}}}""");
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("30");
    }

    @Test
    void aSyncWithoutVersionIsRefusedButADeleteWithoutVersionIsAccepted() {
        sync("{\"twin\": {\"setpoint\": {\"expected\": {\"value\": \"40\"}, \"metadata\": {\"type\": \"string\"}}}}");
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("20");
        assertThat(store.uplink()).hasSize(1);

        sync("{\"twin\": {\"setpoint\": {\"metadata\": {\"type\": \"deleted\"}}}}");
        assertThat(stored(THERMO, "setpoint").path("metadata").path("type").asText()).isEqualTo("deleted");
        assertThat(stored(THERMO, "setpoint").has("expected")).isFalse();
    }

    @Test
    void aNewTwinTakesTheVersionsOfTheMessage() {
        sync("""
                {"twin": {"mode": {"expected": {"value": "eco"}, "metadata": {"type": "string"},
                                   "expected_version": {"cloud": 2, "edge": 0}}}}""");
        assertThat(tree(stored(THERMO, "mode").path("expected_version"))).isEqualTo(json("{\"cloud\":2,\"edge\":0}"));
    }

    @Test
    void aTwinWithoutMetadataOrANullTwinIsA400NotACrash() {
        TwinReply noMetadata = sync("{\"twin\": {\"setpoint\": {\"expected\": {\"value\": \"1\"},"
                + " \"expected_version\": {\"cloud\": 9, \"edge\": 9}}}}");
        assertThat(noMetadata.code()).isEqualTo(400);
        assertThat(noMetadata.reason()).contains("metadata");
        assertThat(sync("{\"twin\": {\"setpoint\": null}}").code()).isEqualTo(400);
        assertThat(sync("not json").code()).isEqualTo(400);
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("20");
        assertThat(update(THERMO, "{\"twin\": {\"setpoint\": {\"expected\": {\"value\": \"22\"}}}}").code())
                .isEqualTo(200);
    }
}
