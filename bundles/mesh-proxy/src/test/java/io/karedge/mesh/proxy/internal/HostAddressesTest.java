package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAddressesTest {

    @Test
    void upNonLoopbackInterfacesGiveTheirAddressesIPv4FirstThenGlobalIPv6() throws Exception {
        List<HostAddresses.Nic> nics = List.of(
                new HostAddresses.Nic("lo", true, true, addresses("127.0.0.1", "::1")),
                new HostAddresses.Nic("eth0", true, false, addresses("fe80::1%2", "2001:db8::10", "192.0.2.10")),
                new HostAddresses.Nic("eth1", false, false, addresses("198.51.100.1")),
                new HostAddresses.Nic("eth2", true, false, addresses("169.254.3.4", "198.51.100.2", "fd00::2%3",
                        "192.0.2.10")));

        assertThat(HostAddresses.select(nics, true))
                .containsExactly("192.0.2.10", "198.51.100.2", "2001:db8::10", "fd00::2");
        assertThat(HostAddresses.select(nics, false)).as("IPv4 sockets only").containsExactly("192.0.2.10",
                "198.51.100.2");
        assertThat(HostAddresses.select(List.of(), true)).isEmpty();
    }

    @Test
    void atMost16AreKeptIPv4First() throws Exception {
        List<InetAddress> many = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            many.add(InetAddress.getByName("2001:db8::" + i));
            many.add(InetAddress.getByName("10.0.0." + i));
        }
        List<String> selected = HostAddresses.select(List.of(new HostAddresses.Nic("eth0", true, false, many)), true);

        assertThat(selected).hasSize(HostAddresses.MAX);
        assertThat(selected.subList(0, 10)).allSatisfy(address -> assertThat(address).startsWith("10.0.0."));
        assertThat(selected.get(15)).isEqualTo("2001:db8::6");
    }

    @Test
    void thisHostsAddressesAreParsedBackByPeersAsTheyArePublished() {
        List<String> current = HostAddresses.current(true);
        List<String> problems = new ArrayList<>();

        assertThat(PeerAddresses.parse("k", String.join(",", current), HostAddresses.MAX, problems))
                .containsExactlyElementsOf(current);
        assertThat(problems).isEmpty();
        assertThat(current).noneMatch(address -> address.startsWith("127.") || address.equals("::1"));
    }

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> result = new ArrayList<>();
        for (String literal : literals) {
            result.add(InetAddress.getByName(literal));
        }
        return result;
    }
}
