package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.device.manager.DeviceRunState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The desired values written when a device comes back, after a rewrite on an earlier return failed: a device
 * that was away since is written at once; one that answers reads but fails writes is written again after the
 * pause, not on every read and not never.
 */
class RewriteOnReturnTest {

    private static final String MODEL = SetpointPlc.MODEL;
    private static final String DEVICE = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: Device
            metadata: {name: plc-01, namespace: default}
            spec:
              deviceModelRef: {name: plc-model}
              protocol: {protocolName: register}
              properties:
                - {name: setpoint, collectCycle: 20}
            """;
    private static final String ID = SetpointPlc.ID;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(1);

    private final RegisterDriver.Plant plant = new RegisterDriver.Plant();
    private Fixture fixture;

    @BeforeEach
    void start() {
        // enforcement off: only the returns write, so what is written here is theirs
        fixture = new Fixture(ManagerSettings.defaults().withTimeouts(1000, 1000).withEnforcement(false, 400));
        fixture.twin.expect(ID, "setpoint", "42");
        fixture.put(MODEL);
        fixture.put(DEVICE);
        fixture.addDriver("register", new RegisterDriver(plant), 0);
        await().atMost(WAIT).until(() -> "42".equals(plant.value("plc-01", "setpoint"))
                && fixture.device(ID).state() == DeviceRunState.ONLINE);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aDeviceThatLeftDuringTheRewriteOnItsReturnIsWrittenAtOnceWhenItIsBack() {
        plant.drop("plc-01");
        await().atMost(WAIT).pollInterval(POLL).until(() -> fixture.device(ID).state() == DeviceRunState.OFFLINE);
        // it answers the read that sees it back, then drops off again during the rewrite (a second power cut)
        int writes = plant.writeCalls.get();
        plant.droppingOnWrite.add("plc-01");
        plant.comeBack("plc-01");
        await().atMost(WAIT).pollInterval(POLL).until(() -> plant.writeCalls.get() > writes
                && fixture.device(ID).lastError().contains("does not answer")
                && fixture.device(ID).state() == DeviceRunState.OFFLINE);

        plant.comeBack("plc-01");

        // the return within the pause after the failed rewrite is written (it was dropped, and the device kept
        // 0 until some later occasion)
        await().atMost(WAIT).pollInterval(POLL).until(() -> "42".equals(plant.value("plc-01", "setpoint")));
        assertThat(fixture.device(ID).state()).isEqualTo(DeviceRunState.ONLINE);
    }

    @Test
    void aDeviceThatWasAwayIsWrittenAtOnceWhenItIsBackWhateverPauseFailedRewritesLeft() throws Exception {
        plant.failingWrites.add("plc-01");
        int writes = plant.writeCalls.get();
        plant.reconnecting.add("plc-01");
        // three failed rewrites: the next one would wait 4 s
        await().atMost(WAIT).pollInterval(POLL).until(() -> plant.writeCalls.get() >= writes + 3);

        plant.drop("plc-01");
        plant.failingWrites.remove("plc-01");
        long failed = fixture.device(ID).failedReads();
        await().atMost(WAIT).pollInterval(POLL).until(() -> fixture.device(ID).failedReads() > failed);
        long back = System.nanoTime();
        plant.comeBack("plc-01");

        await().atMost(WAIT).pollInterval(POLL).until(() -> "42".equals(plant.value("plc-01", "setpoint")));
        assertThat(Duration.ofNanos(System.nanoTime() - back)).as("written when it is back, not after the pause")
                .isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void aDeviceThatAnswersReadsButFailsWritesIsWrittenAgainAfterThePause() throws Exception {
        plant.failingWrites.add("plc-01");
        plant.restartQuietly("plc-01");
        int writes = plant.writeCalls.get();
        plant.reconnecting.add("plc-01"); // the driver connected again: the values are written, and that fails

        await().atMost(WAIT).pollInterval(POLL).until(() -> plant.writeCalls.get() >= writes + 2);
        Thread.sleep(1500); // 75 collect cycles, each of them a return after the write failed
        assertThat(plant.writeCalls.get() - writes).as("written on the first returns, then after 1 s, 2 s ...")
                .isBetween(2, 4);
        assertThat(plant.value("plc-01", "setpoint")).isEqualTo("0");

        plant.failingWrites.remove("plc-01");
        // the next rewrite comes when the pause ends, though the device is online and reads all along
        await().atMost(WAIT).pollInterval(POLL).until(() -> "42".equals(plant.value("plc-01", "setpoint")));
        assertThat(fixture.property(ID, "setpoint").writeResult()).isEqualTo("ok");
    }
}
