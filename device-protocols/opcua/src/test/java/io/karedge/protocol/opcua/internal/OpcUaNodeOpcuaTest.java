package io.karedge.protocol.opcua.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.device.Device;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import io.karedge.protocol.opcua.internal.OpcUaMiloTest.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver against node-opcua (see {@link NodeOpcUaServer} and {@code opcua_server.js}): every scalar type,
 * a variable changing at 10 Hz, writes, the Basic256Sha256 SignAndEncrypt endpoint and a server restart in the
 * middle of a subscription.
 */
class OpcUaNodeOpcuaTest {

    private static final String[] SCALARS = {
        "bool|BOOLEAN|ReadOnly|{nodeID: 'ns=2;s=Line1.Bool'}",
        "sbyte|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.SByte'}",
        "int16|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.Int16'}",
        "int32|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.Int32'}",
        "int64|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.Int64'}",
        "byte|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.Byte'}",
        "uint16|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.UInt16'}",
        "uint32|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.UInt32'}",
        "float|FLOAT|ReadOnly|{nodeID: 'ns=2;s=Line1.Float'}",
        "double|DOUBLE|ReadOnly|{nodeID: 'ns=2;s=Line1.Double'}",
        "string|STRING|ReadOnly|{nodeID: 'ns=2;s=Line1.String', browseName: String}",
        "numeric|INT|ReadOnly|{nodeID: 'ns=2;i=1001'}"};
    private static final String[] LINE = {
        "ramp|INT|ReadOnly|{nodeID: 'ns=2;s=Line1.Ramp'}",
        "setpoint|DOUBLE|ReadWrite|{nodeID: 'ns=2;s=Line1.Setpoint'}",
        "counter|INT|ReadWrite|{nodeID: 'ns=2;s=Line1.Counter'}",
        "label|STRING|ReadWrite|{nodeID: 'ns=2;s=Line1.Label'}",
        "flag|BOOLEAN|ReadWrite|{nodeID: 'ns=2;s=Line1.ReadOnlyFlag'}"};

    @TempDir
    static Path serverPki;
    private static NodeOpcUaServer server;

    @TempDir
    Path pki;
    private OpcUaDriver driver;
    private final List<PushingHandler> handlers = new ArrayList<>();

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Started by the first test (not in a @BeforeAll, so that a missing node-opcua skips each test by name). */
    @BeforeEach
    void startServerAndDriver() throws Exception {
        if (server == null) {
            server = NodeOpcUaServer.start(serverPki);
        }
        driver = new OpcUaDriver(pki, false);
    }

    @AfterEach
    void stop() {
        handlers.forEach(PushingHandler::close);
        if (driver != null) {
            driver.deactivate();
        }
    }

    private PushingHandler open(Device device, Recorder recorder) {
        driver.validate(device);
        PushingHandler handler = (PushingHandler) driver.open(device, recorder);
        handlers.add(handler);
        return handler;
    }

    @Test
    void readsEveryScalarTypeInOneRequest() throws Exception {
        Device device = OpcUaDevices.device("scalars", "{url: '" + server.url() + "', timeout: 10000}", SCALARS);

        List<PropertyValue> values = open(device, new Recorder()).read(OpcUaDevices.requests(device, SCALARS));

        assertThat(values).allSatisfy(v -> assertThat(v.ok()).as(v.property() + ": " + v.error()).isTrue());
        assertThat(values).extracting(PropertyValue::value).containsExactly("true", "-8", "-1234", "123456",
                "5000000000", "200", "65000", "4000000000", "21.5", "3.25", "hello opc", "1001");
    }

    @Test
    void followsAVariableChangingTenTimesASecond() throws Exception {
        Device device = OpcUaDevices.device("line-1", "{url: '" + server.url() + "', timeout: 10000}", LINE);
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);

        handler.subscribe(OpcUaDevices.requests(device, LINE));

        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("ramp").size() >= 5);
        int seen = recorder.valuesOf("ramp").size();
        Thread.sleep(2000);
        List<Long> ramp = recorder.valuesOf("ramp").stream().map(Long::valueOf).toList();
        assertThat(ramp.size() - seen).as("values in 2 s of a 10 Hz variable sampled every 100 ms").isBetween(12, 25);
        assertThat(ramp).isSorted();
    }

    @Test
    void writesConvertToTheNodesTypeAndRefusalsNameTheStatusCode() throws Exception {
        Device device = OpcUaDevices.device("line-1", "{url: '" + server.url() + "', timeout: 10000}", LINE);
        PushingHandler handler = open(device, new Recorder());
        List<PropertyRequest> requests = OpcUaDevices.requests(device, LINE);

        List<PropertyValue> results = handler.write(List.of(
                OpcUaDevices.write(requests, "setpoint", "22.5"),
                OpcUaDevices.write(requests, "counter", "17"),
                OpcUaDevices.write(requests, "label", "batch 9"),
                OpcUaDevices.write(requests, "counter", "seventeen"),
                OpcUaDevices.write(requests, "flag", "true")));

        assertThat(results.subList(0, 3)).allSatisfy(r -> assertThat(r.ok()).as(String.valueOf(r.error())).isTrue());
        assertThat(results.get(3).error()).contains("counter", "Int32", "seventeen");
        assertThat(results.get(4).error()).contains("flag", "refused").containsPattern("Bad_(NotWritable|UserAccessDenied)");
        List<PropertyValue> read = handler.read(requests);
        assertThat(read.get(1).value()).isEqualTo("22.5");
        assertThat(read.get(2).value()).isEqualTo("17");
        assertThat(read.get(3).value()).isEqualTo("batch 9");
        assertThat(read.get(4).value()).isEqualTo("false");
    }

    @Test
    void signAndEncryptOnceTheServersCertificateIsTrusted() throws Exception {
        Path password = Files.writeString(pki.resolve("password"), "secret-pass\n");
        Device device = OpcUaDevices.device("secure", "{url: '" + server.url() + "', securityPolicy: Basic256Sha256, "
                + "securityMode: SignAndEncrypt, userName: operator, password: '" + password + "', timeout: 10000}", LINE);
        Recorder recorder = new Recorder();
        PushingHandler handler = open(device, recorder);
        handler.subscribe(OpcUaDevices.requests(device, LINE));

        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.lastState().startsWith("OFFLINE"));
        assertThat(recorder.lastState()).contains("not trusted", "thumbprint", "mv ");
        try (Stream<Path> rejected = Files.list(driver.pki().rejectedDir())) {
            for (Path certificate : rejected.filter(f -> f.toString().endsWith(".der")).toList()) {
                Files.move(certificate, driver.pki().trustedDir().resolve(certificate.getFileName()));
            }
        }

        await().atMost(Duration.ofSeconds(40)).until(() -> recorder.lastState().startsWith("ONLINE"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.valuesOf("ramp").isEmpty());
        List<PropertyRequest> requests = OpcUaDevices.requests(device, LINE);
        assertThat(handler.write(List.of(OpcUaDevices.write(requests, "label", "encrypted"))).get(0).ok()).isTrue();
        assertThat(handler.read(requests).get(3).value()).isEqualTo("encrypted");
    }

    @Test
    void aServerRestartInTheMiddleOfASubscription() throws Exception {
        Path restartPki = Files.createDirectories(pki.resolve("restarting-server"));
        try (NodeOpcUaServer restarting = NodeOpcUaServer.start(restartPki)) {
            Device device = OpcUaDevices.device("line-1", "{url: '" + restarting.url() + "', timeout: 3000}", LINE);
            Recorder recorder = new Recorder();
            PushingHandler handler = open(device, recorder);
            List<PropertyRequest> requests = OpcUaDevices.requests(device, LINE);
            handler.subscribe(requests);
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("ramp").size() >= 10);
            assertThat(handler.write(List.of(OpcUaDevices.write(requests, "setpoint", "33.5"))).get(0).ok()).isTrue();

            restarting.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> recorder.lastState().startsWith("OFFLINE"));
            int before = recorder.valuesOf("ramp").size();
            restarting.launch();

            await().atMost(Duration.ofSeconds(60)).until(() -> recorder.lastState().startsWith("ONLINE"));
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.valuesOf("ramp").size() >= before + 10);
            List<Long> after = recorder.valuesOf("ramp").subList(before, recorder.valuesOf("ramp").size()).stream()
                    .map(Long::valueOf).toList();
            assertThat(after.get(0)).as("the restarted server counts from 0 again").isLessThan(100);
            await().atMost(Duration.ofSeconds(10)).until(() -> "33.5".equals(handler.read(requests).get(1).value()));
        }
    }

    @Test
    void discoveryProposesAPropertyForEveryVariable() throws Exception {
        driver.discoveryUrls(List.of(server.url()));

        List<DiscoveredDevice> found = driver.discover(Duration.ofSeconds(30));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).properties()).hasSize(17).contains(
                "line1-ramp: nodeID ns=2;s=Line1.Ramp, browseName Ramp, INT, ReadOnly",
                "line1-setpoint: nodeID ns=2;s=Line1.Setpoint, browseName Setpoint, DOUBLE, ReadWrite",
                "line1-float: nodeID ns=2;s=Line1.Float, browseName Float, FLOAT, ReadOnly",
                "line1-read-only-flag: nodeID ns=2;s=Line1.ReadOnlyFlag, browseName ReadOnlyFlag, BOOLEAN, ReadOnly",
                "line1-numeric: nodeID ns=2;i=1001, browseName Numeric, INT, ReadOnly");
    }
}
