package io.karedge.device.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.device.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertyRequestTest {

    @Test
    void buildsRequestsInSpecOrderWithModelTypesAndAccess() {
        List<PropertyRequest> requests = PropertyRequest.of(StubProtocolDriverTest.DEVICE, StubProtocolDriverTest.MODEL);
        assertThat(requests).extracting(PropertyRequest::name).containsExactly("temperature", "setpoint");
        assertThat(requests).extracting(PropertyRequest::type).containsExactly("float", "int");
        assertThat(requests).extracting(PropertyRequest::writable).containsExactly(false, true);
        assertThat(requests.get(0).configData().path("value").asText()).isEqualTo("21.5");
    }

    @Test
    void withoutModelOrVisitorsTheDefaultsApply() {
        Device bare = TestDevices.device("""
                metadata: {name: bare}
                spec: {properties: [{name: p}, {name: ""}]}
                """);
        List<PropertyRequest> requests = PropertyRequest.of(bare, null);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).type()).isEqualTo("string");
        assertThat(requests.get(0).writable()).isFalse();
        assertThat(requests.get(0).configData().isEmpty()).isTrue();
    }
}
