package io.karedge.protocol.opcua.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.Device;
import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import io.karedge.device.driver.StateDetail;
import io.karedge.test.support.InMemoryMetaStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver against an OPC UA server on Milo's server SDK, in the test's JVM. */
class OpcUaMiloTest {

    private static final String[] PROPERTIES = {
        "temperature|DOUBLE|ReadOnly|{nodeID: 'ns=2;s=Temperature'}",
        "setpoint|DOUBLE|ReadWrite|{nodeID: 'ns=2;s=Setpoint'}",
        "counter|INT|ReadWrite|{nodeID: 'ns=2;s=Counter'}",
        "running|BOOLEAN|ReadWrite|{nodeID: 'ns=2;s=Running'}",
        "label|STRING|ReadWrite|{nodeID: 'ns=2;s=Label'}",
        "locked|DOUBLE|ReadWrite|{nodeID: 'ns=2;s=Locked'}"};

    private static MiloTestServer server;

    @TempDir
    Path pki;
    private OpcUaDriver driver;
    private final List<PushingHandler> handlers = new ArrayList<>();

    /** Records reports with the state messages. */
    static final class Recorder implements DeviceCallback {
        final List<PropertyValue> values = new CopyOnWriteArrayList<>();
        final List<String> states = new CopyOnWriteArrayList<>();
        final List<StateDetail> details = new CopyOnWriteArrayList<>();
        final List<Received> received = new CopyOnWriteArrayList<>();

        /** A value and when it reached this recorder ({@link System#nanoTime()}). */
        record Received(PropertyValue value, long nanos) {
        }

        @Override
        public void reportValues(List<PropertyValue> reported) {
            long now = System.nanoTime();
            reported.forEach(v -> received.add(new Received(v, now)));
            values.addAll(reported);
        }

        @Override
        public void reportState(DeviceState state, String message) {
            states.add(state + " " + message);
        }

        @Override
        public void reportState(DeviceState state, StateDetail detail, String message) {
            details.add(detail);
            reportState(state, message);
        }

        List<String> valuesOf(String property) {
            return values.stream().filter(v -> v.property().equals(property) && v.ok()).map(PropertyValue::value).toList();
        }

        List<String> errorsOf(String property) {
            return values.stream().filter(v -> v.property().equals(property) && !v.ok()).map(PropertyValue::error).toList();
        }

        /** @return when each report of {@code value} for {@code property} arrived, in milliseconds of nanoTime */
        List<Long> arrivals(String property, String value) {
            return received.stream().filter(r -> r.value().property().equals(property) && r.value().ok()
                    && r.value().value().equals(value)).map(r -> TimeUnit.NANOSECONDS.toMillis(r.nanos())).toList();
        }

        String lastState() {
            return states.isEmpty() ? "" : states.get(states.size() - 1);
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = MiloTestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void createDriver() {
        driver = new OpcUaDriver(pki, false);
    }

    @AfterEach
    void stop() throws Exception {
        handlers.forEach(PushingHandler::close);
        driver.deactivate();
        server.set("Temperature", Variant.ofDouble(21.5));
    }

    private Device device(String name, String config) {
        return OpcUaDevices.device(name, config, PROPERTIES);
    }

    private PushingHandler open(Device device, Recorder recorder) {
        driver.validate(device);
        PushingHandler handler = (PushingHandler) driver.open(device, recorder);
        handlers.add(handler);
        return handler;
    }

    private List<PropertyRequest> requests(Device device) {
        return OpcUaDevices.requests(device, PROPERTIES);
    }

    @Test
    void pushesChangesAndReportsUnchangedValuesAgainAtTheReportCycle() throws Exception {
        Device device = device("line-1", "{url: '" + server.url() + "'}");
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);

        List<PropertyRequest> accepted = handler.subscribe(requests(device));

        assertThat(accepted).hasSize(PROPERTIES.length);
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.valuesOf("temperature").contains("21.5"));
        assertThat(recorder.states.get(0)).startsWith("ONLINE");
        server.set("Temperature", Variant.ofDouble(22.25));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("temperature").contains("22.25"));
        int before = recorder.valuesOf("label").size();
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.valuesOf("label").size() >= before + 2);
        assertThat(recorder.valuesOf("label")).containsOnly("start");
        assertThat(recorder.valuesOf("running")).contains("false");
    }

    @Test
    void readsABatchInOneRequestWithTheModelsTypes() throws Exception {
        Device device = device("line-1", "{url: '" + server.url() + "', timeout: 3000}");
        PushingHandler handler = open(device, new Recorder());

        List<PropertyValue> values = handler.read(requests(device));

        assertThat(values).extracting(PropertyValue::property)
                .containsExactly("temperature", "setpoint", "counter", "running", "label", "locked");
        assertThat(values).extracting(PropertyValue::value).containsExactly("21.5", "20", "0", "false", "start", "1");
        assertThat(values).extracting(PropertyValue::type)
                .containsExactly("double", "double", "int", "boolean", "string", "double");
    }

    @Test
    void writesConvertToTheNodesDataTypeAndRefusalsNameTheStatusCode() throws Exception {
        Device device = device("line-1", "{url: '" + server.url() + "'}");
        PushingHandler handler = open(device, new Recorder());
        List<PropertyRequest> requests = requests(device);

        List<PropertyValue> results = handler.write(List.of(
                OpcUaDevices.write(requests, "counter", "42"),
                OpcUaDevices.write(requests, "setpoint", "22.5"),
                OpcUaDevices.write(requests, "running", "true"),
                OpcUaDevices.write(requests, "label", "batch 7"),
                OpcUaDevices.write(requests, "counter", "forty-two"),
                OpcUaDevices.write(requests, "locked", "2")));

        assertThat(results.subList(0, 4)).allSatisfy(r -> assertThat(r.ok()).as(String.valueOf(r.error())).isTrue());
        assertThat(results.subList(0, 4)).extracting(PropertyValue::value).containsExactly("42", "22.5", "true", "batch 7");
        assertThat(server.get("Counter")).isEqualTo(42);
        assertThat(server.get("Setpoint")).isEqualTo(22.5);
        assertThat(server.get("Running")).isEqualTo(true);
        assertThat(server.get("Label")).isEqualTo("batch 7");
        assertThat(results.get(4).error()).contains("counter", "Int32", "forty-two");
        assertThat(results.get(5).error()).contains("locked", "refused", "Bad_UserAccessDenied");
        assertThat(server.get("Locked")).isEqualTo(1.0);
    }

    @Test
    void anUnknownNodeFailsThatPropertyAndNotTheDevice() throws Exception {
        Device device = OpcUaDevices.device("line-1", "{url: '" + server.url() + "'}",
                "temperature|DOUBLE|ReadOnly|{nodeID: 'ns=2;s=Temperature'}",
                "ghost|DOUBLE|ReadOnly|{nodeID: 'ns=2;s=NoSuchNode'}");
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);

        handler.subscribe(OpcUaDevices.requests(device, "temperature|DOUBLE|ReadOnly|{}", "ghost|DOUBLE|ReadOnly|{}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.errorsOf("ghost").isEmpty());
        assertThat(recorder.errorsOf("ghost").get(0)).contains("ns=2;s=NoSuchNode", "Bad_NodeIdUnknown");
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("temperature").contains("21.5"));
        assertThat(recorder.states).noneMatch(s -> s.startsWith("OFFLINE"));
        List<PropertyValue> read = handler.read(OpcUaDevices.requests(device, "temperature|DOUBLE|ReadOnly|{}",
                "ghost|DOUBLE|ReadOnly|{}"));
        assertThat(read.get(0).value()).isEqualTo("21.5");
        assertThat(read.get(1).error()).contains("Bad_NodeIdUnknown");
    }

    @Test
    void devicesOfOneServerShareOneSession() throws Exception {
        Device first = device("line-1", "{url: '" + server.url() + "'}");
        Device second = device("line-2", "{url: '" + server.url() + "'}");
        Recorder one = new Recorder();
        Recorder two = new Recorder();
        PushingHandler a = open(first, one);
        PushingHandler b = open(second, two);
        a.subscribe(requests(first));
        b.subscribe(requests(second));

        await().atMost(Duration.ofSeconds(10)).until(() -> !one.valuesOf("temperature").isEmpty()
                && !two.valuesOf("temperature").isEmpty());
        assertThat(driver.sessions()).isEqualTo(1);
        a.close();
        server.set("Temperature", Variant.ofDouble(23.0));
        await().atMost(Duration.ofSeconds(20)).until(() -> two.valuesOf("temperature").contains("23"));
        assertThat(driver.sessions()).isEqualTo(1);
        b.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> driver.sessions() == 0);
    }

    @Test
    void aServerRestartTakesTheDeviceOfflineAndBackWithItsSubscriptionAndDesiredValues() throws Exception {
        Device device = device("line-1", "{url: '" + server.url() + "', timeout: 2000}");
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);
        List<PropertyRequest> requests = requests(device);
        handler.subscribe(requests);
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lastState().startsWith("ONLINE"));
        assertThat(handler.write(List.of(OpcUaDevices.write(requests, "setpoint", "30.5"))).get(0).ok()).isTrue();

        server.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.lastState().startsWith("OFFLINE"));
        server.set("Temperature", Variant.ofDouble(19.75));
        server.restart();
        assertThat(server.get("Setpoint")).isEqualTo(20.0);

        await().atMost(Duration.ofSeconds(40)).until(() -> recorder.lastState().startsWith("ONLINE"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Double.valueOf(30.5).equals(server.get("Setpoint")));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.valuesOf("temperature").contains("19.75"));
        server.set("Temperature", Variant.ofDouble(18.5));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("temperature").contains("18.5"));

        server.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.lastState().startsWith("OFFLINE"));
        assertThatThrownBy(() -> handler.write(List.of(OpcUaDevices.write(requests, "label", "while down"))))
                .isInstanceOf(DriverException.class).hasMessageContaining("written when the session is up");
        server.restart();
        await().atMost(Duration.ofSeconds(40)).until(() -> "while down".equals(server.get("Label")));
        assertThat(server.get("Setpoint")).isEqualTo(30.5);
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("label").contains("while down"));
    }

    @Test
    void aServerThatNeverAnswersDoesNotHoldUpOtherDevices() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Device stuck = device("stuck", "{url: 'opc.tcp://127.0.0.1:" + silent.getLocalPort() + "', timeout: 3000}");
            Device healthy = device("healthy", "{url: '" + server.url() + "'}");
            Recorder stuckRecorder = new Recorder();
            Recorder healthyRecorder = new Recorder();
            PushingHandler s = open(stuck, stuckRecorder);
            s.subscribe(requests(stuck));
            PushingHandler h = open(healthy, healthyRecorder);
            long start = System.nanoTime();
            h.subscribe(requests(healthy));

            await().atMost(Duration.ofSeconds(20)).until(() -> !healthyRecorder.valuesOf("temperature").isEmpty());
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
            await().atMost(Duration.ofSeconds(15)).until(() -> stuckRecorder.lastState().startsWith("OFFLINE"));
            assertThat(stuckRecorder.lastState()).contains("cannot connect", "Bad_Timeout");
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void signAndEncryptNeedsTheServersCertificateTrustedAndSaysHow() throws Exception {
        Device device = device("secure-1", "{url: '" + server.url() + "', securityPolicy: Basic256Sha256, "
                + "securityMode: SignAndEncrypt}");
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);
        handler.subscribe(requests(device));

        String thumbprint = NodePki.thumbprint(server.certificate());
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lastState().startsWith("OFFLINE"));
        assertThat(recorder.lastState()).contains("not trusted", thumbprint, "mv ",
                driver.pki().trustedDir().toString());
        assertThat(driver.pki().rejectedDir().resolve(thumbprint + ".der")).exists();
        assertThat(pki.resolve("own").resolve("karedge-opcua.p12")).exists();

        Files.move(driver.pki().rejectedDir().resolve(thumbprint + ".der"),
                driver.pki().trustedDir().resolve(thumbprint + ".der"));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.lastState().startsWith("ONLINE"));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("temperature").contains("21.5"));
    }

    @Test
    void aes256SignAndEncryptWithAUserWhosePasswordIsInAFile() throws Exception {
        Files.createDirectories(driver.pki().trustedDir());
        Files.write(driver.pki().trustedDir().resolve("server.der"), server.certificate().getEncoded());
        Path password = Files.writeString(pki.resolve("opcua-password"), MiloTestServer.PASSWORD + "\n");
        Device device = device("secure-2", "{url: '" + server.url() + "', securityPolicy: Aes256_Sha256_RsaPss, "
                + "securityMode: SignAndEncrypt, userName: operator, password: '" + password + "'}");
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);

        List<PropertyValue> values = handler.read(requests(device));

        assertThat(values.get(0).value()).isEqualTo("21.5");
        assertThat(handler.write(List.of(OpcUaDevices.write(requests(device), "counter", "7"))).get(0).ok()).isTrue();
        assertThat(server.get("Counter")).isEqualTo(7);

        Path wrong = Files.writeString(pki.resolve("wrong-password"), "nope");
        Device refused = device("secure-3", "{url: '" + server.url() + "', securityPolicy: Basic256Sha256, "
                + "securityMode: Sign, userName: operator, password: '" + wrong + "'}");
        Recorder refusedRecorder = new Recorder();
        open(refused, refusedRecorder).subscribe(requests(refused));
        await().atMost(Duration.ofSeconds(10)).until(() -> refusedRecorder.lastState().startsWith("OFFLINE"));
        assertThat(refusedRecorder.lastState()).contains("Bad_UserAccessDenied");
        assertThat(refusedRecorder.details).last().isEqualTo(StateDetail.AUTHENTICATION_ERROR);
    }

    @Test
    void discoveryBrowsesTheServerAndProposesProperties() throws Exception {
        driver.discoveryUrls(List.of(server.url()));

        List<DiscoveredDevice> found = driver.discover(Duration.ofSeconds(20));

        assertThat(found).hasSize(1);
        DiscoveredDevice device = found.get(0);
        assertThat(device.name()).isEqualTo("milo-test-server");
        assertThat(device.protocolConfig().path("url").asText()).isEqualTo(server.url());
        assertThat(device.description()).contains("Milo test server", "6 variable(s)");
        assertThat(device.properties()).contains(
                "temperature: nodeID ns=2;s=Temperature, browseName Temperature, DOUBLE, ReadOnly",
                "setpoint: nodeID ns=2;s=Setpoint, browseName Setpoint, DOUBLE, ReadWrite",
                "counter: nodeID ns=2;s=Counter, browseName Counter, INT, ReadWrite",
                "running: nodeID ns=2;s=Running, browseName Running, BOOLEAN, ReadWrite",
                "label: nodeID ns=2;s=Label, browseName Label, STRING, ReadWrite");
        driver.discoveryUrls(List.of("opc.tcp://127.0.0.1:1"));
        assertThat(driver.discover(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void aPasswordFromASecretInTheNodesStore() throws Exception {
        InMemoryMetaStore store = new InMemoryMetaStore();
        ObjectNode secret = KaredgeJson.mapper().createObjectNode();
        secret.put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", "line-opcua").put("namespace", "plant");
        secret.putObject("data").put("password", Base64.getEncoder().encodeToString(
                MiloTestServer.PASSWORD.getBytes(StandardCharsets.UTF_8)));
        store.put(secret, "local");
        driver.store = store;
        Files.createDirectories(driver.pki().trustedDir());
        Files.write(driver.pki().trustedDir().resolve("server.der"), server.certificate().getEncoded());
        Device device = device("secure-4", "{url: '" + server.url() + "', securityPolicy: Basic256Sha256, "
                + "userName: operator, passwordSecretRef: {name: line-opcua, key: password}}");
        Device missing = device("secure-5", "{url: '" + server.url() + "', securityPolicy: Basic256Sha256, "
                + "userName: operator, passwordSecretRef: {name: line-opcua, key: nope}}");

        assertThat(open(device, new Recorder()).read(requests(device)).get(0).value()).isEqualTo("21.5");
        Recorder recorder = new Recorder();
        open(missing, recorder).subscribe(requests(missing));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lastState().startsWith("OFFLINE"));
        assertThat(recorder.lastState()).contains("Secret plant/line-opcua key nope", "no such key")
                .doesNotContain(MiloTestServer.PASSWORD);
    }

    @Test
    void everySecurityPolicyAndModeTheServerOffers() throws Exception {
        Files.createDirectories(driver.pki().trustedDir());
        Files.write(driver.pki().trustedDir().resolve("server.der"), server.certificate().getEncoded());
        String[][] combinations = {{"None", "None"}, {"Basic256Sha256", "Sign"}, {"Basic256Sha256", "SignAndEncrypt"},
            {"Aes128_Sha256_RsaOaep", "SignAndEncrypt"}, {"Aes256_Sha256_RsaPss", "SignAndEncrypt"}};
        for (String[] combination : combinations) {
            Device device = device("policy-" + combination[0].toLowerCase().replace('_', '-'), "{url: '" + server.url()
                    + "', securityPolicy: " + combination[0] + ", securityMode: " + combination[1] + "}");
            PushingHandler handler = open(device, new Recorder());
            List<PropertyValue> values = handler.read(requests(device));
            assertThat(values.get(0).value()).as(String.join("/", combination)).isEqualTo("21.5");
            assertThat(handler.write(List.of(OpcUaDevices.write(requests(device), "label", combination[0])))
                    .get(0).ok()).isTrue();
            assertThat(server.get("Label")).isEqualTo(combination[0]);
        }
        assertThat(driver.sessions()).isEqualTo(combinations.length);
    }

    @Test
    void devicesJoiningWhileTheSessionOpensGetEachChangeOnce() throws Exception {
        // A report cycle longer than the test: every report seen here is the delivery of a value, none is the
        // report of an unchanged value again.
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Device device = OpcUaDevices.device("joiner-" + i, "{url: '" + server.url() + "'}", 100, 120_000,
                    PROPERTIES);
            Recorder recorder = new Recorder();
            open(device, recorder).subscribe(requests(device));
            recorders.add(recorder);
        }
        List<String> expected = new ArrayList<>(List.of("21.5"));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorders.stream()
                .allMatch(r -> r.valuesOf("temperature").contains("21.5")));

        for (double value : new double[] {24.75, 23, 22.5}) {
            Thread.sleep(500);
            server.set("Temperature", Variant.ofDouble(value));
            String twin = Variants.toTwin(Variant.ofDouble(value), "double");
            expected.add(twin);
            await().atMost(Duration.ofSeconds(20)).until(() -> recorders.stream()
                    .allMatch(r -> r.valuesOf("temperature").contains(twin)));
        }
        Thread.sleep(2_500);

        for (Recorder recorder : recorders) {
            assertThat(recorder.valuesOf("temperature")).as("each change delivered once").isEqualTo(expected);
        }
        assertThat(driver.sessions()).isEqualTo(1);
    }

    @Test
    void anUnchangedValueIsReportedAgainOneReportCycleAfterItsLastReport() throws Exception {
        long cycle = 2000;
        String temperature = PROPERTIES[0];
        Device device = OpcUaDevices.device("line-1", "{url: '" + server.url() + "'}", 100, cycle, temperature);
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);
        long subscribed = System.nanoTime();
        handler.subscribe(OpcUaDevices.requests(device, temperature));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.valuesOf("temperature").contains("21.5"));

        // The change comes half-way between two whole cycles after subscribing, not in step with them.
        long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - subscribed);
        Thread.sleep((since / cycle + 1) * cycle + cycle / 2 - since);
        server.set("Temperature", Variant.ofDouble(24.75));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.arrivals("temperature", "24.75").size() >= 3);

        List<Long> arrivals = recorder.arrivals("temperature", "24.75");
        assertThat(arrivals.get(1) - arrivals.get(0)).as("from the change to its first report again (ms)")
                .isBetween(cycle, cycle + 600);
        assertThat(arrivals.get(2) - arrivals.get(1)).as("between two reports of the unchanged value (ms)")
                .isBetween(cycle, cycle + 600);
    }

    @Test
    void aNetworkLossTakesTheDeviceOfflineAndTheSubscriptionGoesOnAfterIt() throws Exception {
        try (LoopbackProxy network = new LoopbackProxy(server.port())) {
            Device device = device("line-1", "{url: 'opc.tcp://127.0.0.1:" + network.port() + "/milo', timeout: 2000}");
            Recorder recorder = new Recorder();
            PushingHandler handler = open(device, recorder);
            handler.subscribe(requests(device));
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.valuesOf("temperature").contains("21.5"));

            network.cut();
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.lastState().startsWith("OFFLINE"));
            assertThatThrownBy(() -> handler.read(requests(device))).isInstanceOf(DriverException.class)
                    .hasMessageContaining("not connected");
            server.set("Temperature", Variant.ofDouble(17.25));
            network.restore();

            await().atMost(Duration.ofSeconds(40)).until(() -> recorder.lastState().startsWith("ONLINE"));
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.valuesOf("temperature").contains("17.25"));
            server.set("Temperature", Variant.ofDouble(16.5));
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("temperature").contains("16.5"));
            assertThat(handler.read(requests(device)).get(0).value()).isEqualTo("16.5");
        }
    }
}
