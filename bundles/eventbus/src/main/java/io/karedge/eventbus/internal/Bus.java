package io.karedge.eventbus.internal;

/** The running MQTT side of the event bus: the embedded broker or the external connection. */
public interface Bus extends BusPublisher, AutoCloseable {

    void start() throws Exception;

    String address();

    boolean connected();

    int connectedClients();

    @Override
    void close();
}
