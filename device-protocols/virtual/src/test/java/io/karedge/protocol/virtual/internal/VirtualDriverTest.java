package io.karedge.protocol.virtual.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolDriverContract;
import io.karedge.device.driver.TestDevices;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The SPI contract and the generators of the virtual driver. */
class VirtualDriverTest extends ProtocolDriverContract {

    private final AtomicLong now = new AtomicLong(0);
    private final VirtualDriver driver = new VirtualDriver(now::get);

    private static final DeviceModel MODEL = TestDevices.model("""
            metadata: {name: m, namespace: default}
            spec:
              protocol: virtual
              properties:
                - {name: temperature, type: FLOAT, accessMode: ReadOnly}
                - {name: setpoint, type: FLOAT, accessMode: ReadWrite}
                - {name: count, type: INT, accessMode: ReadOnly}
                - {name: status, type: STRING, accessMode: ReadOnly}
            """);

    /** The configData of the demo manifests and of bench/run.sh. */
    private static final Device DEMO = device("""
            - {name: temperature, visitors: {protocolName: virtual, configData: {generator: sine, min: 18, max: 24, periodSeconds: 60}}}
            - {name: setpoint, visitors: {protocolName: virtual, configData: {generator: constant, value: "21.5"}}}
            - {name: count, visitors: {protocolName: virtual, configData: {generator: counter}}}
            - {name: status, visitors: {protocolName: virtual, configData: {generator: constant, value: "ok"}}}
            """);

    private static Device device(String properties) {
        return device("", properties);
    }

    private static Device device(String protocolConfig, String properties) {
        return TestDevices.device("""
                metadata: {name: v, namespace: default}
                spec:
                  protocol: {protocolName: virtual%s}
                  properties:
                %s
                """.formatted(protocolConfig, properties.indent(4)));
    }

    @Override
    protected ProtocolDriver driver() {
        return driver;
    }

    @Override
    protected Device validDevice() {
        return DEMO;
    }

    @Override
    protected Device invalidDevice() {
        return device("- {name: p, visitors: {configData: {generator: square}}}");
    }

    /** The simulated device that does not answer: the virtual driver has no endpoint of its own. */
    @Override
    protected Device unreachableDevice() {
        return device(", configData: {fail: offline}", "- {name: status}");
    }

    @Override
    protected DeviceModel model() {
        return MODEL;
    }

    private List<String> read(DeviceHandler handler, Device device) throws DriverException {
        return handler.read(PropertyRequest.of(device, MODEL)).stream().map(PropertyValue::value).toList();
    }

    @Test
    void theDemoGeneratorsProduceTheirValues() throws Exception {
        DeviceHandler handler = driver.open(DEMO, new RecordingCallback());
        now.set(0);
        assertThat(read(handler, DEMO)).containsExactly("21", "21.5", "0", "ok");
        now.set(15_000);
        assertThat(read(handler, DEMO)).containsExactly("24", "21.5", "1", "ok");
        now.set(45_000);
        assertThat(read(handler, DEMO)).containsExactly("18", "21.5", "2", "ok");
    }

    @Test
    void counterHonoursValueStepAndWrapsAtMax() throws Exception {
        Device counter = device("- {name: count, visitors: {configData: {generator: counter, value: 5, step: 2, max: 9, min: 1}}}");
        DeviceHandler handler = driver.open(counter, new RecordingCallback());
        List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            values.addAll(read(handler, counter));
        }
        assertThat(values).containsExactly("5", "7", "9", "1", "3");
    }

    @Test
    void randomStaysWithinMinAndMaxAndNoiseWithinItsAmplitude() throws Exception {
        Device random = device("""
                - {name: temperature, visitors: {configData: {generator: random, min: 10, max: 12}}}
                - {name: status, visitors: {configData: {generator: sine, min: 50, max: 50, noise: 0.5}}}
                """);
        DeviceHandler handler = driver.open(random, new RecordingCallback());
        for (int i = 0; i < 200; i++) {
            List<String> values = read(handler, random);
            assertThat(Double.parseDouble(values.get(0))).isBetween(10.0, 12.0);
            assertThat(Double.parseDouble(values.get(1))).isBetween(49.5, 50.5);
        }
    }

    @Test
    void setpointHoldsTheLastWrittenValueWithinItsRange() throws Exception {
        Device device = device("- {name: setpoint, visitors: {configData: {generator: setpoint, value: 20, min: 5, max: 30}}}");
        DeviceHandler handler = driver.open(device, new RecordingCallback());
        PropertyRequest setpoint = PropertyRequest.of(device, MODEL).get(0);
        assertThat(read(handler, device)).containsExactly("20");
        assertThat(handler.write(List.of(new PropertyWrite(setpoint, "22.5"))).get(0).value()).isEqualTo("22.5");
        assertThat(read(handler, device)).containsExactly("22.5");
        PropertyValue refused = handler.write(List.of(new PropertyWrite(setpoint, "31"))).get(0);
        assertThat(refused.error()).contains("5..30");
        assertThat(read(handler, device)).containsExactly("22.5");
    }

    @Test
    void onlyConstantAndSetpointCanBeWritten() throws Exception {
        DeviceHandler handler = driver.open(DEMO, new RecordingCallback());
        List<PropertyRequest> requests = PropertyRequest.of(DEMO, MODEL);
        List<PropertyValue> results = handler.write(List.of(new PropertyWrite(requests.get(0), "1"),
                new PropertyWrite(requests.get(1), "19")));
        assertThat(results.get(0).error()).contains("cannot be written");
        assertThat(results.get(1).value()).isEqualTo("19");
        assertThat(read(handler, DEMO).get(1)).isEqualTo("19");
    }

    @Test
    void failureRateOneFailsEveryReadOfThatPropertyOnly() throws Exception {
        Device device = device("""
                - {name: temperature, visitors: {configData: {generator: constant, value: 1, failure.rate: 1}}}
                - {name: status, visitors: {configData: {generator: constant, value: ok, failure.rate: 0}}}
                """);
        List<PropertyValue> values = driver.open(device, new RecordingCallback()).read(PropertyRequest.of(device, MODEL));
        assertThat(values.get(0).ok()).isFalse();
        assertThat(values.get(0).error()).contains("simulated read error");
        assertThat(values.get(1).value()).isEqualTo("ok");
    }

    @Test
    void latencyDelaysTheRead() throws Exception {
        Device device = device("- {name: status, visitors: {configData: {value: ok, latency.ms: 150}}}");
        long start = System.nanoTime();
        driver.open(device, new RecordingCallback()).read(PropertyRequest.of(device, MODEL));
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(140);
    }

    @Test
    void deviceFailureModes() {
        Device crashing = device(", configData: {fail: throw}", "- {name: status}");
        Device offline = device(", configData: {fail: offline}", "- {name: status}");
        assertThatThrownBy(() -> driver.open(crashing, new RecordingCallback()).read(PropertyRequest.of(crashing, MODEL)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> driver.open(offline, new RecordingCallback()).read(PropertyRequest.of(offline, MODEL)))
                .isInstanceOf(DriverException.class).hasMessageContaining("offline");
        Device hanging = device(", configData: {fail: hang}", "- {name: status}");
        DeviceHandler handler = driver.open(hanging, new RecordingCallback());
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handler.close();
        });
        closer.start();
        assertThatThrownBy(() -> handler.read(PropertyRequest.of(hanging, MODEL)))
                .isInstanceOf(DriverException.class).hasMessageContaining("hang");
    }

    @Test
    void validateNamesWhatIsWrong() {
        assertThatThrownBy(() -> driver.validate(device("- {name: p, visitors: {configData: {generator: square}}}")))
                .hasMessageContaining("generator must be one of constant, counter, random, sine, setpoint, not 'square'");
        assertThatThrownBy(() -> driver.validate(device("- {name: p, visitors: {configData: {generator: random, min: 5, max: 1}}}")))
                .hasMessageContaining("min 5 is greater than max 1");
        assertThatThrownBy(() -> driver.validate(device("- {name: p, visitors: {configData: {failure.rate: 1.5}}}")))
                .hasMessageContaining("failure.rate must be a number between 0 and 1, not '1.5'");
        assertThatThrownBy(() -> driver.validate(device("- {name: p, visitors: {configData: {min: abc}}}")))
                .hasMessageContaining("min must be a number, not 'abc'");
        assertThatThrownBy(() -> driver.validate(device("- {name: p, visitors: {configData: {period: 2, periodSeconds: 3}}}")))
                .hasMessageContaining("set period or periodSeconds, not both");
        assertThatThrownBy(() -> driver.validate(device("- {name: p, visitors: {configData: {generator: sine, period: 0}}}")))
                .hasMessageContaining("period must be greater than 0 seconds");
        assertThatThrownBy(() -> driver.validate(device(", configData: {fail: sometimes}", "- {name: p}")))
                .hasMessageContaining("fail must be one of none, throw, hang, offline, not 'sometimes'");
    }

    @Test
    void aMisspelledKeyIsAWarningNamingTheKeyAndTheDevice() {
        Device device = device("- {name: p, visitors: {configData: {genrator: sine}}}");
        driver.validate(device);
        assertThat(ConfigBinding.check(device, DeviceFailure.Protocol.class, PropertySettings.class)).singleElement()
                .asString().startsWith("device " + device.id() + " property p visitors.configData: unknown key "
                        + "'genrator' is ignored (known: generator, value, min, max, step, period, periodSeconds,");
    }
}
