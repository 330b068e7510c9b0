package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code Device.spec.properties[].pushMethod}. Database targets and anomaly detection are kept as JSON
 * trees: their keys differ between KubeEdge versions (e.g. {@code TDEngine}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushMethod(Http http, Mqtt mqtt, Otel otel, JsonNode dbMethod, JsonNode anomalyDetection) {

    /** HTTP POST target. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Http(String hostName, Long port, String requestPath, Long timeout) {
    }

    /** MQTT publish target; {@code address} like {@code tcp://127.0.0.1:1883}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mqtt(String address, String topic, Integer qos, Boolean retained) {
    }

    /** OTLP/HTTP metrics endpoint. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Otel(String endpointURL) {
    }
}
