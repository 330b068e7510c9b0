package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's TLS listener: a client certificate of the configured CA is the client's identity
 * (its CN the user name the ACL knows), a client without one does not get in, and the plain listener still
 * refuses anonymous clients. Certificates are made with the openssl command (skipped without it).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsListenerTest {

    @TempDir
    Path dir;

    private final TestBroker broker = new TestBroker();
    private final FakeTwinEngine engine = broker.engine;
    private final BusMetrics metrics = broker.metrics;
    private EmbeddedBus bus;
    private String tlsUrl;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(MosquittoInteropTest.installed("openssl"), "openssl not installed");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                "-out", "ca.crt", "-subj", "/CN=karedge-test-ca", "-days", "2");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        certificate("server", "127.0.0.1", "san.ext");
        certificate("device", "device-7", null);
        Path acl = Files.write(dir.resolve("acl"), List.of("user device-7", "topic readwrite devices/device-7/#"));
        bus = broker.start(BrokerSettings.loopback(0), new BrokerAccess(false, dir.resolve("users"), acl,
                new BrokerAccess.TlsListener(0, file("server.crt"), file("server.key"), file("ca.crt"))),
                SessionSettings.inMemory());
        tlsUrl = "ssl://127.0.0.1:" + bus.broker().tlsAddress().getPort();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aClientCertificateIsTheClientsIdentityForTheAcl() throws Exception {
        try (PahoClient device = new PahoClient(tlsUrl, "any-id", tls("device.crt", "device.key"))) {
            device.subscribe("devices/device-7/#", 1);
            device.publish("devices/device-7/state", bytes("on"), 1).waitForCompletion(10_000);
            assertThat(device.next().text()).isEqualTo("on");
            device.publish("devices/device-8/state", bytes("not mine"), 1).waitForCompletion(10_000);
            assertThat(device.poll(300)).isNull();
        }
        assertThat(metrics.refusedPublishes()).isEqualTo(1);
    }

    @Test
    void withoutAClientCertificateThereIsNoConnection() throws Exception {
        assertThatThrownBy(() -> new PahoClient(tlsUrl, "no-cert", tls(null, null)).close())
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> new PahoClient(bus.address(), "plain-anonymous").close())
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
    }

    private MqttConnectOptions tls(String cert, String key) throws Exception {
        MqttConnectOptions options = PahoClient.options();
        options.setSocketFactory(PemTls.socketFactory(file("ca.crt"), cert == null ? "" : file(cert),
                key == null ? "" : file(key)));
        return options;
    }

    private void certificate(String name, String commonName, String extensions) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + commonName);
        if (extensions == null) {
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "2");
        } else {
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "2", "-extfile", extensions);
        }
    }

    private void openssl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
