package io.karedge.mesh.proxy.internal;

import java.util.List;

/**
 * What one Service should look like on this node: its ports and their endpoints, and its policy.
 *
 * @param id           {@code namespace/name}
 * @param policySource {@code default}, {@code DestinationRule}, {@code sessionAffinity}, or a note on
 *                     an unsupported setting
 */
record ServicePlan(String id, String namespace, String name, Policy policy, String policySource,
                   List<PortPlan> ports) {

    ServicePlan {
        ports = List.copyOf(ports);
    }

    /**
     * One port.
     *
     * @param protocol {@code TCP}, {@code UDP} or {@code SCTP}
     */
    record PortPlan(String name, String protocol, int port, List<Target> targets) {

        PortPlan {
            targets = List.copyOf(targets);
        }
    }

    static String id(String namespace, String name) {
        return namespace + "/" + name;
    }
}
