package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code setDesired}: conditional edge writes, and the rule for desired values from cloud and edge. */
class DesiredTest extends TwinFixture {

    @BeforeEach
    void member() {
        start();
        join(THERMO);
    }

    private TwinReply set(String property, String value, long expectedVersion, TwinOrigin origin) {
        return reply(engine.setDesired(THERMO, property, value, expectedVersion, origin));
    }

    @Test
    void aConditionalWriteSucceedsAtTheReadVersionAndConflictsAfterwards() {
        TwinReply created = set("setpoint", "22", 0, TwinOrigin.REST);
        assertThat(created.code()).isEqualTo(200);
        assertThat(created.version()).isEqualTo(1);

        TwinReply next = set("setpoint", "23", 1, TwinOrigin.REST);
        assertThat(next.version()).isEqualTo(2);

        TwinReply stale = set("setpoint", "24", 1, TwinOrigin.SHELL);
        assertThat(stale.code()).isEqualTo(409);
        assertThat(stale.version()).isEqualTo(2);
        assertThat(stale.reason()).isEqualTo("twin plant-a/thermo-01/setpoint is at version 2, not 1");
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("23");

        assertThat(set("setpoint", "25", 0, TwinOrigin.REST).code()).isEqualTo(409);
        assertThat(set("setpoint", "25", TwinStore.ANY_VERSION, TwinOrigin.REST).version()).isEqualTo(3);
    }

    @Test
    void edgeWritesBumpEdgeAndGoToTheCloudCloudWritesBumpCloudAndDoNot() {
        set("setpoint", "22", TwinStore.ANY_VERSION, TwinOrigin.REST);
        assertThat(tree(stored(THERMO, "setpoint").path("expected_version"))).isEqualTo(json("{\"cloud\":0,\"edge\":1}"));
        assertThat(store.uplink()).hasSize(1);
        store.clearUplink();

        set("setpoint", "30", TwinStore.ANY_VERSION, TwinOrigin.CLOUD);
        assertThat(tree(stored(THERMO, "setpoint").path("expected_version"))).isEqualTo(json("{\"cloud\":1,\"edge\":1}"));
        assertThat(store.uplink()).isEmpty();
        settle(THERMO);
        assertThat(listener.publications("twin/update/delta")).isNotEmpty();
    }

    @Test
    void theTypeOfTheTwinDecidesWhichValuesAreAccepted() {
        update(THERMO, "{\"twin\": {\"count\": {\"expected\": {\"value\": \"1\"}, \"metadata\": {\"type\": \"int\"}}}}");
        TwinReply bad = set("count", "many", TwinStore.ANY_VERSION, TwinOrigin.REST);
        assertThat(bad.code()).isEqualTo(400);
        assertThat(bad.reason()).isEqualTo("the value is not int or integer");
        assertThat(set("count", "two words", TwinStore.ANY_VERSION, TwinOrigin.REST).code()).isEqualTo(400);
        assertThat(set("$state", "x", TwinStore.ANY_VERSION, TwinOrigin.REST).code()).isEqualTo(400);
        assertThat(reply(engine.setDesired("plant-a/none", "count", "1", TwinStore.ANY_VERSION, TwinOrigin.REST))
                .code()).isEqualTo(404);
    }
}
