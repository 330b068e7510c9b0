package io.karedge.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.test.support.FixedTokenAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST API behind the access filter, on the wire: a stranger gets 401 everywhere but the opened paths
 * and never a Secret; a foreign Host or a write from a foreign Origin is a 403; a target that does not
 * decode is a 400 (not a 500 with a stack); a 405 or 415 from the JAX-RS runtime is a Status.
 */
class AccessFilterTest {

    private static final String TOKEN = "Authorization: " + FixedTokenAccess.BEARER + "\n";
    private static final FixedTokenAccess ACCESS = new FixedTokenAccess("/api/v1/status");

    private static InMemoryMetaStore store;
    private static TwinResourceTest.FakeEngine engine;
    private static JettyApi api;

    @BeforeAll
    static void start() throws Exception {
        store = new InMemoryMetaStore();
        store.put((com.fasterxml.jackson.databind.node.ObjectNode) KaredgeJson.mapper().readTree("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":"
                + "\"db\",\"namespace\":\"app\"},\"data\":{\"password\":\"c2VjcmV0\"}}"), "local");
        engine = new TwinResourceTest.FakeEngine();
        api = JettyApi.startGuarded(ACCESS, new ObjectsResource(store, 4, 100, Duration.ofSeconds(15)),
                new TwinResource(engine, new TwinChangeHub(), RestLimits.defaults()), new StatusProbe());
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    /** A stand-in for the status resource: a path that can be opened for anonymous reads. */
    @javax.ws.rs.Path("/api/v1/status")
    public static final class StatusProbe {
        @javax.ws.rs.GET
        @javax.ws.rs.Produces("application/json")
        public String status() {
            return "{\"healthy\":true}";
        }
    }

    private static RawHttp.Answer send(String head) throws Exception {
        return RawHttp.exchange(api.port(), head, out -> { });
    }

    private static RawHttp.Answer send(String head, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(api.port(), head + "Content-Length: " + bytes.length + "\n", out -> out.write(bytes));
    }

    private static String twinPut(String extraHeaders) {
        return "PUT /api/v1/namespaces/plant-a/devices/thermo-01/twin HTTP/1.1\nHost: 127.0.0.1\n"
                + "Content-Type: application/json\nConnection: close\n" + extraHeaders;
    }

    @Test
    void aStrangerIsRefusedEverywhereButTheOpenedPathsAndNeverSeesASecret() throws Exception {
        for (String path : List.of("/api/v1/secrets", "/api/v1/namespaces/app/secrets/db", "/api/v1/pods",
                "/api/v1/namespaces/plant-a/devices/thermo-01/twin", "/ui/", "/", "/metrics", "/nowhere")) {
            RawHttp.Answer answer = send("GET " + path + " HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n");
            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.text()).as(path).doesNotContain("c2VjcmV0").containsIgnoringCase("WWW-Authenticate");
        }
        assertThat(send(twinPut(""), "{\"desired\":{\"setpoint\":\"30\"}}").status()).isEqualTo(401);
        assertThat(send(twinPut("Authorization: Bearer not-the-token\n"), "{\"desired\":{\"setpoint\":\"30\"}}")
                .status()).isEqualTo(401);
        assertThat(engine.values.get("setpoint")).isNotEqualTo("30");
        assertThat(send("GET /api/v1/status HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n").status())
                .as("opened for anonymous reads").isEqualTo(200);

        RawHttp.Answer owner = send("GET /api/v1/namespaces/app/secrets/db HTTP/1.1\nHost: 127.0.0.1\n" + TOKEN
                + "Connection: close\n");
        assertThat(owner.status()).isEqualTo(200);
        assertThat(owner.text()).contains("c2VjcmV0");
    }

    @Test
    void aDashboardSessionCookieIsAcceptedAsTheTokenIs() throws Exception {
        String session = ACCESS.redeemLoginCode(ACCESS.newLoginCode()).orElseThrow().id();
        assertThat(send("GET /api/v1/secrets HTTP/1.1\nHost: 127.0.0.1\nCookie: karedge_session=" + session
                + "\nConnection: close\n").status()).isEqualTo(200);
        assertThat(send("GET /api/v1/secrets HTTP/1.1\nHost: 127.0.0.1\nCookie: karedge_session=forged\n"
                + "Connection: close\n").status()).isEqualTo(401);
    }

    @Test
    void aForeignHostOrAWriteFromAForeignOriginIsRefused() throws Exception {
        assertThat(send("GET /api/v1/secrets HTTP/1.1\nHost: evil.example\n" + TOKEN + "Connection: close\n")
                .status()).isEqualTo(403);
        assertThat(send("GET /api/v1/secrets HTTP/1.1\nHost: localhost:8181\n" + TOKEN + "Connection: close\n")
                .status()).isEqualTo(200);
        assertThat(send(twinPut(TOKEN + "Origin: http://evil.example\n"), "{\"desired\":{\"setpoint\":\"31\"}}")
                .status()).isEqualTo(403);
        assertThat(engine.values.get("setpoint")).isNotEqualTo("31");
        assertThat(send(twinPut(TOKEN + "Origin: http://127.0.0.1:8181\n"), "{\"desired\":{\"setpoint\":\"23\"}}")
                .status()).isEqualTo(200);
    }

    @Test
    void malformedTargetsAre400AndClientErrorsOfTheRuntimeAreStatuses() throws Exception {
        for (String target : List.of("/api/v1/status?a=%", "/metrics?%zz=%", "/ui/?q=%",
                "/api/v1/devices?continue=%%%", "/api/v1/namespaces/plant-a/devices/a\\b/twin", "/\\evil")) {
            RawHttp.Answer answer = send("GET " + target + " HTTP/1.1\nHost: 127.0.0.1\n" + TOKEN
                    + "Connection: close\n");
            assertThat(answer.status()).as(target).isEqualTo(400);
            assertThat(answer.text()).as(target).contains("\"reason\":\"BadRequest\"");
        }
        RawHttp.Answer notAllowed = send("DELETE /api/v1/namespaces/plant-a/devices/thermo-01/twin HTTP/1.1\n"
                + "Host: 127.0.0.1\n" + TOKEN + "Connection: close\n");
        assertThat(notAllowed.status()).isEqualTo(405);
        JsonNode status = KaredgeJson.mapper().readTree(notAllowed.text().substring(notAllowed.text().indexOf('{')));
        assertThat(status.path("reason").asText()).isEqualTo("MethodNotAllowed");
        RawHttp.Answer unsupported = send("PUT /api/v1/namespaces/plant-a/devices/thermo-01/twin HTTP/1.1\n"
                + "Host: 127.0.0.1\nContent-Type: text/plain\n" + TOKEN + "Connection: close\n", "x");
        assertThat(unsupported.status()).isEqualTo(415);
        assertThat(unsupported.text()).contains("\"reason\":\"UnsupportedMediaType\"");
    }
}
