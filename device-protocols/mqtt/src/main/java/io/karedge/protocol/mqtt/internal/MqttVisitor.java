package io.karedge.protocol.mqtt.internal;

import io.karedge.device.driver.PropertyRequest;
import java.util.List;
import java.util.Locale;

/**
 * Where one property's value is in the device's messages: {@code visitors.configData} with {@code jsonPath}
 * (see {@link JsonPath}) or {@code key} (a top-level field, taken literally), by default the property's name;
 * an optional {@code topic} overriding the device's state topic; an optional {@code dataType}.
 */
record MqttVisitor(JsonPath path, String topic, String dataType) {

    static final List<String> TYPES = List.of("int", "float", "double", "boolean", "string", "bytes");

    /** The keys of {@code visitors.configData}, as the configuration binding reads them. */
    record Settings(String jsonPath, String key, String topic, String dataType) {
        Settings {
            if (jsonPath != null && key != null) {
                throw new IllegalArgumentException("set jsonPath or key, not both");
            }
            if (jsonPath != null) {
                JsonPath.parse(jsonPath);
            }
            if (topic != null) {
                MqttSettings.checkTopic("topic", topic, true);
            }
            if (dataType != null) {
                dataType = dataType.toLowerCase(Locale.ROOT);
                if (!TYPES.contains(dataType)) {
                    throw new IllegalArgumentException("dataType must be one of " + String.join(", ", TYPES)
                            + ", not '" + dataType + "'");
                }
            }
        }
    }

    /**
     * @param deviceTopic the device's {@code topic}, or null
     * @throws IllegalArgumentException naming the property and the key when the settings are wrong
     */
    static MqttVisitor of(PropertyRequest request, String deviceTopic) {
        Settings settings = request.configAs(Settings.class);
        String topic = settings.topic() != null ? settings.topic() : deviceTopic;
        if (topic == null) {
            throw new IllegalArgumentException("property " + request.name() + " visitors.configData: no topic: set "
                    + "topic in the device's protocol configData or in this property's visitors");
        }
        JsonPath path = settings.jsonPath() != null ? JsonPath.parse(settings.jsonPath())
                : JsonPath.key(settings.key() != null ? settings.key() : request.name());
        return new MqttVisitor(path, topic, settings.dataType());
    }

    String typeFor(String modelType) {
        return dataType != null ? dataType : modelType;
    }
}
