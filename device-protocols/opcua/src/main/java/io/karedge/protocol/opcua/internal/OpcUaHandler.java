package io.karedge.protocol.opcua.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.BaseDeviceHandler;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.PushingHandler;
import io.karedge.device.driver.StateDetail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OPC UA device: a member of its server's shared session. Its properties are monitored items (sampled at
 * each property's collect cycle, reported on change), and their last values are reported again at the report
 * cycle so that a value that does not change still reaches the twin. {@code read} is one Read request for the
 * whole batch; {@code write} converts the twin value to the node's data type and writes it, and the values
 * written are written again after the session comes back.
 */
final class OpcUaHandler extends BaseDeviceHandler implements PushingHandler, ServerConnection.Member {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaHandler.class);

    private final ServerSettings settings;
    private final OpcUaDriver driver;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Monitored> monitored = new ConcurrentHashMap<>();
    private final Map<String, PropertyWrite> written = new ConcurrentHashMap<>();
    private final Map<String, PropertyWrite> pending = new ConcurrentHashMap<>();
    private final Map<NodeId, OpcUaDataType> dataTypes = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private ServerConnection connection;

    /**
     * A pushed property: its request, node, last value, when that value was last reported and the timer that
     * reports it again. Guarded by its own monitor, which is held while its values are reported, so that a
     * report of the unchanged value never overtakes the report of a change.
     */
    private static final class Monitored {
        final PropertyRequest request;
        final OpcUaVisitor visitor;
        final long cycleNanos;
        PropertyValue last;
        long reportedAt;
        ScheduledFuture<?> again;

        Monitored(PropertyRequest request, OpcUaVisitor visitor) {
            this.request = request;
            this.visitor = visitor;
            this.cycleNanos = TimeUnit.MILLISECONDS.toNanos(request.property().reportCycleMillis());
        }
    }

    OpcUaHandler(Device device, DeviceCallback callback, ServerSettings settings, OpcUaDriver driver,
                 ScheduledExecutorService scheduler) {
        super(device, callback);
        this.settings = settings;
        this.driver = driver;
        this.scheduler = scheduler;
    }

    private ServerConnection connection() throws DriverException {
        synchronized (lock) {
            ensureOpen();
            if (connection == null) {
                connection = driver.join(settings, this);
            }
            return connection;
        }
    }

    // ------------------------------------------------------------------ pushing

    @Override
    public List<PropertyRequest> subscribe(List<PropertyRequest> requests) throws DriverException {
        List<PropertyRequest> accepted = new ArrayList<>();
        List<ServerConnection.Watch> watches = new ArrayList<>();
        for (PropertyRequest request : requests) {
            OpcUaVisitor visitor;
            try {
                visitor = OpcUaVisitor.of(request);
            } catch (IllegalArgumentException e) {
                continue;
            }
            monitored.put(request.name(), new Monitored(request, visitor));
            watches.add(new ServerConnection.Watch(this, request.name(), visitor.nodeId(),
                    request.property().collectCycleMillis()));
            accepted.add(request);
        }
        ServerConnection target = connection();
        target.watch(this, watches);
        return accepted;
    }

    /** A value from the subscription: reported at once, and again one report cycle later if it does not change. */
    @Override
    public void value(String property, DataValue value) {
        Monitored m = monitored.get(property);
        if (m == null || isClosed()) {
            return;
        }
        report(m, convert(m.request, m.visitor, value));
    }

    @Override
    public void itemFailed(String property, String why) {
        Monitored m = monitored.get(property);
        if (m == null || isClosed()) {
            return;
        }
        report(m, PropertyValue.failed(property, why));
    }

    private void report(Monitored m, PropertyValue reading) {
        synchronized (m) {
            if (isClosed()) {
                return;
            }
            m.last = reading;
            callback.reportValues(List.of(reading));
            // after the callback: the manager's own clock for this report never runs ahead of ours
            m.reportedAt = System.nanoTime();
            if (reading.ok() && m.again == null) {
                scheduleAgain(m, m.cycleNanos);
            }
        }
    }

    /**
     * Reports the last value of a property again when it has not been reported for a whole report cycle; a
     * report in between (a change) moves the next one to a cycle after it. One timer per property at most.
     */
    private void reportAgain(Monitored m) {
        synchronized (m) {
            m.again = null;
            PropertyValue last = m.last;
            if (isClosed() || last == null || !last.ok()) {
                return;
            }
            long left = m.reportedAt + m.cycleNanos - System.nanoTime();
            if (left > 0) {
                scheduleAgain(m, left);
                return;
            }
            callback.reportValues(List.of(new PropertyValue(last.property(), last.value(), last.type(),
                    Instant.now(), null)));
            m.reportedAt = System.nanoTime();
            scheduleAgain(m, m.cycleNanos);
        }
    }

    // called holding m's monitor
    private void scheduleAgain(Monitored m, long delayNanos) {
        try {
            m.again = scheduler.schedule(() -> reportAgain(m), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("OPC UA driver stopping; {} of {} not reported again", m.request.name(), device.id());
        }
    }

    @Override
    public void connectionUp(boolean restored, String why) {
        if (isClosed()) {
            return;
        }
        callback.reportState(DeviceState.ONLINE, why);
        if ((restored && !written.isEmpty()) || !pending.isEmpty()) {
            driver.workers().execute(() -> writeAgain(restored));
        }
    }

    @Override
    public void connectionDown(StateDetail detail, String why) {
        if (!isClosed()) {
            callback.reportState(DeviceState.OFFLINE, detail, why);
        }
    }

    /**
     * When the session is (back) up: the desired values refused while it was down, and after a reconnect the
     * values written before, go to the (possibly restarted) server.
     */
    private void writeAgain(boolean restored) {
        Map<String, PropertyWrite> due = new LinkedHashMap<>();
        if (restored) {
            due.putAll(written);
        }
        due.putAll(pending);
        List<PropertyWrite> again = new ArrayList<>(due.values());
        if (again.isEmpty() || isClosed()) {
            return;
        }
        try {
            List<PropertyValue> results = write(again);
            List<PropertyValue> ok = results.stream().filter(PropertyValue::ok).toList();
            results.stream().filter(r -> !r.ok()).forEach(r -> LOG.warn("OPC UA device {}: writing {} again after "
                    + "the reconnect failed: {}", device.id(), r.property(), r.error()));
            if (!ok.isEmpty() && !isClosed()) {
                callback.reportValues(ok);
            }
            LOG.info("OPC UA device {}: wrote {} desired value(s) again on the new session", device.id(), ok.size());
        } catch (DriverException e) {
            LOG.info("OPC UA device {}: desired values not written again yet: {}", device.id(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
        ensureOpen();
        PropertyValue[] results = new PropertyValue[requests.size()];
        List<ReadValueId> ids = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<OpcUaVisitor> visitors = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            PropertyRequest request = requests.get(i);
            try {
                OpcUaVisitor visitor = OpcUaVisitor.of(request);
                ids.add(new ReadValueId(visitor.nodeId(), AttributeId.Value.uid(), null, null));
                positions.add(i);
                visitors.add(visitor);
            } catch (IllegalArgumentException e) {
                results[i] = PropertyValue.failed(request.name(), e.getMessage());
            }
        }
        if (!ids.isEmpty()) {
            DataValue[] values = readValues(ids);
            for (int k = 0; k < positions.size(); k++) {
                int i = positions.get(k);
                DataValue value = values != null && k < values.length ? values[k] : null;
                results[i] = value == null
                        ? PropertyValue.failed(requests.get(i).name(), "no result from the server")
                        : convert(requests.get(i), visitors.get(k), value);
            }
        }
        ensureOpen();
        return List.of(results);
    }

    private DataValue[] readValues(List<ReadValueId> ids) throws DriverException {
        OpcUaClient client = connection().awaitClient(settings.timeoutMillis()).orElseThrow(this::notUp);
        try {
            ReadResponse response = client.readAsync(0, TimestampsToReturn.Both, ids)
                    .get(settings.timeoutMillis() + 500, TimeUnit.MILLISECONDS);
            return response.getResults();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("read from " + settings + " interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new DriverException("read from " + settings + " failed: " + SessionClients.message(e), e);
        }
    }

    private DriverException notUp() {
        ServerConnection current;
        synchronized (lock) {
            current = connection;
        }
        return current == null ? new DriverException("not connected to " + settings)
                : new DriverException(current.notUpDetail(), current.notUpReason());
    }

    private static PropertyValue convert(PropertyRequest request, OpcUaVisitor visitor, DataValue value) {
        StatusCode status = value.getStatusCode();
        if (status != null && status.isBad()) {
            return PropertyValue.failed(request.name(), "property " + request.name() + " (node " + visitor + "): "
                    + Variants.statusName(status));
        }
        try {
            return PropertyValue.of(request.name(), Variants.toTwin(value.getValue(), request.type()), request.type());
        } catch (IllegalArgumentException e) {
            return PropertyValue.failed(request.name(), "property " + request.name() + " (node " + visitor + "): "
                    + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    protected String readValue(PropertyRequest request) throws PropertyException, DriverException {
        PropertyValue value = read(List.of(request)).get(0);
        if (!value.ok()) {
            throw new PropertyException(value.error());
        }
        return value.value();
    }

    @Override
    protected String writeValue(PropertyRequest target, String value) throws PropertyException, DriverException {
        OpcUaVisitor visitor;
        try {
            visitor = OpcUaVisitor.of(target);
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e.getMessage());
        }
        Optional<OpcUaClient> up = connection().awaitClient(settings.timeoutMillis());
        if (up.isEmpty()) {
            pending.put(target.name(), new PropertyWrite(target, value));
            DriverException down = notUp();
            throw new DriverException(down.getMessage() + "; " + target.name() + " is written when the session is up");
        }
        OpcUaClient client = up.get();
        OpcUaDataType dataType = dataType(client, target, visitor);
        Variant variant;
        try {
            variant = Variants.fromTwin(value, dataType);
        } catch (IllegalArgumentException e) {
            throw new PropertyException("property " + target.name() + " (node " + visitor + ", " + dataType + "): "
                    + e.getMessage());
        }
        WriteValue write = new WriteValue(visitor.nodeId(), AttributeId.Value.uid(), null, DataValue.valueOnly(variant));
        StatusCode status;
        try {
            WriteResponse response = client.writeAsync(List.of(write))
                    .get(settings.timeoutMillis() + 500, TimeUnit.MILLISECONDS);
            status = response.getResults() == null || response.getResults().length == 0
                    ? null : response.getResults()[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("write to " + settings + " interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new DriverException("write to " + settings + " failed: " + SessionClients.message(e), e);
        }
        if (status == null || status.isBad()) {
            throw new PropertyException("property " + target.name() + " (node " + visitor + "): the server refused "
                    + "the write: " + (status == null ? "no result" : Variants.statusName(status)));
        }
        written.put(target.name(), new PropertyWrite(target, value));
        pending.remove(target.name());
        return Variants.toTwin(variant, target.type());
    }

    /**
     * Writes the batch; while the session is down the whole batch is kept and written when it is up again
     * (the call still fails: nothing was written yet).
     */
    @Override
    public List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException {
        ensureOpen();
        if (connection().awaitClient(settings.timeoutMillis()).isEmpty()) {
            writes.forEach(w -> pending.put(w.name(), w));
            DriverException down = notUp();
            throw new DriverException(down.getMessage() + "; the desired value(s) are written when the session is up");
        }
        return super.write(writes);
    }

    /** The node's type: the built-in type of its current value, or its DataType attribute; cached per node. */
    private OpcUaDataType dataType(OpcUaClient client, PropertyRequest target, OpcUaVisitor visitor)
            throws PropertyException, DriverException {
        OpcUaDataType known = dataTypes.get(visitor.nodeId());
        if (known != null) {
            return known;
        }
        List<ReadValueId> ids = List.of(
                new ReadValueId(visitor.nodeId(), AttributeId.Value.uid(), null, null),
                new ReadValueId(visitor.nodeId(), AttributeId.DataType.uid(), null, null));
        DataValue[] values;
        try {
            values = client.readAsync(0, TimestampsToReturn.Neither, ids)
                    .get(settings.timeoutMillis() + 500, TimeUnit.MILLISECONDS).getResults();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("read from " + settings + " interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new DriverException("reading the data type of " + visitor + " from " + settings + " failed: "
                    + SessionClients.message(e), e);
        }
        if (values == null || values.length < 2) {
            throw new PropertyException("property " + target.name() + " (node " + visitor + "): no data type");
        }
        if (values[1].getStatusCode() != null && values[1].getStatusCode().isBad()) {
            throw new PropertyException("property " + target.name() + " (node " + visitor + "): "
                    + Variants.statusName(values[1].getStatusCode()));
        }
        OpcUaDataType type = values[0].getValue() == null ? null : values[0].getValue().getDataType().orElse(null);
        if (type == null && values[1].getValue() != null && values[1].getValue().getValue() instanceof NodeId id) {
            type = OpcUaDataType.fromNodeId(id);
        }
        if (type == null) {
            throw new PropertyException("property " + target.name() + " (node " + visitor + "): its data type is not "
                    + "a built-in scalar type; it cannot be written from a twin value");
        }
        dataTypes.put(visitor.nodeId(), type);
        return type;
    }

    // ------------------------------------------------------------------ closing

    @Override
    protected void onClose() {
        for (Monitored m : monitored.values()) {
            synchronized (m) {
                if (m.again != null) {
                    m.again.cancel(false);
                    m.again = null;
                }
            }
        }
        ServerConnection current;
        synchronized (lock) {
            current = connection;
            connection = null;
        }
        if (current != null) {
            ServerConnection leaving = current;
            try {
                driver.workers().execute(() -> leaving.leave(this));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                leaving.leave(this);
            }
        }
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        monitored.forEach((k, v) -> shown.put(k, v.visitor.toString()));
        return "OpcUaHandler[" + device.id() + " on " + settings + ", " + shown + "]";
    }
}
