package io.karedge.protocol.modbus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.device.Device;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.ConfigKey;
import java.time.Duration;
import java.util.List;

/**
 * Where a Modbus TCP device is: the device's {@code spec.protocol.configData}. Keys as in KubeEdge's modbus
 * mapper: {@code ip} (alias {@code host}), {@code port} (default 502), {@code slaveID} (alias
 * {@code unitID}, default 1), plus {@code timeout} (default 3000 milliseconds; a plain number is
 * milliseconds, {@code 5s} works too) bounding connect and each request.
 */
record ModbusEndpoint(@ConfigKey(value = "ip", aliases = "host", required = true,
                              hint = "the device's host name or address") String host,
                      @ConfigKey(min = 1, max = 65535) int port,
                      @ConfigKey(value = "slaveID", aliases = "unitID", min = 0, max = 255) int unitId,
                      @ConfigKey(min = 1, max = MAX_TIMEOUT_MILLIS) Duration timeout) {

    static final int MAX_TIMEOUT_MILLIS = 60_000;
    static final ModbusEndpoint DEFAULTS = new ModbusEndpoint("localhost", 502, 1, Duration.ofSeconds(3));

    /** Keys of Modbus RTU, which this driver refuses rather than ignores: the device would never answer. */
    private static final List<String> SERIAL = List.of("baudRate", "dataBits", "parity", "serialPort", "stopBits");

    ModbusEndpoint {
        if (host.contains("/") || host.contains(" ")) {
            throw new IllegalArgumentException("ip must be a host name or address, not '" + host + "'");
        }
    }

    /** @throws IllegalArgumentException naming the device and the key when the settings are wrong */
    static ModbusEndpoint of(Device device) {
        JsonNode config = ConfigBinding.protocolConfigData(device);
        for (String key : SERIAL) {
            if (config != null && config.hasNonNull(key)) {
                throw new IllegalArgumentException("device " + device.id() + " protocol configData: " + key
                        + " is a Modbus RTU setting; this driver speaks Modbus TCP only (set ip and port)");
            }
        }
        return ConfigBinding.protocolConfigAs(device, ModbusEndpoint.class);
    }

    int timeoutMillis() {
        return (int) timeout.toMillis();
    }

    @Override
    public String toString() {
        return host + ":" + port + " unit " + unitId;
    }
}
