package io.karedge.mesh.proxy.internal.tunnel;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster CA for tests, issuing node certificates as CloudCore does: {@code CN=system:node:<node>,
 * O=system:nodes}, extended key usage {@code clientAuth} only (CloudCore's {@code signCerts}), used by both ends
 * of a tunnel.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final KeyPair caKeys;
    private final X509Certificate ca;

    public TestPki(String caName) throws Exception {
        caKeys = keyPair();
        X500Name subject = new X500Name("CN=" + caName);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(),
                subject, caKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = sign(builder);
    }

    public X509Certificate ca() {
        return ca;
    }

    /** @return credentials for {@code node} with the subject CloudCore gives edge certificates */
    public TunnelCredentials node(String node) throws Exception {
        return issue("CN=system:node:" + node + ",O=system:nodes");
    }

    public TunnelCredentials issue(String subject) throws Exception {
        return issue(subject, KeyPurposeId.id_kp_clientAuth);
    }

    /** @return credentials for {@code subject} whose certificate may be used for {@code purpose} only */
    public TunnelCredentials issue(String subject, KeyPurposeId purpose) throws Exception {
        KeyPair keys = keyPair();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + caName()), serial(),
                notBefore(), notAfter(), new X500Name(subject), keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        return new TunnelCredentials(keys.getPrivate(), List.of(sign(builder)), ca);
    }

    private String caName() {
        return ca == null ? "" : ca.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder builder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return new Date(System.currentTimeMillis() - 60_000);
    }

    private static Date notAfter() {
        return new Date(System.currentTimeMillis() + 86_400_000L);
    }
}
