package io.karedge.protocol.opcua.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's OPC UA identity and trust store, in one directory (by default {@code data/opcua/pki}):
 * <ul>
 *   <li>{@code own/karedge-opcua.p12}: the application instance certificate and its key, generated on first
 *       use (RSA 2048, SHA-256, valid 10 years, application URI {@code urn:karedge:<host>:opcua});</li>
 *   <li>{@code own/karedge-opcua.der}: the same certificate alone, to copy into a server's trust list;</li>
 *   <li>{@code trusted/certs/}: server certificates (DER or PEM) this node trusts; {@code issuers/certs/} CA
 *       certificates; {@code trusted/crl/}, {@code issuers/crl/} their revocation lists;</li>
 *   <li>{@code rejected/}: certificates of servers that were refused, named by thumbprint.</li>
 * </ul>
 */
final class NodePki {

    private static final Logger LOG = LoggerFactory.getLogger(NodePki.class);
    private static final String ALIAS = "karedge-opcua";
    /** The keystore is protected by the directory's permissions; its password only satisfies the format. */
    private static final char[] STORE_PASSWORD = "karedge".toCharArray();

    private final Path dir;
    private volatile Identity identity;
    private volatile FileBasedTrustListManager trustList;

    /** The node's certificate, its key and the application URI in it. */
    record Identity(X509Certificate certificate, KeyPair keyPair, String applicationUri) {
    }

    NodePki(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path trustedDir() {
        return dir.resolve("trusted").resolve("certs");
    }

    Path rejectedDir() {
        return dir.resolve("rejected");
    }

    /** @return the node's own identity, created and stored on first use */
    synchronized Identity identity() throws IOException, GeneralSecurityException {
        if (identity == null) {
            identity = loadOrCreate();
        }
        return identity;
    }

    /** @return an identity from a certificate and a PKCS#8 key in PEM files (the device's own settings) */
    static Identity fromPem(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(certificateFile)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException(keyFile + " is not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        }
        String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
        String uri = applicationUriOf(certificate);
        return new Identity(certificate, new KeyPair(certificate.getPublicKey(), key), uri);
    }

    /** @return a validator that trusts the certificates in {@code trusted/certs} and explains a refusal */
    synchronized CertificateValidator validator() throws IOException {
        if (trustList == null) {
            Files.createDirectories(trustedDir());
            Files.createDirectories(rejectedDir());
            trustList = FileBasedTrustListManager.createAndInitialize(dir);
        }
        DefaultClientCertificateValidator delegate = new DefaultClientCertificateValidator(trustList,
                FileBasedCertificateQuarantine.create(rejectedDir()));
        return new CertificateValidator() {
            @Override
            public void validateCertificateChain(List<X509Certificate> chain, String applicationUri,
                                                 String[] validHostNames) throws UaException {
                try {
                    delegate.validateCertificateChain(chain, applicationUri, validHostNames);
                } catch (UaException e) {
                    throw new UaException(e.getStatusCode().getValue(), untrusted(chain.get(0), e), e);
                }
            }
        };
    }

    /** The message of a refused server certificate: which one, and the one step that trusts it. */
    String untrusted(X509Certificate certificate, UaException cause) {
        String thumbprint = thumbprint(certificate);
        Path rejected = rejectedDir().resolve(thumbprint + ".der");
        try {
            Files.createDirectories(rejectedDir());
            Files.write(rejected, certificate.getEncoded());
        } catch (IOException | GeneralSecurityException e) {
            LOG.debug("Cannot keep the rejected certificate {}", thumbprint, e);
        }
        return "server certificate '" + certificate.getSubjectX500Principal().getName() + "' (SHA-1 thumbprint "
                + thumbprint + ") is not trusted: " + Variants.statusName(cause.getStatusCode()) + "; to trust it, "
                + "run: mv " + rejected + " " + trustedDir() + "/";
    }

    static String thumbprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Identity loadOrCreate() throws IOException, GeneralSecurityException {
        Path own = dir.resolve("own");
        Path store = own.resolve(ALIAS + ".p12");
        if (Files.isRegularFile(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, STORE_PASSWORD);
            }
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate(ALIAS);
            PrivateKey key = (PrivateKey) keyStore.getKey(ALIAS, STORE_PASSWORD);
            return new Identity(certificate, new KeyPair(certificate.getPublicKey(), key), applicationUriOf(certificate));
        }
        Files.createDirectories(own);
        String host = hostName();
        String uri = "urn:karedge:" + host + ":opcua";
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keyPair = generator.generateKeyPair();
        X509Certificate certificate;
        try {
            certificate = new SelfSignedCertificateBuilder(keyPair)
                    .setCommonName("Karedge OPC UA driver")
                    .setOrganization("Karedge")
                    .setApplicationUri(uri)
                    .setValidityPeriod(java.time.Period.ofYears(10))
                    .addDnsName(host)
                    .addDnsName("localhost")
                    .addIpAddress("127.0.0.1")
                    .build();
        } catch (Exception e) {
            throw new GeneralSecurityException("cannot create the node's OPC UA certificate: " + e.getMessage(), e);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(ALIAS, keyPair.getPrivate(), STORE_PASSWORD, new X509Certificate[]{certificate});
        Path temp = own.resolve(ALIAS + ".p12.tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            keyStore.store(out, STORE_PASSWORD);
        }
        Files.write(own.resolve(ALIAS + ".der"), certificate.getEncoded());
        Files.move(temp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Created the node's OPC UA application certificate {} (thumbprint {}) in {}", uri,
                thumbprint(certificate), own);
        return new Identity(certificate, keyPair, uri);
    }

    private static String applicationUriOf(X509Certificate certificate) {
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> name : certificate.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(6).equals(name.get(0))) {
                        return String.valueOf(name.get(1));
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            LOG.debug("No subject alternative names in {}", certificate.getSubjectX500Principal(), e);
        }
        return "urn:karedge:" + hostName() + ":opcua";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
