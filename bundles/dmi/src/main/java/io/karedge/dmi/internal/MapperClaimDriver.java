package io.karedge.dmi.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.PushingHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands in, at the highest ranking, for the in-process driver of a protocol that a reachable external
 * mapper claims: the device manager binds the protocol's devices to it, so the in-process driver stands by
 * and never talks to them. Its handlers poll nothing (the mapper reports over DMI); a write of desired values
 * (the device manager writes the twin's accepted values) is handed to the {@link DesiredSink}, which gives
 * them to the mapper with {@code UpdateDevice}. When the claim lapses, this service goes away and the device
 * manager binds the in-process driver again.
 */
final class MapperClaimDriver implements ProtocolDriver {

    /** Where the desired values of a claimed device go ({@link DeviceCatalog#desired}). */
    interface DesiredSink {
        /** @return whether the device is known and the values will reach its mapper */
        boolean desired(String namespace, String name, Map<String, String> values);
    }

    /** Service property marking these stand-ins, so the DMI does not count them as in-process drivers. */
    static final String CLAIM_PROPERTY = "karedge.dmi.claim";

    private final String protocol;
    private final DesiredSink sink;

    MapperClaimDriver(String protocol, DesiredSink sink) {
        this.protocol = protocol;
        this.sink = sink;
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        String namespace = device.metadata().getNamespace() == null ? "default" : device.metadata().getNamespace();
        return new ClaimedHandler(namespace, device.metadata().getName(), sink,
                "device is not known to the DMI server of protocol " + protocol);
    }

    private record ClaimedHandler(String namespace, String name, DesiredSink sink, String unknown)
            implements PushingHandler {

        @Override
        public List<PropertyRequest> subscribe(List<PropertyRequest> requests) {
            return requests;
        }

        @Override
        public List<PropertyValue> read(List<PropertyRequest> requests) {
            return List.of();
        }

        @Override
        public List<PropertyValue> write(List<PropertyWrite> writes) {
            Map<String, String> values = new LinkedHashMap<>();
            writes.forEach(write -> values.put(write.name(), write.value()));
            if (!sink.desired(namespace, name, values)) {
                return writes.stream().map(write -> PropertyValue.failed(write.name(), unknown)).toList();
            }
            return writes.stream().map(write -> PropertyValue.of(write.name(), write.value(), write.target().type()))
                    .toList();
        }

        @Override
        public void close() {
            // nothing was opened
        }
    }
}
