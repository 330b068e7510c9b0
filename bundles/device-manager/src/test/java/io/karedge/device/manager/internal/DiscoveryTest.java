package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.DeviceDiscovery;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.StubProtocolDriver;
import io.karedge.device.manager.DiscoveryException;
import io.karedge.device.manager.DiscoveryException.Reason;
import io.karedge.device.manager.DiscoveryResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Device scans through the manager: results, refusals, failures, timeouts, one scan per driver at a time. */
class DiscoveryTest {

    private final Fixture fixture = new Fixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    /** A driver that finds what its scan function says, on whatever thread the manager gives it. */
    static final class ScanningDriver extends StubProtocolDriver implements DeviceDiscovery {

        interface Scan {
            List<DiscoveredDevice> run(Duration timeout) throws Exception;
        }

        final AtomicReference<Scan> scan = new AtomicReference<>();
        final AtomicReference<Thread> scannedOn = new AtomicReference<>();
        final AtomicReference<Duration> given = new AtomicReference<>();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger mostConcurrent = new AtomicInteger();

        ScanningDriver(Scan scan) {
            this.scan.set(scan);
        }

        @Override
        public List<DiscoveredDevice> discover(Duration timeout) throws DriverException {
            scannedOn.set(Thread.currentThread());
            given.set(timeout);
            mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                return scan.get().run(timeout);
            } catch (DriverException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                concurrent.decrementAndGet();
            }
        }
    }

    /** Adds a driver and waits until the manager has taken it in (drivers arrive on its control queue). */
    private void addDriver(String protocol, StubProtocolDriver driver, int ranking) {
        fixture.addDriver(protocol, driver, ranking);
        try {
            assertThat(fixture.component.manager().barrier().await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static DiscoveredDevice found(String name, String... properties) {
        return new DiscoveredDevice(name, "a " + name, KaredgeJson.mapper().createObjectNode()
                .put("endpoint", "opc.tcp://127.0.0.1:4840").put("namespace", name), List.of(properties));
    }

    @Test
    void aScanReturnsWhatTheActiveDriverFoundAndRunsOnAManagerThread() throws Exception {
        ScanningDriver driver = new ScanningDriver(timeout -> List.of(found("boiler", "temperature", "pressure"),
                found("pump")));
        addDriver("fake", driver, 0);

        DiscoveryResult result = fixture.component.discover("fake", Duration.ofSeconds(3));

        assertThat(result.protocol()).isEqualTo("fake");
        assertThat(result.driver()).isEqualTo("test.driver.fake 1.0.0");
        assertThat(result.devices()).extracting(DiscoveredDevice::name).containsExactly("boiler", "pump");
        assertThat(result.devices().get(0).properties()).containsExactly("temperature", "pressure");
        assertThat(result.devices().get(0).protocolConfig().path("namespace").asText()).isEqualTo("boiler");
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(3));
        assertThat(driver.given.get()).isEqualTo(Duration.ofSeconds(3));
        assertThat(driver.scannedOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(driver.scannedOn.get().getName()).startsWith("karedge-discovery-");
    }

    @Test
    void withoutATimeoutTheDefaultIsGivenAndOutOfBoundsTimeoutsAreRefused() throws Exception {
        ScanningDriver driver = new ScanningDriver(timeout -> List.of());
        addDriver("fake", driver, 0);

        assertThat(fixture.component.discover("fake", null).devices()).isEmpty();
        assertThat(driver.given.get()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> fixture.component.discover("fake", Duration.ofSeconds(61)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 60 s");
        assertThatThrownBy(() -> fixture.component.discover("fake", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownProtocolAndADriverWithoutTheAbilityAreNamed() {
        addDriver("stub", new StubProtocolDriver(), 0);

        assertThatThrownBy(() -> fixture.component.discover("modbus", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_DRIVER))
                .hasMessage("no driver for protocol modbus is installed");
        assertThatThrownBy(() -> fixture.component.discover("stub", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(DiscoveryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SUPPORTED))
                .hasMessage("the stub driver test.driver.stub 1.0.0 does not offer discovery");
    }

    @Test
    void theActiveDriverScansNotTheOneStandingBy() throws Exception {
        addDriver("fake", new ScanningDriver(timeout -> List.of(found("standing-by"))), 0);
        addDriver("fake", new ScanningDriver(timeout -> List.of(found("active"))), 10);

        assertThat(fixture.component.discover("fake", Duration.ofSeconds(2)).devices())
                .extracting(DiscoveredDevice::name).containsExactly("active");
    }

    @Test
    void aFailedScanCarriesTheDriversMessage() {
        addDriver("fake", new ScanningDriver(timeout -> {
            throw new DriverException("opc.tcp://127.0.0.1:4840: connection refused");
        }), 0);

        assertThatThrownBy(() -> fixture.component.discover("fake", Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.FAILED))
                .hasMessage("the scan of fake failed: opc.tcp://127.0.0.1:4840: connection refused");
    }

    @Test
    void aScanThatOverrunsIsATimeoutAndItsThreadIsInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        addDriver("fake", new ScanningDriver(timeout -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return List.of();
        }), 0);

        long start = System.nanoTime();
        assertThatThrownBy(() -> fixture.component.discover("fake", Duration.ofMillis(200)))
                .isInstanceOfSatisfying(DiscoveryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT))
                .hasMessage("the scan of fake did not end within 200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(Duration.ofMillis(200).plus(DeviceManagerComponent.SCAN_GRACE).plusSeconds(2));
        assertThat(interrupted.await(2, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSecondScanOfTheSameDriverIsRefusedWhileTheFirstRunsAndAllowedAfter() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScanningDriver driver = new ScanningDriver(timeout -> {
            started.countDown();
            release.await();
            return List.of(found("first"));
        });
        addDriver("fake", driver, 0);
        addDriver("other", new ScanningDriver(timeout -> List.of(found("elsewhere"))), 0);

        CompletableFuture<DiscoveryResult> first = CompletableFuture.supplyAsync(() -> {
            try {
                return fixture.component.discover("fake", Duration.ofSeconds(5));
            } catch (DiscoveryException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> fixture.component.discover("fake", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUSY))
                .hasMessage("a scan of fake is running; try again when it ends");
        assertThat(fixture.component.discover("other", Duration.ofSeconds(1)).devices())
                .extracting(DiscoveredDevice::name).containsExactly("elsewhere");

        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS).devices()).extracting(DiscoveredDevice::name)
                .containsExactly("first");
        driver.scan.set(timeout -> List.of(found("second")));
        assertThat(fixture.component.discover("fake", Duration.ofSeconds(1)).devices())
                .extracting(DiscoveredDevice::name).containsExactly("second");
        assertThat(driver.mostConcurrent.get()).isEqualTo(1);
    }

    @Test
    void aDriverThatIgnoresInterruptStaysBusyUntilItsScanReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScanningDriver driver = new ScanningDriver(timeout -> {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // a driver deaf to interrupts: its scan goes on
                }
            }
            return List.of();
        });
        addDriver("fake", driver, 0);

        assertThatThrownBy(() -> fixture.component.discover("fake", Duration.ofMillis(100)))
                .isInstanceOfSatisfying(DiscoveryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT));
        assertThatThrownBy(() -> fixture.component.discover("fake", Duration.ofMillis(100)))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUSY));

        release.countDown();
        driver.scan.set(timeout -> List.of(found("back")));
        await().atMost(Duration.ofSeconds(3)).ignoreExceptions().untilAsserted(() ->
                assertThat(fixture.component.discover("fake", Duration.ofSeconds(1)).devices()).hasSize(1));
        assertThat(driver.mostConcurrent.get()).isEqualTo(1);
    }
}
