package io.karedge.mesh.proxy.internal.tunnel;

/** A stream could not be opened (OPEN_FAIL, no answer in time, limits, the connection closed); the message says why. */
public final class TunnelStreamException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean refusedByPeer;
    private final boolean unanswered;

    TunnelStreamException(String message) {
        this(message, false);
    }

    TunnelStreamException(String message, boolean refusedByPeer) {
        this(message, refusedByPeer, false);
    }

    private TunnelStreamException(String message, boolean refusedByPeer, boolean unanswered) {
        super(message, null, false, false);
        this.refusedByPeer = refusedByPeer;
        this.unanswered = unanswered;
    }

    /** @return the failure of an OPEN the peer did not answer within {@code millis} */
    static TunnelStreamException unanswered(String node, long millis) {
        return new TunnelStreamException("no answer from node " + node + " within " + millis + " ms", false, true);
    }

    /** @return whether the peer answered the OPEN with OPEN_FAIL (the endpoint is not reachable there) */
    public boolean refusedByPeer() {
        return refusedByPeer;
    }

    /**
     * @return whether the peer did not answer the OPEN in time (the node or its link may be gone while the
     *         connection's idle limit has not passed yet, or the endpoint there connects too slowly); the
     *         stream was reset towards the peer
     */
    public boolean unanswered() {
        return unanswered;
    }
}
