package io.karedge.device.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SPI contract, run against the stub driver, plus the stub's own scripting. */
class StubProtocolDriverTest extends ProtocolDriverContract {

    static final DeviceModel MODEL = TestDevices.model("""
            metadata: {name: m, namespace: default}
            spec:
              protocol: stub
              properties:
                - {name: temperature, type: FLOAT, accessMode: ReadOnly}
                - {name: setpoint, type: INT, accessMode: ReadWrite}
            """);

    static final Device DEVICE = TestDevices.device("""
            metadata: {name: d, namespace: default}
            spec:
              deviceModelRef: {name: m}
              protocol: {protocolName: stub}
              properties:
                - {name: temperature, visitors: {protocolName: stub, configData: {value: "21.5"}}}
                - {name: setpoint, visitors: {protocolName: stub, configData: {value: "20"}}}
            """);

    private final StubProtocolDriver rejecting = new StubProtocolDriver();
    private final StubProtocolDriver driver = new StubProtocolDriver();

    @Override
    protected ProtocolDriver driver() {
        return driver;
    }

    @Override
    protected Device validDevice() {
        return DEVICE;
    }

    @Override
    protected Device invalidDevice() {
        driver.rejectValidation("configData.value is required");
        return DEVICE;
    }

    @Override
    protected Device unreachableDevice() {
        driver.failReads("connection refused by 127.0.0.1:9");
        return DEVICE;
    }

    @Override
    protected DeviceModel model() {
        return MODEL;
    }

    @Test
    void readsValuesTypedByTheModel() throws Exception {
        DeviceHandler handler = driver.open(DEVICE, new RecordingCallback());
        List<PropertyValue> values = handler.read(PropertyRequest.of(DEVICE, MODEL));
        assertThat(values).extracting(PropertyValue::value).containsExactly("21.5", "20");
        assertThat(values).extracting(PropertyValue::type).containsExactly("float", "int");
    }

    @Test
    void writesOnlyWritablePropertiesAndEachResultCarriesItsOwnOutcome() throws Exception {
        DeviceHandler handler = driver.open(DEVICE, new RecordingCallback());
        List<PropertyRequest> requests = PropertyRequest.of(DEVICE, MODEL);
        List<PropertyValue> results = handler.write(List.of(
                new PropertyWrite(requests.get(0), "30"), new PropertyWrite(requests.get(1), "25")));
        assertThat(results.get(0).ok()).isFalse();
        assertThat(results.get(0).error()).contains("read-only");
        assertThat(results.get(1).value()).isEqualTo("25");
        assertThat(handler.read(requests)).extracting(PropertyValue::value).containsExactly("21.5", "25");
    }

    @Test
    void aFailingDeviceFailsTheWholeBatch() {
        driver.failReads("no route to host");
        DeviceHandler handler = driver.open(DEVICE, new RecordingCallback());
        assertThatThrownBy(() -> handler.read(PropertyRequest.of(DEVICE, MODEL)))
                .isInstanceOf(DriverException.class).hasMessage("no route to host");
    }

    @Test
    void rejectionIsOnlyForTheDriverThatWasToldSo() {
        rejecting.rejectValidation("bad");
        assertThatThrownBy(() -> rejecting.validate(DEVICE)).hasMessage("bad");
        driver.validate(DEVICE);
    }
}
