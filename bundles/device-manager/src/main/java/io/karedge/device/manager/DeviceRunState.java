package io.karedge.device.manager;

/** Where a device stands in the device manager. */
public enum DeviceRunState {
    /** no driver is registered for the device's protocol (yet) */
    NO_DRIVER,
    /** the device names a DeviceModel this node does not have (yet) */
    NO_MODEL,
    /** the driver is validating and opening the device; no read has completed yet */
    STARTING,
    /** the last read reached the device */
    ONLINE,
    /** the last read failed or timed out; see the reason and last error */
    OFFLINE,
    /** the driver rejected the device's configData; it stays here until the spec changes */
    ERROR,
    /** the device's driver left; it resumes when a driver for the protocol returns */
    PAUSED
}
