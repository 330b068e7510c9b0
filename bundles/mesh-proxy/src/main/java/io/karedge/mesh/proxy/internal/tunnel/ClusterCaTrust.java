package io.karedge.mesh.proxy.internal.tunnel;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer's certificate when it chains to the cluster CA (PKIX path, validity, basic constraints) and
 * may be used for TLS. Both ends of a tunnel are nodes, and CloudCore signs an edge certificate for client
 * authentication only (extended key usage {@code clientAuth}); the JDK's own trust manager would refuse such
 * a certificate from the side that accepted the connection ("does not permit use for TLS server
 * authentication"). So either TLS usage is accepted on either side, as is a certificate without the
 * extension; one restricted to other purposes (code signing, e-mail) is refused. Revocation is not checked
 * (CloudCore publishes no revocation list).
 */
final class ClusterCaTrust extends X509ExtendedTrustManager {

    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final Set<String> TLS_USAGES = Set.of(
            "1.3.6.1.5.5.7.3.1", // serverAuth
            "1.3.6.1.5.5.7.3.2", // clientAuth
            "2.5.29.37.0"); // anyExtendedKeyUsage

    private final X509Certificate ca;

    ClusterCaTrust(X509Certificate ca) {
        this.ca = ca;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {ca};
    }

    void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the peer sent no certificate");
        }
        List<X509Certificate> path = new ArrayList<>(List.of(chain));
        if (path.size() > 1 && path.get(path.size() - 1).equals(ca)) {
            path.remove(path.size() - 1);
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            parameters.setRevocationEnabled(false);
            parameters.addCertPathChecker(new UsageChecker());
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("not signed by the cluster CA: " + e.getMessage(), e);
        }
        List<String> usages = chain[0].getExtendedKeyUsage();
        if (usages != null && usages.stream().noneMatch(TLS_USAGES::contains)) {
            throw new CertificateException("the certificate may not be used for TLS (extended key usage " + usages + ")");
        }
    }

    /** Takes the extended key usage off the unresolved critical extensions: {@link #verify} checks it. */
    private static final class UsageChecker extends PKIXCertPathChecker {

        @Override
        public void init(boolean forward) {
        }

        @Override
        public boolean isForwardCheckingSupported() {
            return true;
        }

        @Override
        public Set<String> getSupportedExtensions() {
            return Set.of(EXTENDED_KEY_USAGE);
        }

        @Override
        public void check(Certificate certificate, Collection<String> unresolvedCriticalExtensions) {
            unresolvedCriticalExtensions.remove(EXTENDED_KEY_USAGE);
        }
    }
}
