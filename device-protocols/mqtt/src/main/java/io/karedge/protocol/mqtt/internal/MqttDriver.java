package io.karedge.protocol.mqtt.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.karedge.api.device.Device;
import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolName;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mqtt} protocol: devices that publish their state as JSON on their own topics and take writes
 * on a command topic. Handlers push values ({@link io.karedge.device.driver.PushingHandler}); the driver owns
 * one small scheduler, shared by all its devices, for connecting, retrying and keep-alive pings.
 */
@Component(service = ProtocolDriver.class)
@ProtocolName(MqttDriver.PROTOCOL)
public final class MqttDriver implements ProtocolDriver {

    static final String PROTOCOL = "mqtt";
    private static final Logger LOG = LoggerFactory.getLogger(MqttDriver.class);

    private final ScheduledThreadPoolExecutor scheduler;
    private final ObjectMapper json = KaredgeJson.mapper();

    public MqttDriver() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "karedge-mqtt-driver-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        scheduler = new ScheduledThreadPoolExecutor(2, threads);
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void validate(Device device) {
        List<String> warnings = ConfigBinding.check(device, MqttSettings.class, MqttVisitor.Settings.class);
        String deviceTopic = ConfigBinding.protocolConfigAs(device, MqttSettings.class).topic();
        for (PropertyRequest request : PropertyRequest.of(device, null)) {
            MqttVisitor.of(request, deviceTopic);
        }
        warnings.forEach(LOG::warn);
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        MqttSettings settings = ConfigBinding.protocolConfigAs(device, MqttSettings.class);
        return new MqttHandler(device, callback, settings, scheduler, json);
    }

    /** Lets pending disconnects finish (briefly), then stops the scheduler. */
    @Deactivate
    void deactivate() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
