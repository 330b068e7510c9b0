package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.device.Device;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.manager.DeviceRunState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A device never receives a desired value older than the accepted one once a newer one was accepted, as far as
 * the node decides: a driver whose write stalls (here on a latch, before it looks at the device) holds a value
 * the node handed it, so the node hands none to a device it knows is away, and checks each value against the
 * accepted one right before the driver call.
 */
class StaleWriteTest {

    private static final String MODEL = SetpointPlc.MODEL;
    private static final String DEVICE = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: Device
            metadata: {name: plc-01, namespace: default}
            spec:
              deviceModelRef: {name: plc-model}
              protocol: {protocolName: register}
              properties:
                - {name: setpoint, collectCycle: 20, desired: {value: "%s"}}
            """;
    private static final String ID = SetpointPlc.ID;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(1);

    private final RegisterDriver.Plant plant = new RegisterDriver.Plant();
    private final StallingDriver driver = new StallingDriver(new RegisterDriver(plant));
    private Fixture fixture;

    private void start(boolean withEngine) {
        // enforcement off: only changes and returns write, so what is written here is theirs
        fixture = new Fixture(ManagerSettings.defaults().withTimeouts(1000, 1000).withEnforcement(false, 400),
                withEngine);
        fixture.twin.expect(ID, "setpoint", "42");
        fixture.put(MODEL);
        fixture.put(DEVICE.formatted("42"));
        fixture.addDriver("register", driver, 0);
        await().atMost(WAIT).until(() -> "42".equals(plant.value("plc-01", "setpoint"))
                && fixture.device(ID).state() == DeviceRunState.ONLINE);
        plant.written.clear();
    }

    @AfterEach
    void stop() {
        driver.release.countDown();
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aValueAcceptedWhileTheDeviceIsAwayIsNotHandedToTheDriverButWrittenWhenItIsBack() throws Exception {
        start(true);
        plant.drop("plc-01");
        await().atMost(WAIT).pollInterval(POLL).until(() -> fixture.device(ID).state() == DeviceRunState.OFFLINE);

        driver.stallNext.set(true);
        accept("26");
        // either the driver holds 26, or the node kept it back
        await().atMost(WAIT).pollInterval(POLL).until(() -> driver.entered.getCount() == 0
                || String.valueOf(fixture.property(ID, "setpoint").writeResult()).contains("not written yet"));
        accept("16");
        plant.comeBack("plc-01");
        driver.release.countDown();

        await().atMost(WAIT).pollInterval(POLL).until(() -> "16".equals(plant.value("plc-01", "setpoint"))
                && fixture.device(ID).state() == DeviceRunState.ONLINE);
        assertThat(plant.written).as("16 was accepted before the device came back; 26 is older").containsOnly(
                "plc-01/setpoint=16");
    }

    @Test
    void aQueuedValueReplacedWhileAnEarlierWriteStallsIsNotWritten() throws Exception {
        start(false); // no twin engine: the spec's desired value is the accepted one
        driver.stallNext.set(true);
        fixture.put(DEVICE.formatted("26"));
        assertThat(driver.entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        fixture.put(DEVICE.formatted("20")); // queued behind the stalled write
        fixture.put(DEVICE.formatted("16"));
        await().atMost(WAIT).pollInterval(POLL).until(() -> "16".equals(fixture.property(ID, "setpoint").desired()));
        driver.release.countDown();

        await().atMost(WAIT).pollInterval(POLL).until(() -> "16".equals(plant.value("plc-01", "setpoint")));
        assertThat(plant.written).as("26 was handed to the driver while it was accepted; 20 was replaced first")
                .containsExactly("plc-01/setpoint=26", "plc-01/setpoint=16");
    }

    /** A twin change as the twin engine announces it: stored first, then heard. */
    private void accept(String value) {
        fixture.twin.expect(ID, "setpoint", value);
        fixture.component.manager().desiredChanged(ID, "setpoint", value);
    }

    /** Wraps a driver: its next write, once armed, waits on a latch before it goes to the device. */
    private static final class StallingDriver implements ProtocolDriver {
        final AtomicBoolean stallNext = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final ProtocolDriver inner;

        StallingDriver(ProtocolDriver inner) {
            this.inner = inner;
        }

        @Override
        public DeviceHandler open(Device device, DeviceCallback callback) {
            DeviceHandler handler = inner.open(device, callback);
            return new DeviceHandler() {
                @Override
                public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
                    return handler.read(requests);
                }

                @Override
                public List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException {
                    if (stallNext.compareAndSet(true, false)) {
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new DriverException("interrupted");
                        }
                    }
                    return handler.write(writes);
                }

                @Override
                public void close() {
                    handler.close();
                }
            };
        }
    }
}
