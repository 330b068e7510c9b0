package io.karedge.dmi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.twin.TwinListener;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.store.internal.StoreComponent;
import io.karedge.twin.internal.DesiredOracle;
import io.karedge.twin.internal.DurableTwin;
import io.karedge.twin.internal.TwinEngineComponent;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Explores sequences with an external DMI mapper ({@link FrameworkMapper}, which behaves like KubeEdge's
 * mapper-framework): desired values written from random sources (REST, shell, MQTT {@code twin/update}, the
 * Device spec), some refused by the DeviceModel, interleaved with node restarts (store, twin engine and DMI
 * server started again while the mapper keeps running), restarts of the DMI server alone (its bundle
 * reinstalled), the mapper stopping and later starting and registering again, and the device behind the mapper
 * restarting (its value back to 0 while the mapper still holds the desired one). After every step the twin
 * holds the last accepted value; while the mapper runs, it holds that value and the device has it; no refused
 * value ever reached the device, and the double saw nothing the real framework would fail on. Real twin engine,
 * real SQLite store, real gRPC over unix sockets.
 *
 * <p>A fixed seed and a random one run each time; a failure names its seed and step. Set
 * {@code -Dmapper.sequence.seed=N} to replay one, {@code -Dmapper.sequence.steps=N} for longer runs.
 */
class MapperSequenceTest {

    private static final long FIXED_SEED = 0x18CL;
    private static final int STEPS = Integer.getInteger("mapper.sequence.steps", 1200);
    private static final String NODE = "edge-1";
    private static final String DEVICE = "default/random-01";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void aFixedSeed() throws Exception {
        run(Long.getLong("mapper.sequence.seed", FIXED_SEED));
    }

    @Test
    void aRandomSeed() throws Exception {
        run(new SecureRandom().nextLong());
    }

    private void run(long seed) throws Exception {
        Sequence sequence = new Sequence(seed);
        try {
            sequence.run(STEPS);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("mapper sequence with seed " + seed + " failed at step " + sequence.step + " ("
                    + sequence.desired.last() + "); replay with -Dmapper.sequence.seed=" + seed + "; the steps before: "
                    + sequence.history + ": " + e.getMessage(), e);
        } finally {
            sequence.close();
        }
    }

    private final class Sequence implements AutoCloseable {

        final Random random;
        final Deque<String> history = new ArrayDeque<>();
        final Node node = new Node();
        final DesiredOracle desired;
        FrameworkMapper mapper;
        int step;
        int mapperStarts;

        Sequence(long seed) {
            this.random = new Random(seed);
            this.desired = new DesiredOracle(random, node.twin, DEVICE, "temperature", "17", node::putDevice, WAIT);
        }

        void run(int steps) throws Exception {
            node.start(true);
            startMapper();
            verify();
            for (step = 1; step <= steps; step++) {
                desired.stepBegins();
                int dice = random.nextInt(100);
                if (dice < 28) {
                    desired.edgeWrite(random.nextBoolean() ? TwinOrigin.REST : TwinOrigin.SHELL);
                } else if (dice < 40) {
                    desired.mqttWrite("e" + step);
                } else if (dice < 48) {
                    desired.specWrite();
                } else if (dice < 52) {
                    desired.readOnlyWrite("label", "x");
                } else if (dice < 55) {
                    desired.note("node restart");
                    node.stop();
                    node.start(false);
                } else if (dice < 59) {
                    desired.note("DMI server restart (bundle reinstalled)");
                    node.restartService();
                } else if (dice < 67) {
                    if (mapper != null) {
                        desired.note("mapper stops");
                        mapper.close();
                        check(mapper);
                        mapper = null;
                    } else {
                        desired.note("mapper starts and registers again");
                        startMapper();
                    }
                } else if (dice < 75 && mapper != null) {
                    desired.note("the device behind the mapper restarts");
                    mapper.deviceRestarts(DEVICE);
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
            assertThat(mapperStarts).as("the mapper registered again").isGreaterThan(1);
        }

        void startMapper() throws Exception {
            mapper = new FrameworkMapper(dir.resolve("dmi.sock"), dir.resolve("random.sock"), "random", 40);
            var answer = mapper.start();
            mapperStarts++;
            assertThat(answer.getDeviceListList()).singleElement().satisfies(device -> assertThat(device.getSpec()
                    .getProperties(0).getDesired().getValue()).as("the registration answer's desired value")
                    .isEqualTo(desired.accepted()));
        }

        void verify() {
            String accepted = desired.accepted();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(1))
                    .untilAsserted(() -> assertThat(desired.expected()).as("twin expected").isEqualTo(accepted));
            if (mapper != null) {
                FrameworkMapper running = mapper;
                await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
                    assertThat(running.desired.getOrDefault(DEVICE, Map.of()).get("temperature"))
                            .as("the mapper's desired value").isEqualTo(accepted);
                    assertThat(running.device.getOrDefault(DEVICE, Map.of()).get("temperature"))
                            .as("the device's value").isEqualTo(accepted);
                });
                check(running);
            }
        }

        void check(FrameworkMapper which) {
            assertThat(which.violations).as("what the real mapper framework would fail on").isEmpty();
            for (String applied; (applied = which.applied.poll()) != null; ) {
                String value = applied.substring(applied.indexOf('=') + 1);
                assertThat(applied).startsWith(DEVICE + "/temperature=");
                assertThat(desired.everAccepted()).as("every value set on the device was accepted").contains(value);
                assertThat(value).as("a step sets only the value accepted before or after it")
                        .isIn(desired.before(), desired.accepted());
            }
        }

        @Override
        public void close() throws Exception {
            if (mapper != null) {
                mapper.close();
            }
            node.stop();
        }
    }

    /** The node's parts that matter here: store, twin engine, DMI server. */
    private final class Node {

        final DurableTwin twin = new DurableTwin(NODE, dir);
        StoreComponent store;
        TwinEngineComponent engine;
        DmiService service;
        TwinListener listener;

        void start(boolean fresh) throws Exception {
            store = twin.openStore();
            if (fresh) {
                store.put(Resources.json("""
                        {"apiVersion": "devices.kubeedge.io/v1beta1", "kind": "DeviceModel",
                         "metadata": {"name": "random-model", "namespace": "default"},
                         "spec": {"protocol": "random", "properties": [
                           {"name": "temperature", "type": "INT", "accessMode": "ReadWrite",
                            "minimum": "5", "maximum": "30"},
                           {"name": "label", "type": "STRING", "accessMode": "ReadOnly"}]}}
                        """), "manifest");
                putDevice("17");
            }
            engine = twin.startEngine();
            startService();
        }

        void startService() throws Exception {
            service = new DmiService(new DmiSettings(dir.resolve("dmi.sock"), dir.resolve("dmi-mappers.json"), 500,
                    2000, 20, 200, 2000, 0, 1, 3000, 20, 200, true), NODE, store, engine, claims -> { },
                    Clock.systemUTC());
            listener = service::twinChanged;
            twin.addListener(listener);
        }

        void restartService() throws Exception {
            DmiService old = service;
            service = null;
            twin.removeListener(listener);
            old.close();
            startService();
        }

        void putDevice(String desired) {
            store.put(Resources.json("""
                    {"apiVersion": "devices.kubeedge.io/v1beta1", "kind": "Device",
                     "metadata": {"name": "random-01", "namespace": "default"},
                     "spec": {"deviceModelRef": {"name": "random-model"}, "nodeName": "%s",
                              "protocol": {"protocolName": "random", "configData": {"seed": 7}},
                              "properties": [
                                {"name": "temperature", "desired": {"value": "%s", "metadata": {"type": "int"}},
                                 "collectCycle": 1000, "reportCycle": 1000, "reportToCloud": true,
                                 "visitors": {"protocolName": "random", "configData": {"min": 0, "max": 100}}},
                                {"name": "label", "desired": {"value": "", "metadata": {"type": "string"}},
                                 "reportToCloud": false,
                                 "visitors": {"protocolName": "random", "configData": {}}}]}}
                    """.formatted(NODE, desired)), "manifest");
        }

        void stop() {
            if (service != null) {
                service.close();
                service = null;
            }
            twin.stop();
            engine = null;
            store = null;
        }
    }
}
