package io.karedge.dmi.internal;

import io.karedge.dmi.internal.proto.UpdateDeviceRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The DMI tests' mapper-framework double ({@link FrameworkMapper}) for tests outside its package: a mapper that
 * registers over the node's DMI socket, opens its own socket afterwards and reports every property on a new
 * connection, as a KubeEdge mapper-framework mapper does.
 */
public final class MapperDouble implements AutoCloseable {

    private final FrameworkMapper mapper;

    public MapperDouble(Path dmiSocket, Path ownSocket, String protocol, long reportMillis) {
        this.mapper = new FrameworkMapper(dmiSocket, ownSocket, protocol, reportMillis);
    }

    /** Registers and starts its devices; @return the names of the devices the node gave it */
    public List<String> start() throws Exception {
        return mapper.start().getDeviceListList().stream().map(d -> d.getNamespace() + "/" + d.getName()).toList();
    }

    /** @return the desired value the mapper holds for a property of a device ({@code <ns>/<name>}), or null */
    public String held(String device, String property) {
        return mapper.desired.getOrDefault(device, Map.of()).get(property);
    }

    /** @return the value the device behind the mapper holds, or null */
    public String deviceValue(String device, String property) {
        return mapper.device.getOrDefault(device, Map.of()).get(property);
    }

    /** @return the desired values of {@code property} in every UpdateDevice the node sent, in order */
    public List<String> updatesOf(String property) {
        return mapper.server() == null ? List.of() : mapper.server().received(UpdateDeviceRequest.class).stream()
                .flatMap(update -> update.getDevice().getSpec().getPropertiesList().stream())
                .filter(p -> p.getName().equals(property)).map(p -> p.getDesired().getValue()).toList();
    }

    public int reports() {
        return mapper.reports.get();
    }

    /** @return what the node sent that the real mapper framework would fail on */
    public List<String> violations() {
        return List.copyOf(mapper.violations);
    }

    @Override
    public void close() throws Exception {
        mapper.close();
    }
}
