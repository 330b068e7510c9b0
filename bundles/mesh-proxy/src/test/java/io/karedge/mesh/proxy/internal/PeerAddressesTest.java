package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PeerAddressesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> warnings = new ArrayList<>();
    private final PeerAddresses addresses = new PeerAddresses(20006, warnings::add);

    @Test
    void theDialOrderIsTheSingleAddressThenThePublishedListThenInternalThenExternalIpWithoutDuplicates() {
        ObjectNode node = node("b", "20007");
        annotations(node).put(TunnelSettings.ADDRESS_ANNOTATION, "10.0.0.9")
                .put(TunnelSettings.ADDRESSES_ANNOTATION, "10.0.1.2, 10.0.0.9,2001:db8::2");
        status(node, "ExternalIP", "203.0.113.5");
        status(node, "InternalIP", "10.0.1.2");
        status(node, "InternalIP", "10.0.2.2");

        assertThat(hostPorts(addresses.of(node))).containsExactly("10.0.0.9:20007", "10.0.1.2:20007",
                "2001:db8::2:20007", "10.0.2.2:20007", "203.0.113.5:20007");
        assertThat(warnings).isEmpty();
    }

    @Test
    void withoutAnnotationsTheStatusAddressesAreDialledOnThisNodesPort() {
        ObjectNode node = node("b", null);
        status(node, "Hostname", "b");
        status(node, "InternalIP", "10.0.2.2");

        assertThat(hostPorts(addresses.of(node))).containsExactly("10.0.2.2:20006");
        assertThat(addresses.of(null)).isEmpty();
    }

    @Test
    void goodEntriesAreIPv4AndIPv6LiteralsWithOrWithoutBrackets() {
        List<String> problems = new ArrayList<>();
        assertThat(PeerAddresses.parse("k", "192.0.2.1,[2001:db8::1],fd00:1:2::3,::ffff:192.0.2.9,,", 16, problems))
                .containsExactly("192.0.2.1", "2001:db8::1", "fd00:1:2::3", "::ffff:192.0.2.9");
        assertThat(problems).isEmpty();
    }

    @Test
    void malformedEntriesAreLeftOutAndTheRestKept() {
        List<String> problems = new ArrayList<>();
        List<String> hosts = PeerAddresses.parse("k", "host.example,10.0.0.1,256.1.1.1,1.2.3,0.0.0.0,::,"
                + "224.0.0.1,ff02::1,fe80::1%eth0,10.0.0.1:20006,1:2:3:4:5:6:7:8:9,'x',10.0.0.2", 16, problems);

        assertThat(hosts).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(problems).hasSize(11).allSatisfy(problem -> assertThat(problem).startsWith("k: '"));
    }

    @Test
    void atMost16EntriesAreTaken() {
        String many = IntStream.rangeClosed(1, 40).mapToObj(i -> "10.0.0." + i).collect(Collectors.joining(","));
        List<String> problems = new ArrayList<>();

        assertThat(PeerAddresses.parse("k", many, HostAddresses.MAX, problems)).hasSize(16)
                .startsWith("10.0.0.1").endsWith("10.0.0.16");
        assertThat(problems).containsExactly("k: more than 16 entries, the rest ignored");
    }

    @Test
    void aNodesBadAnnotationIsLoggedOnceInOneLineUntilItChanges() {
        ObjectNode node = node("b", "20007");
        annotations(node).put(TunnelSettings.ADDRESSES_ANNOTATION, "bad one,10.0.0.1,also bad")
                .put(TunnelSettings.ADDRESS_ANNOTATION, "not-an-ip");

        for (int i = 0; i < 5; i++) {
            assertThat(hostPorts(addresses.of(node))).containsExactly("10.0.0.1:20007");
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("node b", "not-an-ip", "bad one", "also bad");

        annotations(node).put(TunnelSettings.ADDRESSES_ANNOTATION, "10.0.0.1");
        annotations(node).remove(TunnelSettings.ADDRESS_ANNOTATION);
        addresses.of(node);
        annotations(node).put(TunnelSettings.ADDRESSES_ANNOTATION, "bad one,10.0.0.1,also bad");
        addresses.of(node);
        assertThat(warnings).as("logged again after it was fixed and broke again").hasSize(2);
    }

    @Test
    void aHugeOrHostileAnnotationNeitherThrowsNorKeepsMoreThan16() {
        ObjectNode node = node("b", "99999");
        annotations(node).put(TunnelSettings.ADDRESSES_ANNOTATION, ",".repeat(10_000) + "x".repeat(100_000)
                + "," + "10.0.0.1,".repeat(1000) + IntStream.range(0, 100).mapToObj(i -> "10.1.0." + i)
                .collect(Collectors.joining(",")));
        annotations(node).putArray(TunnelSettings.ADDRESS_ANNOTATION).add("10.0.0.3");

        List<InetSocketAddress> dialled = addresses.of(node);

        assertThat(dialled).hasSizeLessThanOrEqualTo(HostAddresses.MAX)
                .allSatisfy(address -> assertThat(address.getPort()).as("a bad port annotation").isEqualTo(20006));
        assertThat(hostPorts(dialled)).containsExactly("10.0.0.1:20006");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).hasSizeLessThan(400);
    }

    private static List<String> hostPorts(List<InetSocketAddress> addresses) {
        return addresses.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
    }

    private static ObjectNode node(String name, String port) {
        ObjectNode node = JSON.createObjectNode().put("kind", "Node");
        ObjectNode annotations = node.putObject("metadata").put("name", name).putObject("annotations");
        if (port != null) {
            annotations.put(TunnelSettings.PORT_ANNOTATION, port);
        }
        node.putObject("status").putArray("addresses");
        return node;
    }

    private static ObjectNode annotations(ObjectNode node) {
        return (ObjectNode) node.path("metadata").path("annotations");
    }

    private static void status(ObjectNode node, String type, String address) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) node.path("status").path("addresses")).addObject()
                .put("type", type).put("address", address);
    }
}
