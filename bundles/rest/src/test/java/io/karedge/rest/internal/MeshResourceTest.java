package io.karedge.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.MeshStatus;
import io.karedge.mesh.Resolution;
import java.time.Instant;
import java.util.List;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class MeshResourceTest {

    final MeshStatus mesh = new MeshStatus() {
        @Override
        public List<MeshService> services() {
            return List.of(new MeshService("default", "web", "127.100.3.4", "RANDOM", "DestinationRule", List.of(
                    new MeshPort("http", "TCP", 8080, true, "", 1, List.of(
                            new MeshEndpoint("127.0.0.1", 9001, "endpoints", true, null, 0, 1, 5),
                            new MeshEndpoint("127.0.0.1", 9002, "endpoints", false,
                                    Instant.parse("2026-01-01T00:00:05Z"), 1, 0, 0))))));
        }

        @Override
        public Resolution resolve(String name) {
            return "web".equals(name) ? new Resolution("web", true, "127.100.3.4", "default", "web", "short")
                    : new Resolution(name, false, "", "", "", "not a mesh name");
        }

        @Override
        public DnsStatus dns() {
            return new DnsStatus(true, "127.0.0.1:10053", true, "", List.of(), 3, 2, 1, 0, 0, 0, 4);
        }

        @Override
        public List<io.karedge.mesh.MeshPeer> peers() {
            return List.of(new io.karedge.mesh.MeshPeer("edge-b", true, "direct", 800, 2, 10, 20, ""),
                    new io.karedge.mesh.MeshPeer("edge-c", false, "none", -1, 0, 0, 0, "connect refused"));
        }
    };

    @Test
    void peersAsJson() {
        JsonNode json = new MeshResource(mesh).peers();

        JsonNode b = json.path("peers").get(0);
        assertThat(b.path("node").asText()).isEqualTo("edge-b");
        assertThat(b.path("path").asText()).isEqualTo("direct");
        assertThat(b.path("rttMicros").asLong()).isEqualTo(800);
        assertThat(b.path("bytesOut").asLong()).isEqualTo(20);
        JsonNode c = json.path("peers").get(1);
        assertThat(c.path("connected").asBoolean()).isFalse();
        assertThat(c.has("rttMicros")).isFalse();
        assertThat(c.path("error").asText()).isEqualTo("connect refused");
    }

    @Test
    void servicesAsJson() {
        JsonNode json = new MeshResource(mesh).services();

        JsonNode web = json.path("services").get(0);
        assertThat(web.path("address").asText()).isEqualTo("127.100.3.4");
        assertThat(web.path("policy").asText()).isEqualTo("RANDOM");
        JsonNode port = web.path("ports").get(0);
        assertThat(port.path("port").asInt()).isEqualTo(8080);
        assertThat(port.path("listening").asBoolean()).isTrue();
        assertThat(port.path("dataPath").asText()).isEqualTo("proxy");
        assertThat(port.path("endpoints").get(1).path("healthy").asBoolean(true)).isFalse();
        assertThat(port.path("endpoints").get(1).path("ejectedUntil").asText()).isEqualTo("2026-01-01T00:00:05Z");
        assertThat(json.path("dns").path("malformed").asLong()).isEqualTo(4);
    }

    @Test
    void resolveNeedsAName() {
        MeshResource resource = new MeshResource(mesh);

        Response found = resource.resolve("web");
        Response missing = resource.resolve("x.org");
        Response bad = resource.resolve(" ");

        assertThat(found.getStatus()).isEqualTo(200);
        assertThat(((JsonNode) found.getEntity()).path("address").asText()).isEqualTo("127.100.3.4");
        assertThat(((JsonNode) missing.getEntity()).path("found").asBoolean(true)).isFalse();
        assertThat(bad.getStatus()).isEqualTo(400);
    }
}
