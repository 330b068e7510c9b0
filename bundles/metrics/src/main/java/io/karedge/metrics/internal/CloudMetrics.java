package io.karedge.metrics.internal;

import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.UplinkDelivery;
import io.karedge.cloud.bridge.WatchedResource;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The link to the cloud: state, reconnects, messages, dead letters, keepalive age, certificate expiry; and
 * what the bridge did with the Uplink's entries (sent, acknowledged, dead-lettered, given up unanswered); and the
 * watch events of the cloud watch feed per watched resource.
 */
@Component(service = NodeCollector.class, property = "karedge.optional.part=cloud bridge")
public class CloudMetrics implements NodeCollector {

    private final CloudLinkStatus link;
    private final Clock clock;

    @Activate
    public CloudMetrics(@Reference(name = "cloudLink") CloudLinkStatus link) {
        this(link, Clock.systemUTC());
    }

    CloudMetrics(CloudLinkStatus link, Clock clock) {
        this.link = link;
        this.clock = clock;
    }

    @Override
    public void collect(MetricFamilies families) {
        CloudLinkSnapshot snapshot = link.snapshot();
        MetricFamilies.Gauge state = families.gauge("karedge_cloud_link_state",
                "1 for the cloud link's current state, 0 for the others");
        for (LinkState each : LinkState.values()) {
            state.add(each == snapshot.state() ? 1 : 0, "state", each.name().toLowerCase(Locale.ROOT));
        }
        state.done();
        families.counter("karedge_cloud_reconnects", "Connections to the cloud opened again after a loss")
                .add(snapshot.reconnects()).done();
        families.counter("karedge_cloud_messages_received", "Messages received from the cloud")
                .add(snapshot.messagesIn()).done();
        families.counter("karedge_cloud_messages_sent", "Messages sent to the cloud (Uplink entries drained)")
                .add(snapshot.messagesOut()).done();
        families.counter("karedge_cloud_dead_letters", "Uplink entries given up on (refused by the cloud)")
                .add(snapshot.deadLetters()).done();
        families.gauge("karedge_cloud_devices_not_reported", "Devices whose status the cloud has not taken")
                .add(snapshot.devicesNotReported().size()).done();
        MetricFamilies.Counter watchEvents = families.counter("karedge_cloud_watch_events",
                "Watch events received from CloudCore's DynamicController since the bridge started, per resource");
        for (WatchedResource watch : snapshot.cloudWatch()) {
            watchEvents.add(watch.eventsTotal(), "resource", watch.resource());
        }
        watchEvents.done();
        UplinkDelivery delivery = link.uplinkDelivery();
        families.counter("karedge_uplink_sent", "Uplink entries written to the cloud, sends again included")
                .add(delivery.sent()).done();
        families.counter("karedge_uplink_acked",
                "Uplink entries the cloud has (answered, or flushed when CloudCore never answers them), removed")
                .add(delivery.acked()).done();
        families.counter("karedge_uplink_dead_lettered",
                "Uplink entries removed undelivered because they are not valid messages")
                .add(delivery.deadLettered()).done();
        families.counter("karedge_uplink_unanswered",
                "Uplink entries removed after uplink.max.attempts sends without an answer")
                .add(delivery.unanswered()).done();
        if (snapshot.lastKeepalive() != null) {
            families.gauge("karedge_cloud_keepalive_age_seconds", "Time since the last keepalive from the cloud")
                    .add(Math.max(0, Duration.between(snapshot.lastKeepalive(), clock.instant()).toMillis() / 1000.0))
                    .done();
        }
        if (snapshot.certificateExpiry() != null) {
            families.gauge("karedge_cloud_certificate_expiry_timestamp_seconds",
                    "When the node's client certificate expires, in Unix seconds")
                    .add(snapshot.certificateExpiry().getEpochSecond()).done();
        }
    }
}
