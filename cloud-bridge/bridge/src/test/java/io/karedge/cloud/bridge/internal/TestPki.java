package io.karedge.cloud.bridge.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CloudCore-like PKI for tests: a P-256 CA ({@code CN=KubeEdge}), a server certificate for 127.0.0.1 (and the
 * other addresses given) and tokens.
 */
public final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    final KeyPair caKeys = Pki.newKeyPair();
    final X509Certificate ca;
    final KeyPair serverKeys = Pki.newKeyPair();
    final X509Certificate server;

    public TestPki() {
        this(new String[0]);
    }

    /** @param serverAddresses IP addresses the server certificate names besides 127.0.0.1 */
    public TestPki(String... serverAddresses) {
        try {
            Instant now = Instant.now();
            X500Name caName = new X500Name("CN=KubeEdge");
            var caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plusSeconds(86_400L * 365)), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            ca = sign(caBuilder);
            var serverBuilder = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plusSeconds(86_400L * 30)), new X500Name("CN=KubeEdge, O=KubeEdge"),
                    serverKeys.getPublic())
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, serverNames(serverAddresses));
            server = sign(serverBuilder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static GeneralNames serverNames(String... addresses) {
        java.util.List<GeneralName> names = new java.util.ArrayList<>();
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        for (String address : addresses) {
            if (!address.equals("127.0.0.1")) {
                names.add(new GeneralName(GeneralName.iPAddress, address));
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    public X509Certificate ca() {
        return ca;
    }

    /** Issues a client certificate as CloudCore does: subject CN and O from the request, EKU clientAuth. */
    public X509Certificate issue(PublicKey key, String commonName, Instant notBefore, Instant notAfter) {
        try {
            var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=KubeEdge"), serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + commonName + ", O=" + Pki.NODE_ORGANIZATION), key)
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return sign(builder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a join token pinning this CA: {@code <sha256 of the CA DER>.<header>.<payload>.<signature>} */
    public String token() {
        try {
            return Pki.sha256Hex(ca.getEncoded()) + "." + jwt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String jwt() {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String header = encoder.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = encoder.encodeToString(("{\"exp\":" + (Instant.now().getEpochSecond() + 86_400) + "}")
                .getBytes(StandardCharsets.UTF_8));
        String signature = encoder.encodeToString(Pki.sha256Hex(caKeys.getPrivate().getEncoded()).getBytes(
                StandardCharsets.US_ASCII));
        return header + "." + payload + "." + signature;
    }

    private X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);
    }
}
