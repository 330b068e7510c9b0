package io.karedge.mesh.proxy.internal;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * One endpoint a Service port balances over: an IP literal and a port, where it came from, and the node it
 * is on when the Endpoints address names one.
 *
 * @param source {@code endpoints} or {@code hostNetworkPod}
 * @param node   the address's {@code nodeName}, empty when unknown or for this node's host-network pods
 */
record Target(String ip, int port, String source, InetSocketAddress socketAddress, String node) {

    static final String FROM_ENDPOINTS = "endpoints";
    static final String FROM_HOST_POD = "hostNetworkPod";

    /** @return the target, or empty if {@code ip} is not an IP literal or the port is out of range */
    static Optional<Target> of(String ip, int port, String source) {
        return of(ip, port, source, "");
    }

    /** @return the target on {@code node}, or empty if {@code ip} is not an IP literal or the port is out of range */
    static Optional<Target> of(String ip, int port, String source, String node) {
        if (ip == null || port <= 0 || port > 65535) {
            return Optional.empty();
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip.trim());
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            InetAddress address = InetAddress.getByAddress(bytes);
            return Optional.of(new Target(address.getHostAddress(), port, source,
                    new InetSocketAddress(address, port), node == null ? "" : node));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** @return {@code ip:port}, the identity of an endpoint (health is kept per endpoint) */
    String id() {
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
