package io.karedge.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.manager.DiscoveryException;
import io.karedge.device.manager.DiscoveryException.Reason;
import io.karedge.device.manager.DiscoveryResult;
import io.karedge.device.manager.DriverDiscovery;
import io.karedge.test.support.FixedTokenAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/drivers/{protocol}/discover} on the wire, behind the access filter: the devices found as
 * JSON, each refusal of the device manager as its status code with a Kubernetes Status, and no scan for a
 * stranger.
 */
class DiscoveryResourceTest {

    private static final ConcurrentLinkedQueue<String> CALLS = new ConcurrentLinkedQueue<>();
    private static final Map<String, Reason> REFUSALS = Map.of("modbus", Reason.NO_DRIVER, "virtual",
            Reason.NOT_SUPPORTED, "busy", Reason.BUSY, "broken", Reason.FAILED, "slow", Reason.TIMED_OUT);

    /** The device manager's side: finds one server for opcua, refuses the other protocols as it would. */
    private static final DriverDiscovery MANAGER = (protocol, timeout) -> {
        CALLS.add(protocol + " " + timeout.toSeconds());
        Reason refusal = REFUSALS.get(protocol);
        if (refusal != null) {
            throw new DiscoveryException(refusal, refusal + " for " + protocol);
        }
        DiscoveredDevice server = new DiscoveredDevice("karedge-test-server", "OPC UA server at opc.tcp://127.0.0.1:4840",
                KaredgeJson.mapper().createObjectNode().put("url", "opc.tcp://127.0.0.1:4840"),
                List.of("line1-setpoint: nodeID ns=2;s=Line1.Setpoint, browseName Setpoint, DOUBLE, ReadWrite"));
        return new DiscoveryResult(protocol, "io.karedge.protocol.opcua 0.1.0", List.of(server), Duration.ofMillis(321));
    };

    private static JettyApi api;

    @BeforeAll
    static void start() throws Exception {
        api = JettyApi.startGuarded(new FixedTokenAccess("/api/v1/status"), new DiscoveryResource(MANAGER));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    private static RawHttp.Answer post(String target, boolean withToken) throws Exception {
        return RawHttp.exchange(api.port(), "POST " + target + " HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n"
                + (withToken ? "Authorization: " + FixedTokenAccess.BEARER + "\n" : "") + "Content-Length: 0\n",
                out -> { });
    }

    private static JsonNode body(RawHttp.Answer answer) throws Exception {
        return KaredgeJson.mapper().readTree(answer.text().substring(answer.text().indexOf("\r\n\r\n") + 4));
    }

    @Test
    void theDevicesFoundAsJson() throws Exception {
        CALLS.clear();
        RawHttp.Answer answer = post("/api/v1/drivers/opcua/discover?timeoutSeconds=3", true);

        assertThat(answer.status()).isEqualTo(200);
        JsonNode body = body(answer);
        assertThat(body.path("protocol").asText()).isEqualTo("opcua");
        assertThat(body.path("elapsedMillis").asLong()).isEqualTo(321);
        JsonNode device = body.path("devices").get(0);
        assertThat(device.path("name").asText()).isEqualTo("karedge-test-server");
        assertThat(device.path("description").asText()).isEqualTo("OPC UA server at opc.tcp://127.0.0.1:4840");
        assertThat(device.path("protocolConfig").path("url").asText()).isEqualTo("opc.tcp://127.0.0.1:4840");
        assertThat(device.path("properties").get(0).asText()).startsWith("line1-setpoint: nodeID ns=2;s=Line1.Setpoint");
        assertThat(CALLS).containsExactly("opcua 3");

        assertThat(post("/api/v1/drivers/opcua/discover", true).status()).isEqualTo(200);
        assertThat(CALLS).containsExactly("opcua 3", "opcua 10");
    }

    @Test
    void eachRefusalIsItsStatusCodeWithTheManagersMessage() throws Exception {
        Map<String, Integer> codes = Map.of("modbus", 404, "virtual", 422, "busy", 409, "broken", 502, "slow", 504);
        for (Map.Entry<String, Integer> expected : codes.entrySet()) {
            RawHttp.Answer answer = post("/api/v1/drivers/" + expected.getKey() + "/discover?timeoutSeconds=1", true);

            assertThat(answer.status()).as(expected.getKey()).isEqualTo(expected.getValue());
            JsonNode status = body(answer);
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("code").asInt()).isEqualTo(expected.getValue());
            assertThat(status.path("message").asText()).isEqualTo(REFUSALS.get(expected.getKey()) + " for "
                    + expected.getKey());
        }
    }

    @Test
    void aTimeoutOutOfBoundsIsABadRequestAndNoScan() throws Exception {
        CALLS.clear();
        for (String timeout : List.of("0", "61", "ten", "-5")) {
            RawHttp.Answer answer = post("/api/v1/drivers/opcua/discover?timeoutSeconds=" + timeout, true);

            assertThat(answer.status()).as(timeout).isEqualTo(400);
            assertThat(body(answer).path("message").asText()).contains("timeoutSeconds", "from 1 to 60");
        }
        assertThat(CALLS).isEmpty();
    }

    @Test
    void aStrangerStartsNoScan() throws Exception {
        CALLS.clear();
        assertThat(post("/api/v1/drivers/opcua/discover", false).status()).isEqualTo(401);
        assertThat(RawHttp.exchange(api.port(), "GET /api/v1/drivers/opcua/discover HTTP/1.1\nHost: 127.0.0.1\n"
                + "Connection: close\nAuthorization: " + FixedTokenAccess.BEARER + "\n", out -> { }).status())
                .isEqualTo(405);
        assertThat(CALLS).isEmpty();
    }
}
