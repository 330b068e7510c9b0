package io.karedge.edge.stream.internal;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA, a tunnel server certificate for 127.0.0.1 and a node certificate, as CloudCore's PKI issues them. */
final class TestCertificates {

    final KeyPair caKeys = keys();
    final X509Certificate ca;
    final KeyPair serverKeys = keys();
    final X509Certificate server;
    final KeyPair nodeKeys = keys();
    final X509Certificate node;

    TestCertificates() throws Exception {
        X500Name caName = new X500Name("CN=KubeEdge");
        ca = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from(), to(), caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
        server = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from(), to(), new X500Name("CN=KubeEdge"),
                serverKeys.getPublic()).addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))));
        node = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.TEN, from(), to(),
                new X500Name("CN=edge-1, O=system:nodes"), nodeKeys.getPublic()));
    }

    /** Writes ca.crt, edge.crt and edge.key as the cloud bridge keeps them. */
    void writeNodeFiles(Path directory) throws Exception {
        Files.writeString(directory.resolve("ca.crt"), pem(ca));
        Files.writeString(directory.resolve("edge.crt"), pem(node));
        Files.writeString(directory.resolve("edge.key"), ecPrivateKeyPem(nodeKeys));
    }

    /** SEC1 {@code EC PRIVATE KEY} with the curve and the public key inside, the form the cloud bridge writes. */
    private static String ecPrivateKeyPem(KeyPair keyPair) throws Exception {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keyPair.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo publicInfo =
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                publicInfo.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
        StringWriter text = new StringWriter();
        try (org.bouncycastle.util.io.pem.PemWriter writer = new org.bouncycastle.util.io.pem.PemWriter(text)) {
            writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        }
        return text.toString();
    }

    private X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    private static String pem(Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Date from() {
        return Date.from(Instant.now().minusSeconds(60));
    }

    private static Date to() {
        return Date.from(Instant.now().plusSeconds(86_400));
    }
}
