package io.karedge.api.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.karedge.api.json.KaredgeJson;
import org.junit.jupiter.api.Test;

class DeviceTypesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final String DEVICE = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: Device
            metadata:
              name: pump-3
              namespace: line-2
              labels: {description: cooling-pump}
            spec:
              deviceModelRef: {name: pump-model}
              nodeName: gw-1
              protocol:
                protocolName: modbus
                configData: {ip: 127.0.0.1, port: 1502}
              properties:
                - name: rpm
                  collectCycle: 500
                  reportToCloud: true
                  desired: {value: "1200", metadata: {type: int}}
                  visitors:
                    protocolName: modbus
                    configData: {offset: 7}
                  pushMethod:
                    mqtt: {address: "tcp://127.0.0.1:1883", topic: line-2/pump-3/rpm, qos: 1, retained: false}
                    dbMethod: {TDEngine: {TDEngineClientConfig: {addr: "127.0.0.1:6041"}}}
                - name: alarm
              stateReport: {reportToCloud: true, reportCycle: 30000}
              futureField: {ignored: true}
            """;

    private static final String MODEL = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: DeviceModel
            metadata: {name: pump-model, namespace: line-2}
            spec:
              protocol: modbus
              protocolConfigData: {port: 502, slaveID: 4, timeout: 2000}
              properties:
                - name: rpm
                  type: INT
                  accessMode: ReadWrite
                  visitors:
                    protocolName: modbus
                    configData: {register: HoldingRegister, offset: 1, limit: 1}
                - name: alarm
                  type: BOOLEAN
                  accessMode: ReadOnly
            """;

    @Test
    void readsDeviceWithAllSections() throws Exception {
        Device device = YAML.readValue(DEVICE, Device.class);

        assertThat(device.id()).isEqualTo("line-2/pump-3");
        assertThat(device.protocolName()).isEqualTo("modbus");
        assertThat(device.modelName()).isEqualTo("pump-model");
        DeviceProperty rpm = device.spec().properties().get(0);
        assertThat(rpm.collectCycleMillis()).isEqualTo(500);
        assertThat(rpm.reportCycleMillis()).isEqualTo(DeviceProperty.DEFAULT_CYCLE_MILLIS);
        assertThat(rpm.desired().metadata()).containsEntry("type", "int");
        assertThat(rpm.pushMethod().mqtt().qos()).isEqualTo(1);
        assertThat(rpm.pushMethod().dbMethod().path("TDEngine").path("TDEngineClientConfig").path("addr").asText())
                .isEqualTo("127.0.0.1:6041");
        assertThat(device.spec().properties().get(1).reportsToCloud()).isFalse();
        assertThat(device.spec().stateReport().reportCycle()).isEqualTo(30000L);
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        Device device = YAML.readValue(DEVICE, Device.class);
        String json = KaredgeJson.mapper().writeValueAsString(device);
        Device again = KaredgeJson.mapper().readValue(json, Device.class);
        assertThat(again).isEqualTo(device);
    }

    @Test
    void modelDefaultsLieUnderDeviceSettings() throws Exception {
        Device device = YAML.readValue(DEVICE, Device.class);
        DeviceModel model = YAML.readValue(MODEL, DeviceModel.class);

        Device merged = DeviceModelMerge.merge(device, model);

        assertThat(merged.spec().protocol().configData().toString())
                .isEqualTo("{\"port\":1502,\"slaveID\":4,\"timeout\":2000,\"ip\":\"127.0.0.1\"}");
        VisitorConfig rpm = merged.spec().properties().get(0).visitors();
        assertThat(rpm.configData().path("register").asText()).isEqualTo("HoldingRegister");
        assertThat(rpm.configData().path("offset").asInt()).isEqualTo(7);
        assertThat(merged.spec().properties().get(1).visitors()).isNull();
        // the input is untouched
        assertThat(device.spec().protocol().configData().has("slaveID")).isFalse();
    }
}
