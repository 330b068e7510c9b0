package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.twin.TwinDesiredReply;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several desired values in one request: one write, one delta, all or nothing; and the limit on the
 * twins of one device ({@code properties.max}) for what the edge adds.
 */
class ManyDesiredTest extends TwinFixture {

    private static TwinDesiredReply many(CompletionStage<TwinDesiredReply> stage) {
        try {
            return stage.toCompletableFuture().get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> values(int from, int to) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            values.put("p" + i, Integer.toString(i));
        }
        return values;
    }

    @Test
    void manyValuesAreOneWriteAndOneDeltaWithEachVersionAnswered() {
        start();
        join(THERMO);
        int writesBefore = store.writeCalls.get();
        listener.changes.clear();

        TwinDesiredReply reply = many(engine.setDesired(THERMO, values(0, 300), Map.of(), TwinOrigin.REST));

        assertThat(reply.ok()).isTrue();
        assertThat(reply.versions()).hasSize(300).containsEntry("p0", 1L).containsEntry("p299", 1L);
        assertThat(reply.versions().keySet()).startsWith("p0", "p1", "p2");
        assertThat(store.writeCalls.get() - writesBefore).isEqualTo(1);
        settle(THERMO);
        assertThat(listener.publications("twin/update/delta")).hasSize(1);
        assertThat(listener.publications("twin/update/document")).hasSize(1);
        assertThat(stored(THERMO, "p299").path("expected").path("value").asText()).isEqualTo("299");
    }

    @Test
    void oneRefusedValueLeavesEveryOtherUnwritten() {
        start();
        join(THERMO);
        many(engine.setDesired(THERMO, Map.of("setpoint", "20"), Map.of(), TwinOrigin.REST));

        Map<String, String> values = new LinkedHashMap<>(values(0, 10));
        values.put("setpoint", "21");
        TwinDesiredReply stale = many(engine.setDesired(THERMO, values, Map.of("setpoint", 7L), TwinOrigin.REST));

        assertThat(stale.code()).isEqualTo(409);
        assertThat(stale.property()).isEqualTo("setpoint");
        assertThat(stale.versions()).containsExactly(Map.entry("setpoint", 1L));
        assertThat(engine.device(THERMO).orElseThrow().twins()).containsOnlyKeys("setpoint");

        TwinDesiredReply badName = many(engine.setDesired(THERMO, Map.of("ok", "1", "bad name$", "2"), Map.of(),
                TwinOrigin.REST));
        assertThat(badName.code()).isEqualTo(400);
        assertThat(engine.device(THERMO).orElseThrow().twins()).containsOnlyKeys("setpoint");
    }

    @Test
    void anyVersionInTheMapIsAnUnconditionalWrite() {
        start();
        join(THERMO);
        TwinDesiredReply reply = many(engine.setDesired(THERMO, Map.of("a", "1"), Map.of("a", TwinStore.ANY_VERSION),
                TwinOrigin.REST));
        assertThat(reply.versions()).containsExactly(Map.entry("a", 1L));
    }

    @Test
    void theEdgeCannotGrowADeviceBeyondPropertiesMaxButMayStillChangeIt() {
        start(store, new EngineSettings(EngineSettings.DEFAULT_PAYLOAD_MAX_BYTES, 4, 16, 5));
        join(THERMO);
        assertThat(many(engine.setDesired(THERMO, values(0, 5), Map.of(), TwinOrigin.REST)).ok()).isTrue();

        TwinDesiredReply sixth = many(engine.setDesired(THERMO, values(5, 6), Map.of(), TwinOrigin.REST));
        assertThat(sixth.code()).isEqualTo(400);
        assertThat(sixth.reason()).isEqualTo("device plant-a/thermo-01 would have 6 twin properties; at most 5 are "
                + "allowed (properties.max of io.karedge.twin)");
        assertThat(reply(engine.setDesired(THERMO, "p9", "1", TwinStore.ANY_VERSION, TwinOrigin.SHELL)).code())
                .isEqualTo(400);
        assertThat(update(THERMO, "{\"twin\":{\"extra\":{\"expected\":{\"value\":\"1\"}}}}").code()).isEqualTo(400);
        assertThat(engine.device(THERMO).orElseThrow().twins()).hasSize(5);

        assertThat(many(engine.setDesired(THERMO, values(0, 5), Map.of(), TwinOrigin.REST)).ok())
                .as("changing the twins a full device has").isTrue();
        assertThat(update(THERMO, "{\"twin\":{\"p0\":{\"expected\":{\"value\":\"9\"}}}}").code()).isEqualTo(200);
        assertThat(reply(engine.setDesired(THERMO, "cloud-only", "1", TwinStore.ANY_VERSION, TwinOrigin.CLOUD))
                .code()).as("the cloud's own desired values are not limited").isEqualTo(200);
    }
}
