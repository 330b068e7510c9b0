package io.karedge.kube.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The API's TLS key and self-signed certificate, in a PKCS#12 file only the node's user can read (0600),
 * made at first start with the JDK's {@code keytool} for {@code localhost}, the loopback addresses and the
 * configured host. kubectl sends a token only over TLS, so the API serves HTTPS; the node's kubeconfig
 * carries this certificate as its certificate authority.
 */
final class ServingCertificate {

    /** The file's mode protects the key; the store's password is a formality of PKCS#12. */
    private static final char[] PASSWORD = "karedge-kube-api".toCharArray();
    private static final String ALIAS = "kube-api";

    private final KeyStore keyStore;

    private ServingCertificate(KeyStore keyStore) {
        this.keyStore = keyStore;
    }

    /** Loads the key store, making it first when it is missing. */
    static ServingCertificate loadOrCreate(Path file, String host) throws IOException {
        if (!Files.exists(file)) {
            create(file, host);
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            if (!store.isKeyEntry(ALIAS)) {
                throw new IOException(file + " holds no key " + ALIAS);
            }
            return new ServingCertificate(store);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        }
    }

    private static void create(Path file, String host) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        String names = "dns:localhost,ip:127.0.0.1,ip:::1";
        if (host != null && !host.isBlank() && !host.equals("127.0.0.1") && !host.equals("0.0.0.0")
                && !host.equals("localhost")) {
            names += (host.matches("[0-9.]+|.*:.*") ? ",ip:" : ",dns:") + host;
        }
        Path partial = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(partial);
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                "-dname", "CN=karedge-kube-api", "-ext", "SAN=" + names, "-storetype", "PKCS12",
                "-keystore", partial.toString(), "-storepass", new String(PASSWORD), "-noprompt"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool could not make the API's certificate: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while making the API's certificate", e);
        }
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    SSLContext sslContext() throws IOException {
        return sslContext(null);
    }

    /** @param clients the authority whose client certificates are accepted, or {@code null} for none */
    SSLContext sslContext(LocalCertificateAuthority clients) throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), clients == null ? null : clients.trust().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("the API's TLS context cannot be made: " + e.getMessage(), e);
        }
    }

    /** @return the certificate in PEM, for a kubeconfig's {@code certificate-authority-data} */
    String certificatePem() throws IOException {
        try {
            Certificate certificate = keyStore.getCertificate(ALIAS);
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
