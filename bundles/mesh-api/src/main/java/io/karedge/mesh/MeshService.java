package io.karedge.mesh;

import java.util.List;

/**
 * One proxied Service.
 *
 * @param namespace the Service's namespace
 * @param name      the Service's name
 * @param address   the loopback address its listeners are bound to ({@code 127.100.12.34})
 * @param policy    the load-balancing policy in force: {@code ROUND_ROBIN}, {@code RANDOM} or
 *                  {@code CONSISTENT_HASH_SOURCE_IP}
 * @param policySource where the policy comes from: {@code default}, {@code DestinationRule},
 *                  {@code sessionAffinity}, or {@code default (unsupported: LEAST_CONN)}
 * @param ports     one entry per Service port
 */
public record MeshService(String namespace, String name, String address, String policy, String policySource,
                          List<MeshPort> ports) {

    public MeshService {
        ports = List.copyOf(ports);
    }
}
