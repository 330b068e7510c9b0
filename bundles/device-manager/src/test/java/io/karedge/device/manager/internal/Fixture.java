package io.karedge.device.manager.internal;

import io.karedge.test.support.InMemoryMetaStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.PropertyInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/** A device manager on an in-memory MetaStore and a fake twin engine, with drivers added by hand. */
final class Fixture implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final AtomicLong SERVICE_IDS = new AtomicLong(100);

    final InMemoryMetaStore store = new InMemoryMetaStore();
    final FakeTwinEngine twin = new FakeTwinEngine();
    final DeviceManagerComponent component;

    Fixture(ManagerSettings settings) {
        this(settings, true);
    }

    /** @param withEngine whether the fake twin engine is bound (else the manager runs without one) */
    Fixture(ManagerSettings settings, boolean withEngine) {
        component = new DeviceManagerComponent(store, "node-1", withEngine ? settings : settings.withTwinWait(0));
        if (withEngine) {
            component.bindTwinEngine(twin);
        }
    }

    Fixture() {
        this(ManagerSettings.defaults().withTimeouts(400, 300));
    }

    void put(String yaml) {
        try {
            store.put((ObjectNode) YAML.readTree(yaml), "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long addDriver(String protocol, ProtocolDriver driver, int ranking) {
        long id = SERVICE_IDS.incrementAndGet();
        component.addDriver(driver, protocol, id, ranking, "test.driver." + protocol, "1.0.0");
        return id;
    }

    DeviceInfo device(String id) {
        return component.device(id).orElseThrow(() -> new AssertionError("no device " + id));
    }

    PropertyInfo property(String id, String name) {
        return device(id).properties().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no property " + name));
    }

    @Override
    public void close() {
        component.deactivate();
    }

    static String device(String name, String protocol, String properties) {
        return """
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: %s, namespace: default}
                spec:
                  protocol: {protocolName: %s}
                  properties:
                %s
                """.formatted(name, protocol, properties.indent(4));
    }
}
