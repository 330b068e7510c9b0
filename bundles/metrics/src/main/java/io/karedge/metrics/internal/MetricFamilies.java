package io.karedge.metrics.internal;

import io.karedge.api.metrics.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the metric families of one scrape. Names are given without the {@code _total} suffix of
 * counters (the writers add it); a name ending in {@code _seconds} or {@code _bytes} gets its unit.
 */
public final class MetricFamilies {

    private final List<MetricSnapshot> families = new ArrayList<>();

    Gauge gauge(String name, String help) {
        return new Gauge(name, help);
    }

    Counter counter(String name, String help) {
        return new Counter(name, help);
    }

    Histogram histogram(String name, String help) {
        return new Histogram(name, help);
    }

    /** An info metric ({@code <name>_info}, value 1): constant facts carried by its labels. */
    void info(String name, String help, String... labels) {
        families.add(InfoSnapshot.builder().name(name).help(help)
                .dataPoint(InfoDataPointSnapshot.builder().labels(labelsOf(labels)).build()).build());
    }

    MetricSnapshots snapshots() {
        return new MetricSnapshots(families);
    }

    private static Labels labelsOf(String... pairs) {
        for (int i = 0; i < pairs.length; i++) {
            if (pairs[i] == null) {
                pairs[i] = "";
            }
        }
        return Labels.of(pairs);
    }

    private static Unit unitOf(String name) {
        if (name.endsWith("_seconds")) {
            return Unit.SECONDS;
        }
        if (name.endsWith("_bytes")) {
            return Unit.BYTES;
        }
        return null;
    }

    /** A gauge family; {@link #done()} adds it to the scrape (a family without samples is left out). */
    public final class Gauge {
        private final GaugeSnapshot.Builder builder;
        private int samples;

        private Gauge(String name, String help) {
            builder = GaugeSnapshot.builder().name(name).help(help);
            Unit unit = unitOf(name);
            if (unit != null) {
                builder.unit(unit);
            }
        }

        /** @param labels name, value, name, value... */
        Gauge add(double value, String... labels) {
            builder.dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(labelsOf(labels)).build());
            samples++;
            return this;
        }

        void done() {
            if (samples > 0) {
                families.add(builder.build());
            }
        }
    }

    /**
     * A histogram family made of the snapshots the node's parts keep ({@link HistogramSnapshot}): their
     * buckets become the classic {@code _bucket{le=...}} samples, with {@code +Inf}, {@code _count} and
     * {@code _sum}. {@link #done()} adds it to the scrape (a family without samples is left out).
     */
    public final class Histogram {
        private final io.prometheus.metrics.model.snapshots.HistogramSnapshot.Builder builder;
        private int samples;

        private Histogram(String name, String help) {
            builder = io.prometheus.metrics.model.snapshots.HistogramSnapshot.builder().name(name).help(help);
            Unit unit = unitOf(name);
            if (unit != null) {
                builder.unit(unit);
            }
        }

        /** @param labels name, value, name, value... */
        Histogram add(HistogramSnapshot snapshot, String... labels) {
            double[] bounds = snapshot.boundsSeconds();
            double[] upperBounds = new double[bounds.length + 1];
            System.arraycopy(bounds, 0, upperBounds, 0, bounds.length);
            upperBounds[bounds.length] = Double.POSITIVE_INFINITY;
            builder.dataPoint(io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot
                    .builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, snapshot.counts()))
                    .sum(snapshot.sumSeconds())
                    .labels(labelsOf(labels))
                    .build());
            samples++;
            return this;
        }

        void done() {
            if (samples > 0) {
                families.add(builder.build());
            }
        }
    }

    /** A counter family; {@link #done()} adds it to the scrape (a family without samples is left out). */
    public final class Counter {
        private final CounterSnapshot.Builder builder;
        private int samples;

        private Counter(String name, String help) {
            builder = CounterSnapshot.builder().name(name).help(help);
            Unit unit = unitOf(name);
            if (unit != null) {
                builder.unit(unit);
            }
        }

        /** @param labels name, value, name, value... */
        Counter add(double value, String... labels) {
            builder.dataPoint(CounterDataPointSnapshot.builder().value(value).labels(labelsOf(labels)).build());
            samples++;
            return this;
        }

        void done() {
            if (samples > 0) {
                families.add(builder.build());
            }
        }
    }
}
