package io.karedge.dmi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.twin.TwinRequest;
import io.karedge.dmi.MapperState;
import io.karedge.dmi.internal.proto.MapperRegisterResponse;
import io.karedge.dmi.internal.proto.UpdateDeviceRequest;
import io.karedge.test.support.InMemoryMetaStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desired value against a mapper that behaves like the KubeEdge mapper-framework ({@link FrameworkMapper}):
 * it reaches the mapper, the mapper's reports never overwrite it, a mapper that lags is pushed again, a
 * re-registering mapper gets it, and a mapper that opens its socket after registering is never declared
 * unreachable.
 */
class MapperDesiredTest {

    private static final String NODE = "edge-1";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    private final FakeTwinEngine twins = new FakeTwinEngine();
    private final List<SortedSet<String>> claims = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DmiService service;

    @BeforeEach
    void start() throws Exception {
        store.put(Resources.model("thermo", "virtual"), "test");
        store.put(Resources.device("t1", "thermo", "virtual", NODE, "20"), "test");
        service = new DmiService(new DmiSettings(dir.resolve("dmi.sock"), dir.resolve("dmi-mappers.json"), 500, 2000,
                50, 400, 2000, 0, 1, 3000), NODE, store, twins, claims::add, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        service.close();
    }

    private FrameworkMapper mapper() {
        FrameworkMapper mapper = new FrameworkMapper(dir.resolve("dmi.sock"), dir.resolve("virtual.sock"), "virtual",
                200);
        toClose.add(mapper);
        return mapper;
    }

    private static String held(FrameworkMapper mapper) {
        return mapper.desired.getOrDefault("default/t1", Map.of()).get("temperature");
    }

    @Test
    void aMapperThatOpensItsSocketAfterRegisteringKeepsItsClaim() throws Exception {
        FrameworkMapper mapper = mapper();
        mapper.start();
        await().atMost(WAIT).until(() -> mapper.reports.get() >= 3);
        service.catalog().desired("default", "t1", Map.of("temperature", "31"));
        await().atMost(WAIT).until(() -> "31".equals(held(mapper)));

        var status = service.registry().mapper("virtual").orElseThrow();
        assertThat(status.state()).isEqualTo(MapperState.REACHABLE);
        assertThat(status.devices()).isEqualTo(1);
        assertThat(status.lastReport()).isNotNull();
        assertThat(claims).as("the claim never lapsed").allSatisfy(claimed -> assertThat(claimed).contains("virtual"));
    }

    @Test
    void aMapperReportingInSteadyStateLogsNoWarning() throws Exception {
        FrameworkMapper mapper = mapper();
        mapper.start();
        await().atMost(WAIT).until(() -> mapper.reports.get() >= 2);
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int reports = mapper.reports.get();
            await().atMost(WAIT).until(() -> mapper.reports.get() >= reports + 5);
        } finally {
            System.setErr(original);
        }
        assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8)).as("log while reporting")
                .doesNotContain("WARN");
    }

    @Test
    void anEdgeValueReachesTheMapperAndItsReportsNeverOverwriteIt() throws Exception {
        FrameworkMapper mapper = mapper();
        mapper.start();
        assertThat(held(mapper)).isEqualTo("20");

        assertThat(service.catalog().desired("default", "t1", Map.of("temperature", "42"))).isTrue();
        await().atMost(WAIT).until(() -> "42".equals(held(mapper)));
        assertThat(mapper.server().received(UpdateDeviceRequest.class)).last().satisfies(update -> assertThat(
                update.getDevice().getSpec().getProperties(0).getDesired().getValue()).isEqualTo("42"));
        int reports = mapper.reports.get();
        await().atMost(WAIT).until(() -> mapper.reports.get() >= reports + 3);
        assertThat(twins.requests).isNotEmpty().allSatisfy(request -> assertThat(request.json().path("twin")
                .path("temperature").has("expected")).as("a report sets no desired value").isFalse());
        assertThat(service.catalog().desired("default", "nobody", Map.of("temperature", "1"))).isFalse();
    }

    @Test
    void aMapperThatHoldsAnOlderValueIsPushedAgain() throws Exception {
        FrameworkMapper mapper = mapper();
        mapper.start();
        service.catalog().desired("default", "t1", Map.of("temperature", "42"));
        await().atMost(WAIT).until(() -> "42".equals(held(mapper)));
        int updates = mapper.updates.get();

        mapper.desired.get("default/t1").put("temperature", "20"); // the mapper restarted the device from an old spec
        await().atMost(WAIT).until(() -> mapper.updates.get() > updates && "42".equals(held(mapper)));
        assertThat(mapper.device.get("default/t1")).containsEntry("temperature", "42");
        int more = mapper.reports.get();
        await().atMost(WAIT).until(() -> mapper.reports.get() >= more + 2);
        assertThat(service.registry().mapper("virtual").orElseThrow().state()).isEqualTo(MapperState.REACHABLE);
        assertThat(claims).as("a push started by a report is not cancelled with the report's call")
                .allSatisfy(claimed -> assertThat(claimed).contains("virtual"));
    }

    @Test
    void afterANodeRestartTheMapperKeepsTheTwinsValueAndIsNeverSentTheSpecs() throws Exception {
        twins.expected.put("default/t1", new java.util.concurrent.ConcurrentHashMap<>(Map.of("temperature", "20")));
        FrameworkMapper mapper = mapper();
        mapper.start();
        twins.expected.get("default/t1").put("temperature", "42"); // a REST write, accepted by the twin
        service.twinChanged(new io.karedge.api.twin.TwinChange("default/t1", io.karedge.api.twin.TwinOrigin.REST,
                twins.device("default/t1").orElseThrow().twins(), null, List.of()));
        await().atMost(WAIT).until(() -> "42".equals(held(mapper)));

        service.close(); // the node stops; the mapper keeps running and holds 42
        service = new DmiService(new DmiSettings(dir.resolve("dmi.sock"), dir.resolve("dmi-mappers.json"), 500, 2000,
                50, 400, 2000, 0, 1, 3000), NODE, store, twins, claims::add, Clock.systemUTC());
        int reports = mapper.reports.get();
        await().atMost(WAIT).until(() -> mapper.reports.get() >= reports + 5);

        assertThat(held(mapper)).isEqualTo("42");
        assertThat(mapper.server().received(UpdateDeviceRequest.class)).extracting(update -> update.getDevice()
                .getSpec().getProperties(0).getDesired().getValue()).as("never the spec's 20 again").containsOnly("42");
    }

    @Test
    void aMapperThatRegistersAgainGetsTheEdgeValue() throws Exception {
        FrameworkMapper first = mapper();
        first.start();
        service.catalog().desired("default", "t1", Map.of("temperature", "42"));
        await().atMost(WAIT).until(() -> "42".equals(held(first)));
        first.close();
        toClose.remove(first);

        FrameworkMapper restarted = mapper();
        MapperRegisterResponse answer = restarted.start();
        assertThat(answer.getDeviceList(0).getSpec().getProperties(0).getDesired().getValue()).isEqualTo("42");
        assertThat(held(restarted)).isEqualTo("42");
        List<TwinRequest> before = List.copyOf(twins.requests);
        assertThat(before).allSatisfy(request -> assertThat(request.json().path("twin").path("temperature")
                .has("expected")).isFalse());
    }
}
