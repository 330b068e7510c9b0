package io.karedge.protocol.virtual.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.BaseDeviceHandler;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.StateDetail;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** One simulated device: a generator per property, created on first use; no threads, no I/O. */
final class VirtualHandler extends BaseDeviceHandler {

    private final DeviceFailure failure;
    private final LongSupplier clock;
    private final Random random;
    private final Map<String, Generator> generators = new HashMap<>();
    private final Map<String, PropertySettings> settings = new HashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    VirtualHandler(Device device, DeviceCallback callback, DeviceFailure failure, LongSupplier clock, Random random) {
        super(device, callback);
        this.failure = failure;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
        switch (failure) {
            case THROW -> throw new IllegalStateException("simulated driver crash (fail: throw)");
            case OFFLINE -> throw new DriverException(StateDetail.COMMUNICATION_ERROR,
                    "device does not answer (fail: offline)");
            case HANG -> hang();
            default -> { }
        }
        return super.read(requests);
    }

    /** Blocks until the handler is closed, ignoring interrupts, like a driver stuck in a blocking socket read. */
    private void hang() throws DriverException {
        boolean interrupted = false;
        while (closed.getCount() > 0) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throw new DriverException(StateDetail.TIMEOUT, "handler closed while hanging (fail: hang)");
    }

    @Override
    protected String readValue(PropertyRequest request) throws PropertyException, DriverException {
        PropertySettings property = settings(request);
        delay(property);
        if (property.failureRate() > 0 && random.nextDouble() < property.failureRate()) {
            throw new PropertyException("simulated read error of " + request.name() + " (failure.rate "
                    + PropertySettings.plain(property.failureRate()) + ")");
        }
        return generator(request).next(clock.getAsLong());
    }

    @Override
    protected String writeValue(PropertyRequest target, String value) throws PropertyException, DriverException {
        delay(settings(target));
        return generator(target).write(value);
    }

    private void delay(PropertySettings property) throws DriverException {
        if (property.latencyMillis() <= 0) {
            return;
        }
        try {
            if (closed.await(property.latencyMillis(), TimeUnit.MILLISECONDS)) {
                ensureOpen();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted during simulated latency");
        }
    }

    private PropertySettings settings(PropertyRequest request) {
        return settings.computeIfAbsent(request.name(), name -> request.configAs(PropertySettings.class));
    }

    private Generator generator(PropertyRequest request) {
        return generators.computeIfAbsent(request.name(), name -> new Generator(name, settings(request), request.type(), random));
    }

    @Override
    protected void onClose() {
        closed.countDown();
    }
}
