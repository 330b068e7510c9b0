package io.karedge.mesh.proxy.internal;

import io.karedge.mesh.proxy.internal.tunnel.Tunnel;
import java.util.Set;

/**
 * Where an endpoint is and how it is reached: endpoints of this node (or of no known node) are dialled
 * directly; with the tunnel on, an endpoint whose {@code nodeName} is another node is reached through
 * that node's tunnel, and only while the tunnel to it is up and the node is not NotReady. With
 * {@code preferLocal}, healthy endpoints of this node take every connection while there are any.
 */
final class Routing {

    static final Routing DIRECT = new Routing("", false);

    private final String localNode;
    private final boolean preferLocal;
    private volatile Tunnel tunnel;
    private volatile Set<String> notReady = Set.of();

    Routing(String localNode, boolean preferLocal) {
        this.localNode = localNode == null ? "" : localNode;
        this.preferLocal = preferLocal;
    }

    boolean preferLocal() {
        return preferLocal;
    }

    Tunnel tunnel() {
        return tunnel;
    }

    void tunnel(Tunnel value) {
        this.tunnel = value;
    }

    void notReady(Set<String> nodes) {
        this.notReady = Set.copyOf(nodes);
    }

    /** @return whether the endpoint is on this node (or names no node) */
    boolean local(Target target) {
        return target.node().isEmpty() || target.node().equals(localNode);
    }

    /** @return whether connections to the endpoint go through a tunnel */
    boolean viaTunnel(Target target) {
        return tunnel != null && !local(target);
    }

    /** @return whether the endpoint's node can be reached now (always, for endpoints dialled directly) */
    boolean usable(Target target) {
        if (!viaTunnel(target)) {
            return true;
        }
        return !notReady.contains(target.node()) && tunnel.reachable(target.node());
    }
}
