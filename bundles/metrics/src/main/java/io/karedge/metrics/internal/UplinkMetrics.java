package io.karedge.metrics.internal;

import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Uplink outbox: entries waiting for the cloud, the age of the oldest (one indexed read per scrape), and
 * the enqueues refused at its bound. What the cloud bridge sends from it is in {@link CloudMetrics}.
 */
@Component(service = NodeCollector.class, property = "karedge.optional.part=store")
public class UplinkMetrics implements NodeCollector {

    private final Uplink uplink;
    private final Clock clock;

    @Activate
    public UplinkMetrics(@Reference(name = "uplink") Uplink uplink) {
        this(uplink, Clock.systemUTC());
    }

    UplinkMetrics(Uplink uplink, Clock clock) {
        this.uplink = uplink;
        this.clock = clock;
    }

    @Override
    public void collect(MetricFamilies families) {
        families.gauge("karedge_uplink_depth", "Entries waiting in the Uplink outbox").add(uplink.depth()).done();
        List<UplinkEntry> oldest = uplink.pending(0, 1);
        double age = oldest.isEmpty() || oldest.get(0).enqueuedAt() == null ? 0
                : Math.max(0, Duration.between(oldest.get(0).enqueuedAt(), clock.instant()).toMillis() / 1000.0);
        families.gauge("karedge_uplink_oldest_age_seconds", "Age of the oldest waiting Uplink entry; 0 when empty")
                .add(age).done();
        families.counter("karedge_uplink_refused",
                "Enqueues refused because the Uplink was at its bound (uplink.max.entries, uplink.max.bytes);"
                        + " nothing of them was stored").add(uplink.refused()).done();
    }
}
