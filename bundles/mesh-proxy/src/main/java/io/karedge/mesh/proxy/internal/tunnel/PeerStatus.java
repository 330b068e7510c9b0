package io.karedge.mesh.proxy.internal.tunnel;

/**
 * One peer as the tunnel sees it.
 *
 * @param connected whether a connection with it is ready (either direction)
 * @param outbound  whether that connection is one this node dialled
 * @param path      {@code direct}, {@code relay:<node>} (new streams go through that relay) or {@code none}
 * @param rttNanos  last PING round trip of the direct connection, -1 if unknown
 * @param error     why the outbound link is down, if it is
 */
public record PeerStatus(String node, boolean connected, boolean outbound, String path, long rttNanos, int streams,
                         long bytesIn, long bytesOut, String error) {

    public static final String DIRECT = "direct";
    public static final String RELAY = "relay:";
    public static final String NONE = "none";
}
