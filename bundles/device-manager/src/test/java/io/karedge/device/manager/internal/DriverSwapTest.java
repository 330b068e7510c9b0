package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.device.Device;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.StubProtocolDriver;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.node.internal.ProgressTrackerComponent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Driver swaps reported into the node's progress tracker: devices re-bound out of those the old driver had. */
class DriverSwapTest {

    private static final String PROPS = """
            - {name: temperature, collectCycle: 100, reportCycle: 100, reportToCloud: true,
               visitors: {protocolName: stub, configData: {value: "21.5"}}}
            """;

    private final Fixture fixture = new Fixture(ManagerSettings.defaults().withTimeouts(10_000, 300));
    private final ProgressTrackerComponent tracker = new ProgressTrackerComponent(Clock.systemUTC());

    DriverSwapTest() {
        fixture.component.progress = tracker;
    }

    private boolean closed;

    @AfterEach
    void close() {
        if (!closed) {
            fixture.close();
        }
    }

    private List<TaskProgress> swaps() {
        return tracker.tasks().stream().filter(t -> t.kind().equals(ProgressTracker.DRIVER_SWAP)).toList();
    }

    private long startThreeDevicesOn(StubProtocolDriver driver) {
        long id = fixture.addDriver("stub", driver, 0);
        for (String name : List.of("d1", "d2", "d3")) {
            fixture.put(Fixture.device(name, "stub", PROPS));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> List.of("d1", "d2", "d3").stream()
                .allMatch(d -> fixture.component.device(d).map(i -> i.state() == DeviceRunState.ONLINE).orElse(false)));
        return id;
    }

    /** A driver whose open of device d3 waits for the test. */
    static final class GatedDriver extends StubProtocolDriver {
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public DeviceHandler open(Device device, DeviceCallback callback) {
            if (device.metadata().getName().equals("d3")) {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.open(device, callback);
        }
    }

    @Test
    void aDriverReplacedByItsNewVersionReportsTheDevicesReBoundOutOfThoseItHad() {
        long oldDriver = startThreeDevicesOn(new StubProtocolDriver());
        assertThat(swaps()).as("binding devices at start is no swap").isEmpty();

        fixture.component.removeDriver(oldDriver);
        await().atMost(Duration.ofSeconds(3)).until(() -> swaps().size() == 1);
        TaskProgress waiting = swaps().get(0);
        assertThat(waiting.state()).isEqualTo(TaskState.RUNNING);
        assertThat(waiting.title()).isEqualTo("protocol stub: driver test.driver.stub 1.0.0 left");
        assertThat(waiting.phase()).isEqualTo("driver test.driver.stub 1.0.0 left; waiting for a driver for protocol stub");
        assertThat(waiting.done()).isZero();
        assertThat(waiting.total()).isEqualTo(3);
        assertThat(waiting.unit()).isEqualTo("devices");

        GatedDriver next = new GatedDriver();
        fixture.component.addDriver(next, "stub", 900, 0, "test.driver.stub", "2.0.0");
        await().atMost(Duration.ofSeconds(5)).until(() -> swaps().get(0).done() == 2);
        TaskProgress halfway = swaps().get(0);
        assertThat(halfway.state()).isEqualTo(TaskState.RUNNING);
        assertThat(halfway.phase()).isEqualTo("opening the devices with test.driver.stub 2.0.0: 2 of 3 re-bound");
        assertThat(halfway.percent()).isCloseTo(66.7, org.assertj.core.api.Assertions.within(0.1));

        next.gate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> !swaps().get(0).running());
        TaskProgress done = swaps().get(0);
        assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(done.done()).isEqualTo(3);
        assertThat(done.message()).isEqualTo("3 device(s) re-bound to test.driver.stub 2.0.0");
        assertThat(next.handlers).hasSize(3);
    }

    @Test
    void aHigherRankedDriverTakingOverIsASwapToo() {
        startThreeDevicesOn(new StubProtocolDriver());
        StubProtocolDriver better = new StubProtocolDriver();
        fixture.component.addDriver(better, "stub", 901, 10, "test.driver.better", "1.0.0");

        await().atMost(Duration.ofSeconds(5)).until(() -> swaps().size() == 1 && !swaps().get(0).running());
        TaskProgress swap = swaps().get(0);
        assertThat(swap.title()).isEqualTo("protocol stub: driver test.driver.better 1.0.0 takes over");
        assertThat(swap.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(swap.done()).isEqualTo(3);
        assertThat(swap.total()).isEqualTo(3);
    }

    @Test
    void devicesTheNewDriverCannotOpenFailTheSwapWithTheReason() {
        long oldDriver = startThreeDevicesOn(new StubProtocolDriver());
        fixture.component.removeDriver(oldDriver);
        fixture.addDriver("stub", new StubProtocolDriver().rejectValidation("port missing"), 0);

        await().atMost(Duration.ofSeconds(5)).until(() -> swaps().size() == 1 && !swaps().get(0).running());
        TaskProgress swap = swaps().get(0);
        assertThat(swap.state()).isEqualTo(TaskState.FAILED);
        assertThat(swap.done()).isEqualTo(3);
        assertThat(swap.message()).startsWith("3 of 3 device(s) did not open with test.driver.stub 1.0.0 (default/d")
                .contains("invalid configData: port missing");
    }

    @Test
    void aDeviceDeletedDuringTheSwapIsNoLongerWaitedFor() {
        long oldDriver = startThreeDevicesOn(new StubProtocolDriver());
        fixture.component.removeDriver(oldDriver);
        await().atMost(Duration.ofSeconds(3)).until(() -> swaps().size() == 1);

        fixture.store.delete(io.karedge.api.meta.ObjectKey.of("Device", "default", "d2"));
        await().atMost(Duration.ofSeconds(3)).until(() -> swaps().get(0).total() == 2);
        fixture.addDriver("stub", new StubProtocolDriver(), 0);

        await().atMost(Duration.ofSeconds(5)).until(() -> !swaps().get(0).running());
        assertThat(swaps().get(0).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(swaps().get(0).message()).isEqualTo("2 device(s) re-bound to test.driver.stub 1.0.0");
    }

    @Test
    void theManagerStoppingFailsASwapThatWaits() {
        long oldDriver = startThreeDevicesOn(new StubProtocolDriver());
        fixture.component.removeDriver(oldDriver);
        await().atMost(Duration.ofSeconds(3)).until(() -> swaps().size() == 1);

        fixture.component.deactivate();
        closed = true;

        assertThat(swaps().get(0).state()).isEqualTo(TaskState.FAILED);
        assertThat(swaps().get(0).message()).isEqualTo("the device manager stopped");
    }
}
