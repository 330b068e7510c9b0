package io.karedge.device.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What every driver must do, as tests: a driver module extends this class and supplies a driver, a valid
 * device (whose reads succeed without hardware or with a loopback test server), an invalid one and one whose
 * endpoint does not answer. Named so that surefire does not run it
 * on its own.
 */
public abstract class ProtocolDriverContract {

    protected abstract ProtocolDriver driver();

    /** @return a device the driver accepts and can read at once */
    protected abstract Device validDevice();

    /** @return a device whose configData the driver must reject */
    protected abstract Device invalidDevice();

    /**
     * @return a device the driver accepts whose endpoint does not answer: loopback only, e.g. a closed port on
     *         127.0.0.1
     */
    protected abstract Device unreachableDevice();

    protected DeviceModel model() {
        return null;
    }

    /** @return a loopback port that nothing listens on (it was free a moment ago), for {@link #unreachableDevice()} */
    protected static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records what a handler reports. */
    public static final class RecordingCallback implements DeviceCallback {
        public final List<PropertyValue> values = new CopyOnWriteArrayList<>();
        public final List<DeviceState> states = new CopyOnWriteArrayList<>();
        public final List<StateDetail> details = new CopyOnWriteArrayList<>();
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
            reportState(state, null, message);
        }

        @Override
        public void reportState(DeviceState state, StateDetail detail, String message) {
            states.add(state);
            details.add(detail == null ? StateDetail.defaultFor(state) : detail);
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
    void theInvalidDeviceIsAConfigurationError() {
        assertThatThrownBy(() -> driver().validate(invalidDevice()))
                .satisfies(e -> assertThat(StateDetail.of(e)).isEqualTo(StateDetail.CONFIGURATION_ERROR));
    }

    /**
     * The unreachable device fails with a detail that says so: a read fails with a {@link DriverException} of
     * a communication error, or the handler (asked to subscribe first when it pushes) reports the device
     * offline with one.
     */
    @Test
    void anUnreachableEndpointIsACommunicationError() {
        Device device = unreachableDevice();
        driver().validate(device);
        List<PropertyRequest> requests = PropertyRequest.of(device, model());
        RecordingCallback callback = new RecordingCallback();
        DeviceHandler handler = driver().open(device, callback);
        List<StateDetail> failures = new CopyOnWriteArrayList<>();
        try {
            if (handler instanceof PushingHandler pushing) {
                // as the device manager does: a pushing handler connects when it is asked to subscribe
                try {
                    pushing.subscribe(requests);
                } catch (DriverException e) {
                    failures.add(e.detail());
                }
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                try {
                    handler.read(requests);
                } catch (DriverException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    failures.add(e.detail());
                }
                List<StateDetail> seen = new ArrayList<>(failures);
                for (int i = 0; i < callback.states.size(); i++) {
                    if (callback.states.get(i) != DeviceState.ONLINE) {
                        seen.add(callback.details.get(i));
                    }
                }
                assertThat(seen).contains(StateDetail.COMMUNICATION_ERROR);
            });
            assertThat(callback.states).doesNotContain(DeviceState.ONLINE);
        } finally {
            handler.close();
        }
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
