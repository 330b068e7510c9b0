package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinStore;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.PropertyInfo;
import io.karedge.dmi.MapperRegistry;
import org.apache.karaf.features.FeaturesService;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * One boot: devices bound to the virtual driver, the shell views, and hot swap of the driver and of the
 * device manager: stop, start and update pause the devices and bring them back, with a short polling gap.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DevicesIT extends KaredgeTestSupport {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final String FAST = "default/fast-counter";

    @Configuration
    public Option[] config() {
        return baseConfiguration(CoreOptions.systemProperty("karedge.itest.mqtt.driver")
                .value(System.getProperty("karedge.mqtt.driver", "")));
    }

    @Test
    public void aDriverJarDroppedIntoDeployStartsItsDevicesAndRemovingItPausesThem() throws Exception {
        Path jar = Path.of(System.getProperty("karedge.itest.mqtt.driver"));
        assertTrue("the MQTT driver jar to deploy: " + jar, Files.isRegularFile(jar));
        // a device of another driver, settled first (an earlier test of this boot may have restarted the manager)
        await("counter-01 online", BOOT, () -> state(status(), "default/counter-01") == DeviceRunState.ONLINE);
        DeviceInfo before = status().device("default/counter-01").orElseThrow();
        MetaStore store = service(MetaStore.class);
        store.put(mqttDevice(), "local");
        await("MQTT device waits for its driver", BOOT,
                () -> state(status(), "default/mqtt-dev-1") == DeviceRunState.NO_DRIVER);

        Path deployed = Path.of(System.getProperty("karaf.base"), "deploy", "io.karedge.protocol.mqtt.jar");
        Files.copy(jar, deployed, StandardCopyOption.REPLACE_EXISTING);
        await("MQTT device bound to the deployed driver", Duration.ofSeconds(30), () -> {
            DeviceInfo info = status().device("default/mqtt-dev-1").orElse(null);
            return info != null && info.driver().startsWith("io.karedge.protocol.mqtt");
        });

        Files.delete(deployed);
        await("MQTT device waits again", Duration.ofSeconds(30), () -> {
            DeviceRunState state = state(status(), "default/mqtt-dev-1");
            return state == DeviceRunState.NO_DRIVER || state == DeviceRunState.PAUSED;
        });
        DeviceInfo after = status().device("default/counter-01").orElseThrow();
        assertEquals("another driver's device is left alone: " + after, DeviceRunState.ONLINE, after.state());
        assertEquals("another driver's device was not re-opened: " + after, before.since(), after.since());
    }

    private static ObjectNode mqttDevice() {
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        device.putObject("metadata").put("name", "mqtt-dev-1").put("namespace", "default");
        ObjectNode spec = device.putObject("spec");
        ObjectNode protocol = spec.putObject("protocol");
        protocol.put("protocolName", "mqtt");
        // no broker listens here: the driver binds the device and reports it offline
        protocol.putObject("configData").put("brokerURL", "tcp://127.0.0.1:" + freePort())
                .put("topic", "plant/mqtt-dev-1/state");
        ObjectNode level = spec.putArray("properties").addObject();
        level.put("name", "level");
        level.putObject("visitors").put("protocolName", "mqtt").putObject("configData").put("key", "level");
        return device;
    }

    @Test
    public void demoDevicesRunAndTheShellShowsThem() throws Exception {
        DeviceManagerStatus status = service(DeviceManagerStatus.class);
        await("demo devices online", BOOT, () -> state(status, "default/counter-01") == DeviceRunState.ONLINE);
        String drivers = execute("edge:drivers");
        assertTrue(drivers, drivers.contains("virtual") && drivers.contains("io.karedge.protocol.virtual"));
        String device = execute("edge:device counter-01");
        assertTrue(device, device.contains("count") && device.contains("ONLINE"));
    }

    @Test
    public void aDriverUpdateLeavesAShortPollingGapAndStopPausesItsDevices() throws Exception {
        MetaStore store = service(MetaStore.class);
        store.put(fastCounter(), "local");
        DeviceManagerStatus status = service(DeviceManagerStatus.class);
        await("fast counter online", BOOT, () -> state(status, FAST) == DeviceRunState.ONLINE);

        Bundle driver = bundle("io.karedge.protocol.virtual");
        long gap = longestReadGapWhile(() -> {
            driver.update();
            return null;
        });
        assertTrue("polling gap across a driver update: " + gap + " ms", gap < 1_000);

        driver.stop();
        await("devices wait for the driver", Duration.ofSeconds(5),
                () -> state(status(), FAST) != DeviceRunState.ONLINE);
        long stopped = System.nanoTime();
        driver.start();
        await("devices back within 1 s of the driver", Duration.ofSeconds(5),
                () -> state(status(), FAST) == DeviceRunState.ONLINE);
        long backMillis = (System.nanoTime() - stopped) / 1_000_000;
        assertTrue("device back after " + backMillis + " ms", backMillis < 2_000);
    }

    @Test
    public void anEdgeDesiredValueOutlivesADriverReinstallAndADeviceManagerRestartAndForbiddenOnesAreRefused()
            throws Exception {
        String id = "default/thermometer-02";
        TwinEngine twins = service(TwinEngine.class);
        await("thermometer-02 online", BOOT, () -> state(status(), id) == DeviceRunState.ONLINE
                && twins.device(id).isPresent());
        assertEquals(200, twins.setDesired(id, "setpoint", "18", TwinStore.ANY_VERSION, TwinOrigin.REST)
                .toCompletableFuture().get(10, TimeUnit.SECONDS).code());
        await("the device holds 18", Duration.ofSeconds(15), () -> "18".equals(setpoint(id).value()));

        bundle("io.karedge.protocol.virtual").update(); // a reinstalled driver opens the device from scratch
        await("after the driver update the device holds 18, not the manifest's 20", Duration.ofSeconds(30),
                () -> state(status(), id) == DeviceRunState.ONLINE && "18".equals(setpoint(id).value()));
        Bundle manager = bundle("io.karedge.device.manager");
        manager.stop();
        manager.start();
        await("after a device manager restart the device holds 18", Duration.ofSeconds(30),
                () -> state(status(), id) == DeviceRunState.ONLINE && "18".equals(setpoint(id).value())
                        && "18".equals(setpoint(id).desired()));

        TwinReply aboveMaximum = twins.setDesired(id, "setpoint", "99", TwinStore.ANY_VERSION, TwinOrigin.REST)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(aboveMaximum.reason(), 400, aboveMaximum.code());
        assertTrue(aboveMaximum.reason(), aboveMaximum.reason().contains("above the maximum 30"));
        TwinReply readOnly = twins.setDesired(id, "temperature", "18", TwinStore.ANY_VERSION, TwinOrigin.SHELL)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(readOnly.reason(), 400, readOnly.code());
        Thread.sleep(500);
        assertEquals("18", setpoint(id).value());
        assertEquals(200, twins.setDesired(id, "setpoint", "20", TwinStore.ANY_VERSION, TwinOrigin.REST)
                .toCompletableFuture().get(10, TimeUnit.SECONDS).code());
    }

    private PropertyInfo setpoint(String id) {
        return status().device(id).flatMap(d -> d.properties().stream().filter(p -> p.name().equals("setpoint"))
                .findFirst()).orElseThrow();
    }

    @Test
    public void deviceManagerStopStartAndUpdateRebuildFromTheStore() throws Exception {
        await("demo devices online", BOOT,
                () -> state(status(), "default/counter-01") == DeviceRunState.ONLINE);
        Bundle manager = bundle("io.karedge.device.manager");
        manager.stop();
        manager.start();
        await("online after restart", Duration.ofSeconds(15),
                () -> state(status(), "default/counter-01") == DeviceRunState.ONLINE);
        manager.update();
        await("online after update", Duration.ofSeconds(30),
                () -> state(status(), "default/counter-01") == DeviceRunState.ONLINE);
        assertEquals(Bundle.ACTIVE, manager.getState());
    }

    @Test
    public void protocolAndDmiFeaturesInstallOfflineAndBindOrReleaseTheirDevices() throws Exception {
        MetaStore store = service(MetaStore.class);
        store.put(modbusDevice(), "local");
        await("modbus device waits for its driver", BOOT,
                () -> state(status(), "default/plc-1") == DeviceRunState.NO_DRIVER);

        FeaturesService features = service(FeaturesService.class);
        long installStarted = System.nanoTime();
        features.installFeature("karedge-protocol-modbus", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        await("modbus device bound to the driver", Duration.ofSeconds(30), () -> {
            DeviceInfo info = status().device("default/plc-1").orElse(null);
            return info != null && info.driver().startsWith("io.karedge.protocol.modbus");
        });
        System.out.println("karedge-protocol-modbus: install to device bound "
                + (System.nanoTime() - installStarted) / 1_000_000 + " ms");
        assertTrue(execute("edge:drivers").contains("modbus"));

        features.uninstallFeature("karedge-protocol-modbus", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        await("modbus device waits again", Duration.ofSeconds(30), () -> {
            DeviceRunState state = state(status(), "default/plc-1");
            return state == DeviceRunState.NO_DRIVER || state == DeviceRunState.PAUSED;
        });
        assertEquals(DeviceRunState.ONLINE, state(status(), "default/counter-01"));

        features.installFeature("karedge-dmi", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        MapperRegistry mappers = service(MapperRegistry.class);
        assertTrue(mappers.mappers().isEmpty());
        assertEquals(Bundle.ACTIVE, bundle("io.karedge.dmi").getState());
    }

    private static ObjectNode modbusDevice() {
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        device.putObject("metadata").put("name", "plc-1").put("namespace", "default");
        ObjectNode spec = device.putObject("spec");
        ObjectNode protocol = spec.putObject("protocol");
        protocol.put("protocolName", "modbus");
        // nothing listens here: the driver binds the device and reports it offline
        protocol.putObject("configData").put("ip", "127.0.0.1").put("port", freePort()).put("slaveID", 1);
        ObjectNode level = spec.putArray("properties").addObject();
        level.put("name", "level").put("collectCycle", 1000);
        level.putObject("visitors").put("protocolName", "modbus").putObject("configData")
                .put("register", "HoldingRegister").put("offset", 0).put("limit", 1);
        return device;
    }

    private interface Action {
        Object run() throws Exception;
    }

    /** Samples the fast counter's last read time every 10 ms while {@code action} runs and 3 s after. */
    private long longestReadGapWhile(Action action) throws Exception {
        AtomicReference<Instant> last = new AtomicReference<>();
        AtomicLong longest = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                Instant read = lastRead();
                if (read != null) {
                    Instant previous = last.get();
                    if (previous != null && read.isAfter(previous)) {
                        longest.accumulateAndGet(Duration.between(previous, read).toMillis(), Math::max);
                    }
                    if (previous == null || read.isAfter(previous)) {
                        last.set(read);
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "itest-gap-sampler");
        sampler.start();
        Thread.sleep(1_000);
        action.run();
        Thread.sleep(3_000);
        sampling.set(false);
        sampler.join();
        return longest.get();
    }

    private Instant lastRead() {
        Optional<DeviceInfo> device = status().device(FAST);
        return device.flatMap(info -> info.properties().stream().filter(p -> p.name().equals("count")).findFirst())
                .map(PropertyInfo::readAt).orElse(null);
    }

    /** The current DeviceManagerStatus (it is replaced when the device manager bundle restarts). */
    private DeviceManagerStatus status() {
        try {
            return service(DeviceManagerStatus.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static DeviceRunState state(DeviceManagerStatus status, String id) {
        return status.device(id).map(DeviceInfo::state).orElse(null);
    }

    private static ObjectNode fastCounter() {
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        device.putObject("metadata").put("name", "fast-counter").put("namespace", "default");
        ObjectNode spec = device.putObject("spec");
        spec.putObject("deviceModelRef").put("name", "counter-model");
        spec.putObject("protocol").put("protocolName", "virtual");
        ObjectNode count = spec.putArray("properties").addObject();
        count.put("name", "count").put("collectCycle", 100).put("reportCycle", 1000);
        count.putObject("visitors").put("protocolName", "virtual").putObject("configData").put("generator", "counter");
        return device;
    }
}
