package io.karedge.eventbus.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The conformance scenarios against the embedded broker (anonymous allowed, the scenarios' ACL file). */
class EmbeddedConformanceTest extends ConformanceScenarios {

    @TempDir
    Path dir;

    private final TestBroker broker = new TestBroker();
    private EmbeddedBus bus;

    @BeforeEach
    void start() throws Exception {
        bus = broker.start(BrokerSettings.loopback(0), new BrokerAccess(true, null, writeAcl(dir)),
                new SessionSettings(dir.resolve("sessions.journal"), 3600, true));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Override
    int port() {
        return bus.port();
    }
}
