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
 * @param bytesIn   bytes from clients relayed to endpoints by the proxy since its listener started (payload
 *                  only; bytes the kernel forwards or splices are not seen); since 1.2
 * @param bytesOut  bytes from endpoints relayed back to clients, likewise; since 1.2
 */
public record MeshPort(String name, String protocol, int port, boolean listening, String error, int connections,
                       List<MeshEndpoint> endpoints, String dataPath, long bytesIn, long bytesOut) {

    /** the proxy relays the connections */
    public static final String PROXY = "proxy";
    /** the kernel forwards the connections */
    public static final String KERNEL = "kernel";

    public MeshPort {
        error = error == null ? "" : error;
        endpoints = List.copyOf(endpoints);
        dataPath = dataPath == null || dataPath.isBlank() ? PROXY : dataPath;
    }

    /** A port without byte counts (the form of version 1.1). */
    public MeshPort(String name, String protocol, int port, boolean listening, String error, int connections,
                    List<MeshEndpoint> endpoints, String dataPath) {
        this(name, protocol, port, listening, error, connections, endpoints, dataPath, 0, 0);
    }

    /** A port the proxy relays. */
    public MeshPort(String name, String protocol, int port, boolean listening, String error, int connections,
                    List<MeshEndpoint> endpoints) {
        this(name, protocol, port, listening, error, connections, endpoints, PROXY, 0, 0);
    }
}
