package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.device.manager.DeviceRunState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code desired.enforce}: a device that lost its value without the node noticing an absence (it restarted
 * between two reads, or was set at its panel) is written its accepted desired value again; one that refuses the
 * write is not written in a loop; with enforcement off the node leaves it alone.
 */
class DesiredDriftTest {

    private static final String MODEL = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: DeviceModel
            metadata: {name: plc-model, namespace: default}
            spec:
              protocol: register
              properties:
                - {name: setpoint, type: INT, accessMode: ReadWrite}
                - {name: ratio, type: FLOAT, accessMode: ReadWrite}
                - {name: temperature, type: FLOAT, accessMode: ReadOnly}
            """;
    private static final String DEVICE = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: Device
            metadata: {name: plc-01, namespace: default}
            spec:
              deviceModelRef: {name: plc-model}
              protocol: {protocolName: register}
              properties:
                - {name: setpoint, collectCycle: 20}
                - {name: ratio, collectCycle: 20}
                - {name: temperature, collectCycle: 20}
            """;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RegisterDriver.Plant plant = new RegisterDriver.Plant();
    private Fixture fixture;

    private void start(boolean enforce) {
        fixture = new Fixture(ManagerSettings.defaults().withTimeouts(1000, 1000).withEnforcement(enforce, 400));
        fixture.twin.expect("default/plc-01", "setpoint", "42");
        fixture.twin.expect("default/plc-01", "ratio", "43");
        fixture.put(MODEL);
        fixture.put(DEVICE);
        fixture.addDriver("register", new RegisterDriver(plant), 0);
        await().atMost(WAIT).until(() -> "42".equals(plant.value("plc-01", "setpoint"))
                && fixture.device("default/plc-01").state() == DeviceRunState.ONLINE);
        plant.written.clear();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aDeviceThatRestartedBetweenTwoReadsGetsItsDesiredValueAgain() {
        start(true);
        plant.restartQuietly("plc-01");

        await().atMost(WAIT).until(() -> "42".equals(plant.value("plc-01", "setpoint"))
                && "43".equals(plant.value("plc-01", "ratio")));
        assertThat(plant.written).containsOnly("plc-01/setpoint=42", "plc-01/ratio=43");
        assertThat(fixture.device("default/plc-01").desiredRewrites()).isEqualTo(2);
        assertThat(fixture.device("default/plc-01").state()).isEqualTo(DeviceRunState.ONLINE);
        assertThat(fixture.property("default/plc-01", "setpoint").writeResult()).isEqualTo("ok");
    }

    @Test
    void aFloatThatReadsWithADecimalPointIsNotWrittenAgain() throws Exception {
        start(true);
        plant.setAtDevice("plc-01", "ratio", "43.0");
        int writes = plant.writeCalls.get();
        Thread.sleep(300); // fifteen collect cycles
        assertThat(plant.writeCalls.get()).isEqualTo(writes);
        assertThat(plant.value("plc-01", "ratio")).isEqualTo("43.0");
        assertThat(fixture.device("default/plc-01").desiredRewrites()).isZero();
    }

    @Test
    void aDeviceThatRefusesTheRewriteIsNotWrittenInALoop() throws Exception {
        start(true);
        int before = plant.writeCalls.get();
        plant.refusing.put("plc-01", true);
        plant.setAtDevice("plc-01", "setpoint", "7");
        await().atMost(WAIT).until(() -> plant.writeCalls.get() > before);
        Thread.sleep(1000); // fifty collect cycles
        assertThat(plant.writeCalls.get()).as("one refused rewrite, then it waits for a change or a return")
                .isEqualTo(before + 1);
        assertThat(fixture.property("default/plc-01", "setpoint").writeResult()).contains("refused");
        assertThat(plant.value("plc-01", "setpoint")).isEqualTo("7");
    }

    @Test
    void aDeviceThatKeepsDriftingIsWrittenAtMostOncePerPause() throws Exception {
        start(true);
        long end = System.currentTimeMillis() + 1500;
        while (System.currentTimeMillis() < end) { // someone at the panel keeps turning it back
            plant.setAtDevice("plc-01", "setpoint", "7");
            Thread.sleep(5);
        }
        // at once, then at most every 400 ms (the configured longest pause): a handful, not one per read
        assertThat(plant.written.stream().filter(w -> w.startsWith("plc-01/setpoint")).count()).isBetween(1L, 12L);
    }

    @Test
    void aDriverThatConnectedAgainHasTheDesiredValuesWrittenEvenWithEnforcementOff() {
        start(false);
        plant.restartQuietly("plc-01");
        plant.reconnecting.add("plc-01");
        await().atMost(WAIT).until(() -> "42".equals(plant.value("plc-01", "setpoint"))
                && "43".equals(plant.value("plc-01", "ratio")));
        assertThat(plant.written).containsOnly("plc-01/setpoint=42", "plc-01/ratio=43");
        assertThat(fixture.device("default/plc-01").desiredRewrites()).isZero();
    }

    @Test
    void withEnforcementOffADriftedValueIsLeftAlone() throws Exception {
        start(false);
        plant.restartQuietly("plc-01");
        Thread.sleep(300);
        assertThat(plant.written).isEmpty();
        assertThat(plant.value("plc-01", "setpoint")).isEqualTo("0");
    }
}
