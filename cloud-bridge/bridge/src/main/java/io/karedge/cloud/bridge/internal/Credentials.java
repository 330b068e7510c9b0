package io.karedge.cloud.bridge.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * The node's identity towards the cloud: its key, its certificate and the pinned CloudCore CA.
 *
 * @param key         the private key (P-256)
 * @param certificate the edge certificate signed by the CA
 * @param ca          the CloudCore CA
 */
record Credentials(PrivateKey key, X509Certificate certificate, X509Certificate ca) {

    Credentials {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(ca, "ca");
    }

    Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    boolean expiredAt(Instant now) {
        return !now.isBefore(notAfter()) || now.isBefore(notBefore());
    }

    /** @return whether the certificate names this node as EdgeCore requires: {@code CN=system:node:<node>} */
    boolean isFor(String nodeName) {
        return (Pki.NODE_CN_PREFIX + nodeName).equals(Pki.commonName(certificate));
    }

    /**
     * @param fraction a point in the lifetime, 0 to 1
     * @return {@code notBefore + fraction × (notAfter − notBefore)}
     */
    Instant pointInLifetime(double fraction) {
        long lifetime = notAfter().toEpochMilli() - notBefore().toEpochMilli();
        return notBefore().plusMillis((long) (lifetime * fraction));
    }
}
