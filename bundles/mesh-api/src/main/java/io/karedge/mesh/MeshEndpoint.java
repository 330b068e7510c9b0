package io.karedge.mesh;

import java.time.Instant;

/**
 * One endpoint (backend) of a Service port, with its passive health.
 *
 * @param ip              the address connections go to
 * @param port            the port connections go to
 * @param source          {@code endpoints} (an Endpoints object) or {@code hostNetworkPod} (a host-network
 *                        pod on this node, reached on 127.0.0.1)
 * @param healthy         false while the endpoint is ejected after a failed connect
 * @param ejectedUntil    when the endpoint is tried again; null when healthy
 * @param failures        consecutive failed connects
 * @param openConnections connections open to it now (from every listener)
 * @param totalConnections connections made to it since the proxy started
 */
public record MeshEndpoint(String ip, int port, String source, boolean healthy, Instant ejectedUntil, int failures,
                           int openConnections, long totalConnections) {
}
