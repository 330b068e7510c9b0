package io.karedge.protocol.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import org.junit.jupiter.api.Test;

class JsonPathTest {

    private static JsonNode doc() throws Exception {
        return KaredgeJson.mapper().readTree("""
                {"temperature": 21.5, "status": {"door": "open", "a.b": 7}, "list": [10, {"x": true}],
                 "nothing": null, "count": "12", "flag": 1}""");
    }

    @Test
    void findsNamesIndexesAndQuotedNames() throws Exception {
        JsonNode doc = doc();
        assertThat(JsonPath.parse("$.temperature").find(doc).asText()).isEqualTo("21.5");
        assertThat(JsonPath.parse("temperature").find(doc).asText()).isEqualTo("21.5");
        assertThat(JsonPath.parse("$.status.door").find(doc).asText()).isEqualTo("open");
        assertThat(JsonPath.parse("status.door").find(doc).asText()).isEqualTo("open");
        assertThat(JsonPath.parse("$.list[0]").find(doc).asInt()).isEqualTo(10);
        assertThat(JsonPath.parse("$.list[1].x").find(doc).asBoolean()).isTrue();
        assertThat(JsonPath.parse("$.status['a.b']").find(doc).asInt()).isEqualTo(7);
        assertThat(JsonPath.parse("$[\"status\"][\"door\"]").find(doc).asText()).isEqualTo("open");
        assertThat(JsonPath.key("a.b").find(doc)).as("a key is literal").isNull();
    }

    @Test
    void missingPartsGiveNull() throws Exception {
        JsonNode doc = doc();
        assertThat(JsonPath.parse("$.humidity").find(doc)).isNull();
        assertThat(JsonPath.parse("$.list[5]").find(doc)).isNull();
        assertThat(JsonPath.parse("$.temperature.x").find(doc)).isNull();
        assertThat(JsonPath.parse("$.status[0]").find(doc)).isNull();
    }

    @Test
    void unsupportedSyntaxIsNamed() {
        assertThatThrownBy(() -> JsonPath.parse("$.list[*]")).hasMessageContaining("is not an array index");
        assertThatThrownBy(() -> JsonPath.parse("$..door")).hasMessageContaining("empty name");
        assertThatThrownBy(() -> JsonPath.parse("$.a[")).hasMessageContaining("missing ']'");
        assertThatThrownBy(() -> JsonPath.parse("$")).hasMessageContaining("names no field");
        assertThatThrownBy(() -> JsonPath.parse("$.a.")).hasMessageContaining("a name must follow");
        assertThatThrownBy(() -> JsonPath.parse("$.a[?(@.x)]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twinValuesFollowTheType() throws Exception {
        JsonNode doc = doc();
        assertThat(TwinValues.of(doc.get("temperature"), "float")).isEqualTo("21.5");
        assertThat(TwinValues.of(doc.get("temperature"), "int")).isEqualTo("22");
        assertThat(TwinValues.of(doc.get("count"), "int")).isEqualTo("12");
        assertThat(TwinValues.of(doc.get("flag"), "boolean")).isEqualTo("true");
        assertThat(TwinValues.of(doc.get("temperature"), "string")).isEqualTo("21.5");
        assertThat(TwinValues.of(KaredgeJson.mapper().readTree("2.50"), "double")).isEqualTo("2.5");
        assertThatThrownBy(() -> TwinValues.of(doc.get("status"), "string")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> TwinValues.of(doc.get("nothing"), "string")).hasMessageContaining("null");
        assertThatThrownBy(() -> TwinValues.of(doc.get("status").get("door"), "int"))
                .hasMessageContaining("'open' is not a number");
    }
}
