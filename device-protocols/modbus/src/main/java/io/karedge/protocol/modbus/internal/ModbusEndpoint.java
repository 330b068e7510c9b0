package io.karedge.protocol.modbus.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Where a Modbus TCP device is: the device's {@code spec.protocol.configData}. Keys as in KubeEdge's modbus
 * mapper: {@code ip} (alias {@code host}), {@code port} (default 502), {@code slaveID} (alias
 * {@code unitID}, default 1), plus {@code timeout} in milliseconds (default 3000) bounding connect and each
 * request.
 */
record ModbusEndpoint(String host, int port, int unitId, int timeoutMillis) {

    static final int DEFAULT_PORT = 502;
    static final int DEFAULT_UNIT_ID = 1;
    static final int DEFAULT_TIMEOUT_MILLIS = 3000;
    static final int MAX_TIMEOUT_MILLIS = 60_000;

    private static final Set<String> KNOWN = Set.of("ip", "host", "port", "slaveID", "unitID", "timeout");
    private static final Set<String> SERIAL = Set.of("serialPort", "baudRate", "dataBits", "stopBits", "parity");

    static ModbusEndpoint parse(String deviceId, ObjectNode configData) {
        ConfigValues config = new ConfigValues("device " + deviceId + " protocol configData", configData);
        String serial = config.firstPresent(SERIAL.stream().sorted().toArray(String[]::new));
        if (serial != null) {
            throw config.fail(serial + " is a Modbus RTU setting; this driver speaks Modbus TCP only (set ip and port)");
        }
        config.rejectUnknown(KNOWN);
        if (config.has("ip") && config.has("host")) {
            throw config.fail("set ip or host, not both");
        }
        String host = config.has("ip") ? config.text("ip") : config.text("host");
        if (host == null || host.isBlank()) {
            throw config.fail("ip (the device's host name or address) is missing");
        }
        if (host.contains("/") || host.contains(" ")) {
            throw config.fail("ip must be a host name or address, not '" + host + "'");
        }
        long port = config.integer("port", DEFAULT_PORT);
        if (port < 1 || port > 65535) {
            throw config.fail("port must be between 1 and 65535, not " + port);
        }
        if (config.has("slaveID") && config.has("unitID")) {
            throw config.fail("set slaveID or unitID, not both");
        }
        long unit = config.integer(config.has("unitID") ? "unitID" : "slaveID", DEFAULT_UNIT_ID);
        if (unit < 0 || unit > 255) {
            throw config.fail("slaveID must be between 0 and 255, not " + unit);
        }
        long timeout = config.integer("timeout", DEFAULT_TIMEOUT_MILLIS);
        if (timeout < 1 || timeout > MAX_TIMEOUT_MILLIS) {
            throw config.fail("timeout (milliseconds) must be between 1 and " + MAX_TIMEOUT_MILLIS + ", not " + timeout);
        }
        return new ModbusEndpoint(host, (int) port, (int) unit, (int) timeout);
    }

    @Override
    public String toString() {
        return host + ":" + port + " unit " + unitId;
    }
}
