package io.karedge.device.driver;

import io.karedge.api.device.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A base for handlers that read and write one property at a time. It turns the batch calls into calls
 * of {@link #readValue} and {@link #writeValue}, makes a {@link PropertyException} (or a runtime
 * exception) a failed result for that property only, lets a {@link DriverException} fail the whole batch,
 * and keeps the closed state: {@code close()} is idempotent and calls {@link #onClose()} once, and calls
 * after it fail with a {@link DriverException}.
 *
 * <p>Subclasses keep the threading contract of {@link DeviceHandler}: no call for this handler is
 * concurrent with another, except {@code close()}, which may come while a read still runs.
 *
 * @since 0.2
 */
public abstract class BaseDeviceHandler implements DeviceHandler {

    protected final Device device;
    protected final DeviceCallback callback;
    private volatile boolean closed;

    protected BaseDeviceHandler(Device device, DeviceCallback callback) {
        this.device = Objects.requireNonNull(device, "device");
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /**
     * Reads one property.
     *
     * @return the value in twin form (see {@link PropertyValue})
     * @throws PropertyException if only this property failed
     * @throws DriverException   if the device cannot be reached
     */
    protected abstract String readValue(PropertyRequest request) throws PropertyException, DriverException;

    /**
     * Writes one property. The default refuses: the property is read-only for this driver.
     *
     * @return the value the device holds afterwards (by default the written one is assumed)
     * @throws PropertyException if only this property failed
     * @throws DriverException   if the device cannot be reached
     */
    protected String writeValue(PropertyRequest target, String value) throws PropertyException, DriverException {
        throw new PropertyException("property " + target.name() + " cannot be written by this driver");
    }

    /** Releases resources; called once by {@link #close()}. Must not block or throw. */
    protected void onClose() {
    }

    @Override
    public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
        ensureOpen();
        List<PropertyValue> results = new ArrayList<>(requests.size());
        for (PropertyRequest request : requests) {
            try {
                results.add(PropertyValue.of(request.name(), readValue(request), request.type()));
            } catch (PropertyException | RuntimeException e) {
                results.add(PropertyValue.failed(request.name(), message(e)));
            }
            ensureOpen();
        }
        return results;
    }

    @Override
    public List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException {
        ensureOpen();
        List<PropertyValue> results = new ArrayList<>(writes.size());
        for (PropertyWrite write : writes) {
            try {
                String held = writeValue(write.target(), write.value());
                results.add(PropertyValue.of(write.name(), held == null ? write.value() : held,
                        write.target().type()));
            } catch (PropertyException | RuntimeException e) {
                results.add(PropertyValue.failed(write.name(), message(e)));
            }
        }
        return results;
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            onClose();
        } catch (RuntimeException e) {
            // close must not throw: the manager only logs what it cannot act on
        }
    }

    protected final boolean isClosed() {
        return closed;
    }

    /** @throws DriverException if the handler was closed */
    protected final void ensureOpen() throws DriverException {
        if (closed) {
            throw new DriverException("handler of " + device.id() + " is closed");
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
