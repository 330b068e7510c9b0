package io.karedge.dmi.internal;

import io.karedge.test.support.InMemoryMetaStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.FloatValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.dmi.MapperState;
import io.karedge.dmi.internal.proto.CreateDeviceModelRequest;
import io.karedge.dmi.internal.proto.Device;
import io.karedge.dmi.internal.proto.DeviceManagerServiceGrpc;
import io.karedge.dmi.internal.proto.DeviceManagerServiceGrpc.DeviceManagerServiceBlockingStub;
import io.karedge.dmi.internal.proto.DeviceStatus;
import io.karedge.dmi.internal.proto.MapperInfo;
import io.karedge.dmi.internal.proto.MapperRegisterRequest;
import io.karedge.dmi.internal.proto.MapperRegisterResponse;
import io.karedge.dmi.internal.proto.RegisterDeviceRequest;
import io.karedge.dmi.internal.proto.RemoveDeviceRequest;
import io.karedge.dmi.internal.proto.ReportDeviceStatesRequest;
import io.karedge.dmi.internal.proto.ReportDeviceStatusRequest;
import io.karedge.dmi.internal.proto.Twin;
import io.karedge.dmi.internal.proto.TwinProperty;
import io.karedge.dmi.internal.proto.UpdateDeviceModelRequest;
import io.karedge.dmi.internal.proto.UpdateDeviceRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DMI server end to end over unix sockets: a test client as the mapper, a fake mapper server. */
class DmiServiceTest {

    private static final String NODE = "node-1";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    private final FakeTwinEngine twins = new FakeTwinEngine();
    private final List<SortedSet<String>> claims = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DmiService service;
    private ManagedChannel channel;
    private DeviceManagerServiceBlockingStub client;

    @BeforeEach
    void setUp() throws Exception {
        store.put(Resources.model("thermo", "virtual"), "test");
        store.put(Resources.device("t1", "thermo", "virtual", NODE, "20"), "test");
        store.put(Resources.device("t2", "thermo", "virtual", "", "21"), "test");
        store.put(Resources.device("elsewhere", "thermo", "virtual", "node-2", "22"), "test");
        store.put(Resources.device("m1", "thermo", "modbus", NODE, "23"), "test");
        service = start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (service != null) {
            service.close();
        }
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private DmiSettings settings() {
        return new DmiSettings(dir.resolve("run/dmi.sock"), dir.resolve("dmi-mappers.json"), 500, 500, 50, 400,
                2000, 0, 1, 0);
    }

    private DmiService start() throws Exception {
        DmiService started = new DmiService(settings(), NODE, store, twins, claims::add,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        MapperChannels clientChannels = new MapperChannels(500);
        toClose.add(clientChannels);
        channel = clientChannels.open(settings().socketPath().toString());
        client = DeviceManagerServiceGrpc.newBlockingStub(channel);
        return started;
    }

    private FakeMapper mapper(String name) throws Exception {
        FakeMapper mapper = new FakeMapper(dir.resolve(name + ".sock"));
        toClose.add(mapper);
        return mapper;
    }

    private MapperRegisterResponse register(String protocol, Path socket) {
        return client.withDeadlineAfter(5, TimeUnit.SECONDS).mapperRegister(MapperRegisterRequest.newBuilder()
                .setWithData(true)
                .setMapper(MapperInfo.newBuilder().setName(protocol + "-mapper").setVersion("v1.13.0")
                        .setApiVersion("v1.0.0").setProtocol(protocol)
                        .setAddress(ByteString.copyFromUtf8(socket.toString())).setState("ok"))
                .build());
    }

    private static ReportDeviceStatusRequest report(String device, String property, String value) {
        return ReportDeviceStatusRequest.newBuilder().setDeviceName(device).setDeviceNamespace("default")
                .setReportedDevice(DeviceStatus.newBuilder().addTwins(Twin.newBuilder().setPropertyName(property)
                        .setObservedDesired(TwinProperty.newBuilder().setValue("20"))
                        .setReported(TwinProperty.newBuilder().setValue(value).putMetadata("type", "int"))))
                .build();
    }

    @Test
    void socketIsOwnerOnlyAndAStaleSocketIsReplaced() throws Exception {
        assertThat(Files.getPosixFilePermissions(settings().socketPath()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        service.close();
        service = null;
        Files.writeString(settings().socketPath(), "stale");
        service = start();
        assertThat(register("virtual", dir.resolve("none.sock")).getDeviceListCount()).isEqualTo(2);
    }

    @Test
    void registrationReturnsTheMembersOfTheProtocolWithTheirModels() throws Exception {
        FakeMapper mapper = mapper("virtual");
        MapperRegisterResponse response = register("virtual", mapper.socket());

        assertThat(response.getDeviceListList()).extracting(Device::getName).containsExactly("t1", "t2");
        assertThat(response.getModelListCount()).isEqualTo(2);
        assertThat(response.getModelList(0).getName()).isEqualTo("thermo");
        assertThat(response.getModelList(0).getNamespace()).isEqualTo("default");
        assertThat(response.getModelList(0).getSpec().getProperties(0).getType()).isEqualTo("INT");

        Device t1 = response.getDeviceList(0);
        assertThat(t1.getNamespace()).isEqualTo("default");
        assertThat(t1.getSpec().getDeviceModelReference()).isEqualTo("thermo");
        assertThat(t1.getSpec().getProtocol().getProtocolName()).isEqualTo("virtual");
        // model defaults under the device's own settings, numbers as 32-bit floats
        assertThat(t1.getSpec().getProtocol().getConfigData().getDataMap()).containsOnlyKeys("baudRate", "parity", "port");
        assertThat(unpackString(t1.getSpec().getProtocol().getConfigData().getDataMap().get("parity"))).isEqualTo("even");
        assertThat(t1.getSpec().getProtocol().getConfigData().getDataMap().get("baudRate").unpack(FloatValue.class)
                .getValue()).isEqualTo(9600f);
        var property = t1.getSpec().getProperties(0);
        assertThat(property.getDesired().getValue()).isEqualTo("20");
        assertThat(property.getVisitors().getProtocolName()).isEqualTo("virtual");
        assertThat(property.getVisitors().getConfigData().getDataMap()).containsOnlyKeys("register", "offset");
        assertThat(property.getVisitors().getConfigData().getDataMap().get("offset").unpack(FloatValue.class)
                .getValue()).isEqualTo(4f);
        assertThat(property.getCollectCycle()).isEqualTo(2000);
        assertThat(property.getReportCycle()).isEqualTo(5000);
        assertThat(property.getReportToCloud()).isTrue();
        assertThat(property.getPushMethod().getMqtt().getQos()).isEqualTo(1);
        assertThat(property.getPushMethod().getDbMethod().getTdengine().getTdEngineClientConfig().getDbname())
                .isEqualTo("edge");
        assertThat(t1.getStatus().getReportToCloud()).isTrue();
        assertThat(t1.getStatus().getReportCycle()).isEqualTo(30000);

        assertThat(service.registry().mapper("virtual")).hasValueSatisfying(status -> {
            assertThat(status.name()).isEqualTo("virtual-mapper");
            assertThat(status.address()).isEqualTo(mapper.socket().toString());
        });
        assertThat(service.registry().claims("virtual")).isTrue();
        assertThat(service.registry().claims("modbus")).isFalse();
        await().atMost(WAIT).until(() -> !claims.isEmpty() && claims.get(claims.size() - 1).contains("virtual"));
    }

    @Test
    void storeChangesArePushedToTheMapperInOrder() throws Exception {
        FakeMapper mapper = mapper("virtual");
        register("virtual", mapper.socket());

        store.put(Resources.device("t3", "thermo", "virtual", NODE, "30"), "test");
        await().atMost(WAIT).until(() -> mapper.received(RegisterDeviceRequest.class).size() == 1);
        assertThat(mapper.received(RegisterDeviceRequest.class).get(0).getDevice().getName()).isEqualTo("t3");

        store.put(Resources.device("t1", "thermo", "virtual", NODE, "25"), "test");
        await().atMost(WAIT).until(() -> mapper.received(UpdateDeviceRequest.class).size() == 1);
        assertThat(mapper.received(UpdateDeviceRequest.class).get(0).getDevice().getSpec().getProperties(0)
                .getDesired().getValue()).isEqualTo("25");

        // a status-only change does not restart the device in the mapper
        var withStatus = Resources.device("t1", "thermo", "virtual", NODE, "25");
        withStatus.putObject("status").put("state", "online");
        store.put(withStatus, "test");
        // devices of other nodes and other protocols never reach this mapper
        store.put(Resources.device("elsewhere", "thermo", "virtual", "node-2", "99"), "test");
        store.put(Resources.device("m1", "thermo", "modbus", NODE, "99"), "test");
        store.delete(ObjectKey.of(Kinds.DEVICE, "default", "t2"));
        await().atMost(WAIT).until(() -> mapper.received(RemoveDeviceRequest.class).size() == 1);
        assertThat(mapper.received(RemoveDeviceRequest.class).get(0).getDeviceName()).isEqualTo("t2");
        assertThat(mapper.received(UpdateDeviceRequest.class)).hasSize(1);
        assertThat(mapper.received(RegisterDeviceRequest.class)).hasSize(1);

        // a new model is created before the device that uses it is registered
        store.put(Resources.device("t4", "sensor", "virtual", NODE, "1"), "test");
        store.put(Resources.model("sensor", "virtual"), "test");
        await().atMost(WAIT).until(() -> mapper.received(RegisterDeviceRequest.class).size() == 2);
        int created = mapper.received.indexOf(mapper.received(CreateDeviceModelRequest.class).get(0));
        int registered = mapper.received.indexOf(mapper.received(RegisterDeviceRequest.class).get(1));
        assertThat(created).isLessThan(registered);

        // a model change is pushed, and so are the devices whose merged settings it changes
        var model = Resources.model("thermo", "virtual");
        ((com.fasterxml.jackson.databind.node.ObjectNode) model.path("spec").path("protocolConfigData"))
                .put("baudRate", 19200);
        ((com.fasterxml.jackson.databind.node.ObjectNode) model.path("spec").path("properties").path(0))
                .put("unit", "K");
        store.put(model, "test");
        await().atMost(WAIT).untilAsserted(() -> assertThat(mapper.received.stream()
                .map(m -> m.getClass().getSimpleName()).toList()).endsWith("UpdateDeviceModelRequest",
                        "UpdateDeviceRequest", "UpdateDeviceRequest"));
        assertThat(mapper.received(UpdateDeviceRequest.class).subList(1, 3))
                .extracting(request -> request.getDevice().getName()).containsExactlyInAnyOrder("t1", "t3");
    }

    @Test
    void twinReportsBecomeTwinUpdatesWithTheModelType() {
        client.reportDeviceStatus(report("t1", "temperature", "21"));

        assertThat(twins.requests).hasSize(1);
        TwinRequest request = twins.requests.get(0);
        assertThat(request.operation()).isEqualTo(TwinOperation.TWIN_UPDATE);
        assertThat(request.target()).isEqualTo("default/t1");
        assertThat(request.origin()).isEqualTo(TwinOrigin.MAPPER);
        assertThat(request.json().path("timestamp").asLong()).isEqualTo(1767225600000L);
        var twin = request.json().path("twin").path("temperature");
        assertThat(twin.path("actual").path("value").asText()).isEqualTo("21");
        assertThat(twin.has("expected")).as("a mapper never sets the desired value").isFalse();
        assertThat(twin.path("metadata").path("type").asText()).isEqualTo("int");
    }

    @Test
    void oneTwinUpdatePerReportedTwin() {
        client.reportDeviceStatus(report("t1", "temperature", "21").toBuilder()
                .setReportedDevice(DeviceStatus.newBuilder()
                        .addTwins(Twin.newBuilder().setPropertyName("temperature")
                                .setReported(TwinProperty.newBuilder().setValue("22")))
                        .addTwins(Twin.newBuilder().setPropertyName("label")
                                .setReported(TwinProperty.newBuilder().setValue("hall"))))
                .build());

        assertThat(twins.requests).hasSize(2);
        assertThat(twins.requests.get(0).json().path("twin").path("temperature").has("expected")).isFalse();
        assertThat(twins.requests.get(1).json().path("twin").path("label").path("metadata").path("type").asText())
                .isEqualTo("string");
    }

    @Test
    void stateReportsBecomeStateUpdates() {
        client.reportDeviceStates(ReportDeviceStatesRequest.newBuilder().setDeviceName("t2").setState("online").build());

        assertThat(twins.requests).singleElement().satisfies(request -> {
            assertThat(request.operation()).isEqualTo(TwinOperation.STATE_UPDATE);
            assertThat(request.target()).isEqualTo("default/t2");
            assertThat(request.origin()).isEqualTo(TwinOrigin.MAPPER);
            assertThat(request.json().path("state").asText()).isEqualTo("online");
        });
    }

    @Test
    void badRequestsGetClearStatusCodes() {
        assertCode(() -> client.reportDeviceStatus(ReportDeviceStatusRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "deviceName");
        assertCode(() -> client.reportDeviceStatus(report("ghost", "temperature", "1")),
                Status.Code.NOT_FOUND, "default/ghost");
        assertCode(() -> client.reportDeviceStatus(report("elsewhere", "temperature", "1")),
                Status.Code.NOT_FOUND, "not a device of this node");
        assertCode(() -> client.reportDeviceStatus(ReportDeviceStatusRequest.newBuilder().setDeviceName("t1").build()),
                Status.Code.INVALID_ARGUMENT, "reportedDevice");
        assertCode(() -> client.reportDeviceStatus(ReportDeviceStatusRequest.newBuilder().setDeviceName("t1")
                        .setReportedDevice(DeviceStatus.newBuilder().addTwins(Twin.newBuilder()
                                .setPropertyName("temperature"))).build()),
                Status.Code.INVALID_ARGUMENT, "no reported value");
        assertCode(() -> client.reportDeviceStates(ReportDeviceStatesRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "deviceName");
        assertCode(() -> client.reportDeviceStates(ReportDeviceStatesRequest.newBuilder().setDeviceName("t1").build()),
                Status.Code.INVALID_ARGUMENT, "state");
        assertCode(() -> client.mapperRegister(MapperRegisterRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "mapper");
        assertCode(() -> client.mapperRegister(MapperRegisterRequest.newBuilder().setWithData(true)
                        .setMapper(MapperInfo.newBuilder().setName("x").setAddress(ByteString.copyFromUtf8("/tmp/x.sock")))
                        .build()),
                Status.Code.INVALID_ARGUMENT, "protocol");
        assertThat(twins.requests).isEmpty();

        twins.replies.put("default/t1", new TwinReply(400, "the value type is not allowed", null, 0));
        assertCode(() -> client.reportDeviceStatus(report("t1", "temperature", "x")),
                Status.Code.INVALID_ARGUMENT, "the value type is not allowed");
        twins.hang = true;
        assertCode(() -> client.reportDeviceStatus(report("t2", "temperature", "1")),
                Status.Code.DEADLINE_EXCEEDED, "did not answer");
    }

    @Test
    void registrationWithoutDataDoesNotMakeAPushTarget() {
        MapperRegisterResponse response = client.mapperRegister(MapperRegisterRequest.newBuilder()
                .setMapper(MapperInfo.newBuilder().setName("quiet").setProtocol("virtual")
                        .setAddress(ByteString.copyFromUtf8(dir.resolve("quiet.sock").toString())))
                .build());
        assertThat(response.getDeviceListCount()).isZero();
        assertThat(service.registry().mappers()).isEmpty();
    }

    @Test
    void anUnreachableMapperIsRetriedWithBackOffAndNeverBlocksTheServer() throws Exception {
        Path socket = dir.resolve("late.sock");
        register("virtual", socket);
        store.put(Resources.device("t3", "thermo", "virtual", NODE, "30"), "test");

        await().atMost(WAIT).until(() -> service.registry().mapper("virtual").orElseThrow().state()
                == MapperState.UNREACHABLE);
        assertThat(service.registry().claims("virtual")).isFalse();
        assertThat(service.registry().mapper("virtual").orElseThrow().pending()).isEqualTo(1);
        await().atMost(WAIT).until(() -> claims.isEmpty() || claims.get(claims.size() - 1).isEmpty());
        // the server keeps answering while the mapper is away
        long before = System.nanoTime();
        client.reportDeviceStatus(report("t1", "temperature", "21"));
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));

        FakeMapper mapper = new FakeMapper(socket);
        toClose.add(mapper);
        await().atMost(WAIT).until(() -> mapper.received(RegisterDeviceRequest.class).size() == 1);
        await().atMost(WAIT).until(() -> service.registry().claims("virtual"));
        assertThat(service.registry().mapper("virtual").orElseThrow().pending()).isZero();
    }

    @Test
    void aMapperThatDoesNotAnswerIsRetriedAfterTheDeadline() throws Exception {
        FakeMapper mapper = mapper("silent");
        mapper.silent = true;
        register("virtual", mapper.socket());
        store.put(Resources.device("t3", "thermo", "virtual", NODE, "30"), "test");

        await().atMost(WAIT).until(() -> mapper.received(RegisterDeviceRequest.class).size() >= 2);
        assertThat(service.registry().mapper("virtual").orElseThrow().lastError()).contains("DEADLINE_EXCEEDED");
        mapper.silent = false;
        await().atMost(WAIT).until(() -> service.registry().mapper("virtual").orElseThrow().pending() == 0);
    }

    @Test
    void aRefusedPushIsNotRetried() throws Exception {
        FakeMapper mapper = mapper("refusing");
        mapper.refuseRegister = Status.UNKNOWN.withDescription("device already exists");
        register("virtual", mapper.socket());
        store.put(Resources.device("t3", "thermo", "virtual", NODE, "30"), "test");
        store.put(Resources.device("t1", "thermo", "virtual", NODE, "31"), "test");

        await().atMost(WAIT).until(() -> mapper.received(UpdateDeviceRequest.class).size() == 1);
        assertThat(mapper.received(RegisterDeviceRequest.class)).hasSize(1);
        assertThat(service.registry().mapper("virtual").orElseThrow().lastError()).contains("device already exists");
        assertThat(service.registry().claims("virtual")).isTrue();
    }

    @Test
    void mappersAreRedialledAfterARestart() throws Exception {
        FakeMapper mapper = mapper("virtual");
        register("virtual", mapper.socket());
        service.close();
        service = null;
        assertThat(Files.readString(settings().registryFile())).contains("virtual-mapper", mapper.socket().toString());

        service = start();
        await().atMost(WAIT).until(() -> service.registry().mapper("virtual").map(s -> s.state())
                .orElse(null) == MapperState.REACHABLE);
        // nothing is pushed for what the mapper already has; changes are
        store.put(Resources.device("t1", "thermo", "virtual", NODE, "40"), "test");
        await().atMost(WAIT).until(() -> mapper.received(UpdateDeviceRequest.class).size() == 1);
        assertThat(mapper.received(RegisterDeviceRequest.class)).isEmpty();
    }

    @Test
    void aNewRegistrationForTheProtocolReplacesTheOldMapper() throws Exception {
        FakeMapper first = mapper("first");
        FakeMapper second = mapper("second");
        register("virtual", first.socket());
        register("virtual", second.socket());
        store.put(Resources.device("t3", "thermo", "virtual", NODE, "30"), "test");

        await().atMost(WAIT).until(() -> second.received(RegisterDeviceRequest.class).size() == 1);
        assertThat(first.received).isEmpty();
        assertThat(service.registry().mappers()).singleElement()
                .satisfies(status -> assertThat(status.address()).isEqualTo(second.socket().toString()));
    }

    private static String unpackString(com.google.protobuf.Any any) throws InvalidProtocolBufferException {
        return any.unpack(StringValue.class).getValue();
    }

    private static void assertCode(Runnable call, Status.Code code, String text) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(text);
        });
    }
}
