package io.karedge.device.manager.internal;

/** The device model of the desired-value tests: a PLC on the register driver with one ReadWrite INT setpoint. */
final class SetpointPlc {

    static final String MODEL = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: DeviceModel
            metadata: {name: plc-model, namespace: default}
            spec:
              protocol: register
              properties:
                - {name: setpoint, type: INT, accessMode: ReadWrite}
            """;
    static final String ID = "default/plc-01";

    private SetpointPlc() {
    }
}
