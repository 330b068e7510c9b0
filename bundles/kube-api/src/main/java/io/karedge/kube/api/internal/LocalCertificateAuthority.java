package io.karedge.kube.api.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/**
 * The node's own certificate authority for client certificates of the local Kubernetes API: a key and
 * self-signed CA certificate in a PKCS#12 file only the node's user can read (0600), made at first use
 * with the JDK's {@code keytool}, which also signs the client certificates ({@code -gencert}). The API
 * trusts certificates this authority signed, and only those.
 */
final class LocalCertificateAuthority {

    private static final char[] PASSWORD = "karedge-kube-api-ca".toCharArray();
    private static final String ALIAS = "ca";
    /** A client name becomes a certificate's CN: letters, digits and {@code . _ @ -} only. */
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._@-]{0,63}";

    private final Path file;
    private final X509Certificate certificate;

    private LocalCertificateAuthority(Path file, X509Certificate certificate) {
        this.file = file;
        this.certificate = certificate;
    }

    static LocalCertificateAuthority loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(partial);
            keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                    "-dname", "CN=karedge-kube-api-client-ca", "-ext", "bc:c=ca:true,pathlen:0",
                    "-ext", "ku:c=keyCertSign,cRLSign", "-storetype", "PKCS12", "-keystore", partial.toString(),
                    "-storepass", new String(PASSWORD));
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            if (!(store.getCertificate(ALIAS) instanceof X509Certificate ca)) {
                throw new IOException(file + " holds no certificate " + ALIAS);
            }
            return new LocalCertificateAuthority(file, ca);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        }
    }

    /** @return trust in this authority's certificates, for the server's client authentication */
    TrustManagerFactory trust() throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(ALIAS, certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IOException("the client authority's trust cannot be made: " + e.getMessage(), e);
        }
    }

    /**
     * A client certificate and its key. The key is made in a temporary key store beside the authority's file
     * and removed with it.
     *
     * @param name the client's name, the certificate's CN
     * @throws IllegalArgumentException for a name that is not a simple identifier
     */
    synchronized Issued issue(String name, int days) throws IOException {
        if (name == null || !name.matches(NAME)) {
            throw new IllegalArgumentException("a client name is 1-64 letters, digits, '.', '_', '@' or '-', "
                    + "starting with a letter or digit");
        }
        Path work = Files.createTempDirectory(file.toAbsolutePath().getParent(), ".client-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Path keys = work.resolve("client.p12");
            Path request = work.resolve("client.csr");
            Path signed = work.resolve("client.crt");
            String pass = new String(PASSWORD);
            keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + name, "-storetype", "PKCS12", "-keystore", keys.toString(), "-storepass", pass);
            keytool("-certreq", "-alias", "client", "-keystore", keys.toString(), "-storepass", pass,
                    "-file", request.toString());
            keytool("-gencert", "-alias", ALIAS, "-keystore", file.toString(), "-storepass", pass,
                    "-infile", request.toString(), "-outfile", signed.toString(), "-rfc", "-validity",
                    Integer.toString(days), "-ext", "ku:c=digitalSignature", "-ext", "eku=clientAuth");
            String certificatePem = Files.readString(signed, StandardCharsets.US_ASCII);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keys)) {
                store.load(in, PASSWORD);
            }
            PrivateKey key = (PrivateKey) store.getKey("client", PASSWORD);
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
            parsed.verify(certificate.getPublicKey());
            return new Issued(certificatePem, pem("PRIVATE KEY", key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("the client certificate cannot be made: " + e.getMessage(), e);
        } finally {
            try (var files = Files.list(work)) {
                for (Path path : files.toList()) {
                    Files.deleteIfExists(path);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    /** @return the authority's certificate in PEM */
    String certificatePem() throws IOException {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.add("-noprompt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + arguments[0] + " failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    /** A client certificate (PEM) and its private key (PKCS#8 PEM). */
    record Issued(String certificatePem, String keyPem) {
    }
}
