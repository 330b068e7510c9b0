package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.store.internal.StoreComponent;
import io.karedge.twin.internal.DesiredOracle;
import io.karedge.twin.internal.DurableTwin;
import io.karedge.twin.internal.TwinEngineComponent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Explores sequences rather than paths: desired values written from random sources (REST, shell, MQTT
 * {@code twin/update}, the Device spec as a manifest, the local API or the cloud write it), some of them
 * refused by the DeviceModel, interleaved with node restarts (store reopened, twin engine and device manager
 * created again), driver reinstalls, a device that drops off and comes back reset, and one that restarts between
 * two reads (nothing fails, so only its readings tell; {@code desired.enforce}). After every step the
 * twin holds the last accepted value, the device holds it too whenever it is reachable, and no refused value
 * ever reached the device. Real twin engine, real SQLite store, the device manager without OSGi.
 *
 * <p>A fixed seed and a random one run each time; a failure names its seed and step. Set
 * {@code -Ddesired.sequence.seed=N} to replay one, {@code -Ddesired.sequence.steps=N} for longer runs,
 * {@code -Ddesired.sequence.writeStallMillis=N} for a driver whose every write stalls N ms.
 */
class DesiredSequenceTest {

    private static final long FIXED_SEED = 0x18L;
    private static final int STEPS = Integer.getInteger("desired.sequence.steps", 2500);
    /** a pause inside each write of the driver, before it looks at the device: stalled writes overlap steps */
    private static final int WRITE_STALL_MILLIS = Integer.getInteger("desired.sequence.writeStallMillis", 0);
    private static final String DEVICE = "default/plc-01";
    private static final String NODE = "node-1";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    @Test
    void aFixedSeed() {
        run(Long.getLong("desired.sequence.seed", FIXED_SEED));
    }

    @Test
    void aRandomSeed() {
        run(new SecureRandom().nextLong());
    }

    private void run(long seed) {
        Sequence sequence = new Sequence(seed);
        try {
            sequence.run(STEPS);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("desired-value sequence with seed " + seed + " failed at step " + sequence.step
                    + " (" + sequence.desired.last() + "); replay with -Ddesired.sequence.seed=" + seed
                    + "; the steps before: " + sequence.history + "; the device: " + sequence.node.deviceInfo() + ": "
                    + e.getMessage(), e);
        } finally {
            sequence.node.stop();
        }
    }

    /** One run: the plant, the node, and the oracle of what was accepted. */
    private final class Sequence {

        final Random random;
        final RegisterDriver.Plant plant = new RegisterDriver.Plant();
        final Node node = new Node(plant);
        final DesiredOracle desired;
        boolean offline;
        int step;
        final java.util.Deque<String> history = new java.util.ArrayDeque<>();

        Sequence(long seed) {
            this.random = new Random(seed);
            plant.writeStallMillis = WRITE_STALL_MILLIS;
            this.desired = new DesiredOracle(random, node.twin, DEVICE, "setpoint", "17", node::putDevice, WAIT);
        }

        void run(int steps) {
            node.start(true, false);
            verify();
            for (step = 1; step <= steps; step++) {
                desired.stepBegins();
                int dice = random.nextInt(100);
                if (dice < 30) {
                    desired.edgeWrite(random.nextBoolean() ? TwinOrigin.REST : TwinOrigin.SHELL);
                } else if (dice < 45) {
                    desired.mqttWrite("e" + step);
                } else if (dice < 55) {
                    desired.specWrite();
                } else if (dice < 60) {
                    desired.readOnlyWrite("temperature", "21");
                } else if (dice < 63) {
                    boolean late = random.nextInt(3) == 0;
                    desired.note(late ? "node restart, the twin engine comes late" : "node restart");
                    node.stop();
                    node.start(false, late);
                } else if (dice < 70) {
                    desired.note("driver reinstall");
                    node.reinstallDriver();
                } else if (dice < 80) {
                    dropOrReturn();
                } else if (dice < 85 && !offline) {
                    desired.note("device restarts between two reads");
                    plant.restartQuietly("plc-01");
                } else {
                    desired.note("quiet");
                }
                verify();
                history.addLast(step + ": " + desired.last());
                if (history.size() > 12) {
                    history.removeFirst();
                }
            }
            assertThat(desired.refused()).as("the sequence exercised refusals").isPositive();
        }

        void dropOrReturn() {
            if (offline) {
                desired.note("device returns reset");
                offline = false;
                plant.comeBack("plc-01");
            } else {
                desired.note("device drops off");
                offline = true;
                plant.drop("plc-01");
                await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> node.manager.device(DEVICE)
                        .map(d -> d.state() == DeviceRunState.OFFLINE).orElse(false));
            }
        }

        void verify() {
            String accepted = desired.accepted();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(1))
                    .untilAsserted(() -> assertThat(desired.expected()).as("twin expected").isEqualTo(accepted));
            if (!offline) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).untilAsserted(() ->
                        assertThat(plant.value("plc-01", "setpoint")).as("device register").isEqualTo(accepted));
            }
            for (String written : plant.written) {
                String value = written.substring(written.indexOf('=') + 1);
                assertThat(written).startsWith("plc-01/setpoint=");
                assertThat(desired.everAccepted()).as("every value written was accepted").contains(value);
                assertThat(value).as("a step writes only the value accepted before or after it, never an older one;"
                        + " written in this step: %s", plant.written).isIn(desired.before(), accepted);
            }
            plant.written.clear();
        }
    }

    /** The node's parts that matter here, stopped and started again like a node's restart. */
    private final class Node {

        private final AtomicLong serviceIds = new AtomicLong(1000);
        private final RegisterDriver.Plant plant;
        final DurableTwin twin = new DurableTwin(NODE, directory);
        StoreComponent store;
        TwinEngineComponent engine;
        DeviceManagerComponent manager;
        long driverId;

        Node(RegisterDriver.Plant plant) {
            this.plant = plant;
        }

        /** @param lateEngine the twin engine is bound after the devices were opened (DS gives no order) */
        void start(boolean fresh, boolean lateEngine) {
            store = twin.openStore();
            if (fresh) {
                put("""
                        apiVersion: devices.kubeedge.io/v1beta1
                        kind: DeviceModel
                        metadata: {name: plc-model, namespace: default}
                        spec:
                          protocol: register
                          properties:
                            - {name: setpoint, type: INT, accessMode: ReadWrite, minimum: "5", maximum: "30"}
                            - {name: temperature, type: FLOAT, accessMode: ReadOnly}
                        """);
                putDevice("17");
            }
            engine = twin.startEngine();
            manager = new DeviceManagerComponent(store, NODE, ManagerSettings.defaults().withTimeouts(1000, 1000)
                    .withEnforcement(true, 200));
            if (!lateEngine) {
                bindEngine();
            }
            driverId = serviceIds.incrementAndGet();
            manager.addDriver(new RegisterDriver(plant), "register", driverId, 0, "test.register", "1.0.0");
            if (lateEngine) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> manager.device(DEVICE)
                        .map(d -> d.state() != DeviceRunState.STARTING && d.state() != DeviceRunState.NO_MODEL)
                        .orElse(false));
                bindEngine();
            }
        }

        private void bindEngine() {
            manager.bindTwinEngine(engine);
            twin.addListener(manager);
        }

        String deviceInfo() {
            return manager == null ? "no manager" : manager.device(DEVICE).map(d -> d.state() + " (" + d.reason()
                    + "), last error " + d.lastError()).orElse("none");
        }

        void reinstallDriver() {
            manager.removeDriver(driverId);
            driverId = serviceIds.incrementAndGet();
            manager.addDriver(new RegisterDriver(plant), "register", driverId, 0, "test.register", "1.0.1");
        }

        void putDevice(String desired) {
            put("""
                    apiVersion: devices.kubeedge.io/v1beta1
                    kind: Device
                    metadata: {name: plc-01, namespace: default}
                    spec:
                      deviceModelRef: {name: plc-model}
                      protocol: {protocolName: register}
                      properties:
                        - {name: setpoint, collectCycle: 20, reportCycle: 1000, desired: {value: "%s"}}
                        - {name: temperature, collectCycle: 20}
                    """.formatted(desired));
        }

        void put(String yaml) {
            try {
                store.put((ObjectNode) YAML.readTree(yaml), "manifest");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void stop() {
            if (manager != null) {
                manager.deactivate();
                manager = null;
            }
            twin.stop();
            engine = null;
            store = null;
        }
    }
}
