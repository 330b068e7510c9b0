package io.karedge.mesh.proxy.internal;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The endpoints of this node that peers may open streams to, as the last reconcile left them: an
 * immutable snapshot, read by the tunnel's event loops. Anything not in it is refused, so a node is never
 * an open proxy.
 */
record TunnelExports(Map<String, InetSocketAddress> endpoints) {

    static final TunnelExports NONE = new TunnelExports(Map.of());

    TunnelExports {
        endpoints = Map.copyOf(endpoints);
    }

    static String key(String protocol, String namespace, String service, int servicePort, String ip, int port) {
        return protocol + " " + namespace + "/" + service + ":" + servicePort + " " + ip + ":" + port;
    }

    /** @return the address to dial for that endpoint of that Service port, or null if it is not one of ours */
    InetSocketAddress lookup(String protocol, String namespace, String service, int servicePort, String ip, int port) {
        return endpoints.get(key(protocol, namespace, service, servicePort, ip, port));
    }
}
