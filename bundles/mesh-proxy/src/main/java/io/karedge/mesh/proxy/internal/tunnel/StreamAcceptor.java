package io.karedge.mesh.proxy.internal.tunnel;

import java.net.InetSocketAddress;

/**
 * Decides what an OPEN from a peer may reach. The tunnel never dials anything this does not name, so the
 * implementation is what keeps a node from being an open proxy.
 */
public interface StreamAcceptor {

    /**
     * @param peer    the node that sent the OPEN (checked against its certificate)
     * @param request what it asks for
     * @return the address to dial, or a refusal
     */
    Decision decide(String peer, OpenRequest request);


    /** The answer to an OPEN: an address to dial, or the reason it is refused. */
    record Decision(InetSocketAddress address, String refusal) {


        public static Decision dial(InetSocketAddress address) {
            return new Decision(address, null);
        }

        public static Decision refuse(String reason) {
            return new Decision(null, reason);
        }
    }
}
