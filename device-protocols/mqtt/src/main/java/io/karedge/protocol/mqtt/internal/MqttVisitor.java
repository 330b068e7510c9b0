package io.karedge.protocol.mqtt.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where one property's value is in the device's messages: {@code visitors.configData} with {@code jsonPath}
 * (see {@link JsonPath}) or {@code key} (a top-level field, taken literally), by default the property's name;
 * an optional {@code topic} overriding the device's state topic; an optional {@code dataType}.
 */
record MqttVisitor(JsonPath path, String topic, String dataType) {

    static final Set<String> KNOWN = Set.of("jsonPath", "key", "topic", "dataType");
    static final List<String> TYPES = List.of("int", "float", "double", "boolean", "string", "bytes");

    /**
     * @param deviceTopic the device's {@code topic}, or null
     */
    static MqttVisitor parse(String property, ObjectNode config, String deviceTopic) {
        String where = "property " + property + " visitors.configData";
        MqttSettings.rejectUnknown(where, config, KNOWN);
        String jsonPath = MqttSettings.text(where, config, "jsonPath");
        String key = MqttSettings.text(where, config, "key");
        if (jsonPath != null && key != null) {
            throw new IllegalArgumentException(where + ": set jsonPath or key, not both");
        }
        JsonPath path;
        try {
            path = jsonPath != null ? JsonPath.parse(jsonPath) : JsonPath.key(key != null ? key : property);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        String topic = MqttSettings.text(where, config, "topic");
        if (topic != null) {
            MqttSettings.checkTopic(where, "topic", topic, true);
        } else if (deviceTopic == null) {
            throw new IllegalArgumentException(where + ": no topic: set topic in the device's protocol configData "
                    + "or in this property's visitors");
        } else {
            topic = deviceTopic;
        }
        String dataType = MqttSettings.text(where, config, "dataType");
        if (dataType != null) {
            dataType = dataType.toLowerCase(Locale.ROOT);
            if (!TYPES.contains(dataType)) {
                throw new IllegalArgumentException(where + ": unknown dataType '" + dataType + "'; use one of "
                        + String.join(", ", TYPES));
            }
        }
        return new MqttVisitor(path, topic, dataType);
    }

    String typeFor(String modelType) {
        return dataType != null ? dataType : modelType;
    }
}
