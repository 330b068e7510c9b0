package io.karedge.dmi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.FloatValue;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.json.KaredgeJson;
import io.karedge.dmi.internal.DmiConversion.ConversionException;
import org.junit.jupiter.api.Test;

class DmiConversionTest {

    private static Device device(String json) throws Exception {
        return KaredgeJson.mapper().treeToValue(Resources.json(json), Device.class);
    }

    private static DeviceModel model() throws Exception {
        return KaredgeJson.mapper().treeToValue(Resources.model("m", "p"), DeviceModel.class);
    }

    @Test
    void numbersAre32BitFloatsAndBooleansStayBooleans() throws Exception {
        var converted = DmiConversion.device("ns", device("""
                {"metadata": {"name": "d"}, "spec": {"deviceModelRef": {"name": "m"},
                 "protocol": {"protocolName": "p", "configData": {"big": 16777217, "on": true}}}}"""), model());

        var data = converted.getSpec().getProtocol().getConfigData().getDataMap();
        assertThat(data.get("big").unpack(FloatValue.class).getValue()).isEqualTo(16777216f);
        assertThat(data.get("big").getTypeUrl()).isEqualTo("type.googleapis.com/google.protobuf.FloatValue");
        assertThat(data.get("on").unpack(BoolValue.class).getValue()).isTrue();
        assertThat(converted.getNamespace()).isEqualTo("ns");
    }

    @Test
    void aNestedSettingMakesTheDeviceUnconvertible() {
        assertThatThrownBy(() -> DmiConversion.device("ns", device("""
                {"metadata": {"name": "d"}, "spec": {"deviceModelRef": {"name": "m"},
                 "protocol": {"protocolName": "p", "configData": {"serial": {"port": "/dev/ttyS0"}}}}}"""), model()))
                .isInstanceOf(ConversionException.class)
                .hasMessageContaining("spec.protocol.configData.serial is an object");
    }

    @Test
    void desiredVisitorsAndConfigDataAreAlwaysPresent() throws Exception {
        var converted = DmiConversion.device("ns", device("""
                {"metadata": {"name": "d"}, "spec": {"deviceModelRef": {"name": "m"},
                 "protocol": {"protocolName": "p"}, "properties": [{"name": "label"}]}}"""), model());

        var property = converted.getSpec().getProperties(0);
        assertThat(property.hasDesired()).isTrue();
        assertThat(property.hasVisitors()).isTrue();
        assertThat(property.getVisitors().hasConfigData()).isTrue();
        assertThat(converted.getSpec().getProtocol().hasConfigData()).isTrue();
        assertThat(converted.hasStatus()).isTrue();
    }

    @Test
    void databaseKeysMatchIgnoringCase() throws Exception {
        var converted = DmiConversion.device("ns", device("""
                {"metadata": {"name": "d"}, "spec": {"deviceModelRef": {"name": "m"},
                 "protocol": {"protocolName": "p"}, "properties": [{"name": "label", "pushMethod": {
                   "http": {"hostName": "http://127.0.0.1", "port": 8080, "requestPath": "/v", "timeout": 3},
                   "dbMethod": {"influxdb2": {"influxdb2ClientConfig": {"url": "u", "org": "o", "bucket": "b"},
                                              "influxdb2DataConfig": {"measurement": "m", "tag": {"a": "1"},
                                                                      "fieldKey": "f"}},
                                "redis": {"redisClientConfig": {"addr": "a", "db": 2, "poolsize": 3,
                                                                "minIdleConns": 4}},
                                "mysql": {"mysqlClientConfig": {"addr": "a", "database": "d", "userName": "u"}}}}}]}}
                """), model());

        var push = converted.getSpec().getProperties(0).getPushMethod();
        assertThat(push.getHttp().getHostname()).isEqualTo("http://127.0.0.1");
        assertThat(push.getHttp().getRequestpath()).isEqualTo("/v");
        assertThat(push.getDbMethod().getInfluxdb2().getInfluxdb2DataConfig().getTagMap()).containsEntry("a", "1");
        assertThat(push.getDbMethod().getRedis().getRedisClientConfig().getMinIdleConns()).isEqualTo(4);
        assertThat(push.getDbMethod().getMysql().getMysqlClientConfig().getUserName()).isEqualTo("u");
        assertThat(push.getDbMethod().hasTdengine()).isFalse();
    }

    @Test
    void modelsCarryOnlyTheirPropertyDescriptions() throws Exception {
        var converted = DmiConversion.model("ns", model());

        assertThat(converted.getSpec().getPropertiesList()).extracting(p -> p.getName())
                .containsExactly("temperature", "label");
        assertThat(converted.getSpec().getProperties(0).getMinimum()).isEqualTo("-40");
        assertThat(converted.getSpec().getProperties(1).getUnit()).isEmpty();
        assertThat(converted.getSpec().getCommandsCount()).isZero();
    }
}
