package io.karedge.dmi.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.PushingHandler;
import java.util.List;

/**
 * Stands in, at the highest ranking, for the in-process driver of a protocol that a reachable external
 * mapper claims: the device manager binds the protocol's devices to it, so the in-process driver stands by
 * and never talks to them. Its handlers poll nothing (the mapper reports over DMI) and refuse edge writes
 * (desired values reach the mapper with the device spec). When the claim lapses, this service goes away
 * and the device manager binds the in-process driver again.
 */
final class MapperClaimDriver implements ProtocolDriver {

    /** Service property marking these stand-ins, so the DMI does not count them as in-process drivers. */
    static final String CLAIM_PROPERTY = "karedge.dmi.claim";

    private final String protocol;

    MapperClaimDriver(String protocol) {
        this.protocol = protocol;
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        return new ClaimedHandler("served by the external mapper of protocol " + protocol + " over DMI");
    }

    private record ClaimedHandler(String reason) implements PushingHandler {

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
            return writes.stream().map(write -> PropertyValue.failed(write.name(), reason)).toList();
        }

        @Override
        public void close() {
            // nothing was opened
        }
    }
}
