package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.metrics.HistogramSnapshot;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinStatistics;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.twin.TwinUpdateResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Update requests counted by origin and result as the engine answers them, and the time to store them. */
class TwinStatisticsTest extends TwinFixture {

    @BeforeEach
    void member() {
        start();
        join(THERMO);
    }

    @Test
    void everyUpdateIsCountedByItsResult() {
        assertThat(update(THERMO, "{\"twin\":{\"setpoint\":{\"expected\":{\"value\":\"21\"},"
                + "\"metadata\":{\"type\":\"int\"}}}}").code()).isEqualTo(200);
        assertThat(update(THERMO, "{\"twin\":{\"setpoint\":{\"expected\":{\"value\":\"22\"}}}}").code())
                .isEqualTo(200);
        assertThat(update(THERMO, "{\"twin\":{\"setpoint\":{\"expected\":{\"value\":\"warm\"}}}}").code())
                .isEqualTo(400);
        assertThat(update(THERMO, "not json").code()).isEqualTo(400);
        assertThat(update("plant-a/none", "{\"twin\":{}}").code()).isEqualTo(404);
        // deleting a twin that is not there stores nothing
        assertThat(update(THERMO, "{\"twin\":{\"ghost\":null}}").code()).isEqualTo(200);
        assertThat(reply(engine.setDesired(THERMO, "setpoint", "23", 1, TwinOrigin.REST)).code()).isEqualTo(409);
        assertThat(reply(engine.setDesired(THERMO, "setpoint", "23", TwinStore.ANY_VERSION, TwinOrigin.REST)).code())
                .isEqualTo(200);
        send(TwinOperation.STATE_UPDATE, THERMO, "{\"state\":\"online\"}");
        // reads are not updates
        send(TwinOperation.TWIN_GET, THERMO, "{}");

        TwinStatistics statistics = engine.statistics();

        assertThat(statistics.count(TwinOrigin.MQTT, TwinUpdateResult.APPLIED)).isEqualTo(3);
        assertThat(statistics.count(TwinOrigin.MQTT, TwinUpdateResult.REJECTED)).isEqualTo(2);
        assertThat(statistics.count(TwinOrigin.MQTT, TwinUpdateResult.NOT_FOUND)).isEqualTo(1);
        assertThat(statistics.count(TwinOrigin.MQTT, TwinUpdateResult.UNCHANGED)).isEqualTo(1);
        assertThat(statistics.count(TwinOrigin.REST, TwinUpdateResult.CONFLICT)).isEqualTo(1);
        assertThat(statistics.count(TwinOrigin.REST, TwinUpdateResult.APPLIED)).isEqualTo(1);
        assertThat(statistics.count(TwinOrigin.MQTT, TwinUpdateResult.FAILED)).isZero();
        assertThat(statistics.writeDurations().get(TwinOrigin.MQTT).count()).isEqualTo(3);
        assertThat(statistics.writeDurations().get(TwinOrigin.REST).count()).isEqualTo(1);
        assertThat(statistics.writeDurations().get(TwinOrigin.DRIVER).count()).isZero();
    }

    @Test
    void aWriteTheStoreRefusesCountsAsFailedAndIsNotTimed() {
        store.failWrites = 1;

        assertThat(reply(engine.setDesired(THERMO, "setpoint", "23", TwinStore.ANY_VERSION, TwinOrigin.SHELL)).code())
                .isEqualTo(500);

        TwinStatistics statistics = engine.statistics();
        assertThat(statistics.count(TwinOrigin.SHELL, TwinUpdateResult.FAILED)).isEqualTo(1);
        assertThat(statistics.count(TwinOrigin.SHELL, TwinUpdateResult.APPLIED)).isZero();
        assertThat(statistics.writeDurations().get(TwinOrigin.SHELL).count()).isZero();
    }

    @Test
    void theWriteDurationIncludesTheStoreWrite() {
        store.writeDelayMillis = 60;

        assertThat(reply(engine.setDesired(THERMO, "setpoint", "23", TwinStore.ANY_VERSION, TwinOrigin.DRIVER))
                .code()).isEqualTo(200);

        HistogramSnapshot durations = engine.statistics().writeDurations().get(TwinOrigin.DRIVER);
        assertThat(durations.count()).isEqualTo(1);
        assertThat(durations.sumSeconds()).isGreaterThanOrEqualTo(0.06);
        // nothing in the buckets up to 50 ms
        double[] bounds = durations.boundsSeconds();
        long[] cumulative = durations.cumulativeCounts();
        for (int i = 0; i < bounds.length && bounds[i] <= 0.05; i++) {
            assertThat(cumulative[i]).as("le %s", bounds[i]).isZero();
        }
    }
}
