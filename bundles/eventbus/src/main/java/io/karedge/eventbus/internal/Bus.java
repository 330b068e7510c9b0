package io.karedge.eventbus.internal;

/** The running MQTT side of the event bus: the embedded broker or the external connection. */
public interface Bus extends BusPublisher, AutoCloseable {

    void start() throws Exception;

    String address();

    boolean connected();

    int connectedClients();

    /** @return why MQTT is not up (a listener that can't bind, a broker that can't be reached), or null */
    String problem();

    @Override
    void close();
}
