package io.karedge.rest.internal;

import static io.karedge.rest.internal.Json.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A burst of watches opened and dropped, served as in the node (Jetty 9.4 with the distribution's request
 * thread pool): the watches end and the pool is back at its idle size within a bounded time.
 */
class WatchThreadsTest {

    @Test
    void threadsAndWatchesComeBackAfterABurstOfDroppedWatches() throws Exception {
        InMemoryMetaStore store = new InMemoryMetaStore();
        store.put(device("default", "a", "modbus"), "cloud");
        // a keep-alive of 1 s, so that a client that went away is noticed soon
        ObjectsResource resource = new ObjectsResource(store, RestLimits.defaults(), 1024, Duration.ofSeconds(1));
        try (JettyApi api = JettyApi.start(resource)) {
            int idle = api.poolThreads();
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port());
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/v1/devices?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                clients.add(socket);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> resource.openWatchCount() >= 60);
            int busy = api.poolThreads();
            for (Socket socket : clients) {
                socket.close();
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> resource.openWatchCount() == 0);
            // Jetty retires one idle thread per idle timeout; the distribution's timeout brings the burst back
            await().atMost(Duration.ofSeconds(40)).until(() -> api.poolThreads() <= Math.max(idle, api.minThreads()) + 2);
            assertThat(busy).isGreaterThan(idle + 50);
        }
    }
}
