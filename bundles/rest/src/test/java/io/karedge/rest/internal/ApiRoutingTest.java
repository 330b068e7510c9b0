package io.karedge.rest.internal;

import static io.karedge.rest.internal.Json.device;
import static io.karedge.rest.internal.Json.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.node.NodeMode;
import io.karedge.api.node.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxrs.JAXRSServerFactoryBean;
import org.apache.cxf.jaxrs.client.WebClient;
import org.apache.cxf.transport.local.LocalConduit;
import org.apache.cxf.transport.local.LocalTransportFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Serves both resources through CXF (the JAX-RS implementation under the Aries whiteboard) with a
 * Jackson provider, in-process: checks path matching (status vs {kind}), JSON bodies and status codes.
 */
class ApiRoutingTest {

    private static final String ADDRESS = "local://karedge-api";

    private static InMemoryMetaStore store;
    private static Server server;

    @BeforeAll
    static void start() {
        store = new InMemoryMetaStore();
        store.put(device("default", "thermo", "modbus"), "cloud");
        store.put(device("plant", "pump", "opcua"), "cloud");
        store.put(object("{'apiVersion':'v1','kind':'Node','metadata':{'name':'edge-1'}}"), "cloud");
        NodeStatus status = new NodeStatus("edge-1", NodeMode.STANDALONE, "/data", 10, 3, Map.of("Device", 2L),
                List.of(), Instant.EPOCH);

        JAXRSServerFactoryBean factory = new JAXRSServerFactoryBean();
        factory.setAddress(ADDRESS);
        factory.setTransportId(LocalTransportFactory.TRANSPORT_ID);
        factory.setServiceBeans(List.of(new StatusResource(() -> status),
                new ObjectsResource(store, 4, 100, Duration.ofSeconds(15))));
        factory.setProvider(new JacksonJsonProvider());
        server = factory.create();
    }

    @AfterAll
    static void stop() {
        server.destroy();
    }

    private static Response get(String path) {
        WebClient client = WebClient.create(ADDRESS);
        WebClient.getConfig(client).getRequestContext().put(LocalConduit.DIRECT_DISPATCH, Boolean.TRUE);
        int question = path.indexOf('?');
        client.path(question < 0 ? path : path.substring(0, question));
        if (question >= 0) {
            for (String pair : path.substring(question + 1).split("&")) {
                String[] nameValue = pair.split("=", 2);
                client.query(nameValue[0], nameValue[1]);
            }
        }
        return client.accept(MediaType.APPLICATION_JSON).get();
    }

    private static JsonNode json(Response response) throws Exception {
        return KaredgeJson.mapper().readTree(response.readEntity(String.class));
    }

    @Test
    void statusIsNotTakenForAKind() throws Exception {
        Response response = get("/api/v1/status");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getMediaType().toString()).startsWith("application/json");
        JsonNode body = json(response);
        assertThat(body.path("nodeName").asText()).isEqualTo("edge-1");
        assertThat(body.path("healthy").asBoolean(false)).isTrue();
    }

    @Test
    void listsAndGetsAtKubernetesPaths() throws Exception {
        JsonNode all = json(get("/api/v1/devices"));
        assertThat(all.path("kind").asText()).isEqualTo("DeviceList");
        assertThat(all.path("items")).hasSize(2);

        JsonNode plant = json(get("/api/v1/namespaces/plant/dev"));
        assertThat(plant.path("items")).hasSize(1);

        Response one = get("/api/v1/namespaces/default/devices/thermo");
        assertThat(one.getStatus()).isEqualTo(200);
        assertThat(json(one).path("spec").path("protocol").path("protocolName").asText()).isEqualTo("modbus");

        assertThat(json(get("/api/v1/nodes/edge-1")).path("metadata").path("name").asText()).isEqualTo("edge-1");
    }

    @Test
    void errorsAreJsonStatusObjects() throws Exception {
        Response missing = get("/api/v1/namespaces/default/devices/ghost");
        assertThat(missing.getStatus()).isEqualTo(404);
        JsonNode status = json(missing);
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("NotFound");

        Response unknown = get("/api/v1/widgets");
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(json(unknown).path("message").asText()).contains("known kinds");

        Response bad = get("/api/v1/devices?watch=true&resourceVersion=abc");
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(json(bad).path("reason").asText()).isEqualTo("BadRequest");
    }

    @Test
    void watchStreamsNewlineDelimitedEvents() {
        Response response = get("/api/v1/namespaces/default/devices?watch=true&timeoutSeconds=1");

        assertThat(response.getStatus()).isEqualTo(200);
        List<JsonNode> events = Json.lines(response.readEntity(String.class));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("type").asText()).isEqualTo("ADDED");
        assertThat(events.get(0).path("resourceVersion").asText()).isEqualTo("1");
        assertThat(events.get(0).path("object").path("metadata").path("name").asText()).isEqualTo("thermo");
    }
}
