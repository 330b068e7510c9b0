package io.karedge.pod;

/**
 * A container port.
 *
 * @param name          its name, or {@code null}
 * @param containerPort the port inside the container
 * @param hostPort      the port on the node, 0 for none
 * @param protocol      {@code TCP}, {@code UDP} or {@code SCTP}
 * @param hostIp        the node address to bind {@code hostPort} to, or {@code null} for all
 */
public record PortSpec(String name, int containerPort, int hostPort, String protocol, String hostIp) {

    public PortSpec {
        protocol = protocol == null || protocol.isBlank() ? "TCP" : protocol;
    }
}
