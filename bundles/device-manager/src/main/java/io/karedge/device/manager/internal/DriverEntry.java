package io.karedge.device.manager.internal;

import io.karedge.device.driver.DeviceDiscovery;
import io.karedge.device.driver.ProtocolDriver;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One registered driver service, with what the shell shows about it. Ordered by the selection rule:
 * highest ranking first, then lowest service id.
 */
final class DriverEntry {

    static final Comparator<DriverEntry> SELECTION = Comparator.comparingInt(DriverEntry::ranking).reversed()
            .thenComparingLong(DriverEntry::serviceId);

    private final String protocol;
    private final ProtocolDriver driver;
    private final long serviceId;
    private final int ranking;
    private final String bundle;
    private final String version;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    DriverEntry(String protocol, ProtocolDriver driver, long serviceId, int ranking, String bundle, String version) {
        this.protocol = protocol;
        this.driver = driver;
        this.serviceId = serviceId;
        this.ranking = ranking;
        this.bundle = bundle;
        this.version = version;
    }

    String protocol() {
        return protocol;
    }

    ProtocolDriver driver() {
        return driver;
    }

    long serviceId() {
        return serviceId;
    }

    int ranking() {
        return ranking;
    }

    String bundle() {
        return bundle;
    }

    String version() {
        return version;
    }

    String label() {
        return bundle + " " + version;
    }

    void failed(String error) {
        errors.incrementAndGet();
        lastError.set(error);
    }

    long errors() {
        return errors.get();
    }

    String lastError() {
        return lastError.get();
    }

    List<String> abilities() {
        return driver instanceof DeviceDiscovery ? List.of("discovery") : List.of();
    }

    @Override
    public String toString() {
        return protocol + " driver " + label() + " (service " + serviceId + ", ranking " + ranking + ")";
    }
}
