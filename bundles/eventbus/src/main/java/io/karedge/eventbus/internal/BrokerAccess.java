package io.karedge.eventbus.internal;

import java.nio.file.Path;

/**
 * Who may connect to the embedded broker and what they may do.
 *
 * @param allowAnonymous accept clients that send no user name (refused with CONNACK 0x05 otherwise)
 * @param passwordFile   the users and their salted password hashes ({@link PasswordFile}); null: no users
 * @param aclFile        topic rights ({@link AclFile}); null: every accepted client may publish and subscribe
 *                       anywhere except on the node's own output topics
 * @param tls            a second listener, TLS with client certificates; null: none
 */
public record BrokerAccess(boolean allowAnonymous, Path passwordFile, Path aclFile, TlsListener tls) {

    /**
     * The optional TLS listener: clients must show a certificate of {@code clientCaFile}; its subject's CN is
     * their user name (for the ACL), no password needed (mosquitto's {@code require_certificate} with
     * {@code use_identity_as_username}).
     *
     * @param port         port to bind (on the broker's host); 0 picks a free one
     * @param certFile     the broker's PEM certificate chain
     * @param keyFile      its PEM PKCS#8 key
     * @param clientCaFile PEM CA certificate(s) the client certificates must chain to
     */
    public record TlsListener(int port, String certFile, String keyFile, String clientCaFile) {
        public TlsListener {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("tls.port must be 0..65535, not " + port);
            }
            if (certFile.isBlank() || keyFile.isBlank() || clientCaFile.isBlank()) {
                throw new IllegalArgumentException("the TLS listener needs tls.server.cert.file, tls.server.key.file"
                        + " and tls.client.ca.file");
            }
        }
    }

    /** Without a TLS listener. */
    public BrokerAccess(boolean allowAnonymous, Path passwordFile, Path aclFile) {
        this(allowAnonymous, passwordFile, aclFile, null);
    }

    /** Anonymous clients accepted, no users, no ACL file: for tests of other features and the benchmark. */
    public static BrokerAccess anonymous() {
        return new BrokerAccess(true, null, null, null);
    }
}
