package io.karedge.kube.api.internal;

import static io.karedge.kube.api.internal.KubeApiFabric8Test.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.test.support.InMemoryMetaStore;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates of the node's own authority, beside the bearer token: a kubeconfig issued for a named
 * user works with kubectl and with a JDK HTTPS client; no credentials is a 401; a certificate another
 * authority signed does not get through the handshake.
 */
@Timeout(180)
class ClientCertificateTest {

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    @TempDir
    Path home;
    private KubeApiServer server;
    private ServingCertificate serving;
    private LocalCertificateAuthority authority;

    @BeforeEach
    void start() throws Exception {
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\","
                + "\"namespace\":\"shop\"},\"data\":{\"a\":\"1\"}}"), "local");
        serving = ServingCertificate.loadOrCreate(home.resolve("kube-api.p12"), "127.0.0.1");
        authority = LocalCertificateAuthority.loadOrCreate(home.resolve("kube-api-client-ca.p12"));
        server = KubeApiServer.start(store, KubeApiSettings.defaults().withPort(0), ConnectionLimits.defaults(),
                Clock.systemUTC(), () -> null, () -> Optional.of(io.karedge.api.node.NodeMode.STANDALONE),
                Authorized.ACCESS, serving, authority, () -> null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String url() {
        return "https://127.0.0.1:" + server.port();
    }

    @Test
    void theAuthorityFileIsPrivateAndNamesAreChecked() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(
                "kube-api-client-ca.p12")))).isEqualTo("rw-------");
        assertThatThrownBy(() -> authority.issue("a b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> authority.issue("-rf", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(LocalCertificateAuthority.loadOrCreate(home.resolve("kube-api-client-ca.p12")).certificatePem())
                .as("made once, then loaded").isEqualTo(authority.certificatePem());
    }

    @Test
    void aJdkClientWithAnIssuedCertificateIsServedAndWithoutOneRefused() throws Exception {
        LocalCertificateAuthority.Issued alice = authority.issue("alice", 1);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/api/v1/namespaces/shop/configmaps"))
                .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> withCertificate = client(alice).send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(withCertificate.statusCode()).isEqualTo(200);
        assertThat(withCertificate.body()).contains("settings");
        assertThat(client(null).send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        // signed by another authority: the server's handshake refuses it
        LocalCertificateAuthority stranger = LocalCertificateAuthority.loadOrCreate(home.resolve("other/ca.p12"));
        LocalCertificateAuthority.Issued mallory = stranger.issue("alice", 1);
        assertThatThrownBy(() -> client(mallory).send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void kubectlWorksWithTheKubeconfigWrittenForAUser() throws Exception {
        String kubectl = findKubectl();
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl != null, "no kubectl on the PATH");
        Path config = home.resolve("kubeconfig-alice");
        Kubeconfig.writeForClient(config, url(), serving.certificatePem(), "alice", authority.issue("alice", 1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(Files.readString(config)).contains("client-certificate-data").doesNotContain("token");
        List<String> command = new ArrayList<>(List.of(kubectl, "--request-timeout", "20s", "--kubeconfig",
                config.toString(), "get", "configmaps", "-A"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("shop +settings +1 ");
    }

    @Test
    void kubectlWithTheTokenStillWorksWhileTheServerAsksForCertificates() throws Exception {
        String kubectl = findKubectl();
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl != null, "no kubectl on the PATH");
        Path token = home.resolve("api-token");
        Files.writeString(token, io.karedge.test.support.FixedTokenAccess.TOKEN);
        Path config = home.resolve("kubeconfig");
        Kubeconfig.write(config, url(), token, serving.certificatePem());
        ProcessBuilder builder = new ProcessBuilder(kubectl, "--request-timeout", "20s", "--kubeconfig",
                config.toString(), "get", "configmaps", "-A").redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("shop +settings +1 ");
    }

    private static String findKubectl() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            File candidate = new File(dir, "kubectl");
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    /** A JDK HTTPS client trusting the API's certificate, showing {@code identity} when given. */
    private HttpClient client(LocalCertificateAuthority.Issued identity) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("api", x509.generateCertificate(new ByteArrayInputStream(
                serving.certificatePem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = null;
        if (identity != null) {
            String base64 = identity.keyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getDecoder().decode(base64)));
            Certificate certificate = x509.generateCertificate(new ByteArrayInputStream(
                    identity.certificatePem().getBytes(StandardCharsets.US_ASCII)));
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("me", key, "x".toCharArray(), new Certificate[] {certificate});
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, "x".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
