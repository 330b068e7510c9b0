package io.karedge.device.manager.internal;

import io.karedge.device.driver.StateDetail;
import io.karedge.device.manager.DeviceRunState;
import java.time.Instant;

/**
 * Where one device stands: its run state with the detail and the reason, since when, its last error, and the
 * KubeEdge state last reported to the twin (reported again only when it changes). Written by the device's
 * control and driver threads; each field is read on its own.
 */
final class RunStatus {

    private final String id;
    private final DeviceManager.Context ctx;
    private volatile DeviceRunState state = DeviceRunState.STARTING;
    private volatile StateDetail detail = StateDetail.NONE;
    private volatile String reason = "";
    private volatile Instant since;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile String reportedWireState;

    RunStatus(String id, DeviceManager.Context ctx) {
        this.id = id;
        this.ctx = ctx;
        this.since = ctx.clock().instant();
    }

    /**
     * @param wire the KubeEdge state to report ({@code online}, {@code offline}, …), or null to report none
     * @param reportable whether the device is known yet (a state is reported only for a device with a spec)
     */
    void set(DeviceRunState newState, StateDetail newDetail, String why, String wire, boolean reportable) {
        if (state != newState) {
            since = ctx.clock().instant();
        }
        state = newState;
        detail = newDetail == null ? StateDetail.NONE : newDetail;
        reason = why;
        if (wire != null && !wire.equals(reportedWireState) && reportable) {
            if (ctx.reporter().reportState(id, wire)) {
                reportedWireState = wire;
            }
        }
    }

    void error(String message) {
        lastError = message;
        lastErrorAt = ctx.clock().instant();
    }

    DeviceRunState state() {
        return state;
    }

    StateDetail detail() {
        return detail;
    }

    String reason() {
        return reason;
    }

    Instant since() {
        return since;
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }
}
