package io.karedge.mesh.proxy.internal.tunnel;

import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The node a certificate stands for: its subject's common name, without the {@code system:node:} prefix
 * that node certificates carry (CloudCore signs the edge certificate for {@code CN=system:node:<node>},
 * {@code O=system:nodes}, the Kubernetes node-authorizer convention; a standalone node's certificate may
 * carry the bare node name).
 */
final class NodeIdentity {

    static final String NODE_PREFIX = "system:node:";

    private NodeIdentity() {
    }

    /** @return the node name, or the empty string if the certificate has no usable common name */
    static String of(X509Certificate certificate) {
        String cn = commonName(certificate.getSubjectX500Principal().getName());
        if (cn.startsWith(NODE_PREFIX)) {
            cn = cn.substring(NODE_PREFIX.length());
        }
        return cn;
    }

    private static String commonName(String subject) {
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }
}
