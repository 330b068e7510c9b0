package io.karedge.eventbus.internal;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The conformance scenarios against the embedded broker (anonymous allowed, the scenarios' ACL file). */
class EmbeddedConformanceTest extends ConformanceScenarios {

    @TempDir
    Path dir;

    private final ExecutorService uplinkExecutor = Executors.newSingleThreadExecutor();
    private EmbeddedBus bus;

    @BeforeEach
    void start() throws Exception {
        BusMetrics metrics = new BusMetrics();
        BusDispatcher dispatcher = new BusDispatcher(new FakeTwinEngine(), true, () -> null, uplinkExecutor, metrics);
        bus = new EmbeddedBus(BrokerSettings.loopback(0), new BrokerAccess(true, null, writeAcl(dir)),
                new SessionSettings(dir.resolve("sessions.journal"), 3600, true), 1, dispatcher, metrics);
        dispatcher.publishTo(bus);
        bus.start();
    }

    @AfterEach
    void stop() {
        bus.close();
        uplinkExecutor.shutdownNow();
    }

    @Override
    int port() {
        return bus.port();
    }
}
