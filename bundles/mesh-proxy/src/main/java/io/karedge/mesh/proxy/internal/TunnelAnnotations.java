package io.karedge.mesh.proxy.internal;

import io.karedge.api.node.NodeAnnotationContributor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this node publishes on its own Node while its tunnel listens, for the other nodes to find it: the port
 * the listener is bound to ({@value TunnelSettings#PORT_ANNOTATION}) and, when the listener is bound to one
 * address that other hosts can reach (not the wildcard, not loopback), that address
 * ({@value TunnelSettings#ADDRESS_ANNOTATION}). Immutable: a tunnel that moves publishes a new one.
 *
 * @param annotations the annotations, by key
 */
record TunnelAnnotations(Map<String, String> annotations) implements NodeAnnotationContributor {

    TunnelAnnotations {
        annotations = Map.copyOf(annotations);
    }

    /** @param listening the address the tunnel listener is bound to */
    static TunnelAnnotations of(InetSocketAddress listening) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(TunnelSettings.PORT_ANNOTATION, Integer.toString(listening.getPort()));
        InetAddress address = listening.getAddress();
        if (address != null && !address.isAnyLocalAddress() && !address.isLoopbackAddress()) {
            annotations.put(TunnelSettings.ADDRESS_ANNOTATION, address.getHostAddress());
        }
        return new TunnelAnnotations(annotations);
    }
}
