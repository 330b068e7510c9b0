package io.karedge.dmi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.FloatValue;
import com.google.protobuf.StringValue;
import io.karedge.api.device.DeviceModelMerge;
import io.karedge.api.device.StateReport;
import io.karedge.dmi.internal.proto.AnomalyDetection;
import io.karedge.dmi.internal.proto.CustomizedValue;
import io.karedge.dmi.internal.proto.DBMethod;
import io.karedge.dmi.internal.proto.DBMethodInfluxdb2;
import io.karedge.dmi.internal.proto.DBMethodMySQL;
import io.karedge.dmi.internal.proto.DBMethodRedis;
import io.karedge.dmi.internal.proto.DBMethodTDEngine;
import io.karedge.dmi.internal.proto.Device;
import io.karedge.dmi.internal.proto.DeviceMethod;
import io.karedge.dmi.internal.proto.DeviceModel;
import io.karedge.dmi.internal.proto.DeviceModelSpec;
import io.karedge.dmi.internal.proto.DeviceProperty;
import io.karedge.dmi.internal.proto.DeviceSpec;
import io.karedge.dmi.internal.proto.DeviceStatus;
import io.karedge.dmi.internal.proto.Influxdb2ClientConfig;
import io.karedge.dmi.internal.proto.Influxdb2DataConfig;
import io.karedge.dmi.internal.proto.ModelProperty;
import io.karedge.dmi.internal.proto.MySQLClientConfig;
import io.karedge.dmi.internal.proto.ProtocolConfig;
import io.karedge.dmi.internal.proto.PushMethod;
import io.karedge.dmi.internal.proto.PushMethodHTTP;
import io.karedge.dmi.internal.proto.PushMethodMQTT;
import io.karedge.dmi.internal.proto.PushMethodOTEL;
import io.karedge.dmi.internal.proto.RedisClientConfig;
import io.karedge.dmi.internal.proto.TDEngineClientConfig;
import io.karedge.dmi.internal.proto.TwinProperty;
import io.karedge.dmi.internal.proto.VisitorConfig;
import java.util.Iterator;
import java.util.Map;

/**
 * Device and DeviceModel resources to their DMI messages, the way KubeEdge's edge does it (reference 4.5,
 * 4.6): the model's defaults are merged into the device first; free-form settings become
 * {@code map<string, Any>} with strings as {@code StringValue}, every number as a 32-bit
 * {@code FloatValue} and booleans as {@code BoolValue}; {@code desired}, {@code visitors},
 * {@code configData}, {@code spec} and {@code protocol} are always present. A setting whose value is
 * null, an object or an array cannot be expressed and makes the whole device unconvertible.
 */
final class DmiConversion {

    private DmiConversion() {
    }

    /** Thrown when a resource cannot be turned into its DMI message; the message names the offending path. */
    static final class ConversionException extends Exception {
        private static final long serialVersionUID = 1L;

        ConversionException(String message) {
            super(message);
        }
    }

    static DeviceModel model(String namespace, io.karedge.api.device.DeviceModel model) {
        DeviceModelSpec.Builder spec = DeviceModelSpec.newBuilder();
        if (model.spec() != null) {
            for (io.karedge.api.device.ModelProperty property : model.spec().properties()) {
                spec.addProperties(ModelProperty.newBuilder()
                        .setName(text(property.name()))
                        .setDescription(text(property.description()))
                        .setType(text(property.type()))
                        .setAccessMode(text(property.accessMode()))
                        .setMinimum(text(property.minimum()))
                        .setMaximum(text(property.maximum()))
                        .setUnit(text(property.unit())));
            }
        }
        return DeviceModel.newBuilder()
                .setName(text(model.metadata() == null ? null : model.metadata().getName()))
                .setNamespace(text(namespace))
                .setSpec(spec)
                .build();
    }

    /**
     * Converts a device after merging the model's defaults into it.
     *
     * @param model the device's model; required (a device without its model is not sent)
     */
    static Device device(String namespace, io.karedge.api.device.Device device,
                         io.karedge.api.device.DeviceModel model) throws ConversionException {
        io.karedge.api.device.Device merged = DeviceModelMerge.merge(device, model);
        io.karedge.api.device.DeviceSpec source = merged.spec();
        DeviceSpec.Builder spec = DeviceSpec.newBuilder().setDeviceModelReference(merged.modelName());
        ProtocolConfig.Builder protocol = ProtocolConfig.newBuilder().setProtocolName(merged.protocolName());
        if (source != null && source.protocol() != null) {
            protocol.setConfigData(customized(source.protocol().configData(), "spec.protocol.configData"));
        } else {
            protocol.setConfigData(CustomizedValue.getDefaultInstance());
        }
        spec.setProtocol(protocol);
        if (source != null) {
            for (io.karedge.api.device.DeviceProperty property : source.properties()) {
                spec.addProperties(property(property));
            }
            for (io.karedge.api.device.DeviceMethod method : source.methods()) {
                spec.addMethods(DeviceMethod.newBuilder()
                        .setName(text(method.name()))
                        .setDescription(text(method.description()))
                        .addAllPropertyNames(method.propertyNames()));
            }
        }
        return Device.newBuilder()
                .setName(text(merged.metadata() == null ? null : merged.metadata().getName()))
                .setNamespace(text(namespace))
                .setSpec(spec)
                .setStatus(status(merged))
                .build();
    }

    private static DeviceStatus status(io.karedge.api.device.Device device) {
        DeviceStatus.Builder status = DeviceStatus.newBuilder();
        StateReport report = device.spec() == null ? null : device.spec().stateReport();
        if (report != null) {
            status.setReportToCloud(Boolean.TRUE.equals(report.reportToCloud()));
            status.setReportCycle(report.reportCycle() == null ? 0 : report.reportCycle());
        } else if (device.status() != null) {
            status.setReportToCloud(Boolean.TRUE.equals(device.status().reportToCloud()));
            status.setReportCycle(device.status().reportCycle() == null ? 0 : device.status().reportCycle());
        }
        return status.build();
    }

    private static DeviceProperty property(io.karedge.api.device.DeviceProperty property)
            throws ConversionException {
        String path = "spec.properties[" + property.name() + "]";
        TwinProperty.Builder desired = TwinProperty.newBuilder();
        if (property.desired() != null) {
            desired.setValue(text(property.desired().value()));
            property.desired().metadata().forEach((key, value) -> desired.putMetadata(key, text(value)));
        }
        VisitorConfig.Builder visitors = VisitorConfig.newBuilder();
        if (property.visitors() != null) {
            visitors.setProtocolName(text(property.visitors().protocolName()));
            visitors.setConfigData(customized(property.visitors().configData(), path + ".visitors.configData"));
        } else {
            visitors.setConfigData(CustomizedValue.getDefaultInstance());
        }
        DeviceProperty.Builder result = DeviceProperty.newBuilder()
                .setName(text(property.name()))
                .setDesired(desired)
                .setVisitors(visitors)
                .setReportCycle(property.reportCycle() == null ? 0 : property.reportCycle())
                .setCollectCycle(property.collectCycle() == null ? 0 : property.collectCycle())
                .setReportToCloud(Boolean.TRUE.equals(property.reportToCloud()));
        if (property.pushMethod() != null) {
            result.setPushMethod(pushMethod(property.pushMethod(), path + ".pushMethod"));
        }
        return result.build();
    }

    private static PushMethod pushMethod(io.karedge.api.device.PushMethod source, String path)
            throws ConversionException {
        PushMethod.Builder push = PushMethod.newBuilder();
        if (source.http() != null) {
            io.karedge.api.device.PushMethod.Http http = source.http();
            push.setHttp(PushMethodHTTP.newBuilder()
                    .setHostname(text(http.hostName()))
                    .setPort(http.port() == null ? 0 : http.port())
                    .setRequestpath(text(http.requestPath()))
                    .setTimeout(http.timeout() == null ? 0 : http.timeout()));
        }
        if (source.mqtt() != null) {
            io.karedge.api.device.PushMethod.Mqtt mqtt = source.mqtt();
            push.setMqtt(PushMethodMQTT.newBuilder()
                    .setAddress(text(mqtt.address()))
                    .setTopic(text(mqtt.topic()))
                    .setQos(mqtt.qos() == null ? 0 : mqtt.qos())
                    .setRetained(Boolean.TRUE.equals(mqtt.retained())));
        }
        if (source.otel() != null) {
            push.setOtel(PushMethodOTEL.newBuilder().setEndpointURL(text(source.otel().endpointURL())));
        }
        if (source.dbMethod() != null && source.dbMethod().isObject()) {
            push.setDbMethod(dbMethod(source.dbMethod()));
        }
        if (source.anomalyDetection() != null && source.anomalyDetection().isObject()) {
            push.setAnomalyDetection(AnomalyDetection.newBuilder()
                    .putAllData(anyMap((ObjectNode) source.anomalyDetection(), path + ".anomalyDetection")));
        }
        return push.build();
    }

    /** Database targets: keys are matched case-insensitively, as the Go JSON decoder does. */
    private static DBMethod dbMethod(JsonNode db) {
        DBMethod.Builder result = DBMethod.newBuilder();
        JsonNode influx = field(db, "influxdb2");
        if (influx.isObject()) {
            JsonNode client = field(influx, "influxdb2ClientConfig");
            JsonNode data = field(influx, "influxdb2DataConfig");
            Influxdb2DataConfig.Builder dataConfig = Influxdb2DataConfig.newBuilder()
                    .setMeasurement(field(data, "measurement").asText(""))
                    .setFieldKey(field(data, "fieldKey").asText(""));
            JsonNode tags = field(data, "tag");
            if (tags.isObject()) {
                tags.fields().forEachRemaining(tag -> dataConfig.putTag(tag.getKey(), tag.getValue().asText("")));
            }
            result.setInfluxdb2(DBMethodInfluxdb2.newBuilder()
                    .setInfluxdb2ClientConfig(Influxdb2ClientConfig.newBuilder()
                            .setUrl(field(client, "url").asText(""))
                            .setOrg(field(client, "org").asText(""))
                            .setBucket(field(client, "bucket").asText("")))
                    .setInfluxdb2DataConfig(dataConfig));
        }
        JsonNode redis = field(db, "redis");
        if (redis.isObject()) {
            JsonNode client = field(redis, "redisClientConfig");
            result.setRedis(DBMethodRedis.newBuilder().setRedisClientConfig(RedisClientConfig.newBuilder()
                    .setAddr(field(client, "addr").asText(""))
                    .setDb(field(client, "db").asInt(0))
                    .setPoolsize(field(client, "poolsize").asInt(0))
                    .setMinIdleConns(field(client, "minIdleConns").asInt(0))));
        }
        JsonNode tdengine = field(db, "tdengine");
        if (tdengine.isObject()) {
            JsonNode client = field(tdengine, "tdEngineClientConfig");
            result.setTdengine(DBMethodTDEngine.newBuilder().setTdEngineClientConfig(TDEngineClientConfig.newBuilder()
                    .setAddr(field(client, "addr").asText(""))
                    .setDbname(field(client, "dbname").asText(""))));
        }
        JsonNode mysql = field(db, "mysql");
        if (mysql.isObject()) {
            JsonNode client = field(mysql, "mysqlClientConfig");
            result.setMysql(DBMethodMySQL.newBuilder().setMysqlClientConfig(MySQLClientConfig.newBuilder()
                    .setAddr(field(client, "addr").asText(""))
                    .setDatabase(field(client, "database").asText(""))
                    .setUserName(field(client, "userName").asText(""))));
        }
        return result.build();
    }

    private static CustomizedValue customized(ObjectNode config, String path) throws ConversionException {
        return config == null ? CustomizedValue.getDefaultInstance()
                : CustomizedValue.newBuilder().putAllData(anyMap(config, path)).build();
    }

    private static Map<String, Any> anyMap(ObjectNode config, String path) throws ConversionException {
        Map<String, Any> result = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = config.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            result.put(entry.getKey(), pack(entry.getValue(), path + "." + entry.getKey()));
        }
        return result;
    }

    /** One top-level setting as a wrapper type (reference 4.6). */
    static Any pack(JsonNode value, String path) throws ConversionException {
        if (value.isTextual()) {
            return Any.pack(StringValue.of(value.textValue()));
        }
        if (value.isNumber()) {
            return Any.pack(FloatValue.of(value.floatValue()));
        }
        if (value.isBoolean()) {
            return Any.pack(BoolValue.of(value.booleanValue()));
        }
        throw new ConversionException(path + " is " + describe(value)
                + "; DMI settings can only be strings, numbers or booleans");
    }

    private static String describe(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        return value.isArray() ? "an array" : value.isObject() ? "an object" : "of type " + value.getNodeType();
    }

    /** A member of an object: the exact key, else the first key equal to it ignoring case. */
    static JsonNode field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return object.get(candidate);
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    /** @return {@code device} with the {@code desired.value} of the named properties replaced */
    static Device withDesired(Device device, Map<String, String> desired) {
        if (desired == null || desired.isEmpty()) {
            return device;
        }
        Device.Builder builder = device.toBuilder();
        DeviceSpec.Builder spec = builder.getSpecBuilder();
        for (int i = 0; i < spec.getPropertiesCount(); i++) {
            String value = desired.get(spec.getProperties(i).getName());
            if (value != null) {
                spec.getPropertiesBuilder(i).getDesiredBuilder().setValue(value);
            }
        }
        return builder.build();
    }
}
