package io.karedge.mesh;

/**
 * Another node as this node's tunnel sees it.
 *
 * @param node      the peer's node name
 * @param connected whether a tunnel connection with it is ready (either direction)
 * @param path      how new streams to it go: {@code direct}, {@code relay:<node>} or {@code none}
 * @param rttMicros the last keepalive round trip over the direct connection in microseconds, -1 if unknown
 * @param streams   streams open on the direct connection
 * @param bytesIn   stream bytes received from it on the direct connection
 * @param bytesOut  stream bytes sent to it on the direct connection
 * @param error     why this node's own link to it is down ({@code ""} when it is up or there is none)
 * @since 1.3
 */
public record MeshPeer(String node, boolean connected, String path, long rttMicros, int streams, long bytesIn,
                       long bytesOut, String error) {

    public static final String DIRECT = "direct";
    public static final String NONE = "none";

    public MeshPeer {
        path = path == null ? NONE : path;
        error = error == null ? "" : error;
    }
}
