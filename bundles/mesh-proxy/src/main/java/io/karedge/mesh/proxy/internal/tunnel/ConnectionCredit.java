package io.karedge.mesh.proxy.internal.tunnel;

/**
 * The connection-level flow control of a tunnel connection (WINDOW on stream 0): how many DATA bytes this
 * side may still send over all streams together, how many the peer may, and the bytes taken by the streams'
 * ends that are not yet given back to the peer. Credit goes back in quarter-window steps. Used on the
 * connection's event loop only.
 */
final class ConnectionCredit {

    private final int window;
    /** bytes this side may still send over all streams */
    private long sendCredit;
    /** bytes the peer may still send over all streams */
    private long receiveRemaining;
    /** bytes taken by the ends (or dropped) not yet given back to the peer */
    private long consumed;

    ConnectionCredit(int window) {
        this.window = window;
        this.sendCredit = window;
        this.receiveRemaining = window;
    }

    /** @return the credit left for DATA */
    long sendCredit() {
        return sendCredit;
    }

    /** DATA of {@code bytes} went out. */
    void spend(int bytes) {
        sendCredit -= bytes;
    }

    /** The peer's WINDOW on stream 0: credit beyond the window is a protocol error. */
    void granted(long increment) {
        if (increment <= 0 || sendCredit + increment > window) {
            throw new TunnelProtocolException("connection WINDOW of " + increment + " exceeds the window");
        }
        sendCredit += increment;
    }

    /** DATA of {@code bytes} came in: beyond the peer's credit it is a protocol error. */
    void receive(int bytes) {
        if (bytes > receiveRemaining) {
            throw new TunnelProtocolException("DATA of " + bytes + " bytes with " + receiveRemaining
                    + " bytes of connection credit");
        }
        receiveRemaining -= bytes;
    }

    /** An end took {@code bytes} (or they were dropped). */
    void consumed(int bytes) {
        consumed += bytes;
    }

    /**
     * @return the credit to give back to the peer now (a WINDOW on stream 0), counted as given; 0 while less
     *         than a quarter of the window was consumed
     */
    long giveBack() {
        if (consumed < window / 4) {
            return 0;
        }
        long increment = consumed;
        receiveRemaining += increment;
        consumed = 0;
        return increment;
    }
}
