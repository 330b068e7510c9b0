package io.karedge.dmi.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.karedge.dmi.internal.proto.Device;
import io.karedge.dmi.internal.proto.DeviceManagerServiceGrpc;
import io.karedge.dmi.internal.proto.DeviceProperty;
import io.karedge.dmi.internal.proto.DeviceStatus;
import io.karedge.dmi.internal.proto.MapperInfo;
import io.karedge.dmi.internal.proto.MapperRegisterRequest;
import io.karedge.dmi.internal.proto.MapperRegisterResponse;
import io.karedge.dmi.internal.proto.ReportDeviceStatusRequest;
import io.karedge.dmi.internal.proto.Twin;
import io.karedge.dmi.internal.proto.TwinProperty;
import io.karedge.dmi.internal.proto.UpdateDeviceRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Behaves towards the edge node as a mapper built on KubeEdge's mapper-framework (v1.22) does:
 * {@code MapperRegister} first, its own socket opened only after that call returned; every device of the
 * answer started, its desired values applied ({@code SetDeviceData}) for properties the model does not make
 * ReadOnly; {@code UpdateDevice} restarts the device with the new desired values; every {@code reportMillis} one
 * {@code ReportDeviceStatus} per property, each on a new connection, carrying the desired value the mapper holds
 * as {@code observedDesired} and the device's value as {@code reported}.
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
    final AtomicInteger reports = new AtomicInteger();
    final AtomicInteger updates = new AtomicInteger();
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
        answer.getDeviceListList().forEach(this::startDevice);
        Thread.sleep(reportMillis); // the framework starts its devices and REST server before its DMI server
        server = new FakeMapper(ownSocket);
        server.onRequest = this::pushed;
        timer.scheduleAtFixedRate(this::report, reportMillis, reportMillis, TimeUnit.MILLISECONDS);
        return answer;
    }

    FakeMapper server() {
        return server;
    }

    private void pushed(Message request) {
        if (request instanceof UpdateDeviceRequest update) {
            updates.incrementAndGet();
            startDevice(update.getDevice());
        }
    }

    private void startDevice(Device dmi) {
        String id = dmi.getNamespace() + "/" + dmi.getName();
        Map<String, String> held = desired.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
        Map<String, String> values = device.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
        for (DeviceProperty property : dmi.getSpec().getPropertiesList()) {
            String value = property.getDesired().getValue();
            held.put(property.getName(), value);
            if (!value.isEmpty()) {
                values.put(property.getName(), value);
            }
        }
    }

    private void report() {
        desired.forEach((id, properties) -> properties.forEach((property, value) -> {
            int slash = id.indexOf('/');
            ReportDeviceStatusRequest request = ReportDeviceStatusRequest.newBuilder()
                    .setDeviceNamespace(id.substring(0, slash)).setDeviceName(id.substring(slash + 1))
                    .setReportedDevice(DeviceStatus.newBuilder().addTwins(Twin.newBuilder().setPropertyName(property)
                            .setObservedDesired(TwinProperty.newBuilder().setValue(value)
                                    .putMetadata("type", "integer"))
                            .setReported(TwinProperty.newBuilder()
                                    .setValue(device.get(id).getOrDefault(property, "0"))
                                    .putMetadata("type", "integer"))))
                    .build();
            try {
                call(1, stub -> stub.reportDeviceStatus(request));
                reports.incrementAndGet();
            } catch (RuntimeException e) {
                // the framework logs a failed report and carries on
            }
        }));
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
