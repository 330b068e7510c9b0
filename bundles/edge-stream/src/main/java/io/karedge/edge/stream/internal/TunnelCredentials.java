package io.karedge.edge.stream.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The node's certificate, key and the cloud's CA, as the cloud bridge stores them after {@code edge:join}
 * ({@code <data dir>/cloud/ca.crt}, {@code edge.crt}, {@code edge.key}); read-only here.
 */
record TunnelCredentials(PrivateKey key, X509Certificate certificate, X509Certificate ca) {

    static TunnelCredentials load(Path directory) throws IOException {
        for (String file : new String[] {"ca.crt", "edge.crt", "edge.key"}) {
            if (!Files.isRegularFile(directory.resolve(file))) {
                throw new IOException("no node certificate: " + directory.resolve(file) + " is missing (the node "
                        + "gets it when it joins the cloud, edge:join)");
            }
        }
        try {
            return new TunnelCredentials(key(Files.readString(directory.resolve("edge.key"))),
                    certificate(Files.readString(directory.resolve("edge.crt"))),
                    certificate(Files.readString(directory.resolve("ca.crt"))));
        } catch (CertificateException e) {
            throw new IOException("unreadable certificate in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(String pem) throws IOException, CertificateException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            if (!(parser.readObject() instanceof X509CertificateHolder holder)) {
                throw new CertificateException("no CERTIFICATE block");
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
        }
    }

    private static PrivateKey key(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException("no EC PRIVATE KEY or PRIVATE KEY block");
        }
    }
}
