package io.karedge.mesh;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the mesh proxy is doing right now. Registered while the proxy runs; every call is cheap, never
 * blocks on the network and returns a snapshot.
 *
 * @since 1.0
 */
@ProviderType
public interface MeshStatus {

    /** @return every proxied service, ordered by namespace and name */
    List<MeshService> services();

    /**
     * Resolves a name the way the DNS responder does for mesh names ({@code web},
     * {@code web.shop}, {@code web.shop.svc}, {@code web.shop.svc.cluster.local}, with or without a
     * trailing dot). Never forwards to an upstream resolver.
     */
    Resolution resolve(String name);

    /** @return the DNS responder's address, state and counters */
    DnsStatus dns();

    /**
     * @return the other nodes this node has or wants a tunnel with, ordered by node name; empty while the
     *         tunnel is off
     * @since 1.3
     */
    default List<MeshPeer> peers() {
        return List.of();
    }
}
