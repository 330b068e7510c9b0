package io.karedge.eventbus.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same conformance scenarios against Debian's mosquitto 2.0 as the reference, with the same ACL file;
 * skipped when mosquitto is not installed.
 */
class MosquittoConformanceTest extends ConformanceScenarios {

    @TempDir
    Path dir;

    private Process broker;
    private int port;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(MosquittoInteropTest.installed("mosquitto"), "mosquitto not installed");
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + "acl_file " + writeAcl(dir) + "\n");
        // run as root, mosquitto drops to its own user, which must still read the ACL file
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("conformance.acl"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        broker = new ProcessBuilder("mosquitto", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    int port() {
        return port;
    }

    /**
     * mosquitto 2.0 grants a subscription its ACL does not allow (SUBACK with the requested QoS) and checks
     * read access per message instead: nothing published there is delivered.
     */
    @Override
    @org.junit.jupiter.api.Test
    void test_subscribe_failure() throws Exception {
        try (PahoClient client = new PahoClient(url(), "subfail")) {
            org.eclipse.paho.client.mqttv3.IMqttToken token = client.client.subscribe("test/nosubscribe", 2);
            token.waitForCompletion(10_000);
            org.assertj.core.api.Assertions.assertThat(token.getGrantedQos()).containsExactly(2);
            client.publish("test/nosubscribe", bytes("x"), 1).waitForCompletion(10_000);
            org.assertj.core.api.Assertions.assertThat(client.poll(700)).isNull();
        }
    }

    /**
     * mosquitto 2.0 delivers a message that two subscriptions of one client match once, at the QoS of one of
     * them (here 1), not at the highest of both as MQTT 3.1.1 section 3.3.5 asks.
     */
    @Override
    @org.junit.jupiter.api.Test
    void test_overlapping_subscriptions() throws Exception {
        try (PahoClient client = new PahoClient(url(), "overlap")) {
            client.subscribe("overlap/#", 2);
            client.subscribe("overlap/+", 1);
            client.publish("overlap/C", bytes("overlapping"), 2).waitForCompletion(10_000);
            org.assertj.core.api.Assertions.assertThat(client.next().message().getQos()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThat(client.poll(1500)).isNull();
        }
    }
}
