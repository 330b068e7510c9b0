package io.karedge.mesh.proxy.internal;

import io.karedge.api.node.NodeAnnotationContributor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this node publishes on its own Node while its tunnel listens, for the other nodes to find it: the port
 * the listener is bound to ({@value TunnelSettings#PORT_ANNOTATION}); when the listener is bound to one address
 * that other hosts can reach (not the wildcard, not loopback), that address
 * ({@value TunnelSettings#ADDRESS_ANNOTATION}); when it is bound to the wildcard, the host's interface addresses
 * it can be reached at, comma-separated ({@value TunnelSettings#ADDRESSES_ANNOTATION}, left out when there are
 * none). Immutable: a tunnel that moves, or a host whose addresses change, publishes a new one.
 *
 * @param annotations the annotations, by key
 */
record TunnelAnnotations(Map<String, String> annotations) implements NodeAnnotationContributor {

    TunnelAnnotations {
        annotations = Map.copyOf(annotations);
    }

    /**
     * @param listening     the address the tunnel listener is bound to
     * @param hostAddresses the host's addresses (see {@link HostAddresses}), used when it is the wildcard
     */
    static TunnelAnnotations of(InetSocketAddress listening, List<String> hostAddresses) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(TunnelSettings.PORT_ANNOTATION, Integer.toString(listening.getPort()));
        InetAddress address = listening.getAddress();
        if (address == null || address.isAnyLocalAddress()) {
            if (!hostAddresses.isEmpty()) {
                annotations.put(TunnelSettings.ADDRESSES_ANNOTATION, String.join(",", hostAddresses));
            }
        } else if (!address.isLoopbackAddress()) {
            annotations.put(TunnelSettings.ADDRESS_ANNOTATION, address.getHostAddress());
        }
        return new TunnelAnnotations(annotations);
    }

    /** @return whether the listener is bound to the wildcard, so that what is published follows the host's addresses */
    static boolean wildcard(InetSocketAddress listening) {
        return listening.getAddress() == null || listening.getAddress().isAnyLocalAddress();
    }
}
