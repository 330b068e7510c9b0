package io.karedge.device.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BaseDeviceHandlerTest {

    private final AtomicInteger closes = new AtomicInteger();

    private final BaseDeviceHandler handler = new BaseDeviceHandler(StubProtocolDriverTest.DEVICE,
            new ProtocolDriverContract.RecordingCallback()) {
        @Override
        protected String readValue(PropertyRequest request) throws PropertyException, DriverException {
            return switch (request.name()) {
                case "temperature" -> throw new PropertyException("register 100 does not exist");
                case "setpoint" -> "7";
                default -> throw new DriverException("unreachable");
            };
        }

        @Override
        protected void onClose() {
            closes.incrementAndGet();
            throw new IllegalStateException("close must not leak this");
        }
    };

    @Test
    void aPropertyErrorFailsOnlyThatProperty() throws Exception {
        List<PropertyValue> values = handler.read(PropertyRequest.of(StubProtocolDriverTest.DEVICE,
                StubProtocolDriverTest.MODEL));
        assertThat(values.get(0).ok()).isFalse();
        assertThat(values.get(0).error()).isEqualTo("register 100 does not exist");
        assertThat(values.get(1).value()).isEqualTo("7");
    }

    @Test
    void writesAreRefusedByDefault() throws Exception {
        PropertyRequest setpoint = PropertyRequest.of(StubProtocolDriverTest.DEVICE, StubProtocolDriverTest.MODEL).get(1);
        List<PropertyValue> results = handler.write(List.of(new PropertyWrite(setpoint, "3")));
        assertThat(results.get(0).error()).contains("cannot be written");
    }

    @Test
    void closeRunsOnceSwallowsErrorsAndLaterCallsFail() {
        handler.close();
        handler.close();
        assertThat(closes).hasValue(1);
        assertThatThrownBy(() -> handler.read(List.of())).isInstanceOf(DriverException.class)
                .hasMessageContaining("closed");
    }
}
