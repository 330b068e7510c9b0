package io.karedge.eventbus.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the TLS socket factory for the external broker from PEM files (KubeEdge's file layout). */
final class PemTls {

    private PemTls() {
    }

    /**
     * @param caFile   CA certificates to trust; empty for the JVM default trust store
     * @param certFile client certificate chain; empty for no client authentication
     * @param keyFile  the client key, PEM {@code PRIVATE KEY} (PKCS#8, RSA or EC)
     */
    static SSLSocketFactory socketFactory(String caFile, String certFile, String keyFile)
            throws IOException, GeneralSecurityException {
        return context(caFile, certFile, keyFile).getSocketFactory();
    }

    /**
     * @param caFile   CA certificates to trust (for a server: the CAs of the client certificates); empty for the
     *                 JVM default trust store
     * @param certFile own certificate chain; empty for none
     * @param keyFile  its key, PEM {@code PRIVATE KEY} (PKCS#8, RSA or EC)
     */
    static SSLContext context(String caFile, String certFile, String keyFile)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = null;
        if (!caFile.isBlank()) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(Path.of(caFile))) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
        }
        KeyManagerFactory keys = null;
        if (!certFile.isBlank()) {
            if (keyFile.isBlank()) {
                throw new GeneralSecurityException("tls.cert.file is set but tls.key.file is not");
            }
            char[] none = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", privateKey(Path.of(keyFile)), none,
                    certificates(Path.of(certFile)).toArray(new Certificate[0]));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, none);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return context;
    }

    static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> found = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (found.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + file);
            }
            return found;
        }
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new GeneralSecurityException(file + " holds no PKCS#8 'PRIVATE KEY' block (convert with"
                    + " 'openssl pkcs8 -topk8 -nocrypt')");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        List<GeneralSecurityException> failures = new ArrayList<>();
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                failures.add(e);
            }
        }
        throw new GeneralSecurityException("unsupported private key in " + file + ": " + failures.get(0).getMessage());
    }
}
