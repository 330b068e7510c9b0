package io.karedge.mesh.proxy.internal.tunnel;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * This node's tunnel identity: its key, its certificate (chain) and the CA every peer's certificate must
 * be signed by. On a joined node these are the key and certificate CloudCore issued and the cluster CA.
 */
public record TunnelCredentials(PrivateKey key, List<X509Certificate> chain, X509Certificate ca) {

    public TunnelCredentials {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ca, "ca");
        if (chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
        chain = List.copyOf(chain);
    }

    /** @return the node name this node's own certificate carries */
    public String nodeName() {
        return NodeIdentity.of(chain.get(0));
    }
}
