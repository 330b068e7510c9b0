package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A port taken by another process when the broker starts: the broker starts anyway, says why it does not
 * listen, and listens as soon as the port is free, without a restart or a configuration change.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BindRetryTest {

    private final TestBroker broker = new TestBroker();

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aTakenPortIsBoundOnceItIsFreeAndClientsThenConnect() throws Exception {
        EmbeddedBus bus;
        int port;
        try (ServerSocket stranger = new ServerSocket()) {
            stranger.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = stranger.getLocalPort();
            bus = broker.start(BrokerSettings.loopback(port).withBindRetry(100), BrokerAccess.anonymous(),
                    SessionSettings.inMemory());

            assertThat(bus.connected()).isFalse();
            assertThat(bus.address()).isEqualTo("tcp://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(bus.problem())
                    .contains("cannot bind 127.0.0.1:" + port, "in use", "next in 100 ms")
                    .containsPattern("attempt [2-9]"));
        }

        await().atMost(Duration.ofSeconds(5)).until(bus::connected);
        assertThat(bus.problem()).isNull();
        try (PahoClient app = new PahoClient("tcp://127.0.0.1:" + port, "late-app")) {
            app.subscribe("plant/#", 1);
            app.publish("plant/level", "7".getBytes(StandardCharsets.UTF_8), 1).waitForCompletion(5000);
            assertThat(app.next().text()).isEqualTo("7");
        }
    }

    @Test
    void closingWhileItRetriesStopsTheRetries() throws Exception {
        try (ServerSocket stranger = new ServerSocket()) {
            stranger.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = stranger.getLocalPort();
            EmbeddedBus bus = broker.start(BrokerSettings.loopback(port).withBindRetry(100),
                    BrokerAccess.anonymous(), SessionSettings.inMemory());
            bus.close();
            stranger.close();
            Thread.sleep(400);

            try (ServerSocket after = new ServerSocket()) {
                after.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(after.isBound()).as("the closed broker did not take the port later").isTrue();
            }
        }
    }

    /** An address the host does not have (yet): binding it sends nothing anywhere, and fails until it is up. */
    @Test
    void anAddressNotOnTheHostIsRetriedToo() throws Exception {
        EmbeddedBus bus = broker.start(new BrokerSettings("192.0.2.1", 0, 4096, 10, 10, 10, 10, 1).withBindRetry(100),
                BrokerAccess.anonymous(), SessionSettings.inMemory());

        assertThat(bus.connected()).isFalse();
        assertThat(bus.problem()).contains("cannot bind 192.0.2.1:0", "attempt 1");
    }

    @Test
    void theRetryIntervalHasAFloor() {
        assertThatThrownBy(() -> BrokerSettings.loopback(0).withBindRetry(10))
                .hasMessageContaining("bind.retry.ms must be at least 100");
    }
}
