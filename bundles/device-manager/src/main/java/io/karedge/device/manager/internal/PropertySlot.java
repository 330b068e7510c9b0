package io.karedge.device.manager.internal;

import io.karedge.api.device.PushMethod;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.manager.PropertyInfo;
import java.time.Instant;

/**
 * The manager's record of one property of a running device: its cycles, the last reading, and when it
 * was last reported and pushed. Guarded by its own monitor; any thread may touch it.
 */
final class PropertySlot {

    final PropertyRequest request;
    final long collectCycle;
    final long reportCycle;
    final boolean reportToCloud;
    final PushMethod pushMethod;
    private boolean pushed;
    private String value;
    private String type;
    private Instant readAt;
    private String error;
    private Instant reportedAt;
    private Instant pushedAt;
    private String desired;
    private String writeResult;

    PropertySlot(PropertyRequest request, ManagerSettings settings) {
        this.request = request;
        this.collectCycle = settings.collectCycle(request.property().collectCycle());
        this.reportCycle = settings.reportCycle(request.property().reportCycle());
        this.reportToCloud = request.property().reportsToCloud();
        this.pushMethod = request.property().pushMethod();
        this.type = request.type();
    }

    String name() {
        return request.name();
    }

    synchronized void markPushed() {
        pushed = true;
    }

    synchronized boolean pushed() {
        return pushed;
    }

    /** What to do with a reading, decided atomically with recording it. */
    record Outcome(PropertyValue value, boolean reportTwin, boolean push) {
    }

    /**
     * Records a reading and decides whether it is due for the twin and for the push targets: at most once
     * per report cycle, with half a collect cycle of tolerance so that a report cycle that is a multiple
     * of the collect cycle is kept exactly. {@code force} reports at once (the result of a write).
     */
    synchronized Outcome record(PropertyValue reading, Instant now, boolean force) {
        if (!reading.ok()) {
            error = reading.error();
            return new Outcome(reading, false, false);
        }
        value = reading.value();
        if (reading.type() != null) {
            type = reading.type();
        }
        readAt = reading.timestamp();
        error = null;
        PropertyValue typed = new PropertyValue(reading.property(), value, type, reading.timestamp(), null);
        long tolerance = pushed ? 0 : collectCycle / 2;
        boolean twin = reportToCloud && (force || due(reportedAt, now, tolerance));
        boolean push = PushTargets.supported(pushMethod) && due(pushedAt, now, tolerance);
        if (twin) {
            reportedAt = now;
        }
        if (push) {
            pushedAt = now;
        }
        return new Outcome(typed, twin, push);
    }

    private boolean due(Instant last, Instant now, long tolerance) {
        return last == null || now.toEpochMilli() - last.toEpochMilli() >= reportCycle - tolerance;
    }

    synchronized void desired(String newDesired) {
        desired = newDesired;
    }

    synchronized String desired() {
        return desired;
    }

    synchronized void writeResult(String result) {
        writeResult = result;
    }

    synchronized PropertyInfo info() {
        return new PropertyInfo(name(), type, request.writable(), pushed, collectCycle, reportCycle, reportToCloud,
                value, readAt, error, reportedAt, desired, writeResult);
    }
}
