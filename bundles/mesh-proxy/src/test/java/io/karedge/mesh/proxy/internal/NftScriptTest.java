package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftScriptTest {

    private static final InetAddress SERVICE = Client.loopback(1);

    private static Target target(int port) {
        return Target.of("127.0.0.1", port, Target.FROM_ENDPOINTS).orElseThrow();
    }

    @Test
    void replacesItsOwnTableInOneScript() throws Exception {
        String script = NftScript.render("karedge_mesh", List.of(
                new KernelRoute(InetAddress.getByName("127.100.0.7"), 80, Policy.ROUND_ROBIN, List.of(target(8080)))));

        assertThat(script).isEqualTo("""
                table ip karedge_mesh {}
                delete table ip karedge_mesh
                table ip karedge_mesh {
                  chain services {
                    type nat hook output priority -100; policy accept;
                    ip daddr 127.100.0.7 tcp dport 80 dnat ip to 127.0.0.1:8080
                  }
                }
                """);
    }

    @Test
    void policiesMapToNumgenAndJhash() {
        List<Target> two = List.of(target(8080), target(8081));

        assertThat(NftScript.render("t", List.of(new KernelRoute(SERVICE, 80, Policy.ROUND_ROBIN, two))))
                .contains("tcp dport 80 dnat ip to numgen inc mod 2 map { 0 : 127.0.0.1 . 8080, 1 : 127.0.0.1 . 8081 }");
        assertThat(NftScript.render("t", List.of(new KernelRoute(SERVICE, 80, Policy.RANDOM, two))))
                .contains("dnat ip to numgen random mod 2 map {");
        assertThat(NftScript.render("t", List.of(new KernelRoute(SERVICE, 80, Policy.CONSISTENT_HASH_SOURCE_IP, two))))
                .contains("dnat ip to jhash ip saddr mod 2 map {");
    }

    @Test
    void noRoutesLeavesAnEmptyChain() {
        assertThat(NftScript.render("t", List.of())).doesNotContain("dnat").contains("type nat hook output");
    }

    @Test
    void aRouteNeedsAnEndpoint() {
        assertThatThrownBy(() -> new KernelRoute(SERVICE, 80, Policy.RANDOM, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tableNamesAreCheckedBeforeTheyReachAScript() {
        assertThat(NftScript.validTableName("karedge_mesh")).isTrue();
        assertThat(NftScript.validTableName("x; flush ruleset")).isFalse();
        assertThat(NftScript.validTableName("")).isFalse();
        assertThat(NftablesPath.open("nft", "bad name")).isNull();
    }

    @Test
    void aMissingNftCommandTurnsThePathOff() {
        assertThat(NftablesPath.open("/nonexistent/nft", "karedge_test")).isNull();
    }
}
