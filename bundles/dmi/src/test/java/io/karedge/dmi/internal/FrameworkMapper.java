package io.karedge.dmi.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.karedge.dmi.internal.proto.CreateDeviceModelRequest;
import io.karedge.dmi.internal.proto.Device;
import io.karedge.dmi.internal.proto.DeviceManagerServiceGrpc;
import io.karedge.dmi.internal.proto.DeviceModel;
import io.karedge.dmi.internal.proto.DeviceProperty;
import io.karedge.dmi.internal.proto.DeviceStatus;
import io.karedge.dmi.internal.proto.MapperInfo;
import io.karedge.dmi.internal.proto.MapperRegisterRequest;
import io.karedge.dmi.internal.proto.MapperRegisterResponse;
import io.karedge.dmi.internal.proto.ModelProperty;
import io.karedge.dmi.internal.proto.RegisterDeviceRequest;
import io.karedge.dmi.internal.proto.RemoveDeviceRequest;
import io.karedge.dmi.internal.proto.ReportDeviceStatusRequest;
import io.karedge.dmi.internal.proto.Twin;
import io.karedge.dmi.internal.proto.TwinProperty;
import io.karedge.dmi.internal.proto.UpdateDeviceModelRequest;
import io.karedge.dmi.internal.proto.UpdateDeviceRequest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Behaves towards the edge node as a mapper built on KubeEdge's mapper-framework (v1.22.2, the generated
 * template) does:
 * <ul>
 * <li>{@code MapperRegister} first (withData); its own socket is opened only after that call returned, once
 * the devices of the answer were started;</li>
 * <li>devices start only when the answer holds devices <em>and</em> models; starting a device sets
 * ({@code SetDeviceData}) each property's {@code desired.value} unless the model makes it {@code ReadOnly};
 * a value that does not convert to the model's type is an error and that property is neither set nor
 * reported;</li>
 * <li>{@code UpdateDevice} stops the device and starts it again with the new spec; it needs the device's model
 * among those the mapper holds (from the registration or {@code CreateDeviceModel}), else it fails;
 * {@code RegisterDevice} of a device the mapper already runs changes nothing;</li>
 * <li>each property with {@code reportToCloud} is reported on its own cycle ({@code reportMillis} here), one
 * {@code ReportDeviceStatus} per property, each on a new connection with a 1 s deadline, carrying the desired
 * value the mapper holds as {@code observedDesired} and the device's own value as {@code reported}, both with
 * the metadata {@code type} of the spec's desired value and an empty {@code timestamp}.</li>
 * </ul>
 * Where the node sends what would break the real framework (a property without {@code desired}, which it
 * dereferences), the double records a violation.
 */
final class FrameworkMapper implements AutoCloseable {

    private final Path dmiSocket;
    private final Path ownSocket;
    private final String protocol;
    private final long reportMillis;
    /** {@code <ns>/<name>} to property to the desired value the mapper applied */
    final Map<String, Map<String, String>> desired = new ConcurrentHashMap<>();
    /** {@code <ns>/<name>} to property to the device's own value (what SetDeviceData wrote) */
    final Map<String, Map<String, String>> device = new ConcurrentHashMap<>();
    /** every SetDeviceData: {@code <ns>/<name>/<property>=<value>} */
    final Queue<String> applied = new ConcurrentLinkedQueue<>();
    /** what the node sent that the real mapper framework would fail on */
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicInteger reports = new AtomicInteger();
    final AtomicInteger updates = new AtomicInteger();
    private final Map<String, Device> specs = new ConcurrentHashMap<>();
    private final Map<String, DeviceModel> models = new ConcurrentHashMap<>();
    private final MapperChannels channels = new MapperChannels(500);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private FakeMapper server;

    FrameworkMapper(Path dmiSocket, Path ownSocket, String protocol, long reportMillis) {
        this.dmiSocket = dmiSocket;
        this.ownSocket = ownSocket;
        this.protocol = protocol;
        this.reportMillis = reportMillis;
    }

    /** Registers, then (after the answer) opens its own socket and starts reporting. */
    MapperRegisterResponse start() throws Exception {
        // the framework's deadline is 1 s; a loaded test machine gets more for this one call
        MapperRegisterResponse answer = call(5, stub -> stub.mapperRegister(MapperRegisterRequest.newBuilder()
                .setWithData(true)
                .setMapper(MapperInfo.newBuilder().setName(protocol + "-mapper").setVersion("v1.22.2")
                        .setApiVersion("v1.0.0").setProtocol(protocol)
                        .setAddress(ByteString.copyFromUtf8(ownSocket.toString())).setState("ok"))
                .build()));
        if (answer.getDeviceListCount() > 0 && answer.getModelListCount() > 0) {
            answer.getModelListList().forEach(model -> models.put(model.getNamespace() + "/" + model.getName(), model));
            answer.getDeviceListList().forEach(this::startDevice);
        }
        Thread.sleep(Math.min(reportMillis, 200)); // the framework starts its devices and REST server first
        server = new FakeMapper(ownSocket);
        server.onRequest = this::pushed;
        timer.scheduleAtFixedRate(this::report, reportMillis, reportMillis, TimeUnit.MILLISECONDS);
        return answer;
    }

    FakeMapper server() {
        return server;
    }

    /** The device behind the mapper restarted: its registers are back to 0, the mapper holds its values. */
    void deviceRestarts(String id) {
        Map<String, String> values = device.get(id);
        if (values != null) {
            values.replaceAll((property, value) -> "0");
        }
    }

    private void pushed(Message request) {
        if (request instanceof UpdateDeviceRequest update) {
            Device dmi = update.getDevice();
            if (!models.containsKey(dmi.getNamespace() + "/" + dmi.getSpec().getDeviceModelReference())) {
                throw Status.UNKNOWN.withDescription("deviceModel " + dmi.getSpec().getDeviceModelReference()
                        + " in " + dmi.getNamespace() + " namespace not found").asRuntimeException();
            }
            updates.incrementAndGet();
            startDevice(dmi);
        } else if (request instanceof RegisterDeviceRequest register) {
            Device dmi = register.getDevice();
            if (!specs.containsKey(dmi.getNamespace() + "/" + dmi.getName())) {
                startDevice(dmi);
            }
        } else if (request instanceof RemoveDeviceRequest remove) {
            String id = remove.getDeviceNamespace() + "/" + remove.getDeviceName();
            specs.remove(id);
            desired.remove(id);
        } else if (request instanceof CreateDeviceModelRequest create) {
            models.put(create.getModel().getNamespace() + "/" + create.getModel().getName(), create.getModel());
        } else if (request instanceof UpdateDeviceModelRequest update) {
            models.put(update.getModel().getNamespace() + "/" + update.getModel().getName(), update.getModel());
        }
    }

    private void startDevice(Device dmi) {
        String id = dmi.getNamespace() + "/" + dmi.getName();
        DeviceModel model = models.get(dmi.getNamespace() + "/" + dmi.getSpec().getDeviceModelReference());
        Map<String, String> held = new ConcurrentHashMap<>();
        Map<String, String> values = device.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
        for (DeviceProperty property : dmi.getSpec().getPropertiesList()) {
            if (!property.hasDesired()) {
                violations.add(id + "/" + property.getName() + ": no desired (the framework dereferences it)");
                continue;
            }
            ModelProperty rules = model == null ? null : model.getSpec().getPropertiesList().stream()
                    .filter(p -> p.getName().equals(property.getName())).findFirst().orElse(null);
            String value = property.getDesired().getValue();
            if (rules != null && "ReadOnly".equals(rules.getAccessMode())) {
                held.put(property.getName(), value); // read-only: never set, still reported
                continue;
            }
            if (!value.isEmpty() && !converts(rules == null ? "" : rules.getType(), value)) {
                continue; // the framework logs the conversion error and skips the twin
            }
            held.put(property.getName(), value);
            if (!value.isEmpty()) {
                values.put(property.getName(), value);
                applied.add(id + "/" + property.getName() + "=" + value);
            }
        }
        specs.put(id, dmi);
        desired.put(id, held);
    }

    /** The framework's conversion of a desired value to the property's data type. */
    private static boolean converts(String type, String value) {
        try {
            switch (type.toLowerCase(Locale.ROOT)) {
                case "int" -> Long.parseLong(value);
                case "float", "double" -> new BigDecimal(value);
                case "boolean" -> {
                    if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)
                            && !"1".equals(value) && !"0".equals(value)) {
                        return false;
                    }
                }
                default -> {
                    return true;
                }
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void report() {
        specs.forEach((id, spec) -> {
            Map<String, String> held = desired.getOrDefault(id, Map.of());
            for (DeviceProperty property : spec.getSpec().getPropertiesList()) {
                String value = held.get(property.getName());
                if (!property.getReportToCloud() || value == null) {
                    continue;
                }
                String type = property.getDesired().getMetadataOrDefault("type", "");
                ReportDeviceStatusRequest request = ReportDeviceStatusRequest.newBuilder()
                        .setDeviceNamespace(spec.getNamespace()).setDeviceName(spec.getName())
                        .setReportedDevice(DeviceStatus.newBuilder().addTwins(Twin.newBuilder()
                                .setPropertyName(property.getName())
                                .setObservedDesired(TwinProperty.newBuilder().setValue(value)
                                        .putMetadata("type", type).putMetadata("timestamp", ""))
                                .setReported(TwinProperty.newBuilder()
                                        .setValue(device.getOrDefault(id, Map.of()).getOrDefault(property.getName(), "0"))
                                        .putMetadata("type", type).putMetadata("timestamp", ""))))
                        .build();
                try {
                    call(1, stub -> stub.reportDeviceStatus(request));
                    reports.incrementAndGet();
                } catch (RuntimeException e) {
                    // the framework logs a failed report and carries on
                }
            }
        });
    }

    /** One call on a connection of its own, closed afterwards, as the framework does. */
    private <T> T call(int seconds,
                       java.util.function.Function<DeviceManagerServiceGrpc.DeviceManagerServiceBlockingStub, T> rpc) {
        ManagedChannel channel = channels.open(dmiSocket.toString());
        try {
            return rpc.apply(DeviceManagerServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(seconds, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
        }
    }

    @Override
    public void close() throws Exception {
        timer.shutdownNow();
        timer.awaitTermination(2, TimeUnit.SECONDS);
        if (server != null) {
            server.close();
        }
        channels.close();
    }
}
