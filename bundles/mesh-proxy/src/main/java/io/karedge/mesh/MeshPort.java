package io.karedge.mesh;

import java.util.List;

/**
 * One port of a proxied Service and its local listener.
 *
 * @param name      the port's name ({@code ""} when unnamed)
 * @param protocol  {@code TCP}, {@code UDP} or {@code SCTP}
 * @param port      the Service port, which is also the listener's port
 * @param listening whether the listener is bound
 * @param error     why it is not listening ({@code ""} when it is)
 * @param connections client connections (TCP) or client sessions (UDP) currently open through this listener
 * @param endpoints the endpoints new connections are balanced over
 * @param dataPath  {@value #PROXY} when the proxy relays the port's connections, {@value #KERNEL} when the
 *                  kernel forwards them (nftables NAT; the listener only takes what the kernel does not)
 */
public record MeshPort(String name, String protocol, int port, boolean listening, String error, int connections,
                       List<MeshEndpoint> endpoints, String dataPath) {

    /** the proxy relays the connections */
    public static final String PROXY = "proxy";
    /** the kernel forwards the connections */
    public static final String KERNEL = "kernel";

    public MeshPort {
        error = error == null ? "" : error;
        endpoints = List.copyOf(endpoints);
        dataPath = dataPath == null || dataPath.isBlank() ? PROXY : dataPath;
    }

    /** A port the proxy relays. */
    public MeshPort(String name, String protocol, int port, boolean listening, String error, int connections,
                    List<MeshEndpoint> endpoints) {
        this(name, protocol, port, listening, error, connections, endpoints, PROXY);
    }
}
