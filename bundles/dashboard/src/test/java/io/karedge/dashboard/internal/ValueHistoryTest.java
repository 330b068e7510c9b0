package io.karedge.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueHistoryTest {

    private static final long T0 = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

    @Test
    void numbersWithTheirDesiredValueInTimeOrder() {
        ValueHistory history = new ValueHistory(new ValueHistory.Limits(10, 5, 10));
        history.add("default/t", "temperature", T0, "21.5", null);
        history.add("default/t", "temperature", T0 + 2_000, "22", "24");
        history.add("default/t", "temperature", T0 + 2_500, "22.5", "24");

        ValueHistory.PropertyView view = history.of("default/t", "temperature", 0).get("temperature");
        assertThat(view.numeric()).isTrue();
        // the second change in the same second replaced the first
        assertThat(view.points()).extracting(PropertyHistory.Point::atMillis).containsExactly(T0, T0 + 2_500);
        assertThat(view.points()).extracting(PropertyHistory.Point::actual).containsExactly(21.5, 22.5);
        assertThat(view.points()).extracting(PropertyHistory.Point::desired).containsExactly(null, 24.0);
    }

    @Test
    void aNewDesiredValueIsKeptEvenInTheSameSecond() {
        ValueHistory history = new ValueHistory(new ValueHistory.Limits(10, 5, 10));
        history.add("default/t", "setpoint", T0, "21", "21");
        history.add("default/t", "setpoint", T0 + 100, "21", "24.5");
        history.add("default/t", "setpoint", T0 + 200, "24.5", "24.5");
        history.add("default/t", "setpoint", T0 + 300, "24.5", "auto");
        history.add("default/t", "setpoint", T0 + 400, "22", "auto");
        assertThat(history.of("default/t", "setpoint", 0).get("setpoint").points()).extracting(
                PropertyHistory.Point::desired).containsExactly(21.0, 24.5, "auto");
        assertThat(history.of("default/t", "setpoint", 0).get("setpoint").points()).extracting(
                PropertyHistory.Point::actual).containsExactly(21.0, 24.5, 22.0);
    }

    @Test
    void wordsMakeATextTimeline() {
        ValueHistory history = new ValueHistory(ValueHistory.Limits.DEFAULTS);
        history.add("default/c", "note", T0, "hello", null);
        history.add("default/c", "note", T0 + 5_000, "42", null);
        ValueHistory.PropertyView view = history.of("default/c", null, 0).get("note");
        assertThat(view.numeric()).isFalse();
        assertThat(view.points()).extracting(PropertyHistory.Point::actual).containsExactly("hello", 42.0);
    }

    @Test
    void olderMinutesComeFromTheCoarseRingWithTheirRange() {
        ValueHistory history = new ValueHistory(new ValueHistory.Limits(4, 60, 10));
        // one value every 10 s for 10 minutes, rising by 1
        for (int i = 0; i < 60; i++) {
            history.add("default/t", "v", T0 + i * 10_000L, String.valueOf(i), null);
        }
        List<PropertyHistory.Point> points = history.of("default/t", "v", 0).get("v").points();
        // the fine ring holds the last 4 changes (the last 40 s); before them one point per minute
        assertThat(points).hasSize(9 + 4);
        assertThat(points.get(0).min()).isEqualTo(0.0);
        assertThat(points.get(0).max()).isEqualTo(5.0);
        assertThat(points.get(0).actual()).isEqualTo(5.0);
        assertThat(points).extracting(PropertyHistory.Point::atMillis).isSorted();
        assertThat(points.get(points.size() - 1).actual()).isEqualTo(59.0);
        // since cuts the older points off
        assertThat(history.of("default/t", "v", T0 + 570_000).get("v").points()).extracting(
                PropertyHistory.Point::actual).containsExactly(57.0, 58.0, 59.0);
    }

    @Test
    void aDeletedTwinIsForgottenAndTwinChangesFeedTheHistory() {
        ValueHistory history = new ValueHistory(ValueHistory.Limits.DEFAULTS);
        history.record(change("default/t", "setpoint", "{\"expected\":{\"value\":\"24\"},\"actual\":{\"value\":\"23\"}}",
                T0));
        assertThat(history.of("default/t", "setpoint", 0).get("setpoint").points())
                .containsExactly(new PropertyHistory.Point(T0, 23.0, 24.0, 23.0, 23.0));
        history.record(change("default/t", "setpoint", "{\"metadata\":{\"type\":\"deleted\"}}", T0 + 1000));
        assertThat(history.of("default/t", null, 0)).isEmpty();
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ValueHistory.Limits(0, 60, 10)).hasMessageContaining("fine.points 0");
    }

    /**
     * Random devices, properties, values and times (sometimes going back): the history never holds more than
     * its limits allow, each property's points stay in time order, and its last point is the last value added.
     */
    @Test
    void randomSequencesStayWithinTheLimits() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String context = "seed " + seed;
        for (int round = 0; round < 20; round++) {
            ValueHistory.Limits limits = new ValueHistory.Limits(1 + random.nextInt(20), random.nextInt(10),
                    1 + random.nextInt(30));
            ValueHistory history = new ValueHistory(limits);
            long now = T0;
            for (int step = 0; step < 3000; step++) {
                String device = "default/d" + random.nextInt(10);
                String property = "p" + random.nextInt(8);
                now += random.nextInt(10) == 0 ? -random.nextInt(5_000) : random.nextInt(40_000);
                String value = random.nextBoolean() ? String.valueOf(random.nextGaussian() * 100)
                        : random.nextInt(3) == 0 ? "on" : String.valueOf(random.nextInt(1000));
                history.add(device, property, now, value, random.nextBoolean() ? "7" : null);
                assertThat(history.properties()).as(context).isLessThanOrEqualTo(limits.maxProperties());
                assertThat(history.points()).as(context).isLessThanOrEqualTo(limits.maxPoints());
                List<PropertyHistory.Point> points = history.of(device, property, Long.MIN_VALUE).get(property)
                        .points();
                assertThat(points).as(context).extracting(PropertyHistory.Point::atMillis).isSorted();
                Object shown = points.get(points.size() - 1).actual();
                assertThat(String.valueOf(shown instanceof Double d ? d : shown)).as(context)
                        .isEqualTo(value.equals("on") ? "on" : String.valueOf(Double.parseDouble(value)));
            }
        }
    }

    private static TwinChange change(String deviceId, String property, String twin, long at) {
        try {
            TwinRecord record = new TwinRecord(deviceId, property, 1, KaredgeJson.mapper().readTree(twin),
                    Instant.ofEpochMilli(at));
            return new TwinChange(deviceId, TwinOrigin.values()[0], Map.of(property, record), null, List.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
