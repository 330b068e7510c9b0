package io.karedge.eventbus.internal;

/** The event bus on its own {@link MqttBroker}; the bus's messages are injected at {@code publish.qos}. */
public final class EmbeddedBus implements Bus {

    private final MqttBroker broker;
    private final int publishQos;

    public EmbeddedBus(BrokerSettings settings, BrokerAccess access, SessionSettings sessions, int publishQos,
                       PublishHook hook, BusMetrics metrics) {
        this.broker = new MqttBroker(settings, access, sessions, hook, metrics);
        this.publishQos = publishQos;
    }

    @Override
    public void start() throws Exception {
        broker.start();
    }

    @Override
    public void publish(String topic, byte[] payload) {
        broker.publish(topic, payload, publishQos, false);
    }

    /** Nobody to receive it: no subscription of a connected client matches the topic. */
    @Override
    public boolean wanted(String topic) {
        return broker.hasSubscribers(topic);
    }

    @Override
    public String address() {
        return "tcp://" + broker.address().getHostString() + ":" + broker.address().getPort();
    }

    MqttBroker broker() {
        return broker;
    }

    public int port() {
        return broker.address().getPort();
    }

    @Override
    public boolean connected() {
        return broker.listening();
    }

    @Override
    public String problem() {
        return broker.problem();
    }

    @Override
    public int connectedClients() {
        return broker.connectedClients();
    }

    @Override
    public void close() {
        broker.close();
    }
}
