package io.karedge.protocol.opcua.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.device.Device;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import io.karedge.protocol.opcua.internal.OpcUaMiloTest.Recorder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded random sequence of devices opened and closed on one server, typed writes through any of them, and
 * batch reads: after every step the server holds the last value written, every open device reads it, and the
 * devices share exactly one session while any is open. The seed is in every assertion message
 * ({@code -Dkaredge.seed=<seed>} repeats a run).
 */
class OpcUaRandomSequenceTest {

    private static final String[] WRITABLE = {
        "setpoint|DOUBLE|ReadWrite|{nodeID: 'ns=2;s=Setpoint'}",
        "counter|INT|ReadWrite|{nodeID: 'ns=2;s=Counter'}",
        "running|BOOLEAN|ReadWrite|{nodeID: 'ns=2;s=Running'}",
        "label|STRING|ReadWrite|{nodeID: 'ns=2;s=Label'}"};

    @TempDir
    Path pki;
    private MiloTestServer server;
    private OpcUaDriver driver;

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.deactivate();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void randomOpensClosesWritesAndReadsAgreeWithTheServer() throws Exception {
        long seed = Long.getLong("karedge.seed", System.nanoTime());
        Random random = new Random(seed);
        server = MiloTestServer.start();
        driver = new OpcUaDriver(pki, false);
        Map<String, PushingHandler> open = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>(Map.of("setpoint", "20", "counter", "0",
                "running", "false", "label", "start"));
        int opened = 0;
        // the driver opens its session to a server on a device's first use (a subscription, a read or a write)
        // and closes it when no open device has used it: the devices that have, by name
        Set<String> users = new HashSet<>();
        for (int step = 0; step < 80; step++) {
            String at = "seed " + seed + ", step " + step;
            int action = random.nextInt(10);
            if (open.isEmpty() || (action < 2 && open.size() < 4)) {
                Device device = OpcUaDevices.device("random-" + opened++, "{url: '" + server.url() + "'}", WRITABLE);
                PushingHandler handler = (PushingHandler) driver.open(device, new Recorder());
                if (random.nextBoolean()) {
                    handler.subscribe(requests(device));
                    users.add(device.metadata().getName());
                }
                open.put(device.metadata().getName(), handler);
            } else if (action < 3 && open.size() > 1) {
                String name = new ArrayList<>(open.keySet()).get(random.nextInt(open.size()));
                open.remove(name).close();
                users.remove(name);
            } else if (action < 7) {
                String property = new String[]{"setpoint", "counter", "running", "label"}[random.nextInt(4)];
                String value = randomValue(property, random);
                String user = new ArrayList<>(open.keySet()).get(random.nextInt(open.size()));
                PushingHandler handler = open.get(user);
                users.add(user);
                List<PropertyValue> result = handler.write(List.of(OpcUaDevices.write(
                        requests(OpcUaDevices.device("any", "{url: '" + server.url() + "'}", WRITABLE)), property, value)));
                assertThat(result.get(0).error()).as(at).isNull();
                assertThat(result.get(0).value()).as(at).isEqualTo(value);
                expected.put(property, value);
            } else {
                String user = new ArrayList<>(open.keySet()).get(random.nextInt(open.size()));
                PushingHandler handler = open.get(user);
                users.add(user);
                List<PropertyValue> values = handler.read(requests(OpcUaDevices.device("any", "{url: '"
                        + server.url() + "'}", WRITABLE)));
                Map<String, String> read = new LinkedHashMap<>();
                values.forEach(v -> read.put(v.property(), v.value()));
                assertThat(read).as(at).isEqualTo(expected);
            }
            assertThat(String.valueOf(server.get("Label"))).as(at).isEqualTo(expected.get("label"));
            assertThat(String.valueOf(server.get("Counter"))).as(at).isEqualTo(expected.get("counter"));
            int sessions = users.isEmpty() ? 0 : 1;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(driver.sessions()).as(at)
                    .isEqualTo(sessions));
        }
        open.values().forEach(PushingHandler::close);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(driver.sessions())
                .as("seed " + seed + ": no session once every device is closed").isZero());
    }

    private static List<PropertyRequest> requests(Device device) {
        return OpcUaDevices.requests(device, WRITABLE);
    }

    private static String randomValue(String property, Random random) {
        return switch (property) {
            case "setpoint" -> BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 3).stripTrailingZeros()
                    .toPlainString();
            case "counter" -> Integer.toString(random.nextInt());
            case "running" -> Boolean.toString(random.nextBoolean());
            default -> "batch " + Long.toString(random.nextLong() & 0xFFFFFFL, 36);
        };
    }
}
