package io.karedge.rest.internal;

import static io.karedge.rest.internal.Json.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import io.karedge.api.json.KaredgeJson;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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

class PodResourcesTest {

    /** A pod manager running {@code default/web} (container {@code main}, a log of five lines) and {@code plant/plc}. */
    static final class FakePods implements PodManagerStatus {

        final List<String> log = List.of("l0", "l1", "l2", "l3", "l4");
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public List<PodInfo> pods() {
            return List.of(web(), plc());
        }

        @Override
        public Optional<PodInfo> pod(String namespace, String name) {
            return pods().stream().filter(p -> p.ref().namespace().equals(namespace) && p.ref().name().equals(name))
                    .findFirst();
        }

        @Override
        public LogChunk log(String namespace, String name, String container, boolean previous, long offset,
                            int maxBytes) {
            calls.add(namespace + "/" + name + " " + container + " " + previous + " " + offset + " " + maxBytes);
            if (!"web".equals(name) || (container != null && !"main".equals(container))) {
                return LogChunk.missing();
            }
            int from = (int) Math.min(offset, log.size());
            int to = Math.min(log.size(), from + Math.max(1, maxBytes / 3));
            return new LogChunk(log.subList(from, to), to, true);
        }

        static PodInfo web() {
            ObjectNode status = object("{'phase':'Running','podIP':'127.0.0.1','containerStatuses':[{'name':'main',"
                    + "'ready':true,'restartCount':2,'state':{'running':{'startedAt':'2026-01-01T00:00:01Z'}}}]}");
            return new PodInfo(new PodRef("uid-web", "default", "web"), "default", "Running", 1, 1, "Running", 2,
                    Instant.parse("2026-01-01T00:00:00Z"), "127.0.0.1", "edge-1", status);
        }

        static PodInfo plc() {
            return new PodInfo(new PodRef("uid-plc", "plant", "plc"), "karaf-feature", "Failed", 0, 1, "Error", 0,
                    null, null, "edge-1", null);
        }
    }

    final FakePods pods = new FakePods();

    @Test
    void allPodsWithTheirStatus() {
        JsonNode list = new PodsStatusResource(pods).list();

        assertThat(list.path("kind").asText()).isEqualTo("PodList");
        JsonNode web = list.path("items").get(0);
        assertThat(web.path("metadata").path("uid").asText()).isEqualTo("uid-web");
        assertThat(web.path("metadata").path("creationTimestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(web.path("spec").path("runtimeClassName").asText()).isEqualTo("default");
        assertThat(web.path("status").path("containerStatuses").get(0).path("restartCount").asInt()).isEqualTo(2);
        assertThat(web.path("summary").path("status").asText()).isEqualTo("Running");
        JsonNode plc = list.path("items").get(1);
        assertThat(plc.path("metadata").path("namespace").asText()).isEqualTo("plant");
        assertThat(plc.path("status").path("phase").asText()).isEqualTo("Failed");
        assertThat(plc.path("summary").path("status").asText()).isEqualTo("Error");
        assertThat(plc.path("metadata").has("creationTimestamp")).isFalse();
    }

    @Test
    void onePodOrNotFound() {
        PodStatusResource resource = new PodStatusResource(pods);

        Response found = resource.get("plant", "plc");
        Response wrongNamespace = resource.get("default", "plc");

        assertThat(found.getStatus()).isEqualTo(200);
        assertThat(((JsonNode) found.getEntity()).path("spec").path("runtimeClassName").asText())
                .isEqualTo("karaf-feature");
        assertThat(wrongNamespace.getStatus()).isEqualTo(404);
        assertThat(((JsonNode) wrongNamespace.getEntity()).path("message").asText())
                .isEqualTo("pods \"plc\" not found");
    }

    @Test
    void logIsTextWithTheOffsetToReadOnFrom() {
        PodLogResource resource = new PodLogResource(pods);

        Response first = resource.log("default", "web", null, null, null, "6");
        Response rest = resource.log("default", "web", "main", "false", "2", null);
        Response previous = resource.log("default", "web", "main", "true", "5", null);

        assertThat(text(first)).isEqualTo("l0\nl1\n");
        assertThat(first.getHeaderString(PodLogResource.NEXT_OFFSET)).isEqualTo("2");
        assertThat(first.getMediaType().toString()).startsWith("text/plain");
        assertThat(text(rest)).isEqualTo("l2\nl3\nl4\n");
        assertThat(rest.getHeaderString(PodLogResource.NEXT_OFFSET)).isEqualTo("5");
        assertThat(text(previous)).isEmpty();
        assertThat(pods.calls).containsExactly("default/web null false 0 6",
                "default/web main false 2 " + PodLogResource.DEFAULT_LIMIT,
                "default/web main true 5 " + PodLogResource.DEFAULT_LIMIT);
    }

    @Test
    void logErrors() {
        PodLogResource resource = new PodLogResource(pods);

        Response unknownPod = resource.log("default", "ghost", null, null, null, null);
        Response unknownContainer = resource.log("default", "web", "sidecar", null, null, null);
        Response badOffset = resource.log("default", "web", null, null, "-1", null);
        Response badLimit = resource.log("default", "web", null, null, null, "lots");

        assertThat(unknownPod.getStatus()).isEqualTo(404);
        assertThat(unknownContainer.getStatus()).isEqualTo(400);
        assertThat(((JsonNode) unknownContainer.getEntity()).path("message").asText()).contains("\"sidecar\"");
        assertThat(badOffset.getStatus()).isEqualTo(400);
        assertThat(((JsonNode) badLimit.getEntity()).path("message").asText()).startsWith("limitBytes: Invalid value");
        assertThat(pods.calls).as("only the unknown container reached the log")
                .containsExactly("default/web sidecar false 0 " + PodLogResource.DEFAULT_LIMIT);
    }

    private static String text(Response response) {
        return new String((byte[]) response.getEntity(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ routing through CXF

    private static final String ADDRESS = "local://karedge-pods-api";
    private static Server server;

    @BeforeAll
    static void start() {
        InMemoryMetaStore store = new InMemoryMetaStore();
        store.put(object("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'default'},"
                + "'spec':{'containers':[{'name':'main','image':'busybox'}]}}"), "cloud");
        FakePods pods = new FakePods();
        JAXRSServerFactoryBean factory = new JAXRSServerFactoryBean();
        factory.setAddress(ADDRESS);
        factory.setTransportId(LocalTransportFactory.TRANSPORT_ID);
        factory.setServiceBeans(List.of(new ObjectsResource(store, 4, 100, Duration.ofSeconds(15)),
                new PodsStatusResource(pods), new PodStatusResource(pods), new PodLogResource(pods)));
        factory.setProvider(new JacksonJsonProvider());
        server = factory.create();
    }

    @AfterAll
    static void stop() {
        server.destroy();
    }

    private static Response get(String path, String accept) {
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
        return client.accept(accept).get();
    }

    private static JsonNode json(Response response) throws Exception {
        return KaredgeJson.mapper().readTree(response.readEntity(String.class));
    }

    @Test
    void podPathsDoNotClashWithTheStoredObjects() throws Exception {
        Response stored = get("/api/v1/namespaces/default/pods/web", MediaType.APPLICATION_JSON);
        assertThat(stored.getStatus()).isEqualTo(200);
        JsonNode object = json(stored);
        assertThat(object.path("spec").path("containers").get(0).path("image").asText()).isEqualTo("busybox");
        assertThat(object.has("summary")).isFalse();

        JsonNode storedList = json(get("/api/v1/pods", MediaType.APPLICATION_JSON));
        assertThat(storedList.path("items")).hasSize(1);
        assertThat(storedList.path("items").get(0).has("status")).isFalse();

        JsonNode all = json(get("/api/v1/pods/status", MediaType.APPLICATION_JSON));
        assertThat(all.path("items")).hasSize(2);

        Response one = get("/api/v1/namespaces/default/pods/web/status", MediaType.APPLICATION_JSON);
        assertThat(one.getStatus()).isEqualTo(200);
        assertThat(json(one).path("status").path("podIP").asText()).isEqualTo("127.0.0.1");
        Response missing = get("/api/v1/namespaces/default/pods/ghost/status", MediaType.APPLICATION_JSON);
        assertThat(missing.getStatus()).isEqualTo(404);
        assertThat(json(missing).path("reason").asText()).isEqualTo("NotFound");

        Response log = get("/api/v1/namespaces/default/pods/web/log?offset=3", "*/*");
        assertThat(log.getStatus()).isEqualTo(200);
        assertThat(log.getMediaType().toString()).startsWith("text/plain");
        assertThat(log.getHeaderString(PodLogResource.NEXT_OFFSET)).isEqualTo("5");
        assertThat(log.readEntity(String.class)).isEqualTo("l3\nl4\n");
        Response badLog = get("/api/v1/namespaces/default/pods/web/log?container=nope", "*/*");
        assertThat(badLog.getStatus()).isEqualTo(400);
        assertThat(json(badLog).path("kind").asText()).isEqualTo("Status");
    }
}
