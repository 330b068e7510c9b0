package io.karedge.mesh.proxy.internal;

import java.net.InetAddress;
import java.util.List;

/**
 * One Service port the kernel forwards by itself: new connections to {@code address:port} are
 * destination-NATed to one of {@code targets} (all on loopback, all healthy) chosen by {@code policy}.
 */
record KernelRoute(InetAddress address, int port, Policy policy, List<Target> targets) {

    KernelRoute {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a kernel route needs at least one endpoint");
        }
    }
}
