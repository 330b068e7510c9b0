package io.karedge.device.driver;

import io.karedge.api.device.Device;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable driver for tests of the SPI and of the device manager. Each property reads
 * {@code visitors.configData.value} (default {@code "0"}) until a write replaces it. Tests can make
 * validation fail, reads fail or hang, and can inspect what was called: handlers opened and closed, reads,
 * writes, and whether two calls for one handler ever overlapped.
 */
public class StubProtocolDriver implements ProtocolDriver {

    public final List<StubHandler> handlers = new CopyOnWriteArrayList<>();
    public final AtomicInteger reads = new AtomicInteger();
    public final List<PropertyWrite> writes = new CopyOnWriteArrayList<>();
    public final AtomicInteger overlaps = new AtomicInteger();
    private volatile String validationError;
    private volatile String readError;
    private volatile StateDetail readErrorDetail = StateDetail.COMMUNICATION_ERROR;
    private volatile CountDownLatch hang;

    /** Makes validate throw an IllegalArgumentException with this message (null: accept). */
    public StubProtocolDriver rejectValidation(String message) {
        this.validationError = message;
        return this;
    }

    /** Makes every read throw a DriverException with this message (null: succeed). */
    public StubProtocolDriver failReads(String message) {
        return failReads(StateDetail.COMMUNICATION_ERROR, message);
    }

    /** Makes every read throw a DriverException with this detail and message (null message: succeed). */
    public StubProtocolDriver failReads(StateDetail detail, String message) {
        this.readErrorDetail = detail;
        this.readError = message;
        return this;
    }

    /** Makes reads block until the latch opens (null: do not block). */
    public StubProtocolDriver hangReads(CountDownLatch latch) {
        this.hang = latch;
        return this;
    }

    public long openHandlers() {
        return handlers.stream().filter(h -> !h.isClosed()).count();
    }

    @Override
    public void validate(Device device) {
        if (validationError != null) {
            throw new IllegalArgumentException(validationError);
        }
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        StubHandler handler = new StubHandler(device, callback);
        handlers.add(handler);
        return handler;
    }

    /** The stub's handler. */
    public final class StubHandler extends BaseDeviceHandler {

        public final Map<String, String> held = new ConcurrentHashMap<>();
        private final AtomicInteger inside = new AtomicInteger();

        StubHandler(Device device, DeviceCallback callback) {
            super(device, callback);
        }

        public Device device() {
            return device;
        }

        public DeviceCallback callback() {
            return callback;
        }

        public boolean closed() {
            return isClosed();
        }

        @Override
        public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
            enter();
            try {
                reads.incrementAndGet();
                CountDownLatch latch = hang;
                if (latch != null) {
                    try {
                        latch.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new DriverException("interrupted");
                    }
                }
                if (readError != null) {
                    throw new DriverException(readErrorDetail, readError);
                }
                return super.read(requests);
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public List<PropertyValue> write(List<PropertyWrite> batch) throws DriverException {
            enter();
            try {
                writes.addAll(batch);
                return super.write(batch);
            } finally {
                inside.decrementAndGet();
            }
        }

        private void enter() {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
        }

        @Override
        protected String readValue(PropertyRequest request) {
            return held.getOrDefault(request.name(), request.configData().path("value").asText("0"));
        }

        @Override
        protected String writeValue(PropertyRequest target, String value) throws PropertyException {
            if (!target.writable()) {
                throw new PropertyException(target.name() + " is read-only");
            }
            held.put(target.name(), value);
            return value;
        }
    }
}
