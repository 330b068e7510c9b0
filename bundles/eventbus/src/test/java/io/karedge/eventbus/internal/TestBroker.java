package io.karedge.eventbus.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedded broker wired as the eventbus component wires it, for tests: a dispatcher on a fake twin engine
 * (legacy topics on, no uplink) and a bus publishing through it. Each {@link #start} is a new dispatcher and bus
 * with the same engine, metrics and uplink executor (a restart when the test closed the bus before); {@link #close}
 * ends the bus and the executor.
 */
final class TestBroker implements AutoCloseable {

    final FakeTwinEngine engine = new FakeTwinEngine();
    final BusMetrics metrics = new BusMetrics();
    private final ExecutorService uplinkExecutor = Executors.newSingleThreadExecutor();
    private EmbeddedBus bus;

    /** @return the started bus (one I/O thread) */
    EmbeddedBus start(BrokerSettings settings, BrokerAccess access, SessionSettings sessions) throws Exception {
        BusDispatcher dispatcher = new BusDispatcher(engine, true, () -> null, uplinkExecutor, metrics);
        bus = new EmbeddedBus(settings, access, sessions, 1, dispatcher, metrics);
        dispatcher.publishTo(bus);
        bus.start();
        return bus;
    }

    @Override
    public void close() {
        if (bus != null) {
            bus.close();
        }
        uplinkExecutor.shutdownNow();
    }
}
