package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The mesh across nodes, each a full Karedge distribution in a network namespace of its own
 * ({@link NetnsTopology}: A, B and R on net1, C and R on net2, nothing forwarding between the nets), all joined
 * to the CloudHub double, which runs in a namespace on both nets and pushes the Service and its Endpoints as
 * CloudCore does. The endpoints are TCP listeners started in B's and R's namespaces ({@link MeshEndpointMain},
 * each greeting with its name); the clients run in A's namespace ({@link MeshClientMain}).
 *
 * <p>All four nodes run the mesh tunnel ({@code tunnel.port} on the wildcard, mutual TLS with the certificates they
 * got at join) and none has {@code tunnel.peers}: each finds the others' tunnels from their Nodes alone, the
 * addresses each node publishes in {@code mesh.karedge.io/tunnel-addresses} (every address of its interfaces),
 * then its InternalIP, on the port of its {@code mesh.karedge.io/tunnel-port} annotation, all sent through its
 * status patches. B's tunnel listens on a port of its own, which A and R can only learn from B's Node; R is on both
 * nets and its Node reports one InternalIP, but R publishes both its addresses, so A (net1) and C (net2) each
 * dial the one they can reach. The test reads A's copies of B's and R's Nodes ({@code GET /api/v1/nodes/<name>}
 * on A) before it checks the paths. R is a relay ({@code tunnel.relay = true}) and A and C name it, by node name,
 * in {@code tunnel.relay.nodes}; R reaches C from C's Node to relay for A. Every Endpoints
 * address carries its {@code nodeName}, so A reaches every endpoint through the tunnel of the endpoint's node.
 * What it shows: A resolves the Services by name through its mesh DNS; {@code echo} (endpoints on B and R) is
 * reached by round robin; {@code far} (its endpoint on C, on net2 only) is reached through R's relay, and A's
 * {@code GET /api/v1/mesh/peers} shows C's path as {@code relay:kem-r} (B and R {@code direct});
 * {@code b-loopback} (an endpoint listening on 127.0.0.1 in B's namespace, which no other node can dial) is
 * reached, so B's tunnel end dials the endpoint itself. Then B is lost twice while A has a stream open to it and
 * keeps opening new connections: first unplugged (its port on the bridge down: nothing answers, as when a node
 * loses power or its link), then plugged back and killed (its node and its endpoint with SIGKILL). Both times
 * every new connection from A started 2 s or more after the loss reaches the remaining endpoint (on R), and the
 * first one answered within 2 s. Both times A's open stream to B ends within 10 s (unplugged: the tunnel's
 * keepalive closes B's connection after 1.5 s without a frame, and its streams with it). The topology check
 * proves that C cannot be reached from A directly (R does not forward).
 *
 * <p><b>What the cloud sends.</b> The Services and their Endpoints are created in the double's cluster after the
 * nodes joined, and reach the nodes as KubeEdge CloudCore v1.22 sends them: through its DynamicController, which
 * the nodes' cloud bridges list-watch ({@code watch.resources}, default services, endpoints and nodes: a watch
 * sync and a list application on every connect), as {@code insert} of {@code default/service/echo} and
 * {@code default/endpoints/echo} from source {@code dynamiccontroller}, each address with its {@code nodeName}.
 * The Node each node registers and patches through the double's EdgeController part is in the same cluster, so
 * the nodes get each other's Nodes by that feed too, with the annotations each node published, and that is how
 * every node finds the others.
 *
 * <p>Needs root, {@code ip} and python3 (skipped otherwise, with the reason); one run boots four nodes (in
 * parallel) and takes about 2 to 3 min on a loaded 2-core machine. Every namespace, node and process it starts
 * is removed at the end, and a run removes what a crashed run left under the {@code kem-} prefix before it
 * starts.
 */
class MeshAcrossNodesFaultIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "echo";
    private static final int PORT = 7000;
    private static final int MESH_DNS_PORT = 10053;
    private static final String FAR_SERVICE = "far";
    private static final String LOOPBACK_SERVICE = "b-loopback";
    private static final int LOOPBACK_PORT = 7001;
    private static final int TUNNEL_PORT = 20006;
    /** B's tunnel port, not the others': A can only know it from the annotation on B's Node. */
    private static final int B_TUNNEL_PORT = 20007;
    private static final String TUNNEL_PORT_ANNOTATION = "mesh.karedge.io/tunnel-port";
    private static final String TUNNEL_ADDRESS_ANNOTATION = "mesh.karedge.io/tunnel-address";
    private static final String TUNNEL_ADDRESSES_ANNOTATION = "mesh.karedge.io/tunnel-addresses";
    private static final int REST_PORT = 8181;
    private static final long EJECTION_BOUND_MS = 2000;

    @Test
    void servicesOnOtherNodesAreReachedByNameDirectThroughTheirTunnelOrTheRelayAndANodeThatDiesIsLeftWithin2Seconds()
            throws Exception {
        String unavailable = NetnsTopology.unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        Path work = Distribution.workDirectory().resolve("mesh-across-nodes");
        KaredgeNode.deleteTree(work);
        java.nio.file.Files.createDirectories(work);

        try (NetnsTopology topology = NetnsTopology.up()) {
            String check = topology.check();
            assertThat(check).as("the topology check (isolation of the two nets)")
                    .contains("A cannot connect to C");
            try (CloudDouble cloud = CloudDouble.start(NetnsTopology.namespace("cloud"), work.resolve("cloud"),
                    NetnsTopology.CLOUD_NET1, NetnsTopology.CLOUD_NET2);
                 NetnsNode a = NetnsNode.create("kem-a", NetnsTopology.namespace("a"), cloud);
                 NetnsNode b = NetnsNode.create("kem-b", NetnsTopology.namespace("b"), cloud);
                 NetnsNode r = NetnsNode.create("kem-r", NetnsTopology.namespace("r"), cloud);
                 NetnsNode c = NetnsNode.create("kem-c", NetnsTopology.namespace("c"), cloud,
                         NetnsTopology.CLOUD_NET2)) {
                // no node has tunnel.peers: every tunnel is found from its node's Node (the addresses it publishes,
                // its InternalIP, the port annotation); B listens on a port of its own, which A and R can only
                // learn from B's Node; R (on both nets) is named as relay by node name only
                tunnel(a);
                a.configure(NetnsNode.MESH_PID, "tunnel.relay.nodes", "kem-r");
                tunnel(b);
                b.configure(NetnsNode.MESH_PID, "tunnel.port", String.valueOf(B_TUNNEL_PORT));
                tunnel(r);
                r.configure(NetnsNode.MESH_PID, "tunnel.relay", "true");
                tunnel(c);
                c.configure(NetnsNode.MESH_PID, "tunnel.relay.nodes", "kem-r");
                List<NetnsNode> nodes = List.of(a, b, r, c);
                for (NetnsNode node : nodes) {
                    node.start();
                }
                for (NetnsNode node : nodes) {
                    node.awaitReady();
                }
                await("the four nodes joined the double").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500)).until(() -> names(cloud.status().path("nodes"))
                                .containsAll(Set.of("kem-a", "kem-b", "kem-r", "kem-c")));

                try (NetnsProcess endpointB = endpoint(work, "b", NetnsTopology.B, PORT, "B");
                     NetnsProcess endpointR = endpoint(work, "r", NetnsTopology.R_NET1, PORT, "R");
                     NetnsProcess endpointC = endpoint(work, "c", NetnsTopology.C, PORT, "C");
                     NetnsProcess loopbackB = endpoint(work, "b", "127.0.0.1", LOOPBACK_PORT, "B-loopback")) {
                    for (NetnsProcess endpoint : List.of(endpointB, endpointR, endpointC, loopbackB)) {
                        endpoint.awaitLine("listening"::equals, Duration.ofSeconds(30));
                    }

                    Map<String, String> endpoints = new LinkedHashMap<>();
                    endpoints.put(NetnsTopology.B, "kem-b");
                    endpoints.put(NetnsTopology.R_NET1, "kem-r");
                    push(cloud, SERVICE, "01", "10.96.20.7", PORT, endpoints);
                    push(cloud, FAR_SERVICE, "03", "10.96.20.8", PORT, Map.of(NetnsTopology.C, "kem-c"));
                    push(cloud, LOOPBACK_SERVICE, "05", "10.96.20.9", LOOPBACK_PORT, Map.of("127.0.0.1", "kem-b"));

                    // B's Node as A holds it (from the double's DynamicController): the address and port A dials
                    JsonNode nodeB = nodeOnA(work, a, "kem-b", node -> String.valueOf(B_TUNNEL_PORT).equals(
                            node.path("metadata").path("annotations").path(TUNNEL_PORT_ANNOTATION).asText()));
                    assertThat(internalIp(nodeB)).as("B's InternalIP in A's copy of B's Node %s", nodeB)
                            .isEqualTo(NetnsTopology.B);
                    assertThat(nodeB.path("metadata").path("annotations").has(TUNNEL_ADDRESS_ANNOTATION))
                            .as("B's tunnel listens on every address: no single address in %s", nodeB).isFalse();
                    assertThat(annotation(nodeB, TUNNEL_ADDRESSES_ANNOTATION))
                            .as("the addresses B's tunnel publishes (its one interface) in %s", nodeB)
                            .isEqualTo(NetnsTopology.B);
                    // R is on both nets: its Node has one InternalIP, and R publishes both addresses
                    JsonNode nodeR = nodeOnA(work, a, "kem-r", node -> annotation(node, TUNNEL_ADDRESSES_ANNOTATION)
                            .contains(","));
                    assertThat(annotation(nodeR, TUNNEL_ADDRESSES_ANNOTATION).split(","))
                            .as("the addresses R's tunnel publishes in %s", nodeR)
                            .containsExactlyInAnyOrder(NetnsTopology.R_NET1, NetnsTopology.R_NET2);

                    String address = resolvedOnA(work, SERVICE);
                    assertThat(address).as("the mesh address of %s on A", SERVICE).startsWith("127.100.");
                    assertThat(reached(work, address, PORT, 20)).as("endpoints reached from A by round robin")
                            .containsExactlyInAnyOrder("B", "R");

                    // C is on net2 only: A reaches its endpoint through R's relay
                    String far = resolvedOnA(work, FAR_SERVICE);
                    assertThat(reached(work, far, PORT, 10)).as("the endpoint on C reached from A")
                            .containsExactly("C");
                    JsonNode peers = peersOfA(work, a);
                    assertThat(path(peers, "kem-c")).as("A's path to C in %s", peers).isEqualTo("relay:kem-r");
                    assertThat(path(peers, "kem-b")).as("A's path to B in %s", peers).isEqualTo("direct");
                    assertThat(path(peers, "kem-r")).as("A's path to R in %s", peers).isEqualTo("direct");
                    FaultReport.line("mesh: A finds B's and R's tunnels from their Nodes alone",
                            "no tunnel.peers on any node", "B's endpoint reached, path " + path(peers, "kem-b")
                                    + ", R's path " + path(peers, "kem-r"), 0, Map.of("internalIpB",
                                    internalIp(nodeB), "tunnelPortB", B_TUNNEL_PORT, "internalIpR",
                                    internalIp(nodeR), "tunnelAddressesR",
                                    annotation(nodeR, TUNNEL_ADDRESSES_ANNOTATION)));
                    FaultReport.line("mesh: A to C through the relay R", "10 connections", "10 answered by C", 0,
                            Map.of("pathToC", path(peers, "kem-c")));

                    // an endpoint that listens only on B's own loopback: B's tunnel end dials it, A cannot
                    String loopback = resolvedOnA(work, LOOPBACK_SERVICE);
                    assertThat(reached(work, loopback, LOOPBACK_PORT, 10))
                            .as("B's loopback endpoint reached from A through B's tunnel").containsExactly("B-loopback");
                    FaultReport.line("mesh: A to B's loopback endpoint through B's tunnel", "10 connections",
                            "10 answered on B's 127.0.0.1", 0, Map.of("pathToB", path(peers, "kem-b")));

                    // B unplugged: its link on the bridge goes down, nothing answers (no RST, no FIN)
                    String bridgePort = "b1";
                    AfterLoss cut = loseBMidStream(work, address, "unplugged", () -> NetnsTopology.link(bridgePort,
                            false));
                    assertThat(cut.streamEnd()).as("A's open stream to B after B was unplugged (tunnel keepalive)")
                            .startsWith("ended ");
                    assertThat(cut.streamEndedMs()).as("ms from the unplug to the end of A's stream")
                            .isBetween(0L, 10_000L);
                    assertLeftWithinBound(cut, "unplugged");
                    NetnsTopology.link(bridgePort, true);

                    // B dies: its node and its endpoint killed with SIGKILL, its kernel still answers (RST)
                    AfterLoss killed = loseBMidStream(work, address, "killed", () -> {
                        endpointB.kill();
                        b.kill9();
                    });
                    assertThat(killed.streamEnd()).as("A's open stream to B after B died").startsWith("ended ");
                    assertThat(killed.streamEndedMs()).as("ms from the kill to the end of A's stream")
                            .isBetween(0L, 10_000L);
                    assertLeftWithinBound(killed, "killed");
                }
            }
        }
    }

    /**
     * The tunnel on {@link #TUNNEL_PORT}, on the wildcard, without static peers; certificates: the ones the node
     * got at join.
     */
    private static void tunnel(NetnsNode node) throws java.io.IOException {
        node.configure(NetnsNode.MESH_PID, "tunnel.port", String.valueOf(TUNNEL_PORT));
    }

    private static NetnsProcess endpoint(Path work, String node, String bind, int port, String name)
            throws java.io.IOException {
        return NetnsProcess.start(NetnsTopology.namespace(node), work.resolve(node + ".err"),
                MeshEndpointMain.class.getName(), bind, String.valueOf(port), name);
    }

    private static void push(CloudDouble cloud, String name, String uid, String clusterIp, int port,
                             Map<String, String> nodeByAddress) throws Exception {
        cloud.apply("services", service(name, uid, clusterIp, port));
        cloud.apply("endpoints", endpoints(name, port, nodeByAddress));
    }

    /** {@code GET /api/v1/mesh/peers} of A, from inside A's namespace, with A's token. */
    private static JsonNode peersOfA(Path work, NetnsNode a) throws Exception {
        JsonNode[] peers = new JsonNode[1];
        await("A's peers view").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            try (NetnsProcess get = client(work, "get", "http://127.0.0.1:" + REST_PORT + "/api/v1/mesh/peers",
                    a.apiToken().toString())) {
                List<String> out = get.awaitExit(Duration.ofSeconds(30));
                if (out.size() < 2 || !out.get(0).equals("status 200")) {
                    return false;
                }
                peers[0] = JSON.readTree(out.get(1)).path("peers");
                return true;
            }
        });
        return peers[0];
    }

    /** {@code GET /api/v1/nodes/<name>} of A (its MetaStore copy of that Node), until {@code wanted} holds. */
    private static JsonNode nodeOnA(Path work, NetnsNode a, String name,
                                    java.util.function.Predicate<JsonNode> wanted) {
        JsonNode[] node = new JsonNode[1];
        await("A's copy of the Node " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    try (NetnsProcess get = client(work, "get", "http://127.0.0.1:" + REST_PORT + "/api/v1/nodes/"
                            + name, a.apiToken().toString())) {
                        List<String> out = get.awaitExit(Duration.ofSeconds(30));
                        if (out.size() < 2 || !out.get(0).equals("status 200")) {
                            return false;
                        }
                        node[0] = JSON.readTree(out.get(1));
                        return wanted.test(node[0]);
                    }
                });
        return node[0];
    }

    private static String annotation(JsonNode node, String key) {
        return node.path("metadata").path("annotations").path(key).asText("");
    }

    private static String internalIp(JsonNode node) {
        for (JsonNode address : node.path("status").path("addresses")) {
            if ("InternalIP".equals(address.path("type").asText())) {
                return address.path("address").asText();
            }
        }
        return "(none)";
    }

    private static String path(JsonNode peers, String node) {
        for (JsonNode peer : peers) {
            if (node.equals(peer.path("node").asText())) {
                return peer.path("path").asText();
            }
        }
        return "(not listed)";
    }

    /** A's mesh DNS, asked from inside A's namespace until the pushed Service is there. */
    private static String resolvedOnA(Path work, String service) {
        String name = service + ".default.svc.cluster.local";
        String[] answer = new String[1];
        await("A resolves " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    try (NetnsProcess resolve = client(work, "resolve", String.valueOf(MESH_DNS_PORT), name)) {
                        List<String> out = resolve.awaitExit(Duration.ofSeconds(30));
                        answer[0] = out.stream().filter(line -> line.startsWith("address ")).findFirst()
                                .map(line -> line.substring("address ".length())).orElse(null);
                        return answer[0] != null;
                    }
                });
        return answer[0];
    }

    /** @return the endpoint names {@code count} sequential connections from A reached; fails on a failed one */
    private static Set<String> reached(Path work, String address, int port, int count) throws Exception {
        try (NetnsProcess loop = client(work, "loop", address, String.valueOf(port), String.valueOf(count), "60000")) {
            List<String> lines = loop.awaitExit(Duration.ofSeconds(90));
            List<String> results = lines.stream().filter(line -> line.matches("\\d+ \\d+ .*")).toList();
            assertThat(results).as("connections from A").hasSize(count)
                    .allSatisfy(line -> assertThat(line.split(" ")[2]).isEqualTo("ok"));
            return results.stream().map(line -> line.split(" ")[3]).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** How B is lost, done while A has a stream open to B's endpoint and keeps opening new connections. */
    private interface Loss {
        void apply() throws Exception;
    }

    /** What A saw after B was lost. */
    private record AfterLoss(String streamEnd, long streamEndedMs, int connections, int failedWithinBound,
                             long firstAnsweredMs, List<String> afterBound) {
    }

    /**
     * Opens a stream from A to B's endpoint and a loop of new connections from A, loses B, and collects what
     * both saw: how and when the stream ended, and the new connections' results from the loss on.
     */
    private static AfterLoss loseBMidStream(Path work, String address, String how, Loss loss) throws Exception {
        try (NetnsProcess stream = client(work, "stream", address, String.valueOf(PORT), "B", "60");
             NetnsProcess loop = client(work, "loop", address, String.valueOf(PORT), "100000", "14000")) {
            stream.awaitLine("open B"::equals, Duration.ofSeconds(60));
            loop.awaitLine(line -> line.contains(" ok "), Duration.ofSeconds(30));
            Thread.sleep(1000);
            long lost = System.currentTimeMillis();
            loss.apply();

            String end = stream.awaitLine(line -> line.startsWith("ended ") || line.startsWith("completed "),
                    Duration.ofSeconds(20));
            long endedMs = end.startsWith("ended ") ? Long.parseLong(field(end, "at")) - lost : -1;
            List<String> lines = loop.awaitExit(Duration.ofSeconds(60));
            List<String> afterBound = new ArrayList<>();
            int connections = 0;
            int failedEarly = 0;
            long firstAnswered = -1;
            for (String line : lines) {
                if (!line.matches("\\d+ \\d+ .*")) {
                    continue;
                }
                String[] parts = line.split(" ", 4);
                long start = Long.parseLong(parts[0]);
                if (start < lost) {
                    continue;
                }
                connections++;
                boolean ok = parts[2].equals("ok");
                if (ok && firstAnswered < 0) {
                    firstAnswered = Long.parseLong(parts[1]) - lost;
                }
                if (start >= lost + EJECTION_BOUND_MS) {
                    afterBound.add(parts[2] + " " + parts[3]);
                } else if (!ok) {
                    failedEarly++;
                }
            }
            AfterLoss after = new AfterLoss(end, endedMs, connections, failedEarly, firstAnswered, afterBound);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("streamEnd", end.split(" ")[0].equals("ended") ? end.split(" ")[1] : "completed");
            figures.put("streamEndedMs", endedMs);
            figures.put("failedWithin" + EJECTION_BOUND_MS + "ms", failedEarly);
            figures.put("firstAnsweredMs", firstAnswered);
            FaultReport.line("mesh: B " + how + " mid-stream", connections + " new connections from A after",
                    (connections - failedEarly - afterBound.stream().filter(r -> !r.startsWith("ok")).count())
                            + " answered", afterBound.stream().filter(r -> !r.startsWith("ok")).count() + failedEarly,
                    figures);
            return after;
        }
    }

    /** New connections from A go to R's endpoint from {@link #EJECTION_BOUND_MS} after the loss on. */
    private static void assertLeftWithinBound(AfterLoss after, String how) {
        assertThat(after.afterBound()).as("new connections from A started %d ms or more after B %s",
                EJECTION_BOUND_MS, how).isNotEmpty().allSatisfy(result -> assertThat(result).isEqualTo("ok R"));
        assertThat(after.firstAnsweredMs()).as("ms from B %s to A's first new connection answered", how)
                .isBetween(0L, EJECTION_BOUND_MS);
    }

    private static NetnsProcess client(Path work, String... args) throws java.io.IOException {
        return NetnsProcess.start(NetnsTopology.namespace("a"), work.resolve("client.err"),
                MeshClientMain.class.getName(), args);
    }

    private static String field(String line, String key) {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + " in " + line);
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new TreeSet<>();
        array.forEach(name -> names.add(name.asText()));
        return names;
    }

    private static ObjectNode service(String name, String uid, String clusterIp, int port) {
        ObjectNode service = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        service.putObject("metadata").put("name", name).put("namespace", "default")
                .put("uid", "9a1d2c3e-0000-4000-8000-00000000e0" + uid).put("resourceVersion", "101");
        ObjectNode spec = service.putObject("spec").put("clusterIP", clusterIp).put("type", "ClusterIP");
        spec.putArray("ports").addObject().put("protocol", "TCP").put("port", port).put("targetPort", port);
        return service;
    }

    /** Endpoints as the Kubernetes endpoints controller writes them: one subset, each address with its node. */
    static ObjectNode endpoints(Map<String, String> nodeByAddress) {
        return endpoints(SERVICE, PORT, nodeByAddress);
    }

    static ObjectNode endpoints(String name, int port, Map<String, String> nodeByAddress) {
        ObjectNode endpoints = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Endpoints");
        endpoints.putObject("metadata").put("name", name).put("namespace", "default")
                .put("uid", "9a1d2c3e-1000-4000-8000-0000" + Math.abs(name.hashCode() % 100000000))
                .put("resourceVersion", "102");
        ObjectNode subset = endpoints.putArray("subsets").addObject();
        ArrayNode addresses = subset.putArray("addresses");
        nodeByAddress.forEach((ip, node) -> addresses.addObject().put("ip", ip).put("nodeName", node));
        subset.putArray("ports").addObject().put("port", port).put("protocol", "TCP");
        return endpoints;
    }
}
