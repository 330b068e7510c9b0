package io.karedge.metrics.internal;

import io.karedge.eventbus.MqttBusStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The MQTT bus: state, clients of the embedded broker, messages in and out, rejections and errors. */
@Component(service = NodeCollector.class, property = "karedge.optional.part=event bus")
public class EventBusMetrics implements NodeCollector {

    private final MqttBusStatus bus;

    @Activate
    public EventBusMetrics(@Reference(name = "bus") MqttBusStatus bus) {
        this.bus = bus;
    }

    @Override
    public void collect(MetricFamilies families) {
        families.gauge("karedge_mqtt_up", "1 while the embedded broker listens or the external broker is connected")
                .add(bus.connected() ? 1 : 0, "mode", bus.mode()).done();
        families.gauge("karedge_mqtt_clients", "MQTT clients connected to the embedded broker")
                .add(bus.connectedClients()).done();
        families.counter("karedge_mqtt_messages_received", "PUBLISH packets received by the bus")
                .add(bus.messagesIn()).done();
        families.counter("karedge_mqtt_messages_sent", "PUBLISH packets sent by the bus")
                .add(bus.messagesOut()).done();
        families.counter("karedge_mqtt_rejected", "Requests answered with an error because of their topic")
                .add(bus.rejected()).done();
        families.counter("karedge_mqtt_errors", "Engine failures and publications not sent or dropped")
                .add(bus.errors()).done();
        families.counter("karedge_mqtt_refused", "What the embedded broker refused: connections (no or wrong"
                        + " credentials), publishes and subscriptions (ACL, the node's own topics)")
                .add(bus.refusedConnections(), "what", "connection")
                .add(bus.refusedPublishes(), "what", "publish")
                .add(bus.refusedSubscriptions(), "what", "subscription").done();
        families.gauge("karedge_mqtt_persistent_sessions", "Persistent MQTT sessions, connected or not")
                .add(bus.persistentSessions()).done();
        families.counter("karedge_mqtt_session_dropped", "Messages dropped from full persistent sessions, oldest first")
                .add(bus.sessionDropped()).done();
    }
}
