package io.karedge.mesh.proxy.internal;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of this host that other nodes could dial: every address of the up, non-loopback interfaces,
 * IPv4 first, then IPv6, leaving out loopback, link-local, wildcard and multicast addresses (in interface
 * order, without duplicates, IPv6 in its RFC 5952 form without zone), at most {@value #MAX} of them.
 */
final class HostAddresses {

    /** the most addresses a node publishes, and the most it takes from another node's annotation */
    static final int MAX = 16;

    private static final Logger LOG = LoggerFactory.getLogger(HostAddresses.class);

    /** One interface as the selection sees it. */
    record Nic(String name, boolean up, boolean loopback, List<InetAddress> addresses) {

        Nic {
            addresses = List.copyOf(addresses);
        }
    }

    private HostAddresses() {
    }

    /**
     * @param ipv6 whether IPv6 addresses count (not when the JVM runs on IPv4 sockets only)
     * @return this host's dialable addresses now; none when the interfaces cannot be read (logged)
     */
    static List<String> current(boolean ipv6) {
        List<Nic> nics = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                nics.add(new Nic(nic.getName(), nic.isUp(), nic.isLoopback(), Collections.list(nic.getInetAddresses())));
            }
        } catch (SocketException | RuntimeException e) {
            LOG.warn("The host's interfaces cannot be read; no tunnel addresses published: {}", e.toString());
            return List.of();
        }
        return select(nics, ipv6);
    }

    /** @return whether this JVM's sockets can use IPv6 (not with {@code java.net.preferIPv4Stack=true}) */
    static boolean ipv6Sockets() {
        return !Boolean.getBoolean("java.net.preferIPv4Stack");
    }

    static List<String> select(List<Nic> nics, boolean ipv6) {
        Set<String> v4 = new LinkedHashSet<>();
        Set<String> v6 = new LinkedHashSet<>();
        for (Nic nic : nics) {
            if (!nic.up() || nic.loopback()) {
                continue;
            }
            for (InetAddress address : nic.addresses()) {
                if (!dialable(address)) {
                    continue;
                }
                if (address instanceof Inet4Address) {
                    v4.add(address.getHostAddress());
                } else if (ipv6 && address instanceof Inet6Address) {
                    v6.add(NetUtil.toAddressString(address));
                }
            }
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all.size() > MAX ? List.copyOf(all.subList(0, MAX)) : List.copyOf(all);
    }

    private static boolean dialable(InetAddress address) {
        return !address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress()
                && !address.isMulticastAddress();
    }
}
