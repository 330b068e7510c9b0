package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JoinTest {

    static CloudHubDouble cloud;

    @TempDir
    Path data;

    @BeforeAll
    static void start() throws Exception {
        cloud = new CloudHubDouble();
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    private Enrollment enrollment(String certServer, String token) {
        return new Enrollment(new CredentialFiles(data.resolve("cloud")),
                new CertificateService(certServer, Duration.ofSeconds(3)), "edge-1", token, Clock.systemUTC(),
                new SecureRandom());
    }

    @Test
    void aGoodTokenJoinsAndStoresOwnerOnlyFiles() throws Exception {
        Credentials credentials = enrollment(cloud.certAddress(), cloud.pki.token()).credentials();

        assertThat(Pki.commonName(credentials.certificate())).isEqualTo("system:node:edge-1");
        assertThat(Pki.organization(credentials.certificate())).isEqualTo("system:nodes");
        Path directory = data.resolve("cloud");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        for (String file : new String[] {"ca.crt", "edge.crt", "edge.key"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
        assertThat(Files.readString(directory.resolve("edge.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        // a second start uses the stored files, no new certificate
        int issued = cloud.certificatesIssued.get();
        Credentials again = enrollment(cloud.certAddress(), cloud.pki.token()).credentials();
        assertThat(again.certificate()).isEqualTo(credentials.certificate());
        assertThat(cloud.certificatesIssued.get()).isEqualTo(issued);
    }

    @Test
    void aMalformedTokenIsRefusedBeforeAnyNetworkCall() {
        assertThatThrownBy(() -> enrollment(cloud.certAddress(), "abc.def").credentials())
                .isInstanceOf(JoinException.class).hasMessageContaining("bad token")
                .satisfies(e -> assertThat(((JoinException) e).permanent()).isTrue());
        assertThatThrownBy(() -> JoinToken.parse("zz" + cloud.pki.token().substring(2)))
                .hasMessageContaining("64-hex");
    }

    @Test
    void aTokenTheServerRejectsIsPermanent() {
        String token = cloud.pki.token();
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "Zm9yZ2Vk";
        assertThatThrownBy(() -> enrollment(cloud.certAddress(), forged).credentials())
                .isInstanceOf(JoinException.class).hasMessageContaining("HTTP 401")
                .satisfies(e -> assertThat(((JoinException) e).permanent()).isTrue());
    }

    @Test
    void aCaHashMismatchIsReported() {
        TestPki other = new TestPki();
        cloud.servedCa = other.ca();
        try {
            assertThatThrownBy(() -> enrollment(cloud.certAddress(), cloud.pki.token()).credentials())
                    .isInstanceOf(JoinException.class).hasMessageContaining("CA hash mismatch");
        } finally {
            cloud.servedCa = null;
        }
        assertThat(Files.exists(data.resolve("cloud/edge.crt"))).isFalse();
    }

    @Test
    void anUnreachableServerIsATransientFailure() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> enrollment("127.0.0.1:" + port, cloud.pki.token()).credentials())
                .isInstanceOf(JoinException.class).hasMessageContaining("unreachable")
                .satisfies(e -> assertThat(((JoinException) e).permanent()).isFalse());
    }

    @Test
    void anExpiredCertificateLeadsToANewJoin() throws Exception {
        KeyPair keys = Pki.newKeyPair();
        X509Certificate expired = cloud.pki.issue(keys.getPublic(), "system:node:edge-1",
                Instant.now().minusSeconds(7200), Instant.now().minusSeconds(60));
        new CredentialFiles(data.resolve("cloud")).store(keys, expired, cloud.pki.ca());

        Credentials credentials = enrollment(cloud.certAddress(), cloud.pki.token()).credentials();

        assertThat(credentials.certificate()).isNotEqualTo(expired);
        assertThat(credentials.expiredAt(Instant.now())).isFalse();
        assertThat(new CredentialFiles(data.resolve("cloud")).load().orElseThrow().certificate())
                .isEqualTo(credentials.certificate());
    }

    @Test
    void anExpiredCertificateWithoutTokenFailsClearly() throws Exception {
        KeyPair keys = Pki.newKeyPair();
        X509Certificate expired = cloud.pki.issue(keys.getPublic(), "system:node:edge-1",
                Instant.now().minusSeconds(7200), Instant.now().minusSeconds(60));
        new CredentialFiles(data.resolve("cloud")).store(keys, expired, cloud.pki.ca());
        assertThatThrownBy(() -> enrollment(cloud.certAddress(), "").credentials())
                .isInstanceOf(JoinException.class).hasMessageContaining("expired").hasMessageContaining("token");
    }

    @Test
    void rotationUsesTheCurrentCertificateAndNoToken() throws Exception {
        Enrollment enrollment = enrollment(cloud.certAddress(), cloud.pki.token());
        Credentials first = enrollment.credentials();
        Instant renewal = enrollment.renewal();
        long lifetime = first.notAfter().toEpochMilli() - first.notBefore().toEpochMilli();
        assertThat(renewal).isBetween(first.pointInLifetime(0.7).minusMillis(1), first.pointInLifetime(0.9));
        assertThat(lifetime).isPositive();

        Credentials rotated = enrollment.rotate();

        assertThat(rotated.certificate()).isNotEqualTo(first.certificate());
        assertThat(rotated.key()).isNotEqualTo(first.key());
        assertThat(Pki.commonName(rotated.certificate())).isEqualTo("system:node:edge-1");
    }
}
