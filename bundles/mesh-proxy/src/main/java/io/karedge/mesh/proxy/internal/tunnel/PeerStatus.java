package io.karedge.mesh.proxy.internal.tunnel;

/**
 * One peer as the tunnel sees it.
 *
 * @param connected whether a connection with it is ready (either direction)
 * @param outbound  whether that connection is one this node dialled
 * @param rttNanos  last PING round trip, -1 if unknown
 * @param error     why the outbound link is down, if it is
 */
public record PeerStatus(String node, boolean connected, boolean outbound, long rttNanos, int streams, long bytesIn,
                  long bytesOut, String error) {
}
