package io.karedge.metrics.internal;

import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinStatistics;
import io.karedge.api.twin.TwinUpdateResult;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Twin update requests by origin and result, the time until the applied ones were stored, and the number of
 * member devices: all read from the engine's own counters ({@link TwinEngine#statistics()}) at scrape time.
 */
@Component(service = NodeCollector.class, property = "karedge.optional.part=twin engine")
public class TwinMetrics implements NodeCollector {

    private final TwinEngine engine;

    @Activate
    public TwinMetrics(@Reference(name = "engine") TwinEngine engine) {
        this.engine = engine;
    }

    @Override
    public void collect(MetricFamilies families) {
        TwinStatistics statistics = engine.statistics();
        MetricFamilies.Counter updates = families.counter("karedge_twin_updates",
                "Twin update requests (twin/update, twin/cloud_updated, state/update, desired values) by where"
                        + " they came from and what came of them");
        MetricFamilies.Histogram durations = families.histogram("karedge_twin_write_duration_seconds",
                "Time from a twin update reaching the engine to its write being on disk, for applied updates");
        for (TwinOrigin origin : TwinOrigin.values()) {
            String source = origin.name().toLowerCase(Locale.ROOT);
            for (TwinUpdateResult result : TwinUpdateResult.values()) {
                updates.add(statistics.count(origin, result), "source", source,
                        "result", result.name().toLowerCase(Locale.ROOT));
            }
            durations.add(statistics.writeDurations().get(origin), "source", source);
        }
        updates.done();
        durations.done();
        families.gauge("karedge_twin_devices", "Member devices with a twin").add(engine.members().size()).done();
    }
}
