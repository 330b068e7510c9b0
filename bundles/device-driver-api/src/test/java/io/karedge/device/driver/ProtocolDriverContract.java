package io.karedge.device.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What every driver must do, as tests: a driver module extends this class and supplies a driver, a valid
 * device (whose reads succeed without hardware) and an invalid one. Named so that surefire does not run it
 * on its own.
 */
public abstract class ProtocolDriverContract {

    protected abstract ProtocolDriver driver();

    /** @return a device the driver accepts and can read at once */
    protected abstract Device validDevice();

    /** @return a device whose configData the driver must reject */
    protected abstract Device invalidDevice();

    protected DeviceModel model() {
        return null;
    }

    /** Records what a handler reports. */
    public static final class RecordingCallback implements DeviceCallback {
        public final List<PropertyValue> values = new CopyOnWriteArrayList<>();
        public final List<DeviceState> states = new CopyOnWriteArrayList<>();
        public final List<String> reconnects = new CopyOnWriteArrayList<>();

        @Override
        public void reportReconnected(String message) {
            reconnects.add(message);
        }

        @Override
        public void reportValues(List<PropertyValue> reported) {
            values.addAll(reported);
        }

        @Override
        public void reportState(DeviceState state, String message) {
            states.add(state);
        }
    }

    @Test
    void validateAcceptsTheValidDevice() {
        driver().validate(validDevice());
    }

    @Test
    void validateRejectsTheInvalidDeviceWithAMessage() {
        assertThatThrownBy(() -> driver().validate(invalidDevice()))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    }

    @Test
    void openReturnsQuickly() {
        long start = System.nanoTime();
        DeviceHandler handler = driver().open(validDevice(), new RecordingCallback());
        long millis = (System.nanoTime() - start) / 1_000_000;
        handler.close();
        assertThat(millis).as("open must not connect synchronously").isLessThan(500);
    }

    @Test
    void readReturnsOneResultPerRequestInRequestOrder() throws Exception {
        List<PropertyRequest> requests = PropertyRequest.of(validDevice(), model());
        assertThat(requests).as("the valid device needs properties").isNotEmpty();
        DeviceHandler handler = driver().open(validDevice(), new RecordingCallback());
        try {
            List<PropertyValue> values = handler.read(requests);
            assertThat(values).extracting(PropertyValue::property)
                    .containsExactlyElementsOf(requests.stream().map(PropertyRequest::name).toList());
            assertThat(values).allSatisfy(v -> assertThat(v.timestamp()).isNotNull());
        } finally {
            handler.close();
        }
    }

    @Test
    void closeIsIdempotentQuickAndEndsReads() {
        DeviceHandler handler = driver().open(validDevice(), new RecordingCallback());
        long start = System.nanoTime();
        handler.close();
        handler.close();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
        assertThatThrownBy(() -> handler.read(PropertyRequest.of(validDevice(), model())))
                .isInstanceOf(DriverException.class);
    }
}
