package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.Resolution;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshFormatterTest {

    @Test
    void servicesShowPortsEndpointsAndDns() {
        MeshService web = new MeshService("default", "web", "127.100.3.4", "ROUND_ROBIN", "default", List.of(
                new MeshPort("http", "TCP", 8080, true, "", 2, List.of(
                        new MeshEndpoint("127.0.0.1", 9001, "endpoints", true, null, 0, 2, 10),
                        new MeshEndpoint("127.0.0.1", 9002, "hostNetworkPod", false, Instant.EPOCH, 3, 0, 1))),
                new MeshPort("", "TCP", 80, false, "Permission denied", 0, List.of())));
        DnsStatus dns = new DnsStatus(true, "127.0.0.1:10053", true, "", List.of("127.0.0.53:53"), 5, 3, 1, 1, 0, 0, 2);

        String text = MeshFormatter.services(List.of(web), dns);

        assertThat(text).startsWith("SERVICE")
                .contains("default/web", "8080/TCP (http)", "127.100.3.4:8080", "ROUND_ROBIN",
                        "127.0.0.1:9001 ok 2 conns", "127.0.0.1:9002 EJECTED x3 0 conns (host pod)",
                        "NOT listening: Permission denied", "<none>", "malformed 2", "127.0.0.53:53");
        assertThat(MeshFormatter.services(List.of(), null)).isEqualTo("No proxied services\n");
    }

    @Test
    void kernelForwardedPortsSaySo() {
        MeshService web = new MeshService("default", "web", "127.100.3.4", "RANDOM", "DestinationRule", List.of(
                new MeshPort("http", "TCP", 8080, true, "", 0, List.of(
                        new MeshEndpoint("127.0.0.1", 9001, "endpoints", true, null, 0, 0, 0)), MeshPort.KERNEL)));

        String row = MeshFormatter.services(List.of(web), null).lines().skip(1).findFirst().orElseThrow();

        assertThat(row).contains("RANDOM (kernel)", " - ");
    }

    @Test
    void resolutionSaysWhereANameGoes() {
        assertThat(MeshFormatter.resolution(new Resolution("web", true, "127.100.3.4", "default", "web", "short")))
                .startsWith("web -> 127.100.3.4");
        assertThat(MeshFormatter.resolution(new Resolution("x.org", false, "", "", "", "not a mesh name")))
                .isEqualTo("x.org: not resolved (not a mesh name)\n");
    }

    @Test
    void peersShowPathRttStreamsAndBytes() {
        String text = MeshFormatter.peers(List.of(
                new io.karedge.mesh.MeshPeer("edge-b", true, "direct", 420, 3, 1000, 2000, ""),
                new io.karedge.mesh.MeshPeer("edge-c", false, "relay:edge-r", -1, 0, 0, 0, "connect to 10.0.0.3:20006: refused")));

        assertThat(text).startsWith("PEER").contains("edge-b", "direct", "0.4 ms", "1000", "2000", "connected",
                "edge-c", "relay:edge-r", "connect to 10.0.0.3:20006: refused");
        assertThat(MeshFormatter.peers(List.of())).startsWith("No tunnel peers");
    }
}
